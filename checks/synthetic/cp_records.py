"""The text of the plans, visits and reviews files, with the mistakes careless entry and odd exports make.

Most records are clean. At low base rates times the team's multiplier: blank, miscoded and
unreadable values, duplicated and blank ids, visits and reviews naming no known plan, visits dated
before their plan started, and dates after the as-of date. Every rule of the child protection
standard fails somewhere in a sample of a few thousand referrals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from refcheck.checks.synthetic.columns import gather_codes, identifiers, present_only
from refcheck.checks.synthetic.cp_events import Reviews, Visits
from refcheck.checks.synthetic.cp_plans import Plans
from refcheck.checks.synthetic.cp_vocabulary import (
    BAD_CATEGORY,
    BAD_END_REASON,
    BAD_LOCATION,
    BAD_OUTCOME,
    BAD_YES_NO,
    CATEGORY,
    END_REASON,
    LOCATION,
    OUTCOME,
    SEEN_ALONE,
    UNKNOWN_PLAN_IDS,
)
from refcheck.checks.synthetic.dice import Dice, Ints, Mask
from refcheck.checks.synthetic.mistakes import Maker, apply_errors, choose, key_errors, lower_case, padded
from refcheck.checks.synthetic.vocabulary import (
    BLANKS,
    DATE_STYLES,
    ISO_T,
    MINUTES_PER_DAY,
    TEAMS,
    UK,
    UNREADABLE_DATES,
    UNREADABLE_DATETIMES,
)

PLAN_FIELDS = ("plan_id", "child_id", "referral_id", "team", "worker_id", "start_date", "category",
               "first_core_group", "end_date", "end_reason")
VISIT_FIELDS = ("visit_id", "plan_id", "visit_date", "seen", "seen_alone", "location", "worker_id")
REVIEW_FIELDS = ("review_id", "plan_id", "review_date", "outcome")
YES_NO = ("Y", "N")


def date_text(dice: Dice, days: Ints, present: Mask, minutes: Ints | None = None) -> pl.Series:
    """Dates (or date-times, given minutes) in each row's style, ISO or UK; null where absent."""
    style = dice.pick(DATE_STYLES)
    if minutes is None:
        day = pl.Series(np.where(present, days, 0).astype("datetime64[D]"))
        forms = [day.dt.strftime("%Y-%m-%d"), day.dt.strftime("%Y-%m-%d"), day.dt.strftime("%d/%m/%Y")]
    else:
        stamp = pl.Series((np.where(present, days, 0) * MINUTES_PER_DAY + minutes).astype("datetime64[m]")
                          .astype("datetime64[ms]"))
        forms = [stamp.dt.strftime("%Y-%m-%d %H:%M"), stamp.dt.strftime("%Y-%m-%dT%H:%M:%S"),
                 stamp.dt.strftime("%d/%m/%Y %H:%M")]
    text = pl.select(pl.when(pl.lit(pl.Series(style == UK))).then(pl.lit(forms[UK]))
                     .when(pl.lit(pl.Series(style == ISO_T))).then(pl.lit(forms[ISO_T]))
                     .otherwise(pl.lit(forms[0]))).to_series()
    return present_only(present, text)


def _codes(dice: Dice, options: Sequence[tuple[str, float]]) -> pl.Series:
    """One code per row, drawn with the given shares."""
    return gather_codes([code for code, _ in options], dice.pick([share for _, share in options]))


def _date_errors(dice: Dice, column: pl.Series, present: Mask, rate: float, unreadable: Sequence[str]) -> None:
    """A few present dates blanked and a few made unreadable, in place."""
    apply_errors(dice, column, present, [(rate, choose(BLANKS)), (rate, choose(unreadable))])


def _moved(dice: Dice, days: Ints, rate: float, eligible: Mask, to: Ints) -> tuple[Ints, Mask]:
    """Days with a few (team-scaled) replaced by ``to``: a date typed wrong but readable."""
    moved = dice.error(rate, eligible)
    return np.where(moved, to, days), moved


def workers(dice: Dice, team: Ints) -> pl.Series:
    """A worker of the team, numbered as the referrals' workers are."""
    staff = np.array([max(4, round(share * 60)) for share, _, _ in TEAMS.values()])
    return identifiers("W", (team + 1) * 100 + 1 + (dice.uniform() * staff[team]).astype(np.int64), 4)


def plans_frame(dice: Dice, plans: Plans, plan_ids: pl.Series, plan_workers: pl.Series, referral_ids: pl.Series,
                child_ids: pl.Series, team: Ints) -> pl.DataFrame:
    """One row per plan: ids (some blank or repeated), the referral's child and team, dates and codes."""
    rows = dice.rows
    everywhere = np.ones(rows, dtype=np.bool_)
    ids = plan_ids.clone()
    key_errors(dice, ids, blank=0.002, duplicate=0.002)
    start, future = _moved(dice, plans.start, 0.001, everywhere, plans.last + dice.ints(1, 90))
    end, backwards = _moved(dice, plans.end, 0.003, plans.ended & ~future, plans.start - dice.ints(1, 30))
    columns = {
        "plan_id": ids,
        "child_id": child_ids.gather(plans.referral),
        "referral_id": present_only(plans.linked & dice.coin(0.9), referral_ids.gather(plans.referral)),
        "team": gather_codes(list(TEAMS), team),
        "worker_id": plan_workers.clone(),
        "start_date": date_text(dice, start, everywhere),
        "category": _codes(dice, CATEGORY),
        "first_core_group": date_text(dice, plans.core_group, plans.core_group_held),
        "end_date": date_text(dice, end, plans.ended),
        "end_reason": present_only(plans.ended, gather_codes([code for code, _ in END_REASON], plans.end_reason)),
    }
    blank = choose(BLANKS)
    errors: dict[str, tuple[Mask, list[tuple[float, Maker]]]] = {
        "child_id": (everywhere, [(0.003, blank)]),
        "team": (everywhere, [(0.004, blank)]),
        "worker_id": (everywhere, [(0.01, blank)]),
        "category": (everywhere, [(0.01, blank), (0.003, choose(BAD_CATEGORY)), (0.002, lower_case),
                                  (0.01, padded)]),
        "end_reason": (plans.ended, [(0.02, blank), (0.004, choose(BAD_END_REASON)), (0.005, padded)]),
        "first_core_group": (plans.core_group_held, [(0.01, blank)]),
    }
    for name, (eligible, plan) in errors.items():
        apply_errors(dice, columns[name], eligible, plan)
    _date_errors(dice, columns["start_date"], ~future, 0.002, UNREADABLE_DATES)
    _date_errors(dice, columns["first_core_group"], plans.core_group_held, 0.002, UNREADABLE_DATES)
    _date_errors(dice, columns["end_date"], plans.ended & ~backwards, 0.002, UNREADABLE_DATES)
    return pl.DataFrame([columns[name].alias(name) for name in PLAN_FIELDS])


def _plan_id_errors(dice: Dice, column: pl.Series) -> None:
    """A few plan ids blank, padded (still matching, trimmed) or naming no plan, in place."""
    everywhere = np.ones(dice.rows, dtype=np.bool_)
    apply_errors(dice, column, everywhere,
                 [(0.001, choose(BLANKS)), (0.001, choose(UNKNOWN_PLAN_IDS)), (0.005, padded)])


def visits_frame(dice: Dice, visits: Visits, plans: Plans, plan_ids: pl.Series, plan_workers: pl.Series,
                 team: Ints) -> pl.DataFrame:
    """One row per visit, with ids, codes and dates and the odd mistake in each."""
    rows = dice.rows
    everywhere = np.ones(rows, dtype=np.bool_)
    ids = identifiers("V", np.arange(rows, dtype=np.int64) + 1, 7)
    key_errors(dice, ids, blank=0.001, duplicate=0.001)
    last = plans.last
    day, future = _moved(dice, visits.day, 0.0005, everywhere, last + dice.ints(1, 30))
    day, outside = _moved(dice, day, 0.001, ~future, plans.start[visits.plan] - dice.ints(1, 60))
    seen_alone = np.where(dice.uniform() < SEEN_ALONE, 0, 1)
    other = dice.coin(0.1)
    worker = plan_workers.gather(visits.plan)
    worker = pl.select(pl.when(pl.lit(pl.Series(other))).then(pl.lit(workers(dice, team[visits.plan])))
                       .otherwise(pl.lit(worker))).to_series()
    columns = {
        "visit_id": ids,
        "plan_id": plan_ids.gather(visits.plan),
        "visit_date": date_text(dice, day, everywhere, visits.minute),
        "seen": gather_codes(YES_NO, np.where(visits.seen, 0, 1)),
        "seen_alone": present_only(visits.seen, gather_codes(YES_NO, seen_alone)),
        "location": gather_codes([code for code, _ in LOCATION], visits.location),
        "worker_id": worker,
    }
    blank = choose(BLANKS)
    _plan_id_errors(dice, columns["plan_id"])
    errors: dict[str, tuple[Mask, list[tuple[float, Maker]]]] = {
        "seen": (everywhere, [(0.003, blank), (0.002, choose(BAD_YES_NO)), (0.005, padded)]),
        "seen_alone": (visits.seen, [(0.01, blank), (0.002, choose(BAD_YES_NO))]),
        "location": (everywhere, [(0.004, blank), (0.003, choose(BAD_LOCATION)), (0.005, padded)]),
        "worker_id": (everywhere, [(0.01, blank)]),
    }
    for name, (eligible, plan) in errors.items():
        apply_errors(dice, columns[name], eligible, plan)
    _date_errors(dice, columns["visit_date"], ~(future | outside), 0.001, UNREADABLE_DATETIMES)
    return pl.DataFrame([columns[name].alias(name) for name in VISIT_FIELDS])


def reviews_frame(dice: Dice, reviews: Reviews, plans: Plans, plan_ids: pl.Series) -> pl.DataFrame:
    """One row per review conference, with ids, the date and the outcome and the odd mistake in each."""
    rows = dice.rows
    everywhere = np.ones(rows, dtype=np.bool_)
    ids = identifiers("CR", np.arange(rows, dtype=np.int64) + 1, 6)
    key_errors(dice, ids, blank=0.002, duplicate=0.002)
    day, future = _moved(dice, reviews.day, 0.002, everywhere, plans.last + dice.ints(1, 60))
    columns = {
        "review_id": ids,
        "plan_id": plan_ids.gather(reviews.plan),
        "review_date": date_text(dice, day, everywhere),
        "outcome": gather_codes(OUTCOME, reviews.ends_plan.astype(np.int64)),
    }
    _plan_id_errors(dice, columns["plan_id"])
    apply_errors(dice, columns["outcome"], everywhere,
                 [(0.005, choose(BLANKS)), (0.004, choose(BAD_OUTCOME)), (0.005, padded)])
    _date_errors(dice, columns["review_date"], ~future, 0.002, UNREADABLE_DATES)
    return pl.DataFrame([columns[name].alias(name) for name in REVIEW_FIELDS])
