"""The working-day calendar of England and Wales that the sample's workflow keeps to, as numpy day numbers."""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np

from refcheck.checks.synthetic.dice import Ints


def working_calendar(as_of: dt.date) -> np.busdaycalendar:
    """Monday to Friday less the bank holidays of England and Wales, around the as-of date."""
    closed = holidays.country_holidays("GB", subdiv="WLS", years=range(as_of.year - 3, as_of.year + 3))
    return np.busdaycalendar(holidays=np.array(sorted(closed), dtype="datetime64[D]"))


def add_working_days(days: Ints, offset: Ints, calendar: np.busdaycalendar) -> Ints:
    """The working day ``offset`` working days after ``days`` (rolled forward to a working day first)."""
    moved = np.busday_offset(days.astype("datetime64[D]"), offset, roll="forward", busdaycal=calendar)
    return moved.astype(np.int64)


def working_days(start: Ints, end: Ints, calendar: np.busdaycalendar) -> Ints:
    """Working days from ``start`` inclusive to ``end`` exclusive, as the standard counts them."""
    count = np.busday_count(start.astype("datetime64[D]"), end.astype("datetime64[D]"), busdaycal=calendar)
    return np.asarray(count, dtype=np.int64)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01, numpy's day numbers."""
    return (day - dt.date(1970, 1, 1)).days
