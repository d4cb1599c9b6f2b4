"""Working days: Monday to Friday, less a region's bank holidays and the schema's closure days.

``pl.business_day_count`` with a holiday list is slow in the streaming engine and grows with the
list, so the count is taken without holidays and the weekday holidays in ``[start, end)`` are
subtracted by a sorted lookup. Tests pin this to ``pl.business_day_count(..., holidays=...)``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import polars as pl

from refcheck.schemas import Calendar
from refcheck.schemas.model import REGIONS

FIRST_YEAR = 1950
LAST_YEAR = 2100


@lru_cache(maxsize=8)
def closure_days(calendar: Calendar) -> tuple[dt.date, ...]:
    """The weekday bank holidays and extra closures of a calendar, sorted."""
    region = holidays.country_holidays("GB", subdiv=REGIONS[calendar.region], years=range(FIRST_YEAR, LAST_YEAR + 1))
    days = {day for day in region if day.weekday() < 5}
    days.update(day for day in calendar.extra_closures if day.weekday() < 5)
    return tuple(sorted(days))


class WorkingDays:
    """Counts working days between two date expressions."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._closures = pl.Series("closures", closure_days(calendar), dtype=pl.Date)

    def count(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working days from ``start`` inclusive to ``end`` exclusive (negative when end is earlier)."""
        weekdays = pl.business_day_count(start, end).cast(pl.Int64)
        closures = pl.lit(self._closures)
        before_end = closures.search_sorted(end).cast(pl.Int64)
        before_start = closures.search_sorted(start).cast(pl.Int64)
        return weekdays - (before_end - before_start)
