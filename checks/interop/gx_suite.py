"""The rule set as a Great Expectations 1.x ExpectationSuite, in exact forms only.

GX reads a table of the extract's text, trimmed, with blanks as null (the first thing the engine
does; ``sql_rules.trimmed_query`` gives it on SQL). A rule becomes a built-in expectation when one
says exactly what the rule says; rules GX cannot express over pandas (working days, check digits,
dates written two ways) become ``UnexpectedRowsExpectation`` SQL for SQL data sources; anything
else is listed as not exportable, with the reason. Each kind declares which (``RuleKind.gx_status``)
and describes its built-in expectations as data (``RuleKind.gx``); this module makes the GX objects.
Every expectation carries its rule id in ``meta.refcheck`` so results map back to rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from refcheck.checks.extras import GX, require
from refcheck.checks.interop.sql_rules import BATCH, Dialect, SqlRules
from refcheck.checks.kinds import Export, ExportStatus
from refcheck.checks.kinds.base import GxExpectation, GxWhere
from refcheck.checks.rules import Rule
from refcheck.schemas import PRIMARY, FieldType, Schema, Severity

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "warning"}


def gx_status(rule: Rule, types: Mapping[str, FieldType]) -> ExportStatus:
    """How a rule travels to Great Expectations, as its kind declares, and with its ``when:``.

    ``types`` are the rule's record type's. A ``when:`` on a text field becomes GX's ``row_condition``
    on a built-in expectation; one on a date or number (present means readable) needs SQL.
    """
    status = rule.kind.gx_status(types)
    if rule.when is None or status.status is not Export.EXACT or not types[rule.when.field].is_parsed:
        return status
    if rule.kind.sql_status().status is Export.EXACT:
        return ExportStatus(Export.SQL_ONLY, _PARSED_WHEN)
    return ExportStatus(Export.NONE, f"{_PARSED_WHEN}, and refcheck writes no SQL for the {rule.kind.name!r} kind")


_PARSED_WHEN = "its when: condition needs a readable date or number, which GX's row conditions cannot test"


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
    require(GX, "the GX export", "great_expectations")
    import great_expectations.expectations as gxe

    types = {field.name: field.type for field in schema.fields.values()}
    sql = SqlRules(types, dialect, as_of, whole_table=whole_table) if dialect is not None else None
    out: list[Any] = []
    if counting:
        out.append(gxe.ExpectTableRowCountToBeBetween(min_value=0, meta={"refcheck": {"role": "rows"}}))
    for rule in rules:
        status = gx_status(rule, types)
        meta: dict[str, Any] = {"refcheck": {"rule": rule.id, "role": "failed"}}
        if rule.kind.every_row and rule.when is None:
            meta["refcheck"]["checked"] = "rows"  # NOTE: applies to every row, whatever the condition
        common: dict[str, Any] = {"meta": meta, "severity": _SEVERITY[rule.severity], "description": rule.message}
        if status.status is Export.EXACT:
            # NOTE: a batch of one team must still find duplicates in other teams.
            if not (rule.kind.compares_rows and sql is not None and whole_table is not None):
                out.extend(_native(rule.kind.gx(types), common, _when(rule)))
                continue
        elif status.status is not Export.SQL_ONLY or sql is None:
            continue
        assert sql is not None
        applies, fails = _sql_conditions(rule, sql)
        out.append(gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=f"SELECT * FROM {BATCH} WHERE {applies} AND {fails}", **common))
        if counting:
            out.append(gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=f"SELECT * FROM {BATCH} WHERE {applies}",
                description=f"Rows {rule.id} applies to", meta={"refcheck": {"rule": rule.id, "role": "checked"}}))
    return out


def _sql_conditions(rule: Rule, sql: SqlRules) -> tuple[str, str]:
    """Where a SQL-only rule applies (its ``when:`` too) and where it fails."""
    condition = sql.condition(rule.kind)
    assert condition is not None  # NOTE: a SQL-only kind has its SQL form (test_backend_coverage)
    applies, fails = condition
    if rule.when is None:
        return applies, fails
    field = rule.when.field
    if rule.when.test == "present":
        when = sql.present(field)
    elif rule.when.test == "blank":
        when = sql.blank(field)
    else:
        when = f"({sql.name(field)} IN ({', '.join(sql.lit(code) for code in rule.when.codes)}))"
    return f"({when} AND {applies})", fails


def _when(rule: Rule) -> tuple[GxWhere, ...]:
    """A rule's ``when:`` on a text field as GX row-condition tests."""
    if rule.when is None:
        return ()
    return (GxWhere(rule.when.field, _TESTS[rule.when.test], rule.when.codes),)


_TESTS: dict[str, Literal["is_null", "is_not_null", "is_in"]] = {
    "present": "is_not_null", "blank": "is_null", "in": "is_in"}


def _native(described: Sequence[GxExpectation], common: dict[str, Any], when: tuple[GxWhere, ...] = ()) -> list[Any]:
    """The GX objects of a kind's built-in expectations; their failures add up to the rule's."""
    import great_expectations.expectations as gxe

    out = []
    for expectation in described:
        tests = (*expectation.where, *when)
        where = {} if not tests else {"row_condition": _condition(tests)}
        tags = common if expectation.counts_checked else _tagged(common, checked="none")
        made = getattr(gxe, expectation.expectation)
        out.append(made(column=expectation.column, **expectation.options, **where, **tags))
    return out


def _condition(where: Sequence[GxWhere]) -> Any:
    """A GX row condition: every test holds."""
    from great_expectations.expectations.row_conditions import Column

    condition: Any = None
    for test in where:
        column = Column(test.column)
        part = column.is_in(list(test.codes)) if test.test == "is_in" else getattr(column, test.test)()
        condition = part if condition is None else condition & part
    return condition


def _tagged(common: dict[str, Any], **tags: str) -> dict[str, Any]:
    """``common`` with extra refcheck tags in its meta."""
    meta = {"refcheck": {**common["meta"]["refcheck"], **tags}}
    return {**common, "meta": meta}


def suite(
    schema: Schema, rules: Sequence[Rule], dialect: Dialect | None, *, as_of: dt.date | None = None,
    counting: bool = False, of_several: bool = False,
) -> Any:
    """A ``great_expectations.ExpectationSuite`` of one record type, named after the schema (exactly, in its meta).

    ``of_several``: the schema has several record types, and the meta says which this suite checks.
    """
    require(GX, "the GX export", "great_expectations")
    import great_expectations as gx

    which = {"record_type": schema.record_type} if of_several else {}
    return gx.ExpectationSuite(
        name=suite_name(schema),
        expectations=expectations(schema, rules, dialect, as_of=as_of, counting=counting),
        meta={"refcheck": {"schema": schema.name, "version": schema.version, **which,
                           "dialect": dialect.name if dialect else None,
                           "as_of": as_of.isoformat() if as_of else None,
                           "input": "the extract's fields as text, trimmed, with blanks as null"}},
    )


def suites(schema: Schema, rules: Sequence[Rule], dialect: Dialect | None, *,
           as_of: dt.date | None = None) -> dict[str, Any]:
    """A suite per record type (the primary's first, then each other that has rules), by record type.

    GX validates one data asset (a table) against one suite, so each record type's table gets its own.
    """
    out = {}
    for record in schema.record_types:
        own = [rule for rule in rules if rule.record_type == record.record_type]
        if own or record is schema:
            out[record.record_type] = suite(record, own, dialect, as_of=as_of, of_several=bool(schema.others))
    return out


def suite_name(schema: Schema) -> str:
    """The suite's name: letters, digits and hyphens only; another record type's name ends with that type's.

    A file-backed GX context stores a suite at a path made from its name, split at dots, so a
    schema's own name (``../x``, ``a./etc/y``) must never reach it as written.
    """
    other = f" {schema.record_type}" if schema.record_type != PRIMARY else ""
    words = re.findall(r"[^\W_]+", f"refcheck {schema.name} v{schema.version}{other}")
    return "-".join(words)
