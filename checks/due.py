"""When records fall due: each row's last event and due date per rule, how far overdue, and the due list.

A rule falls due when its kind says so: row by row (``RuleKind.due_dates``: the ``required_when``
overdue form, while the field is blank) or through its stretch table (``RuleKind.stretches``:
``recurring_within``, from the last qualifying visit or review). Both end up as three columns per
rule beside its flag, which the findings (the worklist's last event and how far overdue), the
measures (overdue now, due) and the due list read. The due list holds an open record (its record
type's ``period``) and rule whose due date D is on or after the as-of date and at most the window's
working days after it (``business_day_count(as-of, D) <= window``), as section 6 of the child
protection standard says; an item due before the as-of date is overdue, not due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.internal import internal
from refcheck.checks.report import NO_TEAM
from refcheck.checks.rules import Rule
from refcheck.checks.stretches import overdue_by
from refcheck.schemas import Schema

LAST, DUE, OVERDUE = "last", "due", "overdue"
"""What the three columns of a rule that falls due hold: the last event, the due date, how far past it."""
OPEN = internal("open")
"""Whether a row is open at the as-of date (its record type's ``period``)."""
DUE_COLUMNS = {"team": pl.String, "record_type": pl.String, "record_id": pl.String, "line": pl.Int64,
               "worker": pl.String, "rule_id": pl.String, "item": pl.String, "due_date": pl.Date, "last": pl.Date}
"""The due list's columns: who, which record and line, what falls due, when, and the last event it runs from."""


def column(what: str, rule: Rule) -> str:
    """The name of one of a rule's due columns (``LAST``, ``DUE``, ``OVERDUE``)."""
    return internal(what, rule.id)


def falls_due(rule: Rule) -> bool:
    """Whether a rule's records fall due (its kind has a limit to fall due by)."""
    return rule.kind.due_limit() is not None


def overdue_unit(rule: Rule) -> str:
    """The unit its overdue counts are in: working days for a limit in working days, else calendar days."""
    limit = rule.kind.due_limit()
    return "working days" if limit is not None and limit.in_working_days else "days"


def row_due_columns(rules: Sequence[Rule], ctx: Context) -> list[pl.Expr]:
    """For the streaming pass: the due columns of the rules judged row by row that fall due, where they apply."""
    columns = []
    for rule in rules:
        dates = rule.kind.due_dates(ctx)
        limit = rule.kind.due_limit()
        if dates is None or limit is None:
            continue
        condition = rule.condition(ctx)
        last, due = (dates if condition is None else
                     tuple(pl.when(condition).then(date) for date in dates))
        as_of = pl.lit(ctx.as_of, pl.Date)
        late = pl.when(due < as_of).then(overdue_by(due, as_of, limit, ctx)).cast(pl.Int64)
        columns += [last.alias(column(LAST, rule)), due.alias(column(DUE, rule)), late.alias(column(OVERDUE, rule))]
    return columns


def with_stretch_dates(flags: pl.DataFrame, rules: Sequence[Rule], ctx: Context) -> pl.DataFrame:
    """The flags with the rules judged by stretches judged: each one's flag and due columns, from its collected keys.

    Each stretch table is made once, for the flag (``RuleKind.verdict``) and the dates; where the rule's
    ``when:`` does not hold all are null. The rule's key and condition columns are replaced.
    """
    added, used = [], []
    for rule in rules:
        key, condition = internal("key", rule.id), internal("when", rule.id)
        if key not in flags.columns or not falls_due(rule):
            continue
        table = rule.kind.stretches(flags.get_column(key), ctx)
        if table is None:
            continue
        holds = pl.col(condition) if condition in flags.columns else pl.lit(True)
        values = table.select(rule.kind.verdict(table).alias(rule.id),
                              pl.col("last_anchor").alias(column(LAST, rule)), pl.col("due").alias(column(DUE, rule)),
                              pl.col("overdue_by").cast(pl.Int64).alias(column(OVERDUE, rule)))
        added += [flags.select(pl.when(holds).then(pl.lit(series)).alias(series.name)).to_series()
                  for series in values.get_columns()]
        used += [name for name in (key, condition) if name in flags.columns]
    return flags.select(pl.exclude(*used), *added) if added else flags


def due_rules(flags: pl.DataFrame, rules: Sequence[Rule]) -> list[Rule]:
    """The rules whose due columns the flags hold."""
    return [rule for rule in rules if column(DUE, rule) in flags.columns]


def is_due(due: pl.Expr, window: int, ctx: Context) -> pl.Expr:
    """Whether a due date is on or after the as-of date and at most ``window`` working days after it."""
    as_of = pl.lit(ctx.as_of, pl.Date)
    return ((due >= as_of) & (ctx.working_days.count(as_of, due) <= window)).fill_null(False)


def due_list(flags: pl.DataFrame, schema: Schema, rules: Sequence[Rule], ctx: Context, window: int,
             detail: Mapping[str, str]) -> pl.DataFrame:
    """The record type's due list: its open rows' items due within ``window`` working days, soonest first per team.

    ``detail`` names the flags' columns holding each row's team, record_id, line and worker.
    """
    if OPEN not in flags.columns:
        return pl.DataFrame(schema=DUE_COLUMNS)
    parts = []
    for rule in due_rules(flags, rules):
        spec = schema.rule(rule.id)
        due = pl.col(column(DUE, rule))
        parts.append(flags.lazy().filter(pl.col(OPEN) & is_due(due, window, ctx)).select(
            pl.col(detail["team"]).alias("team"), pl.lit(schema.record_type).alias("record_type"),
            *(pl.col(detail[name]).alias(name) for name in ("record_id", "line", "worker")),
            pl.lit(rule.id).alias("rule_id"), pl.lit(spec.due_label or rule.id).alias("item"),
            due.alias("due_date"), pl.col(column(LAST, rule)).alias("last")))
    if not parts:
        return pl.DataFrame(schema=DUE_COLUMNS)
    return sort_due(pl.concat(parts).collect().cast(DUE_COLUMNS))  # type: ignore[arg-type]


def sort_due(due: pl.DataFrame) -> pl.DataFrame:
    """Soonest first within each team (the rows of no team last), then by line and rule."""
    return due.sort(pl.col("team") == NO_TEAM, "team", "due_date", "line", "rule_id", nulls_last=True,
                    maintain_order=True)
