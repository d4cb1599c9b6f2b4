"""The stretch arithmetic against a plain day-by-day reading of the child protection standard (section 5).

Working days come from the ``holidays`` package here, counted one day at a time, so that the
calendar table, the due-date lookup and the plan stretches are each checked against a
computation that shares nothing with them.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
import random

import holidays
import polars as pl
import pytest

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.durations import Duration, Unit, duration
from refcheck.checks.stretches import due, exceeds, stretch_table
from refcheck.schemas import Calendar

CALENDAR = Calendar("england-and-wales")
BANK_HOLIDAYS = set(holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2030)))
ONE_DAY = dt.timedelta(days=1)


def _ctx(as_of: dt.date = dt.date(2026, 10, 16)) -> Context:
    return Context(as_of=as_of, working_days=WorkingDays(CALENDAR), field_types={})


def _working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def _count(a: dt.date, b: dt.date) -> int:
    """business_day_count(a, b): a inclusive, b exclusive, negative when b is earlier."""
    if b < a:
        return -_count(b, a)
    return sum(_working(a + ONE_DAY * step) for step in range((b - a).days))


def _add_months(a: dt.date, n: int) -> dt.date:
    year, month = divmod(a.month - 1 + n, 12)
    year, month = a.year + year, month + 1
    return dt.date(year, month, min(a.day, months.monthrange(year, month)[1]))


def _longer(a: dt.date, b: dt.date, limit: Duration) -> bool:
    if limit.unit is Unit.WORKING_DAYS:
        return _count(a, b) > limit.count
    if limit.unit is Unit.MONTHS:
        return b > _add_months(a, limit.count)
    return (b - a).days > limit.count * (7 if limit.unit is Unit.WEEKS else 1)


def _due(a: dt.date, limit: Duration) -> dt.date:
    """The last day a stretch from ``a`` is not longer than the limit, found one day at a time."""
    day = a
    while not _longer(a, day + ONE_DAY, limit):
        day += ONE_DAY
    return day


LIMITS = [duration(text) for text in ("0 working days", "1 working day", "10 working days", "30 days", "1 day",
                                      "4 weeks", "1 month", "3 months", "6 months")]


def _pairs(seed: int, count: int) -> list[tuple[dt.date, dt.date]]:
    """Dates around Christmas, Easter, month ends and leap days of 2024 to 2027, and stretches from them."""
    rng = random.Random(seed)
    anchors = [dt.date(2024, 1, 1) + ONE_DAY * rng.randrange(0, 4 * 365) for _ in range(count)]
    anchors += [dt.date(2026, 12, 24), dt.date(2026, 4, 2), dt.date(2027, 1, 31), dt.date(2024, 1, 31),
                dt.date(2026, 8, 31), dt.date(2026, 9, 7), dt.date(2026, 12, 31)]
    return [(a, a + ONE_DAY * rng.randrange(-10, 200)) for a in anchors]


@pytest.mark.parametrize("limit", LIMITS, ids=str)
def test_exceeds_and_due_agree_with_a_day_by_day_count(limit: Duration) -> None:
    pairs = _pairs(seed=len(str(limit)) * limit.count + 1, count=60)
    frame = pl.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    ctx = _ctx()
    got = frame.select(exceeds(pl.col("a"), pl.col("b"), limit, ctx).alias("longer"),
                       due(pl.col("a"), limit, ctx).alias("due"))
    assert got["longer"].to_list() == [_longer(a, b, limit) for a, b in pairs]
    assert got["due"].to_list() == [_due(a, limit) for a, _ in pairs]


def test_a_due_date_is_the_last_day_within_and_the_day_after_is_longer() -> None:
    ctx = _ctx()
    frame = pl.DataFrame({"a": [dt.date(2026, 10, 2), dt.date(2026, 12, 18), dt.date(2027, 1, 31)]})
    ten, month = duration("10 working days"), duration("1 month")
    got = frame.select(due(pl.col("a"), ten, ctx).alias("ten"), due(pl.col("a"), month, ctx).alias("month"))
    # Fri 2 Oct: Fri 16 Oct, the 11th working day from it. Fri 18 Dec 2026 skips Christmas, the substitute
    # Boxing Day (Mon 28 Dec) and New Year: Wed 6 Jan 2027. Sun 31 Jan 2027: the 11th from Mon 1 Feb.
    assert got["ten"].to_list() == [dt.date(2026, 10, 16), dt.date(2027, 1, 6), dt.date(2027, 2, 15)]
    assert got["month"].to_list() == [dt.date(2026, 11, 2), dt.date(2027, 1, 18), dt.date(2027, 2, 28)]


def _plain_stretches(start: dt.date | None, end: dt.date | None, events: list[dt.date], as_of: dt.date,
                     first: Duration, every: Duration) -> tuple[bool | None, dt.date | None, dt.date | None,
                                                                 int | None]:
    """Section 5 read literally: (failed, last anchor, due, overdue by) of one plan row; None where not applying."""
    if start is None or start > as_of:
        return None, None, None, None
    stop = end if end is not None and end <= as_of else as_of
    anchors = [start, *sorted({day for day in events if start < day <= stop})]
    limits = [first] + [every] * (len(anchors) - 1)
    ends = [*anchors[1:], stop]
    failed = any(_longer(a, b, limit) for a, b, limit in zip(anchors, ends, limits, strict=True))
    last, limit = anchors[-1], limits[-1]
    due_day = _due(last, limit)
    late = None
    if _longer(last, stop, limit):
        late = _count(due_day, stop) if limit.unit is Unit.WORKING_DAYS else (stop - due_day).days
    return failed, last, due_day, late


@pytest.mark.parametrize(("first", "every"), [("10 working days", "10 working days"), ("4 weeks", "4 weeks"),
                                              ("3 months", "6 months"), ("2 working days", "30 days")])
def test_the_stretch_table_agrees_with_section_5_read_literally(first: str, every: str) -> None:
    rng = random.Random(first + every)
    keys = [f"P{n}" for n in range(40)]
    starts: list[dt.date | None] = [dt.date(2026, 1, 1) + ONE_DAY * rng.randrange(0, 400) for _ in keys]
    starts[3] = None
    ends = [None if rng.random() < 0.5 else (start or dt.date(2026, 6, 1)) + ONE_DAY * rng.randrange(-20, 200)
            for start in starts]
    plan_keys: list[str | None] = [f" {key}" if n % 7 == 0 else key for n, key in enumerate(keys)]
    plan_keys[5] = None
    # NOTE: plans P20 to P39 have few events, so that some fail whatever the limit
    events = [(rng.choice(keys[:20] if n % 25 else keys),
               dt.datetime(2026, 1, 1, 9) + dt.timedelta(days=rng.randrange(-30, 500), hours=rng.randrange(0, 10)))
              for n in range(600)]
    as_of = dt.date(2026, 12, 29)
    got = stretch_table(pl.DataFrame({"key": plan_keys, "start": starts, "end": ends}),
                        pl.DataFrame({"key": [key for key, _ in events], "date": [when for _, when in events]}),
                        duration(first), duration(every), _ctx(as_of))
    expected = [
        _plain_stretches(start, end, [when.date() for key, when in events if plan is not None and key == plan.strip()],
                         as_of, duration(first), duration(every))
        for plan, start, end in zip(plan_keys, starts, ends, strict=True)
    ]
    assert list(got.select("failed", "last_anchor", "due", "overdue_by").iter_rows()) == expected
    assert got["applies"].to_list() == [start is not None and start <= as_of for start in starts]
    assert got["failed"].sum() > 0 and (~got["failed"]).sum() > 0


@pytest.mark.parametrize(("as_of", "end", "failed", "overdue"), [
    (dt.date(2026, 10, 16), None, False, None),
    (dt.date(2026, 10, 19), None, True, 1),
    (dt.date(2027, 3, 1), dt.date(2026, 10, 14), False, None),
])
def test_the_standards_worked_examples(as_of: dt.date, end: dt.date | None, failed: bool, overdue: int | None) -> None:
    ten = duration("10 working days")
    got = stretch_table(pl.DataFrame({"key": ["P1"], "start": [dt.date(2026, 9, 7)], "end": [end]},
                                     schema={"key": pl.String, "start": pl.Date, "end": pl.Date}),
                        pl.DataFrame({"key": ["P1", "P1"], "date": [dt.date(2026, 9, 18), dt.date(2026, 10, 2)]}),
                        ten, ten, _ctx(as_of))
    assert got.row(0, named=True) == {"applies": True, "failed": failed, "stop": min(end or as_of, as_of),
                                      "last_anchor": dt.date(2026, 10, 2), "due": dt.date(2026, 10, 16),
                                      "overdue_by": overdue}


def test_a_recurring_rule_gives_each_plan_rows_due_date_and_how_far_overdue() -> None:
    """What the due list and worklists show beside the verdict comes from the rule's own stretches."""
    from refcheck.checks.catalogue import typed_frame
    from refcheck.checks.kinds.recurring import Events, RecurringWithin
    from refcheck.schemas import FieldType

    kind = RecurringWithin(
        start="start_date", end="end_date", first="10 working days", every="10 working days",
        events=Events.parse({"record_type": "cp_visits", "by": "plan_id", "date": "visit_date",
                             "where": {"seen": ["Y"]}}))
    visits = typed_frame({"plan_id": FieldType.TEXT, "visit_date": FieldType.DATETIME, "seen": FieldType.CODE},
                         [{"plan_id": "P1", "visit_date": "2026-09-18 10:00", "seen": "Y"},
                          {"plan_id": "P1", "visit_date": "2026-10-02 14:30", "seen": " Y "},
                          {"plan_id": "P1", "visit_date": "2026-10-09", "seen": "N"}])
    types = {"plan_id": FieldType.TEXT, "start_date": FieldType.DATE, "end_date": FieldType.DATE}
    ctx = Context(as_of=dt.date(2026, 10, 21), working_days=WorkingDays(CALENDAR), field_types=types,
                  related={"cp_visits": visits})
    plans = typed_frame(types, [{"plan_id": "P1", "start_date": "2026-09-07"},
                                {"plan_id": " P1", "start_date": "2026-09-07", "end_date": "2026-10-14"},
                                {"plan_id": "P2", "start_date": "2026-10-20"},
                                {"plan_id": "P3", "start_date": None}])
    key = kind.row_key(ctx)
    assert key is not None
    keys = ctx.apply(plans.lazy()).select(key.alias("key")).collect()["key"]
    table = kind.stretches(keys, ctx)
    assert table is not None
    assert list(table.select("failed", "last_anchor", "due", "overdue_by").iter_rows()) == [
        (True, dt.date(2026, 10, 2), dt.date(2026, 10, 16), 3),
        (False, dt.date(2026, 10, 2), dt.date(2026, 10, 16), None),
        (False, dt.date(2026, 10, 20), dt.date(2026, 11, 3), None),
        (None, None, None, None),
    ]
    assert kind.compared(keys, ctx).to_list() == [True, False, False, None]


@pytest.mark.parametrize(("first", "every"), [("30 days", "4 weeks"), ("1 month", "3 months")])
def test_the_stretch_table_orders_each_plans_anchors_by_day_across_plans_and_either_side_of_1970(
        first: str, every: str) -> None:
    # The anchors are sorted by row and day as one number (stretch_table): days before 1970 are
    # negative, and a plan's events come shuffled among other plans' events.
    rng = random.Random(first)
    keys = [f"P{n}" for n in range(120)]
    starts = [dt.date(1969, 6, 1) + ONE_DAY * rng.randrange(0, 400) for _ in keys]
    events = [(rng.choice(keys), dt.date(1969, 5, 1) + ONE_DAY * rng.randrange(0, 600)) for _ in range(2000)]
    as_of = dt.date(1971, 3, 1)
    got = stretch_table(pl.DataFrame({"key": keys, "start": starts, "end": [None] * len(keys)},
                                     schema={"key": pl.String, "start": pl.Date, "end": pl.Date}),
                        pl.DataFrame({"key": [key for key, _ in events], "date": [day for _, day in events]}),
                        duration(first), duration(every), _ctx(as_of))
    expected = [_plain_stretches(start, None, [day for key, day in events if key == plan], as_of, duration(first),
                                 duration(every)) for plan, start in zip(keys, starts, strict=True)]
    assert list(got.select("failed", "last_anchor", "due", "overdue_by").iter_rows()) == expected
    assert any(start < dt.date(1970, 1, 1) < last for start, last in zip(starts, got["last_anchor"], strict=True))
