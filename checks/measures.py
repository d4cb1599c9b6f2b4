"""A record type's measures that are not a rule's pass rate: open now, overdue now, due soon, and shares.

Each is counted per team in the same group_by as the rules (``Report.measures``: checked = the rows it
rests on, failed = the rows it counts), so a renderer and the history read them like any count:
- ``open:<record type>``: its rows, and those open at the as-of date (``is_open``);
- ``overdue_now:<rule>``: open rows, and those whose item for the rule was due before the as-of date;
- ``due:<record type>``: open rows, and the rows of its due list (an open row and rule each);
- ``share:<KPI id>``: rows holding the KPI's ``of`` codes, and those also holding its ``share`` codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.due import DUE, OPEN, column, is_due
from refcheck.checks.internal import internal
from refcheck.checks.rules import Rule
from refcheck.schemas import Schema
from refcheck.schemas.model import Codes, Kpi, Period


def is_open(period: Period, ctx: Context) -> pl.Expr:
    """Open at the as-of date: the start present and not after it, and the end blank or after it.

    An end date that cannot be read counts as blank (as every rule reads it).
    """
    as_of = pl.lit(ctx.as_of, pl.Date)
    start = ctx.day(period.start)
    end = ctx.day(period.end) if period.end else pl.lit(None, pl.Date)
    return (start.is_not_null() & (start <= as_of) & (end.is_null() | (end > as_of))).fill_null(False)


def _collected(schema: Schema, names: Sequence[str]) -> bool:
    return all(name in schema.fields and schema.fields[name].collected for name in names)


def share_kpis(schema: Schema) -> list[Kpi]:
    """The scorecard's ``share`` KPIs of this record type whose fields it collects."""
    return [kpi for kpi in schema.scorecard.kpis if kpi.measure == "share" and kpi.record_type == schema.record_type
            and _collected(schema, [name for name, _ in (*kpi.of, *kpi.share)])]


def _holds(codes: Codes, ctx: Context) -> pl.Expr:
    """Every field holds one of its codes (codes compared as the engine reads them: trimmed)."""
    return pl.all_horizontal(pl.lit(True), *(ctx.col(name).is_in(list(listed)).fill_null(False)
                                             for name, listed in codes))


def measure_columns(schema: Schema, ctx: Context) -> list[pl.Expr]:
    """For the streaming pass: whether each row is open, and for each share KPI whether it is of it and shared."""
    columns = []
    period = schema.period
    if period is not None and _collected(schema, [name for name in (period.start, period.end) if name]):
        columns.append(is_open(period, ctx).alias(OPEN))
    for kpi in share_kpis(schema):
        columns += [_holds(kpi.of, ctx).alias(internal("of", kpi.id)),
                    (_holds(kpi.of, ctx) & _holds(kpi.share, ctx)).alias(internal("share", kpi.id))]
    return columns


def measure_keys(columns: Sequence[str], schema: Schema, rules: Sequence[Rule]) -> list[str]:
    """The measures the flags' columns let this record type count."""
    keys = []
    if OPEN in columns:
        keys += [f"open:{schema.record_type}", f"due:{schema.record_type}"]
        keys += [f"overdue_now:{rule.id}" for rule in rules if column(DUE, rule) in columns]
    keys += [f"share:{kpi.id}" for kpi in share_kpis(schema) if internal("of", kpi.id) in columns]
    return keys


def measure_counts(columns: Sequence[str], schema: Schema, rules: Sequence[Rule], ctx: Context,
                   window: int) -> list[pl.Expr]:
    """Aggregates per team for ``measure_keys``: ``internal("checked", key)`` and ``internal("failed", key)``."""
    counts: list[pl.Expr] = []

    def add(key: str, base: pl.Expr, counted: pl.Expr) -> None:
        counts.extend([base.alias(internal("checked", key)), counted.alias(internal("failed", key))])

    if OPEN in columns:
        open_now = pl.col(OPEN)
        present = [rule for rule in rules if column(DUE, rule) in columns]
        add(f"open:{schema.record_type}", pl.len(), open_now.sum())
        due_now = [(open_now & is_due(pl.col(column(DUE, rule)), window, ctx)).sum() for rule in present]
        add(f"due:{schema.record_type}", open_now.sum(), pl.sum_horizontal(pl.lit(0), *due_now))
        as_of = pl.lit(ctx.as_of, pl.Date)
        for rule in present:
            late = (pl.col(column(DUE, rule)) < as_of).fill_null(False)
            add(f"overdue_now:{rule.id}", open_now.sum(), (open_now & late).sum())
    for kpi in share_kpis(schema):
        if internal("of", kpi.id) in columns:
            add(f"share:{kpi.id}", pl.col(internal("of", kpi.id)).sum(), pl.col(internal("share", kpi.id)).sum())
    return counts

