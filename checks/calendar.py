"""Working days: Monday to Friday, less a region's bank holidays and the schema's closure days.

``pl.business_day_count`` with a holiday list is slow in the streaming engine and grows with the
list, so a count is two lookups in a table of the working days before each day from 1900 to 2100
(``WorkingDays.count``, the one way in; ``refcheck export calendar`` writes the same table for SQL).
Tests pin it to a day-by-day count over the ``holidays`` package and to ``pl.business_day_count``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import polars as pl

from refcheck.schemas import Calendar
from refcheck.schemas.model import REGIONS

FIRST_YEAR = 1950
LAST_YEAR = 2100


@lru_cache(maxsize=8)
def closure_days(calendar: Calendar) -> tuple[dt.date, ...]:
    """The weekday bank holidays and extra closures of a calendar, sorted."""
    days = {day for day in bank_holidays(calendar.region) if day.weekday() < 5}
    days.update(day for day in calendar.extra_closures if day.weekday() < 5)
    return tuple(sorted(days))


@lru_cache(maxsize=4)
def bank_holidays(region: str) -> tuple[dt.date, ...]:
    """A region's bank holidays from 1950 to 2100, as the ``holidays`` package has them.

    Importing ``holidays`` and building 151 years costs about 0.35 s, most of a small run,
    so the list is kept in a cache file named after the installed package (recomputed on upgrade).
    """
    cache = cache_dir() / f"bank-holidays-{region}-{_holidays_stamp()}-{FIRST_YEAR}-{LAST_YEAR}.txt"
    try:
        return tuple(dt.date.fromisoformat(line) for line in cache.read_text().split())
    except (OSError, ValueError):
        pass
    import holidays

    found = holidays.country_holidays("GB", subdiv=REGIONS[region], years=range(FIRST_YEAR, LAST_YEAR + 1))
    days = tuple(sorted(found))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=cache.parent, delete=False, suffix=".tmp") as out:
            out.write("\n".join(day.isoformat() for day in days) + "\n")
        os.replace(out.name, cache)
    except OSError:
        pass  # NOTE: a read-only home only costs the time
    return days


def _holidays_stamp() -> str:
    """Which ``holidays`` is installed, without importing it: its version file's size and time."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return "none"
    stat = (Path(spec.origin).parent / "version.py").stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def cache_dir() -> Path:
    """Where refcheck keeps derived files: $REFCHECK_CACHE_DIR, else the user's cache folder."""
    if os.environ.get("REFCHECK_CACHE_DIR"):
        return Path(os.environ["REFCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "refcheck"


class WorkingDays:
    """Counts working days between two date expressions."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._before = calendar_frame(calendar)["working_before"]

    def count(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working days from ``start`` inclusive to ``end`` exclusive (negative when end is earlier).

        One lookup per date in a table of working days before each day since 1900 (what
        ``refcheck export calendar`` writes for SQL); ``business_day_count`` with holidays costs
        seventy times more in the streaming engine.
        """
        table = pl.lit(self._before)
        return table.gather(_day_index(end)) - table.gather(_day_index(start))


TABLE_START, TABLE_END = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


_EPOCH = (dt.date(1970, 1, 1) - TABLE_START).days
"""A date's index in the table less its days since 1970, which is how Polars stores a date."""


def _day_index(day: pl.Expr) -> pl.Expr:
    """Days since the table's first day (dates are read only from 1900 to 2100; others are clipped).

    From the date's stored day number, not a subtraction of dates: that makes a duration in
    milliseconds and divides it back, two passes over 64-bit numbers for each date looked up.
    """
    return (day.cast(pl.Date).cast(pl.Int32) + _EPOCH).clip(0, (TABLE_END - TABLE_START).days)


@lru_cache(maxsize=8)
def calendar_frame(calendar: Calendar) -> pl.DataFrame:
    """Every day from 1900 to 2100: ``day``, ``working_day`` (1 or 0) and ``working_before`` it since 1900."""
    days = pl.date_range(TABLE_START, TABLE_END, "1d", eager=True).alias("day")
    working = ((days.dt.weekday() <= 5) & ~days.is_in(list(closure_days(calendar)))).cast(pl.Int32)
    return pl.DataFrame({"day": days, "working_day": working,
                         "working_before": working.cum_sum().shift(1, fill_value=0).cast(pl.Int32)})
