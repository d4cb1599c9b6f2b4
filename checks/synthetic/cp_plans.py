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
from refcheck.checks.synthetic.working_days import add_working_days

REVIEWS = 4
"""Review conferences drawn per plan: more than fit in the 14 months of referrals before the as-of date."""


@dataclass
class Plans:
    """Each plan's dates as day numbers; ``reviews`` is one row per plan, one column per conference."""

    referral: Ints
    """The referral row the plan came from."""
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


def registered(rng: np.random.Generator, icpc_present: Mask) -> Ints:
    """The referral rows whose initial conference registered the child (most of those with a conference)."""
    held = np.flatnonzero(icpc_present)
    return held[rng.random(held.size) < REGISTERED_SHARE]


def plan_dates(dice: Dice, referral: Ints, start: Ints, last: int, calendar: np.busdaycalendar) -> Plans:
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
