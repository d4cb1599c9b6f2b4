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
from typing import Any

from refcheck.checks.extras import GX, require
from refcheck.checks.interop.sql_rules import Dialect, SqlRules
from refcheck.checks.kinds import Export, ExportStatus
from refcheck.checks.kinds.base import GxExpectation, GxWhere
from refcheck.checks.rules import Rule
from refcheck.schemas import FieldType, Schema, Severity

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "warning"}


def gx_status(rule: Rule, types: Mapping[str, FieldType]) -> ExportStatus:
    """How a rule travels to Great Expectations, as its kind declares."""
    return rule.kind.gx_status(types)


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
        if rule.kind.every_row:
            meta["refcheck"]["checked"] = "rows"  # NOTE: applies to every row, whatever the condition
        common: dict[str, Any] = {"meta": meta, "severity": _SEVERITY[rule.severity], "description": rule.message}
        if status.status is Export.EXACT:
            # NOTE: a batch of one team must still find duplicates in other teams.
            if not (rule.kind.compares_rows and sql is not None and whole_table is not None):
                out.extend(_native(rule.kind.gx(types), common))
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


def _native(described: Sequence[GxExpectation], common: dict[str, Any]) -> list[Any]:
    """The GX objects of a kind's built-in expectations; their failures add up to the rule's."""
    import great_expectations.expectations as gxe

    out = []
    for expectation in described:
        where = {} if not expectation.where else {"row_condition": _condition(expectation.where)}
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
    counting: bool = False,
) -> Any:
    """A ``great_expectations.ExpectationSuite`` named after the schema (exactly, in its meta)."""
    require(GX, "the GX export", "great_expectations")
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
