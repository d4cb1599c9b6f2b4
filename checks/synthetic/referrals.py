"""When each referral arrives, which child it is about (a first referral or a re-referral) and its team."""

from __future__ import annotations

import datetime as dt

import numpy as np

from refcheck.checks.synthetic.dice import Ints, Mask
from refcheck.checks.synthetic.vocabulary import (
    FLOOR_ROWS,
    MINUTES_PER_DAY,
    NO_TEAM_SHARE,
    RE_REFERRAL_SHARE,
    TEAMS,
    WINDOW_DAYS,
)
from refcheck.checks.synthetic.working_days import day_number


def received_times(rng: np.random.Generator, rows: int, as_of: dt.date, calendar: np.busdaycalendar) -> Ints:
    """Minutes since 1970 of each referral: mostly working days in office hours, some nights and weekends."""
    last = day_number(as_of)
    window = np.arange(last - WINDOW_DAYS, last + 1, dtype=np.int64)
    working = np.is_busday(window.astype("datetime64[D]"), busdaycal=calendar)
    work_days, closed_days = window[working], window[~working]
    on_closed_day = rng.random(rows) < 0.06  # weekends and bank holidays: the emergency duty team
    day = np.where(
        on_closed_day,
        closed_days[rng.integers(0, len(closed_days), rows)],
        work_days[rng.integers(0, len(work_days), rows)],
    )
    office = 8 * 60 + (rng.beta(2.0, 2.2, rows) * 600).astype(np.int64)  # 08:00-18:00, busiest around noon
    night = (18 * 60 + rng.integers(0, 14 * 60, rows)) % MINUTES_PER_DAY
    any_time = rng.integers(0, MINUTES_PER_DAY, rows)
    minute = np.where(on_closed_day, any_time, np.where(rng.random(rows) < 0.08, night, office))
    return np.asarray(day * MINUTES_PER_DAY + minute, dtype=np.int64)


def first_referrals(rng: np.random.Generator, day: Ints) -> Ints:
    """For each referral (sorted by time), the row of its child's first referral in the extract.

    About one referral in five is a re-referral of a child first referred up to 365 days before.
    Only first referrals are linked to, so no child collects dozens; and re-referrals ramp up over
    the extract's first 90 days, as there are few earlier referrals to link to (in a real extract,
    the earlier ones happened before it starts).
    """
    rows = len(day)
    ramp = np.minimum(1.0, (day - day[0]) / 90)
    again = rng.random(rows) < RE_REFERRAL_SHARE * ramp
    firsts = np.flatnonzero(~again)
    earliest = np.searchsorted(day[firsts], day - 365, side="left")
    before = np.searchsorted(day[firsts], day, side="left")
    pick = earliest + (rng.random(rows) * (before - earliest)).astype(np.int64)
    linked = again & (before > earliest)
    root = np.arange(rows, dtype=np.int64)
    root[linked] = firsts[pick[linked]]
    return root


def referral_teams(rng: np.random.Generator, root: Ints) -> tuple[Ints, Mask]:
    """Team of each referral: the child's team, occasionally another; a few rows with no team."""
    rows = len(root)
    shares = np.array([t[0] for t in TEAMS.values()])
    cumulative = np.cumsum(shares) / shares.sum()
    drawn = np.minimum(np.searchsorted(cumulative, rng.random(rows), side="right"), len(TEAMS) - 1)
    moved = rng.random(rows) < 0.1
    team = np.where(moved, drawn, drawn[root]).astype(np.int64)
    no_team = rng.random(rows) < NO_TEAM_SHARE
    if rows >= FLOOR_ROWS and not no_team.any():
        no_team[rng.integers(0, rows)] = True
    return team, no_team
