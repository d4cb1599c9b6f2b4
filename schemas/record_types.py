"""Build a schema's other record types (``record_types:``): each one's key, team, fields and rules.

A record type is written like the top level (the primary type, ``referrals``): ``fields`` with the
same shorthands, ``rules`` with ids starting ``<record type>.``. Its team is its own ``group_by``
field, or, with ``belongs_to: {record_type, by}``, its parent's team found through its ``by`` field.
Code lists, calendar and scorecard are the schema's, shared by every record type.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from refcheck.schemas.fields import build_fields
from refcheck.schemas.model import NO_MAPPING, PRIMARY, CodeList, Field, Period, Relation, RuleSpec, Schema
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.rule_specs import build_rules
from refcheck.schemas.values import check_keys, field_ref
from refcheck.schemas.yamldoc import Node, Where

TYPE_KEYS = {"label", "description", "key", "group_by", "belongs_to", "worker", "fields", "rules", "period"}
_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class RecordType:
    """One record type as its section says, before it takes on the schema's shared settings."""

    name: str
    label: str
    description: str
    record_id: str
    group_by: str
    belongs_to: Relation | None
    worker: str | None
    fields: dict[str, Field]
    rules: list[RuleSpec]
    where: Where
    parent_where: Where | None = None
    """Where ``belongs_to.record_type`` is written, for errors about the parent."""
    period: Period | None = None
    """When a record is open (``period: {start, end}``)."""


def read_record_types(node: Node | None, codes: dict[str, CodeList], problems: Problems) -> dict[str, RecordType]:
    """Every record type of the ``record_types`` section, in its order; mistakes are noted, stand-ins kept."""
    if node is None:
        return {}
    types: dict[str, RecordType] = {}
    for name, entry in problems.attempt(node.mapping, {}).items():
        with problems.noted():
            types[name] = _record_type(name, entry, codes, problems)
    with problems.noted():
        _check_parents(types, problems)
    return types


def _record_type(name: str, node: Node, codes: dict[str, CodeList], problems: Problems) -> RecordType:
    if name == PRIMARY:
        raise node.where.error(f"{quoted(PRIMARY)} is the schema's primary record type: its key, fields and rules "
                               "are the top-level ones")
    if not _TYPE_NAME.fullmatch(name):
        problems.add(node.where.error("a record type's name is lower-case letters, digits and underscores"))
    spec = node.mapping()
    check_keys(node, TYPE_KEYS, "record type", problems)
    missing = [key for key in ("key", "fields") if key not in spec]
    if missing:
        problems.add(node.where.unknown(f"record type {quoted(name)} needs {', '.join(repr(k) for k in missing)}"))
    fields = build_fields(spec.get("fields"), codes, problems)
    relation = problems.value(spec, "belongs_to", lambda entry: _relation(entry, fields, problems), None)
    if "group_by" in spec and "belongs_to" in spec:
        problems.add(spec["belongs_to"].where.error(
            "a record type takes either group_by (its own team field) or belongs_to (its parent's team), not both"))
    elif "group_by" not in spec and "belongs_to" not in spec:
        problems.add(node.where.unknown(f"record type {quoted(name)} needs 'group_by' (its team field) or "
                                      "'belongs_to' ({record_type, by}: its parent's team)"))
    group_by = problems.value(spec, "group_by", lambda entry: field_ref(entry, fields), relation.by if relation else "")
    return RecordType(
        name=name,
        label=problems.value(spec, "label", Node.text, name.replace("_", " ").capitalize()),
        description=problems.value(spec, "description", Node.text, ""),
        record_id=problems.value(spec, "key", lambda entry: field_ref(entry, fields), ""),
        group_by=group_by,
        belongs_to=relation,
        worker=problems.value(spec, "worker", lambda entry: field_ref(entry, fields), None),
        fields=fields,
        rules=build_rules(spec.get("fields"), spec.get("rules"), fields, codes, problems, name),
        where=node.where,
        parent_where=spec["belongs_to"].mapping()["record_type"].where if relation else None,
        period=problems.value(spec, "period", lambda entry: period(entry, fields, problems), None),
    )


def period(node: Node, fields: Mapping[str, Field], problems: Problems) -> Period:
    """``period: {start: F, end: G}``: the dates a record is open between (``end`` optional), each a date field."""
    check_keys(node, {"start", "end"}, "period", problems)
    spec = node.mapping()
    if "start" not in spec:
        raise node.where.error("period needs 'start' (the date field a record is open from)")
    def named_field(node: Node) -> str:  # NOTE: a wrong name is noted and stands in, so KPIs see a period
        return problems.attempt(lambda: field_ref(node, fields), node.text())

    named = {key: named_field(spec[key]) for key in ("start", "end") if key in spec}
    for key, name in named.items():
        if name in fields and not fields[name].type.is_temporal:
            problems.add(spec[key].where.error(f"field {quoted(name)} must be a date or datetime"))
    return Period(start=named["start"], end=named.get("end"))


def _relation(node: Node, fields: Mapping[str, Field], problems: Problems) -> Relation:
    """``belongs_to: {record_type, by}``; the parent is checked once every record type is read."""
    check_keys(node, {"record_type", "by"}, "belongs_to", problems)
    spec = node.mapping()
    missing = [key for key in ("record_type", "by") if key not in spec]
    if missing:
        raise node.where.error(f"belongs_to needs {', '.join(repr(key) for key in missing)}")
    return Relation(record_type=spec["record_type"].text(), by=field_ref(spec["by"], fields))


def _check_parents(types: dict[str, RecordType], problems: Problems) -> None:
    """Each parent is a declared record type with a key, and no record type belongs to itself through others."""
    declared = [PRIMARY, *types]
    for record_type in types.values():
        relation, where = record_type.belongs_to, record_type.parent_where
        if relation is None or where is None:
            continue
        parent = relation.record_type
        if parent not in declared:
            problems.add(where.unknown(f"unknown record type {quoted(parent)}{did_you_mean(parent, declared)}"))
        elif parent in types and not types[parent].record_id:
            problems.add(where.error(f"record type {quoted(parent)} has no key to belong to"))
        elif _in_cycle(record_type.name, types):
            problems.add(where.error(f"record type {quoted(record_type.name)} belongs to itself through "
                                     f"{quoted(parent)}: belongs_to cannot go round in a circle"))


def _in_cycle(name: str, types: Mapping[str, RecordType]) -> bool:
    seen = {name}
    current = types[name].belongs_to
    while current is not None and current.record_type in types:
        if current.record_type in seen:
            return current.record_type == name
        seen.add(current.record_type)
        current = types[current.record_type].belongs_to
    return False


def note_duplicate_ids(primary_rules: list[RuleSpec], types: Mapping[str, RecordType],
                  problems: Problems) -> dict[str, list[RuleSpec]]:
    """Each record type's rules, each id given twice (in one record type or two) noted.

    Both rules are kept, so that the second's own mistakes are found too.
    """
    seen: dict[str, RuleSpec] = {}
    kept: dict[str, list[RuleSpec]] = {}
    for type_name, rules in [(PRIMARY, primary_rules), *((name, t.rules) for name, t in types.items())]:
        kept[type_name] = list(rules)
        for rule in rules:
            if rule.id in seen:
                problems.add(rule.where.error(
                    f"duplicate rule id {quoted(rule.id)} (also defined at {seen[rule.id].where})"))
            else:
                seen[rule.id] = rule
    return kept


def as_schemas(primary: Schema, types: Mapping[str, RecordType],
               rules: Mapping[str, list[RuleSpec]]) -> dict[str, Schema]:
    """Each record type as a ``Schema`` sharing the primary's name, version, calendar, codes and scorecard."""
    return {
        name: dataclasses.replace(
            primary,
            description=record_type.description,
            record_id=record_type.record_id,
            group_by=record_type.group_by,
            fields=record_type.fields,
            rules=tuple(rules.get(name, ())),
            worker=record_type.worker,
            record_type=name,
            label=record_type.label,
            belongs_to=record_type.belongs_to,
            period=record_type.period,
            mapping=NO_MAPPING,
            others={},
        )
        for name, record_type in types.items()
    }
