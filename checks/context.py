"""What a rule kind may use to build its expression: typed columns, the as-of date, working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.internal import internal
from refcheck.checks.parsing import present_name
from refcheck.schemas import FieldType


@dataclass(frozen=True, slots=True)
class Context:
    """The run a rule is evaluated in."""

    as_of: dt.date
    working_days: WorkingDays
    field_types: Mapping[str, FieldType]
    steps: dict[str, tuple[pl.Expr, int]] = field(default_factory=dict, compare=False)
    """Intermediate columns rules share, by name: the expression and the step it is computed in."""
    related: Mapping[str, pl.DataFrame] = field(default_factory=dict, compare=False)
    """Other record types' collected columns, by record type, for the rules that read them (``RuleKind.related``):
    each frame has the fields those rules asked for, typed as in their own record type, in extract order."""

    def col(self, field: str) -> pl.Expr:
        """The field's typed value; null when blank or unreadable."""
        return pl.col(field)

    def day(self, field: str) -> pl.Expr:
        """The field as a date (times of day dropped)."""
        if self.field_types[field] is FieldType.DATETIME:
            return self.computed(internal("date", field), pl.col(field).dt.date())
        return pl.col(field)

    def computed(self, name: str, expr: pl.Expr) -> pl.Expr:
        """``expr`` as a column computed once, before the rules, for every rule that asks by ``name``.

        Polars evaluates a subexpression once per use, so an expression a rule reads several
        times (an NHS number's digits, a date part) is computed here once instead.
        """
        if name not in self.steps:
            level = 1 + max((self.steps[root][1] for root in expr.meta.root_names() if root in self.steps), default=0)
            self.steps[name] = (expr.alias(name), level)
        return pl.col(name)

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """The frame with every computed column added, step by step."""
        for level in range(1, 1 + max((level for _, level in self.steps.values()), default=0)):
            frame = frame.with_columns(expr for expr, at in self.steps.values() if at == level)
        return frame

    def was_present(self, field: str) -> pl.Expr:
        """Whether the raw value of a parsed field was present, readable or not."""
        return pl.col(present_name(field))
