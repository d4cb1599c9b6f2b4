"""Kinds about whether a value is there: readable, required, required_when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.durations import Duration, DurationText
from refcheck.checks.internal import internal
from refcheck.checks.kinds.base import (
    EXACT,
    Export,
    ExportStatus,
    GxExpectation,
    GxWhere,
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    as_tuple,
    field_param,
    rule_kind,
    when,
)
from refcheck.checks.kinds.portable import readable, whole
from refcheck.checks.kinds.timeliness import CALENDAR_SQL, limit_of
from refcheck.checks.stretches import due, exceeds, exceeds_source
from refcheck.schemas import FieldType


@rule_kind("readable")
@dataclass(frozen=True, slots=True, kw_only=True)
class Readable(RuleKind):
    """A present value can be read as its field's type (a real date, in a listed form).

    Applies to rows where the raw value is present. An unreadable value is then treated as blank
    by every other rule: it is never silently dropped and never stops the run.
    """

    category = "validity"
    reads_unreadable = True
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        return applies(ctx.was_present(self.field), ctx.col(self.field).is_null())

    def pandera(self, terms: PanderaTerms) -> Violation:
        return Violation(when(f"{terms.text(self.field)}.is_not_null()", f"{terms.value(self.field)}.is_null()"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        return f"({terms.name(self.field)} IS NOT NULL)", terms.blank(self.field)

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        regex = whole(readable(types[self.field]))
        return (GxExpectation("ExpectColumnValuesToMatchRegex", self.field, {"regex": regex}),)

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        return EXACT


@rule_kind("required")
@dataclass(frozen=True, slots=True, kw_only=True)
class Required(RuleKind):
    """The field must be present (not blank); ``alternatives`` are fields that may stand in for it.

    Applies to every row. Blank means null, empty or only whitespace.
    """

    category = "completeness"
    every_row = True
    field: str = field_param()
    alternatives: tuple[str, ...] = field_param(default=())

    def violation(self, ctx: Context) -> pl.Expr:
        blank = ctx.col(self.field).is_null()
        for other in self.alternatives:
            blank = blank & ctx.col(other).is_null()
        return blank

    def pandera(self, terms: PanderaTerms) -> Violation:
        return Violation(" & ".join(f"{terms.value(name)}.is_null()" for name in (self.field, *self.alternatives)))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        blank = " AND ".join(terms.blank(name) for name in (self.field, *self.alternatives))
        return "(1 = 1)", f"({blank})"

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        return _not_blank(self.field, types, tuple(GxWhere(other, "is_null") for other in self.alternatives))

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        if any(types[other].is_parsed for other in self.alternatives if other != self.field):
            return ExportStatus(Export.SQL_ONLY, "a stand-in field must be a readable date, which needs SQL")
        return EXACT


@rule_kind("required_when")
@dataclass(frozen=True, slots=True, kw_only=True)
class RequiredWhen(RuleKind):
    """The field must be present when a condition holds; rows where it does not hold are not checked.

    Give exactly one condition: ``present`` (another field is present), ``code_field`` with
    ``codes`` (another field holds one of the codes), or ``overdue_since`` with ``working_days``
    (more than that many working days have passed between that date and the as-of date) or
    with ``overdue_after`` (a duration such as "10 working days", "30 days", "4 weeks" or
    "3 months" has passed).
    """

    category = "completeness"
    reads_as_of = True
    field: str = field_param()
    present: str | None = field_param(default=None)
    code_field: str | None = field_param(default=None)
    codes: tuple[str, ...] = ()
    overdue_since: str | None = field_param(default=None)
    working_days: int | None = None
    overdue_after: DurationText | str | None = None

    def __post_init__(self) -> None:
        given = [self.present is not None, self.code_field is not None, self.overdue_since is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of present, code_field or overdue_since")
        if (self.code_field is None) != (not self.codes):
            raise ValueError("code_field and codes go together")
        if self.overdue_after is not None:
            object.__setattr__(self, "overdue_after", DurationText.parse(self.overdue_after, "overdue_after"))
        if self.overdue_since is None and (self.working_days is not None or self.overdue_after is not None):
            raise ValueError("working_days and overdue_after go with overdue_since")
        if self.overdue_since is not None:
            limit_of(self.working_days, self.overdue_after, "working_days", "overdue_after")

    @property
    def overdue_limit(self) -> Duration:
        """How long after ``overdue_since`` the field is due."""
        return limit_of(self.working_days, self.overdue_after, "working_days", "overdue_after")

    def temporal_fields(self) -> tuple[str, ...]:
        return as_tuple(self.overdue_since)

    def violation(self, ctx: Context) -> pl.Expr:
        if self.present is not None:
            condition = ctx.col(self.present).is_not_null()
        elif self.code_field is not None:
            condition = ctx.col(self.code_field).is_in(self.codes).fill_null(False)
        else:
            assert self.overdue_since is not None
            since, limit = ctx.day(self.overdue_since), self.overdue_limit
            overdue = (self._elapsed(ctx, self.overdue_since) > limit.count if limit.in_working_days
                       else exceeds(since, pl.lit(ctx.as_of, pl.Date), limit, ctx))
            condition = since.is_not_null() & overdue
        return applies(condition, ctx.col(self.field).is_null())

    def due_dates(self, ctx: Context) -> tuple[pl.Expr, pl.Expr] | None:
        """The overdue form: while the field is blank, it falls due ``overdue_limit`` after ``overdue_since``."""
        if self.overdue_since is None:
            return None
        since = ctx.day(self.overdue_since)
        waiting = since.is_not_null() & ctx.col(self.field).is_null()
        return pl.when(waiting).then(since), pl.when(waiting).then(due(since, self.overdue_limit, ctx))

    def due_limit(self) -> Duration | None:
        return self.overdue_limit if self.overdue_since is not None else None

    def days_taken(self, ctx: Context) -> pl.Expr | None:
        """Working days elapsed since the overdue_since date, as of the run."""
        if self.overdue_since is None:
            return None
        return self._elapsed(ctx, self.overdue_since)

    @staticmethod
    def _elapsed(ctx: Context, since: str) -> pl.Expr:
        # NOTE: computed once for the rule and its worklist column (Polars would count twice).
        elapsed = ctx.working_days.count(ctx.day(since), pl.lit(ctx.as_of))
        return ctx.computed(internal("working_days_to_as_of", since), elapsed)

    def pandera(self, terms: PanderaTerms) -> Violation:
        if self.present is not None:
            condition = f"{terms.value(self.present)}.is_not_null()"
        elif self.code_field is not None:
            condition = f"{terms.value(self.code_field)}.is_in({list(self.codes)!r}).fill_null(False)"
        else:
            assert self.overdue_since is not None
            since = terms.day(self.overdue_since)
            overdue = exceeds_source(since, f"pl.lit({terms.as_of()})", self.overdue_limit, terms.working_days)
            condition = f"{since}.is_not_null() & ({overdue})"
        return Violation(when(condition, f"{terms.value(self.field)}.is_null()"))

    def sql(self, terms: SqlTerms) -> tuple[str, str] | None:
        if self.present is not None:
            condition = terms.present(self.present)
        elif self.code_field is not None:
            condition = f"({terms.name(self.code_field)} IN ({', '.join(terms.lit(code) for code in self.codes)}))"
        else:
            assert self.overdue_since is not None
            if not self.overdue_limit.in_working_days:
                return None
            since = terms.day(self.overdue_since)
            condition = (f"({since} IS NOT NULL AND "
                         f"{terms.working_before(terms.as_of_day())} - {terms.working_before(since)} > "
                         f"{self.overdue_limit.count})")
        return condition, terms.blank(self.field)

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        if self.present is not None:
            return _not_blank(self.field, types, (GxWhere(self.present, "is_not_null"),))
        if self.code_field is not None:
            return _not_blank(self.field, types, (GxWhere(self.code_field, "is_in", self.codes),))
        return ()

    def sql_status(self) -> ExportStatus:
        if self.overdue_since is not None and not self.overdue_limit.in_working_days:
            return ExportStatus(Export.NONE, CALENDAR_SQL)
        return EXACT

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        if self.overdue_since is not None and not self.overdue_limit.in_working_days:
            return ExportStatus(Export.NONE, CALENDAR_SQL)
        if self.overdue_since is not None:
            return ExportStatus(Export.SQL_ONLY,
                                "an overdue condition needs working days from the bank-holiday calendar table")
        if self.present is not None and types[self.present].is_parsed:
            return ExportStatus(Export.SQL_ONLY, "the condition needs a readable date, which needs SQL")
        return EXACT


def _not_blank(field: str, types: Mapping[str, FieldType], where: tuple[GxWhere, ...]) -> tuple[GxExpectation, ...]:
    """GX's "not null" where the conditions hold, and for a date or number, "readable" too."""
    blank = GxExpectation("ExpectColumnValuesToNotBeNull", field, where=where)
    if not types[field].is_parsed:
        return (blank,)
    # NOTE: an unreadable date counts as missing, so those rows fail too (disjoint from the nulls).
    unreadable = GxExpectation("ExpectColumnValuesToMatchRegex", field, {"regex": whole(readable(types[field]))},
                               where=where, counts_checked=False)
    return (blank, unreadable)
