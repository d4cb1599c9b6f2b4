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

from refcheck.schemas.fields import build_fields, code_list
from refcheck.schemas.kpi_measures import measured_of
from refcheck.schemas.mapping import apply_mapping, parse_mapping
from refcheck.schemas.model import NO_MAPPING, PRIMARY, REGIONS, Calendar, CodeList, Schema
from refcheck.schemas.problems import Problems
from refcheck.schemas.quoting import quoted
from refcheck.schemas.record_types import as_schemas, note_duplicate_ids, read_record_types
from refcheck.schemas.rule_specs import build_rules
from refcheck.schemas.targets import build_readability, build_scorecard
from refcheck.schemas.values import check_keys, field_ref, optional_mapping
from refcheck.schemas.yamldoc import Node

_REQUIRED_KEYS = ("name", "fields", "record_id", "group_by")


def build(root: Node, problems: Problems) -> Schema:
    """The ``Schema`` a resolved YAML tree describes; mistakes are noted in ``problems``, stand-ins used instead.

    It is the primary record type; the schema's other record types are its ``others``.
    """
    top = root.mapping()
    missing = [key for key in _REQUIRED_KEYS if key not in top]
    if missing:
        problems.add(root.where.unknown(f"the schema needs {', '.join(repr(key) for key in missing)}"))
    codes: dict[str, CodeList] = {}
    for name, node in problems.attempt(lambda: optional_mapping(top, "codes"), {}).items():
        codes[name] = code_list(name, node, problems)
    fields_node = top.get("fields")
    fields = build_fields(fields_node, codes, problems)
    record_id = problems.value(top, "record_id", lambda node: field_ref(node, fields), "")
    group_by = problems.value(top, "group_by", lambda node: field_ref(node, fields), "")
    types = read_record_types(top.get("record_types"), codes, problems)
    primary_rules = build_rules(fields_node, top.get("rules"), fields, codes, problems, others=types)
    rules = note_duplicate_ids(primary_rules, types, problems)
    rule_ids = {rule.id for type_rules in rules.values() for rule in type_rules}
    extends = tuple(item.text() for item in top["extends"].items()) if "extends" in top else ()
    type_fields = {name: record_type.fields for name, record_type in types.items()}
    primary = Schema(
        name=problems.value(top, "name", Node.text, ""),
        version=problems.value(top, "version", Node.text, "1"),
        description=problems.value(top, "description", Node.text, ""),
        record_id=record_id,
        group_by=group_by,
        calendar=problems.value(top, "calendar", lambda node: _calendar(node, problems), _DEFAULT_CALENDAR),
        fields=fields,
        codes=codes,
        rules=tuple(rules[PRIMARY]),
        source=root.where.file,
        extends=extends,
        worker=problems.value(top, "worker", lambda node: field_ref(node, fields), None),
        mapping=problems.value(top, "mapping", lambda node: parse_mapping(node, fields, type_fields), NO_MAPPING),
        scorecard=build_scorecard(top.get("scorecard"), fields, rule_ids, problems, measured_of(
            fields, {name: (t.fields, t.period) for name, t in types.items()},
            {rule.id: name for name, type_rules in rules.items() for rule in type_rules}, codes)),
        readability=build_readability(top.get("readability"), problems),
    )
    if not types:
        return primary
    return apply_mapping(dataclasses.replace(primary, others=as_schemas(primary, types, rules)), primary.mapping)


_DEFAULT_CALENDAR = Calendar(region="england-and-wales")


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
