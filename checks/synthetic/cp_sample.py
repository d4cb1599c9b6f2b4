"""A synthetic folder: the referrals of ``sample.generate`` and the child protection records that follow them.

Most children whose referral led to an initial child protection conference are registered: each
gets a plan starting on the conference date, with the referral's child, referral ID and team, and
its visits and review conferences (``cp_plans``, ``cp_events``), written as text with a few
mistakes (``cp_records``). The draws come from a stream of their own, derived from the same seed,
so that the referrals are exactly those ``generate`` writes for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from refcheck.checks.synthetic.columns import identifiers
from refcheck.checks.synthetic.cp_events import plan_reviews, plan_visits
from refcheck.checks.synthetic.cp_plans import plan_dates, registrations
from refcheck.checks.synthetic.cp_records import (
    PLAN_FIELDS,
    REVIEW_FIELDS,
    VISIT_FIELDS,
    plans_frame,
    reviews_frame,
    visits_frame,
    workers,
)
from refcheck.checks.synthetic.dice import Dice
from refcheck.checks.synthetic.sample import DEFAULT_AS_OF, Drawn, draw, generate
from refcheck.checks.synthetic.vocabulary import MINUTES_PER_DAY, TEAMS
from refcheck.checks.synthetic.working_days import day_number, working_calendar

RECORD_TYPES = ("referrals", "cp_plans", "cp_visits", "cp_reviews")
FLOOR_PLANS = 100
"""From this many plans, every injected mistake occurs at least once, whatever the seed."""


def generate_folder(rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> dict[str, pl.DataFrame]:
    """``rows`` referrals and their plans, visits and reviews: record type -> frame, all text."""
    if rows <= 0:
        empty = {"cp_plans": PLAN_FIELDS, "cp_visits": VISIT_FIELDS, "cp_reviews": REVIEW_FIELDS}
        return {"referrals": generate(rows, seed=seed, as_of=as_of)} | {
            name: pl.DataFrame(schema=dict.fromkeys(fields, pl.String)) for name, fields in empty.items()}
    drawn = draw(rows, seed=seed, as_of=as_of)
    return {"referrals": drawn.frame, **child_protection(drawn, seed=seed, as_of=as_of)}


def child_protection(drawn: Drawn, *, seed: int, as_of: dt.date) -> dict[str, pl.DataFrame]:
    """The plans, visits and review conferences of the referrals' registered children."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(28,)))
    calendar = working_calendar(as_of)
    received = drawn.flow.received_at.value // MINUTES_PER_DAY
    rows, start, linked = registrations(rng, drawn.flow.icpc, received, calendar)
    team = drawn.team[rows]
    multiplier = np.array([t[1] for t in TEAMS.values()])[team]
    floor = rows.size >= FLOOR_PLANS
    dice = Dice(rng, multiplier, floor=floor)
    plans = plan_dates(dice, rows, start, linked, day_number(as_of), calendar)
    plan_ids = identifiers("P", np.arange(rows.size, dtype=np.int64) + 1, 6)
    plan_workers = workers(dice, team)
    frames = {"cp_plans": plans_frame(dice, plans, plan_ids, plan_workers, drawn.referral_id, drawn.child_id, team)}
    visits = plan_visits(rng, plans, multiplier, calendar)
    frames["cp_visits"] = visits_frame(Dice(rng, multiplier[visits.plan], floor=floor), visits, plans, plan_ids,
                                       plan_workers, team)
    reviews = plan_reviews(plans)
    frames["cp_reviews"] = reviews_frame(Dice(rng, multiplier[reviews.plan], floor=floor), reviews, plans, plan_ids)
    return frames


def write_folder(folder: Path, rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> dict[str, int]:
    """Write ``generate_folder``'s frames as ``<record type>.csv`` in the folder; record type -> rows written."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = generate_folder(rows, seed=seed, as_of=as_of)
    for name, frame in frames.items():
        frame.write_csv(folder / f"{name}.csv")
    return {name: frame.height for name, frame in frames.items()}
