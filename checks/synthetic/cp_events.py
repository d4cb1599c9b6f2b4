"""The visits and review conferences of every plan, drawn for all plans at once as one long ragged array.

Visits follow each other every 5 to 10 working days (11 to 25 at a team-scaled rate: those plans
fail the visit timescale), mostly at home; now and then a visit where the child was not seen comes
between two, as a failed attempt does. Review conferences are the plans' held ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from refcheck.checks.synthetic.cp_plans import Plans
from refcheck.checks.synthetic.cp_vocabulary import LATE_VISIT, LATE_VISIT_GAP, LOCATION, VISIT_GAP
from refcheck.checks.synthetic.dice import Floats, Ints, Mask
from refcheck.checks.synthetic.working_days import add_working_days, working_days

NOT_SEEN = 0.07
"""Of visits, the share followed (before the next) by an attempt at which the child was not seen."""
MISSED_HOME_VISIT = 0.15
"""Of visits after one away from home, the share (times the team's multiplier) not at home either."""


@dataclass
class Visits:
    """One entry per visit, in date and time order."""

    plan: Ints
    day: Ints
    minute: Ints
    seen: Mask
    location: Ints


@dataclass
class Reviews:
    """One entry per review conference held, in date order."""

    plan: Ints
    day: Ints
    ends_plan: Mask


def plan_visits(rng: np.random.Generator, plans: Plans, multiplier: Floats, calendar: np.busdaycalendar) -> Visits:
    """Visits from each plan's start to its stop; ``multiplier`` scales each plan's rate of late visits."""
    count = len(plans.start)
    stop = plans.stop
    span = working_days(plans.start, stop + 1, calendar)
    slots = np.maximum(span, 0) // VISIT_GAP[0] + 2  # more than can fit: the surplus lies after stop
    plan = np.repeat(np.arange(count, dtype=np.int64), slots)
    first = np.cumsum(slots) - slots  # where each plan's slots begin
    late = rng.random(plan.size) < LATE_VISIT * multiplier[plan]
    gap = np.where(late, rng.integers(*LATE_VISIT_GAP, plan.size), rng.integers(*VISIT_GAP, plan.size))
    gap[first] = np.where(late[first], gap[first], rng.integers(1, VISIT_GAP[1] - 1, count))
    total = np.cumsum(gap)
    since_start = total - np.repeat(total[first] - gap[first], slots)
    day = add_working_days(plans.start[plan], since_start, calendar)
    kept = day <= stop[plan]
    attempt = kept & (rng.random(plan.size) < NOT_SEEN)
    attempt_day = add_working_days(plans.start[plan[attempt]], since_start[attempt] - gap[attempt] // 2, calendar)
    all_plan = np.concatenate([plan[kept], plan[attempt]])
    all_day = np.concatenate([day[kept], attempt_day])
    seen = np.concatenate([np.ones(int(kept.sum()), dtype=np.bool_), np.zeros(int(attempt.sum()), dtype=np.bool_)])
    location = np.concatenate([_locations(rng, plan[kept], multiplier), np.zeros(int(attempt.sum()), dtype=np.int64)])
    minute = rng.integers(9 * 60, 17 * 60 + 30, all_plan.size)
    order = np.lexsort((minute, all_day))
    return Visits(all_plan[order], all_day[order], minute[order], seen[order], location[order])


def _locations(rng: np.random.Generator, plan: Ints, multiplier: Floats) -> Ints:
    """Where each seen visit of a plan (in order) took place: after one elsewhere, the next is at home.

    Except, at a team-scaled rate, when it is not: then the child may go unseen at home for 4 weeks.
    """
    cumulative = np.cumsum([w for _, w in LOCATION]) / sum(w for _, w in LOCATION)
    drawn = np.minimum(np.searchsorted(cumulative, rng.random(plan.size), side="right"), len(LOCATION) - 1)
    after_elsewhere = np.concatenate([[False], (drawn[:-1] != 0) & (plan[1:] == plan[:-1])])
    slip = rng.random(plan.size) < MISSED_HOME_VISIT * multiplier[plan]
    return np.asarray(np.where(after_elsewhere & ~slip, 0, drawn), dtype=np.int64)


def plan_reviews(plans: Plans) -> Reviews:
    """The review conferences held (on or before each plan's stop); the one a plan ended at ends it."""
    plan, column = np.nonzero(plans.review_held)
    day = plans.reviews[plan, column]
    order = np.argsort(day, kind="stable")
    ends = column == plans.ending_review[plan]
    return Reviews(plan[order].astype(np.int64), day[order], ends[order])
