"""Staged reading of typed fields: each parsed once, whatever reads it, to the values a plain reading gives."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from refcheck.checks.parsing import FIRST_YEAR, LAST_YEAR, TIME_OF_DAY, present_name, read_typed, typed_stages
from refcheck.schemas import FieldType

VALUES = [
    "2025-04-17", " 2025-04-17 ", "17/04/2025", "2025-04-17 09:30", "2025-04-17T09:30:15", "17/04/2025 23:59",
    "2025-04-17 09:30:15.250", "2025-02-30", "31/02/2025", "2025-13-01", "2025-04-17 25:10", "2025-04-17 9:30",
    "2025-04-17x", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "00/00/0000", "TBC", "unknown", "",
    "   ", None, "29/02/2024", "29/02/2025", "17.04.2025", "2025-04-1709:30",
]
"""Readable and unreadable values alike: forms, month ends, leap days, the ends of the years read, stray text."""


def _plain(text: str | None, field_type: FieldType) -> tuple[bool, dt.date | dt.datetime | None]:
    """Whether a value is present, and what it reads as, value by value in Python as the standard says."""
    value = (text or "").strip()
    if not value:
        return False, None
    day = None
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(value[:10], form).date()
            break
        except ValueError:
            continue
    tail = value[10:]
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR or not re.fullmatch(TIME_OF_DAY, tail):
        return True, None
    if field_type is FieldType.DATE:
        return True, day
    hours, minutes, seconds = (int(tail[at:at + 2]) if len(tail) >= at + 2 else 0 for at in (1, 4, 7))
    return True, dt.datetime.combine(day, dt.time(hours, minutes, seconds))


@pytest.mark.parametrize("field_type", [FieldType.DATE, FieldType.DATETIME])
def test_staged_reading_gives_what_a_plain_reading_of_each_value_gives(field_type: FieldType) -> None:
    frame = pl.LazyFrame({"seen": VALUES}, schema={"seen": pl.String})
    read = read_typed(frame, [typed_stages("field", field_type, pl.String(), column="seen")]).collect()
    expected = [_plain(text, field_type) for text in VALUES]
    assert read[present_name("field")].to_list() == [present for present, _ in expected]
    assert read["field"].to_list() == [value for _, value in expected]


def test_a_field_read_by_many_expressions_is_parsed_once() -> None:
    """However many rules read a date field, its text is parsed by one ISO and one UK reading in the plan."""
    frame = pl.LazyFrame({"received": VALUES, "decided": VALUES}, schema={"received": pl.String, "decided": pl.String})
    stages = [typed_stages(name, FieldType.DATETIME, pl.String()) for name in ("received", "decided")]
    received = pl.col("received")
    rules = [received.is_null(), received.dt.year() > 2000, received > pl.col("decided"),
             received.dt.date() == pl.col("decided").dt.date(), pl.col("decided").dt.weekday() < 6]
    plan = read_typed(frame, stages).select(rule.alias(f"rule {n}") for n, rule in enumerate(rules))
    assert plan.explain().count("strptime") == 4  # two fields, each read as ISO and as UK once
    assert plan.collect().height == len(VALUES)
