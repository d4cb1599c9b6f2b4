"""Kinds about whether dates are plausible: date_order, not_in_future, age_under."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
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

_TWO_FORMS = "dates written in two forms (ISO and UK) must be read before they can be compared"


@rule_kind("date_order")
@dataclass(frozen=True, slots=True, kw_only=True)
class DateOrder(RuleKind):
    """The ``later`` date must not be before the ``earlier`` one, when both are present.

    ``compare: date`` ignores times of day; ``compare: datetime`` uses them.
    """

    category = "plausibility"
    gx_sql_only = _TWO_FORMS
    earlier: str = field_param()
    later: str = field_param()
    compare: str = "date"

    def __post_init__(self) -> None:
        if self.compare not in ("date", "datetime"):
            raise ValueError("compare is 'date' or 'datetime'")

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.earlier, self.later)

    def violation(self, ctx: Context) -> pl.Expr:
        if self.compare == "date":
            earlier, later = ctx.day(self.earlier), ctx.day(self.later)
        else:
            earlier, later = ctx.col(self.earlier).cast(pl.Datetime("us")), ctx.col(self.later).cast(pl.Datetime("us"))
        return applies(earlier.is_not_null() & later.is_not_null(), later < earlier)

    def pandera(self, terms: PanderaTerms) -> Violation:
        if self.compare == "date":
            earlier, later = terms.day(self.earlier), terms.day(self.later)
        else:
            earlier = f"{terms.value(self.earlier)}.cast(pl.Datetime('us'))"
            later = f"{terms.value(self.later)}.cast(pl.Datetime('us'))"
        return Violation(when(f"{earlier}.is_not_null() & {later}.is_not_null()", f"{later} < {earlier}"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        value = terms.day if self.compare == "date" else terms.moment
        earlier, later = value(self.earlier), value(self.later)
        return f"({earlier} IS NOT NULL AND {later} IS NOT NULL)", f"({later} < {earlier})"


@rule_kind("not_in_future")
@dataclass(frozen=True, slots=True, kw_only=True)
class NotInFuture(RuleKind):
    """A present date must not be after the run's as-of date."""

    category = "plausibility"
    reads_as_of = True
    gx_sql_only = _TWO_FORMS
    field: str = field_param()

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.field,)

    def violation(self, ctx: Context) -> pl.Expr:
        day = ctx.day(self.field)
        return applies(day.is_not_null(), day > pl.lit(ctx.as_of))

    def pandera(self, terms: PanderaTerms) -> Violation:
        day = terms.day(self.field)
        return Violation(when(f"{day}.is_not_null()", f"{day} > pl.lit({terms.as_of()})"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        day = terms.day(self.field)
        return f"({day} IS NOT NULL)", f"({day} > {terms.as_of_day()})"


@rule_kind("age_under")
@dataclass(frozen=True, slots=True, kw_only=True)
class AgeUnder(RuleKind):
    """The age on the ``at`` date, from the ``birth`` date, must be under ``years``.

    A birthday is reached on its anniversary; someone born on 29 February reaches it on
    1 March in a year that is not a leap year.
    """

    category = "plausibility"
    gx_sql_only = "an age needs date arithmetic on two columns"
    birth: str = field_param()
    at: str = field_param()
    years: int

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.birth, self.at)

    def violation(self, ctx: Context) -> pl.Expr:
        birth, at = ctx.day(self.birth), ctx.day(self.at)
        age = at.dt.year() - birth.dt.year() - (_month_day(at) < _month_day(birth)).cast(pl.Int32)
        return applies(birth.is_not_null() & at.is_not_null(), age >= self.years)

    def pandera(self, terms: PanderaTerms) -> Violation:
        birth, at = terms.day(self.birth), terms.day(self.at)
        age = (f"({at}.dt.year().cast(pl.Int32) - {birth}.dt.year().cast(pl.Int32) - "
               f"((({at}.dt.month().cast(pl.Int32) * 100 + {at}.dt.day().cast(pl.Int32)) < "
               f"({birth}.dt.month().cast(pl.Int32) * 100 + {birth}.dt.day().cast(pl.Int32))).cast(pl.Int32)))")
        return Violation(when(f"{birth}.is_not_null() & {at}.is_not_null()", f"{age} >= {self.years}"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        birth, at = terms.day(self.birth), terms.day(self.at)
        birthday_to_come = f"{terms.remainder(at, '10000')} < {terms.remainder(birth, '10000')}"
        age = f"({terms.quotient(at, '10000')} - {terms.quotient(birth, '10000')} - {terms.flag(birthday_to_come)})"
        return f"({birth} IS NOT NULL AND {at} IS NOT NULL)", f"({age} >= {self.years})"


def _month_day(day: pl.Expr) -> pl.Expr:
    """Month and day as one sortable number (MMDD), for birthdays."""
    return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)
