"""Each child protection plan's dates: registration at the initial conference, first core group, reviews, end.

A plan starts on the date of the initial child protection conference (ICPC) of a referral that
had one, for most such referrals. Its first core group meets within 10 working days, its first
review conference is held within 3 months and later ones within 6 months of the last (some late,
at team-scaled rates), and it ends at a review (risk reduced), between conferences for another
reason, or not yet. Dates after the as-of date have not happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from refcheck.checks.synthetic.cp_vocabulary import (
    ALREADY_REGISTERED_DAYS,
    ALREADY_REGISTERED_SHARE,
    CORE_GROUP,
    END_REASON,
    ENDING,
    FIRST_REVIEW,
    LATE_CORE_GROUP,
    LATE_REVIEW,
    NEXT_REVIEW,
    REGISTERED_SHARE,
    RISK_REDUCED,
)
from refcheck.checks.synthetic.dice import Dice, Ints, Mask
from refcheck.checks.synthetic.workflow import Dated
from refcheck.checks.synthetic.working_days import add_working_days

REVIEWS = 6
"""Review conferences drawn per plan: more than fit between the earliest start and the as-of date."""


@dataclass
class Plans:
    """Each plan's dates as day numbers; ``reviews`` is one row per plan, one column per conference."""

    referral: Ints
    """The referral row whose child and team the plan has."""
    linked: Mask
    """Whether that referral led to the plan (else the child was registered before it)."""
    start: Ints
    core_group: Ints
    core_group_held: Mask
    reviews: Ints
    review_held: Mask
    ending_review: Ints
    """Which review conference ended the plan (-1: none did)."""
    end: Ints
    ended: Mask
    end_reason: Ints

    @property
    def stop(self) -> Ints:
        """The last day the plan ran in the extract: its end, or the as-of date while it is open."""
        return np.asarray(np.where(self.ended, self.end, self.last), dtype=np.int64)

    last: int = 0


def registrations(rng: np.random.Generator, icpc: Dated, received: Ints,
                  calendar: np.busdaycalendar) -> tuple[Ints, Ints, Mask]:
    """The referral row of each plan, its start date, and whether that referral led to it; in start order.

    Most children whose referral had an initial conference were registered at it. A few other
    referrals are about a child already on a plan, registered before the referral (often before
    the extract's first referral): their plans run longer, with more visits and reviews.
    """
    held = np.flatnonzero(icpc.present)
    at_conference = held[rng.random(held.size) < REGISTERED_SHARE]
    others = np.flatnonzero(~icpc.present)
    already = others[rng.random(others.size) < ALREADY_REGISTERED_SHARE]
    drawn = received[already] - rng.integers(*ALREADY_REGISTERED_DAYS, already.size)
    before = np.busday_offset(drawn.astype("datetime64[D]"), 0, roll="backward", busdaycal=calendar)  # a working day
    rows = np.concatenate([at_conference, already])
    start = np.concatenate([icpc.value[at_conference], before.astype(np.int64)])
    linked = np.concatenate([np.ones(at_conference.size, dtype=np.bool_), np.zeros(already.size, dtype=np.bool_)])
    order = np.argsort(start, kind="stable")
    return rows[order], start[order], linked[order]


def plan_dates(dice: Dice, referral: Ints, start: Ints, linked: Mask, last: int,
               calendar: np.busdaycalendar) -> Plans:
    """First core group, review conferences and ending of each plan, in the order of ``referral``."""
    late_core = dice.error(0.06, np.ones(dice.rows, dtype=np.bool_))
    core = add_working_days(start, np.where(late_core, dice.ints(*LATE_CORE_GROUP), dice.ints(*CORE_GROUP)),
                            calendar)
    reviews = np.empty((dice.rows, REVIEWS), dtype=np.int64)
    previous = start
    for k in range(REVIEWS):  # a handful of columns, each for every plan at once
        late = dice.error(0.08, np.ones(dice.rows, dtype=np.bool_))
        limit = previous + (92 if k == 0 else 184)  # the longest 3 and 6 months
        on_time = previous + dice.ints(*(FIRST_REVIEW if k == 0 else NEXT_REVIEW))
        held = np.where(late, limit + dice.ints(*LATE_REVIEW), on_time)
        reviews[:, k] = np.busday_offset(held.astype("datetime64[D]"), 0, roll="backward", busdaycal=calendar).astype(
            np.int64)  # conferences sit on working days
        previous = reviews[:, k]
    how = dice.pick(ENDING)
    between = start + dice.ints(20, 400)
    ending_review = np.where(how < 2, how, -1)
    end = np.select([how == 0, how == 1, how == 2], [reviews[:, 0], reviews[:, 1], between], last + 1)
    ended = end <= last
    reason = np.where(how < 2, RISK_REDUCED, dice.pick([w for _, w in END_REASON]))
    stop = np.where(ended, end, last)
    return Plans(
        referral=referral,
        linked=linked,
        start=start,
        core_group=core,
        core_group_held=core <= stop,
        reviews=reviews,
        review_held=reviews <= stop[:, None],
        ending_review=np.where(ended, ending_review, -1),
        end=end,
        ended=ended,
        end_reason=reason,
        last=last,
    )
