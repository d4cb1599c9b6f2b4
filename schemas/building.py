"""Build a ``Schema`` from a resolved YAML tree: code lists, fields, rules, calendar and mapping.

The rules are specifications (kind name + parameters). Whether a kind exists and its parameters
are right is decided by ``refcheck.checks`` when it binds the rules, with the same
``file:line: path: problem`` errors, because the kinds live there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from refcheck.schemas.mapping import parse_mapping
from refcheck.schemas.model import NO_MAPPING, REGIONS, Calendar, CodeList, Field, FieldType, RuleSpec, Schema, Severity
from refcheck.schemas.quoting import quoted
from refcheck.schemas.reading import TOP_KEYS, code_entries, entry_id
from refcheck.schemas.shorthands import expand_shorthands
from refcheck.schemas.targets import build_scorecard
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
from refcheck.schemas.yamldoc import Node, Where

FIELD_KEYS = {
    "type", "label", "description", "required", "codes", "format", "unique", "valid", "collected", "personal",
}
RULE_KEYS = {
    "id", "kind", "params", "severity", "category", "message", "hint", "field", "tolerance", "why",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _required(top: dict[str, Node], key: str, where: Where) -> Node:
    if key not in top:
        raise where.error(f"the schema needs '{key}'")
    return top[key]


def build(root: Node) -> Schema:
    """The ``Schema`` a resolved YAML tree describes."""
    top = root.mapping()
    check_keys(root, TOP_KEYS, "schema")
    codes = {name: _code_list(name, node) for name, node in optional_mapping(top, "codes").items()}
    fields = {name: _field(name, node, codes) for name, node in _required(top, "fields", root.where).mapping().items()}
    if not fields:
        raise top["fields"].where.error("the schema defines no fields")
    record_id = field_ref(_required(top, "record_id", root.where), fields)
    group_by = field_ref(_required(top, "group_by", root.where), fields)
    rules = expand_shorthands(top["fields"], fields, codes)
    generated = {rule.id: index for index, rule in enumerate(rules)}
    for node in top["rules"].items() if "rules" in top else []:
        rule_id = entry_id(node)
        if rule_id in generated and "kind" not in node.mapping():
            rules[generated[rule_id]] = _override(rules[generated[rule_id]], node, fields)
        else:
            rules.append(_rule(node, fields))
    _check_unique_ids(rules)
    order = {name: index for index, name in enumerate(fields)}
    rules.sort(key=lambda rule: order.get(rule.field or "", len(order)))
    extends = tuple(item.text() for item in top["extends"].items()) if "extends" in top else ()
    return Schema(
        name=_required(top, "name", root.where).text(),
        version=top["version"].text() if "version" in top else "1",
        description=top["description"].text() if "description" in top else "",
        record_id=record_id,
        group_by=group_by,
        calendar=_calendar(top.get("calendar"), root.where),
        fields=fields,
        codes=codes,
        rules=tuple(rules),
        source=root.where.file,
        extends=extends,
        worker=field_ref(top["worker"], fields) if "worker" in top else None,
        mapping=parse_mapping(top["mapping"], fields) if "mapping" in top else NO_MAPPING,
        scorecard=build_scorecard(top.get("scorecard"), fields, {rule.id for rule in rules}),
    )



def _code_list(name: str, node: Node) -> CodeList:
    entries = code_entries(node)
    if not entries:
        raise node.where.error("a code list needs at least one code")
    seen: set[str] = set()
    for index, (code, _label) in enumerate(entries):
        if code in seen:
            where = node.items()[index].where if node.is_list else node.where
            raise where.error(f"code {quoted(code)} is listed twice")
        seen.add(code)
    return CodeList(name=name, codes=dict(entries), where=node.where)


def _field(name: str, node: Node, codes: dict[str, CodeList]) -> Field:
    if not _NAME.fullmatch(name):
        raise node.where.error("a field name is letters, digits and underscores")
    spec = node.mapping() if node.value is not None else {}
    if node.value is not None:
        check_keys(node, FIELD_KEYS, "field")
    code_list = spec["codes"].text() if "codes" in spec else None
    if code_list is not None and code_list not in codes:
        raise spec["codes"].where.error(f"unknown code list {quoted(code_list)}")
    default_type = FieldType.CODE if code_list else FieldType.TEXT
    field_type = choice(spec["type"], FieldType) if "type" in spec else default_type
    collected = flag(spec["collected"]) if "collected" in spec else True
    return Field(
        name=name,
        type=field_type,
        label=spec["label"].text() if "label" in spec else name.replace("_", " ").capitalize(),
        description=spec["description"].text() if "description" in spec else "",
        codes=code_list,
        collected=collected,
        where=node.where,
        personal=flag(spec["personal"]) if "personal" in spec else False,
    )



def _calendar(node: Node | None, where: Where) -> Calendar:
    if node is None:
        return Calendar(region="england-and-wales")
    if not node.is_mapping:
        return Calendar(region=_region(node))
    spec = node.mapping()
    check_keys(node, {"region", "extra_closures"}, "calendar")
    region = _region(spec["region"]) if "region" in spec else "england-and-wales"
    closures: list[dt.date] = []
    for item in spec["extra_closures"].items() if "extra_closures" in spec else []:
        value = item.value
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise item.where.error(f"expected a date such as 2025-12-24; got {item.described()}")
        closures.append(value)
    return Calendar(region=region, extra_closures=tuple(sorted(set(closures))))


def _region(node: Node) -> str:
    region = node.text()
    if region not in REGIONS:
        raise node.where.error(f"expected one of {', '.join(REGIONS)}; got {quoted(region)}")
    return region



def _rule(node: Node, fields: dict[str, Field]) -> RuleSpec:
    check_keys(node, RULE_KEYS, "rule")
    spec = node.mapping()
    rule_id = entry_id(node)
    if not _ID.fullmatch(rule_id):
        raise spec["id"].where.error(f"rule ids are lower-case words joined by dots; got {quoted(rule_id)}")
    for key in ("kind", "severity", "message", "hint"):
        if key not in spec:
            raise node.where.error(f"rule {quoted(rule_id)} needs '{key}'")
    params = spec["params"].mapping() if "params" in spec and spec["params"].value is not None else {}
    field: str | None
    if "field" in spec:
        field = field_ref(spec["field"], fields)
    else:
        prefix = rule_id.split(".", 1)[0]
        field = prefix if prefix in fields else None
    label = fields[field].label if field else ""
    context = {"field": field or "", "label": label, "id": rule_id, **{k: v.plain() for k, v in params.items()}}
    return RuleSpec(
        id=rule_id,
        kind=spec["kind"].text(),
        params=params,
        severity=choice(spec["severity"], Severity),
        category=category_name(spec["category"]) if "category" in spec else None,
        message=template(spec["message"], context),
        hint=template(spec["hint"], context),
        field=field,
        where=spec["id"].where,
        tolerance=tolerance(spec["tolerance"]) if "tolerance" in spec else None,
    )


def _override(rule: RuleSpec, node: Node, fields: dict[str, Field]) -> RuleSpec:
    """A ``rules`` entry without a kind that changes a rule made by a field shorthand."""
    check_keys(node, RULE_KEYS - {"kind", "field"}, "rule")
    spec = node.mapping()
    params = dict(rule.params)
    if "params" in spec:
        params.update(spec["params"].mapping())
    label = fields[rule.field].label if rule.field else ""
    context = {"field": rule.field or "", "label": label, "id": rule.id, **{k: v.plain() for k, v in params.items()}}
    return dataclasses.replace(
        rule,
        params=params,
        severity=choice(spec["severity"], Severity) if "severity" in spec else rule.severity,
        category=category_name(spec["category"]) if "category" in spec else rule.category,
        message=template(spec["message"], context) if "message" in spec else rule.message,
        hint=template(spec["hint"], context) if "hint" in spec else rule.hint,
        tolerance=tolerance(spec["tolerance"]) if "tolerance" in spec else rule.tolerance,
    )


def _check_unique_ids(rules: list[RuleSpec]) -> None:
    seen: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.id in seen:
            raise rule.where.error(f"duplicate rule id {quoted(rule.id)} (also defined at {seen[rule.id].where})")
        seen[rule.id] = rule
