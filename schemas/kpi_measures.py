"""Read the KPI measures about records of a record type: ``open``, ``overdue_now``, ``due`` and ``share``.

``open`` and ``due`` name a ``record_type`` with a ``period``; ``overdue_now`` a ``rule`` of one;
``share`` a ``record_type`` and two sets of codes, ``of: {field: [codes]}`` and ``share: {field: [codes]}``
(the share of the ``of`` rows that are ``share`` rows too). Every mistake is said at its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from refcheck.schemas.model import PRIMARY, CodeList, Codes, Field, Period
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.values import field_codes
from refcheck.schemas.yamldoc import Node

RECORD_MEASURES = ("open", "overdue_now", "due", "share")
"""The KPI measures this module reads."""
ARTICLE = {"open": "an", "overdue_now": "an", "due": "a", "share": "a"}
NEEDS = {"open": "record_type", "due": "record_type", "overdue_now": "rule", "share": "record_type, of and share"}
"""What each of them takes, for messages."""


@dataclass(frozen=True, slots=True)
class Measured:
    """What those measures may name: each record type's fields and period, each rule's record type, the code lists."""

    fields: Mapping[str, Mapping[str, Field]] = field(default_factory=dict)
    periods: Mapping[str, Period | None] = field(default_factory=dict)
    rule_types: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, CodeList] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordMeasure:
    """A KPI's record type and codes, as read."""

    record_type: str | None = None
    of: Codes = ()
    share: Codes = ()


def read_record_measure(node: Node, measure: str, rule: str | None, measured: Measured,
                        problems: Problems) -> RecordMeasure:
    """The record type (and codes) a record measure KPI names; its other keys are refused."""
    spec = node.mapping()
    given = {key for key in ("record_type", "of", "share", "category") if key in spec}
    wanted = {"open": {"record_type"}, "due": {"record_type"}, "overdue_now": set(),
              "share": {"record_type", "of", "share"}}[measure]
    for key in sorted(given - wanted):
        problems.add(spec[key].where.error(f"{ARTICLE[measure]} {measure} KPI takes {NEEDS[measure]}, not {key}"))
    missing = sorted(wanted - given) + (["rule"] if measure == "overdue_now" and rule is None else [])
    if measure != "overdue_now" and rule is not None:
        problems.add(spec["rule"].where.error(f"{ARTICLE[measure]} {measure} KPI takes {NEEDS[measure]}, not rule"))
    if missing:
        raise node.where.error(f"{ARTICLE[measure]} {measure} KPI needs {' and '.join(missing)}")
    if measure == "overdue_now":
        assert rule is not None
        owner = measured.rule_types.get(rule)
        if owner is not None and measured.periods.get(owner) is None:
            problems.add(spec["rule"].where.error(f"rule {quoted(rule)} is of record type {quoted(owner)}, which has "
                                                  "no period: overdue_now counts open records"))
        return RecordMeasure()
    record_type = _record_type(spec["record_type"], measured, needs_period=measure != "share")
    if measure != "share":
        return RecordMeasure(record_type)
    fields = measured.fields[record_type]
    of = problems.value(spec, "of", lambda entry: _codes(entry, fields, measured.codes), ())
    share = problems.value(spec, "share", lambda entry: _codes(entry, fields, measured.codes), ())
    return RecordMeasure(record_type, of, share)


def _record_type(node: Node, measured: Measured, *, needs_period: bool) -> str:
    name = node.text()
    if name not in measured.fields:
        raise node.where.unknown(f"unknown record type {quoted(name)}{did_you_mean(name, measured.fields)}")
    if needs_period and measured.periods.get(name) is None:
        raise node.where.error(f"record type {quoted(name)} has no period: give it period: {{start, end}} "
                               "to count its open records")
    return name


def _codes(node: Node, fields: Mapping[str, Field], codes: Mapping[str, CodeList]) -> Codes:
    """``{field: [codes]}``: fields of the record type, each with at least one code, of its list when it has one."""
    if not node.is_mapping or not node.mapping():
        raise node.where.error(f"expected fields and their codes, such as {{seen: [Y]}}; got {node.described()}")
    found: list[tuple[str, tuple[str, ...]]] = []
    for name, entry in node.mapping().items():
        if name not in fields:
            raise entry.where.unknown(f"unknown field {quoted(name)}{did_you_mean(name, fields)}")
        items = entry.items() if entry.is_list else []
        if not items:
            raise entry.where.error(f"expected a list of codes, such as [Y]; got {entry.described()}")
        found.append((name, field_codes(items, fields[name], codes)))
    return tuple(found)


def due_within(node: Node) -> int:
    """The due list's window: a whole number of working days (``5 working days``, or ``5``)."""
    text = " ".join(node.text().lower().split())
    number = text.removesuffix(" working days").removesuffix(" working day")
    if isinstance(node.value, bool) or not number.isdigit() or int(number) < 1:
        raise node.where.error(f"expected a number of working days, such as 5 working days; got {node.described()}")
    return int(number)


def measured_of(primary_fields: Mapping[str, Field], types: Mapping[str, tuple[Mapping[str, Field], Period | None]],
                rule_types: Mapping[str, str], codes: Mapping[str, CodeList]) -> Measured:
    """What a schema's KPIs may name: the primary's fields (it has no period) and every record type's."""
    fields = {PRIMARY: primary_fields, **{name: entry[0] for name, entry in types.items()}}
    periods = {PRIMARY: None, **{name: entry[1] for name, entry in types.items()}}
    return Measured(fields, periods, rule_types, codes)
