"""The rule catalogue: what each rule checks, why, how to fix it, examples, and where it exports.

Examples come from the rule-case tables (``rule_cases/*.yml``, one per kind), renamed to the
rule's own fields and re-evaluated with the rule's own parameters, so an example in the
catalogue is always true of the rule it illustrates. A rule that reads another record type is
judged with that type's rows from the same case, and its example shows them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.interop.gx_suite import gx_status
from refcheck.checks.interop.pandera_module import pandera_status
from refcheck.checks.kinds import KINDS, ExportStatus, RuleKind
from refcheck.checks.kinds.portable import readable
from refcheck.checks.parsing import read_typed, typed_stages
from refcheck.checks.rules import Rule, bind_rules
from refcheck.schemas import Calendar, FieldType, Schema
from refcheck.schemas.model import PRIMARY

CASES_DIR = Path(__file__).parent / "rule_cases"
OUTCOME = {True: "fail", False: "pass", None: "n/a"}
DEFAULT_AS_OF = dt.date(2025, 6, 30)

WHY = {
    "completeness": "A missing value hides what happened for the child and leaves the team's figures blind.",
    "validity": "A value outside its code list or format cannot be counted, matched or returned to government.",
    "plausibility": "An impossible date means the record is wrong somewhere, and so is every timescale built on it.",
    "integrity": "A duplicated record double-counts referrals and splits a child's history in two.",
    "timeliness": "Statutory timescales protect children: a late decision, assessment or conference leaves them "
                  "waiting while at risk.",
    "oversight": "Managers' sign-off is the evidence that senior managers are sighted on front-line work.",
    "quality": "Whoever reads the referral next must understand the concern from what was recorded.",
}
"""Why each category of rule matters (the inspectors' findings behind the standard)."""


@dataclass(frozen=True, slots=True)
class Example:
    """A row of raw values and what the rule says of it."""

    values: Mapping[str, str | None]
    as_of: dt.date | None
    note: str = ""
    related: Mapping[str, tuple[Mapping[str, str | None], ...]] = field(default_factory=dict)
    """For a rule that reads another record type: that type's rows, raw, the example is judged with."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One rule in the catalogue."""

    rule: Rule
    checks: str
    why: str
    passing: Example | None
    failing: Example | None
    pandera: ExportStatus
    gx: ExportStatus
    record_type: str = PRIMARY
    """The record type whose rows the rule checks."""


def catalogue(schema: Schema) -> list[Entry]:
    """Every rule of every record type of the schema (the primary's first), in order, with examples and exports."""
    entries = []
    for record in schema.record_types:
        types = {field.name: field.type for field in record.fields.values()}
        for rule in bind_rules(record):
            passing, failing = examples(rule, record, schema)
            entries.append(Entry(
                rule=rule, checks=describe(rule.kind) + _when_text(rule), why=WHY.get(rule.category, ""),
                passing=passing, failing=failing, pandera=pandera_status(rule, schema),
                gx=gx_status(rule, types), record_type=record.record_type,
            ))
    return entries


def describe(kind: RuleKind) -> str:
    """What a rule checks: its kind's summary and its parameters."""
    summary = (type(kind).__doc__ or "").strip().splitlines()[0].replace("``", "`")
    params = ", ".join(f"{spec.name}: {_shown(getattr(kind, spec.name))}" for spec in fields(kind)  # type: ignore[arg-type]
                       if getattr(kind, spec.name) not in (None, ()))
    return f"{summary} ({kind.name}; {params})"


def _when_text(rule: Rule) -> str:
    """The rule's ``when:``, said after what it checks (nothing without one)."""
    when = rule.when
    if when is None:
        return ""
    if when.test == "in":
        return f"; only where {when.field} is {' or '.join(when.codes)}"
    return f"; only where {when.field} is {when.test}"


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


@cache
def rule_cases() -> Mapping[str, tuple[dict[str, Any], ...]]:
    """The rule-case tables, by kind."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(CASES_DIR.glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.setdefault(spec["kind"], []).append(spec)
    return {kind: tuple(specs) for kind, specs in found.items()}


def kind_for(spec: Mapping[str, Any], case: Mapping[str, Any]) -> RuleKind:
    """A rule case's kind: its table's parameters, overridden by the case's own (YAML lists as tuples)."""
    params = {**spec["params"], **case.get("params", {})}
    return KINDS[spec["kind"]](**{name: tuple(value) if isinstance(value, list) else value
                                  for name, value in params.items()})


def types_for(spec: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, FieldType]:
    """A rule case's field types: its table's, unless the case gives its own."""
    return {name: FieldType(type_name) for name, type_name in case.get("fields", spec["fields"]).items()}


Related = tuple[Mapping[str, FieldType], Sequence[Mapping[str, Any]]]
"""Another record type's rows for a rule case: its fields' types and its raw rows."""


def related_for(spec: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, Related]:
    """A rule case's other record types: types from ``related_fields``, rows from the case's ``related``."""
    fields_by_type = case.get("related_fields", spec.get("related_fields", {}))
    rows_by_type = case.get("related", spec.get("related", {}))
    return {name: ({field: FieldType(type_name) for field, type_name in types.items()}, rows_by_type.get(name) or [])
            for name, types in fields_by_type.items()}


def typed_frame(types: Mapping[str, FieldType], rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Raw text rows read as the engine reads an extract: trimmed, blank to null, typed."""
    raw = pl.DataFrame(
        {name: [None if row.get(name) is None else str(row[name]) for row in rows] for name in types},
        schema=dict.fromkeys(types, pl.String),
    )
    return read_typed(raw.lazy(), [typed_stages(name, ftype, pl.String()) for name, ftype in types.items()]).collect()


def evaluate(kind: RuleKind, types: Mapping[str, FieldType], rows: Sequence[Mapping[str, Any]], as_of: dt.date,
             calendar: Calendar | None = None, related: Mapping[str, Related] | None = None,
             condition: Callable[[Context], pl.Expr | None] | None = None) -> list[str]:
    """Run a rule over raw text rows through the real reading path: pass, fail or n/a per row.

    As the engine does, a kind that compares rows gives each row's key and is finished on the
    collected keys, with the other record types it reads (their rows typed the same way) in
    ``ctx.related``; a rule's ``when:`` (``condition``, ``Rule.condition``) leaves the other rows n/a.
    """
    others = related or {}
    ctx = Context(as_of=as_of, working_days=WorkingDays(calendar or Calendar("england-and-wales")), field_types=types,
                  related={name: typed_frame(*others[name]).select(wanted) if name in others
                           else pl.DataFrame(schema=dict.fromkeys(wanted, pl.String))
                           for name, wanted in kind.related().items()})
    typed = typed_frame(types, rows).lazy()
    applies = (condition(ctx) if condition is not None else None)
    applies = pl.lit(True) if applies is None else applies
    key = kind.row_key(ctx)
    if key is None:
        violation = kind.violation(ctx)
        flags = ctx.apply(typed).select(pl.when(applies).then(violation).alias("flag")).collect()["flag"]
    else:
        keyed = ctx.apply(typed).select(key.alias("key"), applies.alias("when")).collect()
        flags = keyed.select(pl.when("when").then(kind.compared(keyed["key"], ctx))).to_series()
    return [OUTCOME[flag] for flag in flags.to_list()]


def examples(rule: Rule, schema: Schema, root: Schema | None = None) -> tuple[Example | None, Example | None]:
    """A passing and a failing row for the rule, from its kind's rule cases.

    Rows whose dates cannot be read only illustrate the ``.type`` rules; when the cases give no
    passing row for this rule's codes or fields, a row of typical valid values stands in.
    ``schema`` is the rule's record type, ``root`` the primary holding the record types it reads.
    """
    types = {field.name: field.type for field in schema.fields.values()}
    calendar = schema.calendar
    candidates: dict[dt.date | None, list[dict[str, Any]]] = {}
    found: dict[str, Example] = {}
    for spec in rule_cases().get(rule.kind.name, ()):
        for case in spec["cases"].values():
            renames = _renames({**spec["params"], **case.get("params", {})}, rule.kind)
            related = _related(spec, case, rule.kind, root or schema) if rule.kind.related() else {}
            own = kind_for(spec, case).fields()
            if renames is None or related is None or (related and len(own) != len(rule.kind.fields())):
                continue
            if related:  # NOTE: fields a kind reads beyond its field parameters (recurring_within's own key)
                renames.update(zip(own, rule.kind.fields(), strict=True))
            as_of = case.get("as_of", spec.get("as_of")) if rule.kind.reads_as_of else None
            rows = [{renames[name]: value for name, value in row.items()} for row in case["rows"]
                    if set(row) <= set(renames)]
            if not rule.kind.reads_unreadable:
                rows = [row for row in rows if all(_readable(value, types[name]) for name, value in row.items())]
            if rule.kind.compares_rows:  # NOTE: a row's outcome depends on the others: one case's rows at a time
                _first_outcomes(rule, types, calendar, rows, as_of, found, note=rule.kind.example_note,
                                related=related)
            else:
                candidates.setdefault(as_of, []).extend(rows)
    for as_of, rows in candidates.items():
        _first_outcomes(rule, types, calendar, rows, as_of, found)
    if "pass" not in found:
        _first_outcomes(rule, types, calendar, [_typical(rule, schema)], None, found)
    return found.get("pass"), found.get("fail")


def _readable(value: object, field_type: FieldType) -> bool:
    """Whether a raw value is blank or readable as its type."""
    if value is None or not str(value).strip() or not field_type.is_parsed:
        return True
    return re.fullmatch(readable(field_type), str(value).strip()) is not None


_TYPICAL = {FieldType.DATE: "2025-04-07", FieldType.DATETIME: "2025-04-07 09:00", FieldType.INTEGER: "1"}
"""An ordinary valid value of each parsed type (text: ``R1``)."""


def _when_holds(rule: Rule, types: Mapping[str, FieldType]) -> dict[str, Any]:
    """A value of the rule's ``when:`` field under which it applies, for its examples (nothing without one)."""
    when = rule.when
    if when is None:
        return {}
    if when.test == "in":
        return {when.field: when.codes[0]}
    return {when.field: _TYPICAL.get(types[when.field], "R1") if when.test == "present" else None}


def _typical(rule: Rule, schema: Schema) -> dict[str, Any]:
    """A row of ordinary valid values for the fields a rule reads."""
    typical = _TYPICAL
    row: dict[str, Any] = {}
    for name in rule.kind.fields():
        field = schema.fields[name]
        if field.codes is not None:
            row[name] = next(iter(schema.codes[field.codes].codes))
        else:
            row[name] = typical.get(field.type, "R1")
    return row


def _first_outcomes(rule: Rule, types: Mapping[str, FieldType], calendar: Calendar, rows: list[dict[str, Any]],
                    as_of: dt.date | None, found: dict[str, Example], note: str = "",
                    related: Mapping[str, Related] | None = None) -> None:
    """Evaluate candidate rows together; keep the first row of each outcome not yet found."""
    if not rows:
        return
    wanted = dict.fromkeys(rule.kind.fields())
    when = _when_holds(rule, types)
    rows = [{**wanted, **when, **row} for row in rows]
    day = as_of or DEFAULT_AS_OF
    outcomes = evaluate(rule.kind, {name: types[name] for name in {**wanted, **when}}, rows, day, calendar, related,
                        rule.condition)
    shown_related = {name: tuple({column: row.get(column) for column in others} for row in other_rows)
                     for name, (others, other_rows) in (related or {}).items()}
    for row, outcome in zip(rows, outcomes, strict=True):
        shown = note if outcome == "fail" and not related else ""
        found.setdefault(outcome, Example(values=row, as_of=day if rule.kind.reads_as_of else None,
                                          note=shown, related=shown_related))


def _related(spec: Mapping[str, Any], case: Mapping[str, Any], kind: RuleKind,
             root: Schema) -> dict[str, Related] | None:
    """A case's rows of other record types, renamed to the record types and fields the rule reads (None: no match).

    The case's kind and the rule's must read as many record types, each as many fields; they are
    paired in the order ``related()`` gives them, and typed as the rule's record types type them.
    """
    ours, theirs = kind.related(), kind_for(spec, case).related()
    given = related_for(spec, case)
    known = {record.record_type for record in root.record_types}
    if len(ours) != len(theirs):
        return None
    renamed: dict[str, Related] = {}
    for (name, wanted), (case_name, case_fields) in zip(ours.items(), theirs.items(), strict=True):
        if len(wanted) != len(case_fields) or case_name not in given or name not in known:
            return None
        names = dict(zip(case_fields, wanted, strict=True))
        fields_of = root.record(name).fields
        renamed[name] = ({field_name: fields_of[field_name].type for field_name in wanted if field_name in fields_of},
                         [{names[column]: value for column, value in row.items() if column in names}
                          for row in given[case_name][1]])
        if len(renamed[name][0]) != len(wanted):
            return None
    return renamed


def _renames(case_params: Mapping[str, Any], kind: RuleKind) -> dict[str, str] | None:
    """Case field names to the rule's field names, matched through the kind's field parameters."""
    renames: dict[str, str] = {}
    for spec in fields(kind):  # type: ignore[arg-type]
        if not spec.metadata.get("field"):
            continue
        ours, theirs = getattr(kind, spec.name), case_params.get(spec.name)
        ours_list = list(ours) if isinstance(ours, tuple) else ([] if ours is None else [ours])
        theirs_list = list(theirs) if isinstance(theirs, list) else ([] if theirs is None else [theirs])
        if len(ours_list) != len(theirs_list):
            return None
        renames.update(zip(theirs_list, ours_list, strict=True))
    return renames

