"""The within_working_days kind: a statutory timescale, counted in working days (or calendar days, weeks, months)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.durations import Duration, DurationText, Unit, duration
from refcheck.checks.internal import internal
from refcheck.checks.kinds.base import (
    Export,
    ExportStatus,
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    field_param,
    rule_kind,
    when,
)
from refcheck.checks.stretches import exceeds, exceeds_source
from refcheck.schemas import FieldType

CALENDAR_SQL = "refcheck writes SQL for timescales in working days only, not calendar days, weeks or months"
"""Why a timescale in calendar units has no SQL (nor GX, which would need it) form yet."""


def limit_of(count: int | None, within: str | None, count_name: str, within_name: str) -> Duration:
    """A timescale given either as a number of working days or as a written duration (exactly one)."""
    if (count is None) == (within is None):
        raise ValueError(f"give exactly one of {count_name} or {within_name}")
    if count is not None:
        return Duration(count, Unit.WORKING_DAYS)
    return duration(DurationText.parse(within, within_name))


@rule_kind("within_working_days")
@dataclass(frozen=True, slots=True, kw_only=True)
class WithinWorkingDays(RuleKind):
    """The ``end`` date must be within ``days`` working days of the ``start`` date.

    Working days are counted from the start date inclusive to the end date exclusive, Monday to
    Friday less the calendar's bank holidays and closures; times of day are ignored. Instead of
    ``days``, ``within`` may give the timescale as "10 working days", "30 days", "4 weeks" or
    "3 months" (a month from 31 January ends on the last day of February). Applies when both
    dates are present and, with ``code_field`` and ``codes``, only where that field holds one of
    the codes (a strategy discussion after an S47 decision).
    """

    category = "timeliness"
    gx_sql_only = "working days need the bank-holiday calendar table"
    exactly_one_of = (("days", "within"),)
    start: str = field_param()
    end: str = field_param()
    days: int | None = None
    within: DurationText | str | None = None
    code_field: str | None = field_param(default=None)
    codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.within is not None:
            object.__setattr__(self, "within", DurationText.parse(self.within, "within"))
        self.limit  # noqa: B018 - the timescale is checked when the rule is bound
        if (self.code_field is None) != (not self.codes):
            raise ValueError("code_field and codes go together")

    @property
    def limit(self) -> Duration:
        """The timescale."""
        return limit_of(self.days, self.within, "days", "within")

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.start, self.end)

    def violation(self, ctx: Context) -> pl.Expr:
        start, end = ctx.day(self.start), ctx.day(self.end)
        condition = start.is_not_null() & end.is_not_null()
        if self.code_field is not None:
            condition = condition & ctx.col(self.code_field).is_in(self.codes).fill_null(False)
        limit = self.limit
        if limit.in_working_days:
            return applies(condition, self._taken(ctx) > limit.count)
        return applies(condition, exceeds(start, end, limit, ctx))

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
        return Violation(when(condition, exceeds_source(start, end, self.limit, terms.working_days)))

    def sql(self, terms: SqlTerms) -> tuple[str, str] | None:
        if not self.limit.in_working_days:
            return None
        start, end = terms.day(self.start), terms.day(self.end)
        taken = f"({terms.working_before(end)} - {terms.working_before(start)})"
        condition = f"({start} IS NOT NULL AND {end} IS NOT NULL"
        if self.code_field is not None:
            condition += f" AND {terms.name(self.code_field)} IN ({', '.join(terms.lit(c) for c in self.codes)})"
        return condition + ")", f"({taken} > {self.limit.count})"

    def sql_status(self) -> ExportStatus:
        if not self.limit.in_working_days:
            return ExportStatus(Export.NONE, CALENDAR_SQL)
        return RuleKind.sql_status(self)

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        if not self.limit.in_working_days:
            return ExportStatus(Export.NONE, CALENDAR_SQL)
        return RuleKind.gx_status(self, types)
