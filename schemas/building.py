"""Build a ``Schema`` from a resolved YAML tree: code lists, fields, rules, calendar and mapping.

Every mistake is noted in a ``Problems`` and a stand-in is used in its place, so that one run
reports them all.
The rules are specifications (kind name + parameters). Whether a kind exists and its parameters
are right is decided by ``refcheck.checks`` when it binds the rules, with the same
``file:line: path: problem`` errors, because the kinds live there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re

from refcheck.schemas.mapping import parse_mapping
from refcheck.schemas.model import NO_MAPPING, REGIONS, Calendar, CodeList, Field, FieldType, RuleSpec, Schema, Severity
from refcheck.schemas.problems import Problems, closest, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.reading import code_entries, entry_id
from refcheck.schemas.shorthands import expand_shorthands
from refcheck.schemas.targets import build_readability, build_scorecard
from refcheck.schemas.values import (
    category_name,
    check_keys,
    choice,
    field_ref,
    flag,
    optional_mapping,
    template,
    tolerance,
)
from refcheck.schemas.yamldoc import Node

FIELD_KEYS = {
    "type", "label", "description", "required", "codes", "format", "unique", "valid", "collected", "personal",
}
RULE_KEYS = {
    "id", "kind", "params", "severity", "category", "message", "hint", "field", "tolerance", "why",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REQUIRED_KEYS = ("name", "fields", "record_id", "group_by")


def build(root: Node, problems: Problems) -> Schema:
    """The ``Schema`` a resolved YAML tree describes; mistakes are noted in ``problems``, stand-ins used instead."""
    top = root.mapping()
    missing = [key for key in _REQUIRED_KEYS if key not in top]
    if missing:
        problems.add(root.where.unknown(f"the schema needs {', '.join(repr(key) for key in missing)}"))
    codes: dict[str, CodeList] = {}
    for name, node in problems.attempt(lambda: optional_mapping(top, "codes"), {}).items():
        codes[name] = _code_list(name, node, problems)
    fields_node = top.get("fields")
    fields: dict[str, Field] = {}
    for name, node in (problems.attempt(fields_node.mapping, {}) if fields_node is not None else {}).items():
        fields[name] = _field(name, node, codes, problems)
    if fields_node is not None and fields_node.is_mapping and not fields:
        problems.add(fields_node.where.error("the schema defines no fields"))
    record_id = problems.value(top, "record_id", lambda node: field_ref(node, fields), "")
    group_by = problems.value(top, "group_by", lambda node: field_ref(node, fields), "")
    rules = expand_shorthands(fields_node, fields, problems) if fields_node is not None else []
    _add_rules(rules, top["rules"] if "rules" in top else None, fields, problems)
    _note_duplicate_ids(rules, problems)
    order = {name: index for index, name in enumerate(fields)}
    rules.sort(key=lambda rule: order.get(rule.field or "", len(order)))
    extends = tuple(item.text() for item in top["extends"].items()) if "extends" in top else ()
    return Schema(
        name=problems.value(top, "name", Node.text, ""),
        version=problems.value(top, "version", Node.text, "1"),
        description=problems.value(top, "description", Node.text, ""),
        record_id=record_id,
        group_by=group_by,
        calendar=problems.value(top, "calendar", lambda node: _calendar(node, problems), _DEFAULT_CALENDAR),
        fields=fields,
        codes=codes,
        rules=tuple(rules),
        source=root.where.file,
        extends=extends,
        worker=problems.value(top, "worker", lambda node: field_ref(node, fields), None),
        mapping=problems.value(top, "mapping", lambda node: parse_mapping(node, fields), NO_MAPPING),
        scorecard=build_scorecard(top.get("scorecard"), fields, {rule.id for rule in rules}, problems),
        readability=build_readability(top.get("readability"), problems),
    )


_DEFAULT_CALENDAR = Calendar(region="england-and-wales")


def _code_list(name: str, node: Node, problems: Problems) -> CodeList:
    """A code list; one with mistakes stands in with the codes that could be read, so fields still find it."""
    entries = problems.attempt(lambda: code_entries(node), [])
    if not entries and (node.is_list or node.is_mapping):
        problems.add(node.where.error("a code list needs at least one code"))
    seen: set[str] = set()
    for index, (code, _label) in enumerate(entries):
        if code in seen:
            where = node.items()[index].where if node.is_list else node.where
            problems.add(where.error(f"code {quoted(code)} is listed twice"))
        seen.add(code)
    return CodeList(name=name, codes=dict(entries), where=node.where)


def _field(name: str, node: Node, codes: dict[str, CodeList], problems: Problems) -> Field:
    """A field; each of its mistakes is noted, and it stands in with defaults so that rules can still name it."""
    if not _NAME.fullmatch(name):
        problems.add(node.where.error("a field name is letters, digits and underscores"))
    spec = problems.attempt(node.mapping, {}) if node.value is not None else {}
    if node.is_mapping:
        check_keys(node, FIELD_KEYS, "field", problems)
    code_list = problems.value(spec, "codes", lambda entry: _code_list_ref(entry, codes), None)
    default_type = FieldType.CODE if "codes" in spec else FieldType.TEXT
    return Field(
        name=name,
        type=problems.value(spec, "type", lambda entry: choice(entry, FieldType), _type_stand_in(spec, default_type)),
        label=problems.value(spec, "label", Node.text, name.replace("_", " ").capitalize()),
        description=problems.value(spec, "description", Node.text, ""),
        codes=code_list,
        collected=problems.value(spec, "collected", flag, True),
        where=node.where,
        personal=problems.value(spec, "personal", flag, False),
    )


def _code_list_ref(node: Node, codes: dict[str, CodeList]) -> str:
    name = node.text()
    if name not in codes:
        raise node.where.unknown(f"unknown code list {quoted(name)}{did_you_mean(name, codes)}")
    return name


def _type_stand_in(spec: dict[str, Node], default: FieldType) -> FieldType:
    """The type a misspelt one most likely meant (``dat``: date), so that its rules are checked as meant."""
    written = spec["type"].raw if "type" in spec else None
    close = difflib.get_close_matches(written or "", [member.value for member in FieldType], n=1)
    return FieldType(close[0]) if close else default


def _calendar(node: Node, problems: Problems) -> Calendar:
    if not node.is_mapping:
        return Calendar(region=_region(node))
    spec = node.mapping()
    check_keys(node, {"region", "extra_closures"}, "calendar", problems)
    region = problems.value(spec, "region", _region, "england-and-wales")
    closures: list[dt.date] = []
    for item in problems.attempt(spec["extra_closures"].items, []) if "extra_closures" in spec else []:
        value = item.value
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            problems.add(item.where.error(f"expected a date such as 2025-12-24; got {item.described()}"))
        else:
            closures.append(value)
    return Calendar(region=region, extra_closures=tuple(sorted(set(closures))))


def _region(node: Node) -> str:
    region = node.text()
    if region not in REGIONS:
        raise node.where.error(f"expected one of {', '.join(REGIONS)}; got {quoted(region)}")
    return region


def _add_rules(rules: list[RuleSpec], node: Node | None, fields: dict[str, Field], problems: Problems) -> None:
    """Add the ``rules`` entries: new rules, and changes to the rules field shorthands made."""
    generated = {rule.id: index for index, rule in enumerate(rules)}
    entries = problems.attempt(node.items, []) if node is not None else []
    complete = {*generated, *(_id_of(entry) for entry in entries if entry.is_mapping and "kind" in entry.value)}
    for entry in entries:
        with problems.noted():
            rule_id = entry_id(entry)
            if rule_id in generated and "kind" not in entry.mapping():
                rules[generated[rule_id]] = _override(rules[generated[rule_id]], entry, fields, problems)
            elif "kind" not in entry.mapping() and (meant := closest(rule_id, complete)) is not None:
                rules.extend(_misspelt_override(rule_id, meant, entry, rules, fields, problems))
            elif (rule := _rule(entry, fields, problems)) is not None:
                rules.append(rule)


def _id_of(entry: Node) -> str:
    return str(entry.value["id"].value) if "id" in entry.value else ""


def _misspelt_override(rule_id: str, meant: str, entry: Node, rules: list[RuleSpec], fields: dict[str, Field],
                       problems: Problems) -> list[RuleSpec]:
    """A change to a rule whose id is misspelt: noted, and checked as a change to the rule it most likely meant."""
    where = entry.mapping()["id"].where
    problems.add(where.error(f"no rule {quoted(rule_id)} to change (did you mean {quoted(meant)}?); "
                             "a new rule needs kind, severity, message and hint"))
    return [dataclasses.replace(_override(rule, entry, fields, problems), id=rule_id, where=where)
            for rule in rules if rule.id == meant][:1]


def _rule(node: Node, fields: dict[str, Field], problems: Problems) -> RuleSpec | None:
    """A rule entry; None (its mistakes noted) when it names no kind that could be bound."""
    check_keys(node, RULE_KEYS, "rule", problems)
    spec = node.mapping()
    rule_id = entry_id(node)
    if not _ID.fullmatch(rule_id):
        problems.add(spec["id"].where.error(f"rule ids are lower-case words joined by dots; got {quoted(rule_id)}"))
    for key in ("kind", "severity", "message", "hint"):
        if key not in spec:
            problems.add(node.where.unknown(f"rule {quoted(rule_id)} needs '{key}'"))
    params = problems.value(spec, "params", _params, {})
    field: str | None
    if "field" in spec:
        field = problems.attempt(lambda: field_ref(spec["field"], fields), None)
    else:
        prefix = rule_id.split(".", 1)[0]
        field = prefix if prefix in fields else None
    label = fields[field].label if field else ""
    context = {"field": field or "", "label": label, "id": rule_id, **{k: v.plain() for k, v in params.items()}}
    kind = problems.value(spec, "kind", Node.text, None)
    rule = RuleSpec(
        id=rule_id,
        kind=kind or "",
        params=params,
        severity=problems.value(spec, "severity", lambda entry: choice(entry, Severity), Severity.ERROR),
        category=problems.value(spec, "category", category_name, None),
        message=problems.value(spec, "message", lambda entry: template(entry, context), ""),
        hint=problems.value(spec, "hint", lambda entry: template(entry, context), ""),
        field=field,
        where=spec["id"].where,
        tolerance=problems.value(spec, "tolerance", tolerance, None),
        kind_where=spec["kind"].where if "kind" in spec else None,
    )
    return rule if kind is not None else None


def _params(node: Node) -> dict[str, Node]:
    return node.mapping() if node.value is not None else {}


def _override(rule: RuleSpec, node: Node, fields: dict[str, Field], problems: Problems) -> RuleSpec:
    """A ``rules`` entry without a kind that changes a rule made by a field shorthand."""
    check_keys(node, RULE_KEYS - {"kind", "field"}, "rule", problems)
    spec = node.mapping()
    params = dict(rule.params)
    params.update(problems.value(spec, "params", _params, {}))
    label = fields[rule.field].label if rule.field else ""
    context = {"field": rule.field or "", "label": label, "id": rule.id, **{k: v.plain() for k, v in params.items()}}
    return dataclasses.replace(
        rule,
        params=params,
        severity=problems.value(spec, "severity", lambda entry: choice(entry, Severity), rule.severity),
        category=problems.value(spec, "category", category_name, rule.category),
        message=problems.value(spec, "message", lambda entry: template(entry, context), rule.message),
        hint=problems.value(spec, "hint", lambda entry: template(entry, context), rule.hint),
        tolerance=problems.value(spec, "tolerance", tolerance, rule.tolerance),
    )


def _note_duplicate_ids(rules: list[RuleSpec], problems: Problems) -> None:
    """Note each id given twice; both rules are kept, so that the second's own mistakes are found too."""
    seen: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.id in seen:
            problems.add(rule.where.error(
                f"duplicate rule id {quoted(rule.id)} (also defined at {seen[rule.id].where})"))
        else:
            seen[rule.id] = rule
