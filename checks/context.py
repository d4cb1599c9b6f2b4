"""What a rule kind may use to build its expression: typed columns, the as-of date, working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.parsing import present_name
from refcheck.schemas import FieldType


@dataclass(frozen=True, slots=True)
class Context:
    """The run a rule is evaluated in."""

    as_of: dt.date
    working_days: WorkingDays
    field_types: Mapping[str, FieldType]

    def col(self, field: str) -> pl.Expr:
        """The field's typed value; null when blank or unreadable."""
        return pl.col(field)

    def day(self, field: str) -> pl.Expr:
        """The field as a date (times of day dropped)."""
        if self.field_types[field] is FieldType.DATETIME:
            return pl.col(field).dt.date()
        return pl.col(field)

    def was_present(self, field: str) -> pl.Expr:
        """Whether the raw value of a parsed field was present, readable or not."""
        return pl.col(present_name(field))
