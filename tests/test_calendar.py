"""Working days: our fast count is pinned to Polars' own business_day_count with holidays."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest

from refcheck.checks.calendar import WorkingDays, closure_days
from refcheck.schemas import Calendar


def test_fast_count_equals_business_day_count_with_holidays() -> None:
    calendar = Calendar("england-and-wales", extra_closures=(dt.date(2024, 12, 24),))
    holidays = list(closure_days(calendar))
    starts = pl.date_range(dt.date(2019, 12, 1), dt.date(2025, 1, 31), "3d", eager=True)
    frame = pl.DataFrame({"start": starts}).with_columns(
        end=pl.col("start") + pl.duration(days=pl.int_range(0, pl.len()) % 97 - 20)
    )
    got = frame.select(
        fast=WorkingDays(calendar).count(pl.col("start"), pl.col("end")),
        slow=pl.business_day_count("start", "end", holidays=holidays).cast(pl.Int64),
    )
    forward = frame["end"] >= frame["start"]
    assert got.filter(forward)["fast"].to_list() == got.filter(forward)["slow"].to_list()
    # NOTE: for a reversed range Polars counts (end, start] when holidays are given; only the sign
    # matters to a rule (every threshold is >= 0), and both are never positive there.
    assert (got.filter(~forward)["fast"] <= 0).all() and (got.filter(~forward)["slow"] <= 0).all()


def test_counts_reach_the_ends_of_the_table_and_clip_past_them() -> None:
    calendar = Calendar("england-and-wales")
    last = dt.date(2100, 12, 31)
    frame = pl.DataFrame({
        "start": [dt.date(1900, 1, 1), dt.date(1899, 6, 1), dt.date(2100, 12, 1), dt.date(1969, 12, 29)],
        "end": [dt.date(1900, 1, 8), dt.date(1900, 1, 8), dt.date(2101, 2, 1), dt.date(1970, 1, 5)],
    })
    got = frame.select(
        fast=WorkingDays(calendar).count(pl.col("start"), pl.col("end")),
        slow=pl.business_day_count(pl.col("start").clip(dt.date(1900, 1, 1)), pl.col("end").clip(upper_bound=last),
                                   holidays=list(closure_days(calendar))).cast(pl.Int64),
    )
    # NOTE: 1 January 1900 was a Monday; a date before the table counts from its first day, one
    # after it up to its last (Christmas 2100 falls at a weekend: two substitute days); the week
    # over 1 January 1970, Polars' day 0, has five (New Year's Day was no bank holiday until 1974).
    assert got["fast"].to_list() == got["slow"].to_list()
    assert got["fast"].to_list() == [5, 5, 20, 5]


def test_bank_holidays_of_wales_include_easter_and_substitute_days() -> None:
    days = set(closure_days(Calendar("england-and-wales")))
    assert {dt.date(2025, 4, 18), dt.date(2025, 4, 21), dt.date(2022, 12, 27), dt.date(2023, 5, 8)} <= days
    assert dt.date(2022, 12, 25) not in days  # a Sunday: never a working day anyway


def test_scotland_has_its_own_holidays() -> None:
    scotland = set(closure_days(Calendar("scotland")))
    assert dt.date(2025, 1, 2) in scotland
    assert dt.date(2025, 1, 2) not in set(closure_days(Calendar("england-and-wales")))


def _plain_count(start: dt.date, end: dt.date, closed: set[dt.date]) -> int:
    """Working days from ``start`` inclusive to ``end`` exclusive, one day at a time; negative when end is earlier."""
    low, high = min(start, end), max(start, end)
    days = (low + dt.timedelta(days=n) for n in range((high - low).days))
    count = sum(1 for day in days if day.weekday() < 5 and day not in closed)
    return count if start <= end else -count


@pytest.mark.parametrize("region", ["england-and-wales", "scotland", "northern-ireland"])
def test_working_days_agree_with_a_day_by_day_count_over_the_holidays_package(region: str) -> None:
    """The contract of the working-day table: the count a person would make with a calendar in hand."""
    import holidays

    from refcheck.schemas.model import REGIONS

    extra = (dt.date(2024, 12, 24), dt.date(2025, 8, 30))  # a weekday closure, and one at a weekend
    closed = set(holidays.country_holidays("GB", subdiv=REGIONS[region], years=range(2019, 2027))) | set(extra)
    anchors = [dt.date(2019, 12, 20), dt.date(2020, 4, 10), dt.date(2022, 9, 19), dt.date(2024, 2, 29),
               dt.date(2024, 12, 24), dt.date(2025, 1, 31), dt.date(2025, 5, 5), dt.date(2025, 8, 29),
               dt.date(2025, 12, 25), dt.date(2026, 1, 3)]  # bank holidays, a leap day, month ends, a weekend
    pick = random.Random(region)
    starts = anchors + [dt.date(2019, 6, 1) + dt.timedelta(days=pick.randrange(2400)) for _ in range(300)]
    pairs = [(start, start + dt.timedelta(days=offset)) for start in starts
             for offset in (0, 1, 3, pick.randrange(-60, 0), pick.randrange(1, 120))]
    frame = pl.DataFrame({"start": [start for start, _ in pairs], "end": [end for _, end in pairs]})
    got = frame.select(WorkingDays(Calendar(region, extra_closures=extra)).count(pl.col("start"), pl.col("end")))
    assert got.to_series().to_list() == [_plain_count(start, end, closed) for start, end in pairs]
    assert any(end < start for start, end in pairs) and any(end == start for start, end in pairs)
