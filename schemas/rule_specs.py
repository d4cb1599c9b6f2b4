"""Build one record type's rule specifications: its field shorthands' rules, then its ``rules`` entries.

A rule of a record type other than the primary has an id starting ``<record type>.``: the
shorthands make ``cp_visits.visit_id.required``, and an explicit id must be written so, so that
ids stay unique across the schema's record types.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from refcheck.schemas.model import CodeList, Condition, Field, RuleSpec, Severity
from refcheck.schemas.problems import Problems, closest, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.reading import entry_id
from refcheck.schemas.shorthands import expand_shorthands
from refcheck.schemas.values import category_name, check_keys, choice, field_codes, field_ref, template, tolerance
from refcheck.schemas.yamldoc import Node

RULE_KEYS = {
    "id", "kind", "params", "severity", "category", "message", "hint", "field", "tolerance", "why", "when",
    "due_label",
}
TESTS = ("present", "blank")
"""What ``when: {field, is: ...}`` may ask of a field."""
ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def build_rules(fields_node: Node | None, rules_node: Node | None, fields: dict[str, Field],
                codes: dict[str, CodeList], problems: Problems, record_type: str | None = None,
                others: Collection[str] = ()) -> list[RuleSpec]:
    """The rules of one record type (``record_type`` None: the primary, beside the ``others``).

    An id given twice is kept twice, so that the second's own mistakes are found too; ``note_duplicate_ids``
    reports it.
    """
    prefix = f"{record_type}." if record_type else ""
    rules = expand_shorthands(fields_node, fields, problems, prefix) if fields_node is not None else []
    _add_rules(rules, rules_node, fields, codes, problems, prefix, others)
    order = {name: index for index, name in enumerate(fields)}
    rules.sort(key=lambda rule: order.get(rule.field or "", len(order)))
    return rules


def _add_rules(rules: list[RuleSpec], node: Node | None, fields: dict[str, Field], codes: dict[str, CodeList],
               problems: Problems, prefix: str, others: Collection[str]) -> None:
    """Add the ``rules`` entries: new rules, and changes to the rules field shorthands made."""
    generated = {rule.id: index for index, rule in enumerate(rules)}
    entries = problems.attempt(node.items, []) if node is not None else []
    complete = {*generated, *(_id_of(entry) for entry in entries if entry.is_mapping and "kind" in entry.value)}
    for entry in entries:
        with problems.noted():
            rule_id = entry_id(entry)
            owner = rule_id.split(".", 1)[0]
            if owner in others:
                raise entry.mapping()["id"].where.error(
                    f"rule ids starting {quoted(owner + '.')} belong to record type {quoted(owner)}: write the rule "
                    f"(or the change to it) under record_types.{owner}.rules")
            if rule_id in generated and "kind" not in entry.mapping():
                rules[generated[rule_id]] = _override(rules[generated[rule_id]], entry, fields, codes, problems)
            elif "kind" not in entry.mapping() and (meant := closest(rule_id, complete)) is not None:
                rules.extend(_misspelt_override(rule_id, meant, entry, rules, fields, codes, problems))
            elif (rule := _rule(entry, fields, codes, problems, prefix)) is not None:
                rules.append(rule)


def _id_of(entry: Node) -> str:
    return str(entry.value["id"].value) if "id" in entry.value else ""


def _misspelt_override(rule_id: str, meant: str, entry: Node, rules: list[RuleSpec], fields: dict[str, Field],
                       codes: dict[str, CodeList], problems: Problems) -> list[RuleSpec]:
    """A change to a rule whose id is misspelt: noted, and checked as a change to the rule it most likely meant."""
    where = entry.mapping()["id"].where
    problems.add(where.error(f"no rule {quoted(rule_id)} to change (did you mean {quoted(meant)}?); "
                             "a new rule needs kind, severity, message and hint"))
    return [dataclasses.replace(_override(rule, entry, fields, codes, problems), id=rule_id, where=where)
            for rule in rules if rule.id == meant][:1]


def _rule(node: Node, fields: dict[str, Field], codes: dict[str, CodeList], problems: Problems,
          prefix: str) -> RuleSpec | None:
    """A rule entry; None (its mistakes noted) when it names no kind that could be bound."""
    check_keys(node, RULE_KEYS, "rule", problems)
    spec = node.mapping()
    rule_id = entry_id(node)
    if not ID.fullmatch(rule_id):
        problems.add(spec["id"].where.error(f"rule ids are lower-case words joined by dots; got {quoted(rule_id)}"))
    elif prefix and not rule_id.startswith(prefix):
        problems.add(spec["id"].where.error(f"a rule of record type {quoted(prefix[:-1])} has an id starting "
                                            f"{quoted(prefix)}; got {quoted(rule_id)}"))
    for key in ("kind", "severity", "message", "hint"):
        if key not in spec:
            problems.add(node.where.unknown(f"rule {quoted(rule_id)} needs '{key}'"))
    params = problems.value(spec, "params", _params, {})
    field: str | None
    if "field" in spec:
        field = problems.attempt(lambda: field_ref(spec["field"], fields), None)
    else:
        named = rule_id.removeprefix(prefix).split(".", 1)[0]
        field = named if named in fields else None
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
        when=problems.value(spec, "when", lambda entry: condition(entry, fields, codes), None),
        due_label=problems.value(spec, "due_label", due_label, None),
    )
    return rule if kind is not None else None


def due_label(node: Node) -> str:
    """What falls due, as a due list names it: a short text on one line ("Visit")."""
    text = node.text().strip()
    if not text or "\n" in text or len(text) > 40:
        raise node.where.error(f"a due label is a short text on one line, such as Visit; got {node.described()}")
    return text


def _params(node: Node) -> dict[str, Node]:
    return node.mapping() if node.value is not None else {}


def _override(rule: RuleSpec, node: Node, fields: dict[str, Field], codes: dict[str, CodeList],
              problems: Problems) -> RuleSpec:
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
        when=problems.value(spec, "when", lambda entry: condition(entry, fields, codes), rule.when),
        due_label=problems.value(spec, "due_label", due_label, rule.due_label),
    )


def condition(node: Node, fields: dict[str, Field], codes: dict[str, CodeList]) -> Condition:
    """A rule's ``when:``: ``{field: F, is: present|blank}`` or ``{field: F, in: [codes]}``.

    F is a field of the rule's record type; the codes are checked against its code list when it has one.
    """
    form = "expected {field: F, is: present} (or blank) or {field: F, in: [codes]}"
    spec = node.mapping() if node.is_mapping else {}
    unknown = [key for key in spec if key not in ("field", "is", "in")]
    if not node.is_mapping:
        raise node.where.error(f"{form}; got {node.described()}")
    if unknown:
        raise spec[unknown[0]].where.error(f"unknown key in when{did_you_mean(unknown[0], ('field', 'is', 'in'))}; "
                                           f"{form}")
    if "field" not in spec or ("is" in spec) == ("in" in spec):
        raise node.where.error(f"{form}: a field, and either is or in")
    name = field_ref(spec["field"], fields)
    if "is" in spec:
        test = spec["is"].text() if not isinstance(spec["is"].value, dict | list) else ""
        if test not in TESTS:
            raise spec["is"].where.error(f"expected present or blank; got {spec['is'].described()}"
                                         f"{did_you_mean(test, TESTS)}")
        return Condition(field=name, test="present" if test == "present" else "blank")
    items = spec["in"].items()
    if not items:
        raise spec["in"].where.error("expected at least one code")
    return Condition(field=name, test="in", codes=field_codes(items, fields[name], codes))

