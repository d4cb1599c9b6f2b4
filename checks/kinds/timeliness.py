"""The within_working_days kind: a statutory timescale counted in working days."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.internal import internal
from refcheck.checks.kinds.base import (
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    field_param,
    rule_kind,
    when,
)


@rule_kind("within_working_days")
@dataclass(frozen=True, slots=True, kw_only=True)
class WithinWorkingDays(RuleKind):
    """The ``end`` date must be within ``days`` working days of the ``start`` date.

    Working days are counted from the start date inclusive to the end date exclusive, Monday to
    Friday less the calendar's bank holidays and closures; times of day are ignored. Applies
    when both dates are present and, with ``code_field`` and ``codes``, only where that field
    holds one of the codes (a strategy discussion after an S47 decision).
    """

    category = "timeliness"
    gx_sql_only = "working days need the bank-holiday calendar table"
    start: str = field_param()
    end: str = field_param()
    days: int
    code_field: str | None = field_param(default=None)
    codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.code_field is None) != (not self.codes):
            raise ValueError("code_field and codes go together")

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.start, self.end)

    def violation(self, ctx: Context) -> pl.Expr:
        start, end = ctx.day(self.start), ctx.day(self.end)
        condition = start.is_not_null() & end.is_not_null()
        if self.code_field is not None:
            condition = condition & ctx.col(self.code_field).is_in(self.codes).fill_null(False)
        return applies(condition, self._taken(ctx) > self.days)

    def days_taken(self, ctx: Context) -> pl.Expr:
        return self._taken(ctx)

    def _taken(self, ctx: Context) -> pl.Expr:
        taken = ctx.working_days.count(ctx.day(self.start), ctx.day(self.end))
        return ctx.computed(internal("working_days", self.start, self.end), taken)

    def pandera(self, terms: PanderaTerms) -> Violation:
        start, end = terms.day(self.start), terms.day(self.end)
        condition = f"{start}.is_not_null() & {end}.is_not_null()"
        if self.code_field is not None:
            condition += f" & {terms.value(self.code_field)}.is_in({list(self.codes)!r}).fill_null(False)"
        return Violation(when(condition, f"{terms.working_days(start, end)} > {self.days}"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        start, end = terms.day(self.start), terms.day(self.end)
        taken = f"({terms.working_before(end)} - {terms.working_before(start)})"
        condition = f"({start} IS NOT NULL AND {end} IS NOT NULL"
        if self.code_field is not None:
            condition += f" AND {terms.name(self.code_field)} IN ({', '.join(terms.lit(c) for c in self.codes)})"
        return condition + ")", f"({taken} > {self.days})"
