"""The rule set as a Great Expectations 1.x ExpectationSuite, in exact forms only.

GX reads a table of the extract's text, trimmed, with blanks as null (the first thing the engine
does; ``sql_rules.trimmed_query`` gives it on SQL). A rule becomes a built-in expectation when one
says exactly what the rule says; rules GX cannot express over pandas (working days, check digits,
dates written two ways) become ``UnexpectedRowsExpectation`` SQL for SQL data sources; anything
else is listed as not exportable, with the reason. Every expectation carries its rule id in
``meta.refcheck`` so results map back to rules.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from refcheck.checks import kinds
from refcheck.checks.interop.portable import alternatives, fewer_words, readable, whole
from refcheck.checks.interop.sql_rules import Dialect, SqlRules
from refcheck.checks.rules import Rule
from refcheck.schemas import FieldType, Schema, Severity


class Export(enum.StrEnum):
    """How a rule travels to another engine."""

    EXACT = "exact"
    SQL_ONLY = "sql-only"
    NONE = "not exportable"


@dataclass(frozen=True, slots=True)
class ExportStatus:
    """A rule's export status for one engine, and why when it is not exact."""

    status: Export
    reason: str = ""


_SQL_ONLY_REASONS = {
    "nhs_number": "the Modulus 11 check digit needs arithmetic on each digit",
    "date_order": "dates written in two forms (ISO and UK) must be read before they can be compared",
    "not_in_future": "dates written in two forms (ISO and UK) must be read before they can be compared",
    "age_under": "an age needs date arithmetic on two columns",
    "within_working_days": "working days need the bank-holiday calendar table",
    "required_when": "an overdue condition needs working days from the bank-holiday calendar table",
}

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "warning"}


def gx_status(rule: Rule, types: Mapping[str, FieldType]) -> ExportStatus:
    """How a rule travels to Great Expectations.

    GX's conditions can only test text for null, so a rule that needs a typed field to be present
    (a readable date, not just a value) runs as SQL, where the date can be read.
    """
    kind = rule.kind
    parsed = [name for name in kind.fields() if types[name].is_parsed]
    if isinstance(kind, kinds.Required):
        if set(parsed) - {kind.field}:
            return ExportStatus(Export.SQL_ONLY, "a stand-in field must be a readable date, which needs SQL")
        return ExportStatus(Export.EXACT)
    if isinstance(kind, kinds.RequiredWhen) and kind.overdue_since is None:
        if kind.present is not None and types[kind.present].is_parsed:
            return ExportStatus(Export.SQL_ONLY, "the condition needs a readable date, which needs SQL")
        return ExportStatus(Export.EXACT)
    if kind.name in _SQL_ONLY_REASONS:
        return ExportStatus(Export.SQL_ONLY, _SQL_ONLY_REASONS[kind.name])
    if parsed and not isinstance(kind, kinds.Readable):
        return ExportStatus(Export.NONE, f"the {kind.name!r} kind on a date or number field has no GX form")
    if isinstance(kind, _NATIVE):
        return ExportStatus(Export.EXACT)
    return ExportStatus(Export.NONE, f"refcheck has no Great Expectations form for the {kind.name!r} kind")


def pandera_status(rule: Rule) -> ExportStatus:
    """How a rule travels to pandera: every registered kind, exactly, as a Polars check."""
    if rule.kind.name in _PANDERA_KINDS:
        return ExportStatus(Export.EXACT)
    return ExportStatus(Export.NONE, f"refcheck has no pandera form for the {rule.kind.name!r} kind")


_PANDERA_KINDS = frozenset(kinds.KINDS)
_NATIVE = (kinds.Readable, kinds.Required, kinds.Unique, kinds.CodeList, kinds.Pattern, kinds.UkPostcode,
           kinds.TextQuality)


def expectations(
    schema: Schema, rules: Sequence[Rule], dialect: Dialect | None, *, as_of: dt.date | None = None,
    counting: bool = False, whole_table: str | None = None,
) -> list[Any]:
    """The GX expectations of the rules; SQL-only rules only when a SQL ``dialect`` is given.

    ``counting`` adds what a refcheck run needs besides failures: how many rows each SQL rule
    applied to, and the row count (the denominator of rules that apply to every row).
    ``whole_table`` is a query for all rows, when each batch holds only some (one team): a
    uniqueness rule must look beyond its batch.
    """
    import great_expectations.expectations as gxe

    types = {field.name: field.type for field in schema.fields.values()}
    sql = SqlRules(types, dialect, as_of, whole_table=whole_table) if dialect is not None else None
    out: list[Any] = []
    if counting:
        out.append(gxe.ExpectTableRowCountToBeBetween(min_value=0, meta={"refcheck": {"role": "rows"}}))
    for rule in rules:
        status = gx_status(rule, types)
        meta: dict[str, Any] = {"refcheck": {"rule": rule.id, "role": "failed"}}
        if isinstance(rule.kind, kinds.Required):
            meta["refcheck"]["checked"] = "rows"  # NOTE: applies to every row, whatever the condition
        common: dict[str, Any] = {"meta": meta, "severity": _SEVERITY[rule.severity], "description": rule.message}
        if status.status is Export.EXACT:
            # NOTE: a batch of one team must still find duplicates in other teams.
            if not (isinstance(rule.kind, kinds.Unique) and sql is not None and whole_table is not None):
                out.extend(_native(rule, types, common))
                continue
        elif status.status is not Export.SQL_ONLY or sql is None:
            continue
        assert sql is not None
        out.append(gxe.UnexpectedRowsExpectation(unexpected_rows_query=sql.unexpected_rows(rule.kind), **common))
        if counting:
            out.append(gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=sql.applicable_rows(rule.kind), description=f"Rows {rule.id} applies to",
                meta={"refcheck": {"rule": rule.id, "role": "checked"}}))
    return out


def _native(rule: Rule, types: Mapping[str, FieldType], common: dict[str, Any]) -> list[Any]:
    """Built-in expectations saying exactly what the rule says; their failures add up to the rule's."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    kind = rule.kind
    if isinstance(kind, kinds.Required | kinds.RequiredWhen):
        condition = None
        if isinstance(kind, kinds.Required) and kind.alternatives:
            condition = Column(kind.alternatives[0]).is_null()
            for other in kind.alternatives[1:]:
                condition = condition & Column(other).is_null()
        elif isinstance(kind, kinds.RequiredWhen) and kind.present is not None:
            condition = Column(kind.present).is_not_null()
        elif isinstance(kind, kinds.RequiredWhen):
            condition = Column(str(kind.code_field)).is_in(list(kind.codes))
        where = {} if condition is None else {"row_condition": condition}
        blank = gxe.ExpectColumnValuesToNotBeNull(column=kind.field, **where, **common)
        if not types[kind.field].is_parsed:
            return [blank]
        # NOTE: an unreadable date counts as missing, so those rows fail too (disjoint from the nulls).
        extra = _tagged(common, checked="none")
        unreadable = gxe.ExpectColumnValuesToMatchRegex(column=kind.field, regex=whole(readable(types[kind.field])),
                                                        **where, **extra)
        return [blank, unreadable]
    if isinstance(kind, kinds.Unique):
        return [gxe.ExpectColumnValuesToBeUnique(column=kind.field, **common)]
    if isinstance(kind, kinds.TextQuality):
        placeholders = alternatives(sorted({p.strip().lower() for p in kind.placeholders}))
        patterns = [fewer_words(kind.min_words)]
        if placeholders:
            patterns.append(rf"(?i)^\s*(?:{placeholders})\s*$")
        return [gxe.ExpectColumnValuesToNotMatchRegexList(column=kind.field, regex_list=patterns, **common)]
    field = kind.fields()[0]
    return [gxe.ExpectColumnValuesToMatchRegex(column=field, regex=native_regex(rule, types), **common)]


def _tagged(common: dict[str, Any], **tags: str) -> dict[str, Any]:
    """``common`` with extra refcheck tags in its meta."""
    meta = {"refcheck": {**common["meta"]["refcheck"], **tags}}
    return {**common, "meta": meta}


def native_regex(rule: Rule, types: Mapping[str, FieldType]) -> str:
    """The whole-value regex of a single-value rule (a type, a code list, a pattern or a postcode)."""
    kind = rule.kind
    if isinstance(kind, kinds.Readable):
        return whole(readable(types[kind.field]))
    if isinstance(kind, kinds.CodeList):
        return whole(alternatives(kind.codes))
    if isinstance(kind, kinds.Pattern):
        return whole(kind.pattern, ignore_case=kind.upper_case)
    if isinstance(kind, kinds.UkPostcode):
        return whole(kinds.UK_POSTCODE, ignore_case=True)
    raise TypeError(f"no regex for {kind.name!r}")


def suite(
    schema: Schema, rules: Sequence[Rule], dialect: Dialect | None, *, as_of: dt.date | None = None,
    counting: bool = False,
) -> Any:
    """A ``great_expectations.ExpectationSuite`` named after the schema (exactly, in its meta)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name=suite_name(schema),
        expectations=expectations(schema, rules, dialect, as_of=as_of, counting=counting),
        meta={"refcheck": {"schema": schema.name, "version": schema.version,
                           "dialect": dialect.name if dialect else None,
                           "as_of": as_of.isoformat() if as_of else None,
                           "input": "the extract's fields as text, trimmed, with blanks as null"}},
    )


def suite_name(schema: Schema) -> str:
    """The suite's name: letters, digits and hyphens only.

    A file-backed GX context stores a suite at a path made from its name, split at dots, so a
    schema's own name (``../x``, ``a./etc/y``) must never reach it as written.
    """
    words = re.findall(r"[^\W_]+", f"refcheck {schema.name} v{schema.version}")
    return "-".join(words)
