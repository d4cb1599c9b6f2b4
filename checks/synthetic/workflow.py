"""Each referral's workflow in dates: decision, assessment, section 47 enquiry and closure, with date errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from refcheck.checks.synthetic.dice import Dice, Ints, Mask
from refcheck.checks.synthetic.vocabulary import (
    ASSESS,
    CLOSED_AFTER_ASSESSMENT,
    CLOSED_WITHOUT_ASSESSMENT,
    MINUTES_PER_DAY,
    OUTCOMES,
    S47,
)
from refcheck.checks.synthetic.working_days import add_working_days, day_number, working_days


class Dated(NamedTuple):
    """One date field: days (or minutes) since 1970, and whether the extract holds a value."""

    value: Ints
    present: Mask


@dataclass
class Flow:
    """Each referral's dates, as they will be written."""

    received_at: Dated  # minutes
    born: Mask
    birth: Dated
    expected_birth: Dated
    decision_at: Dated  # minutes
    outcome: Ints
    start: Dated
    completed: Dated
    authorised: Dated
    strategy: Dated
    icpc: Dated
    closure: Dated
    closure_reason: Ints
    staged: Mask
    """Rows given a date error here; text errors leave them alone so that the error stays visible."""


def workflow(dice: Dice, received_at: Ints, root: Ints, as_of: dt.date, calendar: np.busdaycalendar) -> Flow:
    """Decision, assessment, section 47 and closure dates that follow each referral as practice does.

    A few rows get one date error each (referral in the future, birth after the referral, aged
    18 or more, decision before the referral or missing when due), scaled by team.
    """
    last = day_number(as_of)
    received = received_at // MINUTES_PER_DAY
    born, birth = _births(dice, received, root)
    due = working_days(received, np.full_like(received, last), calendar) > 1
    staged = dice.errors(
        [0.0008, 0.0015, 0.001, 0.08, 0.0015, 0.004],
        [np.ones_like(born), born, born, ~born, due, due],
    )
    future, dob_after, adult, unborn_dob, decided_before, undecided = (staged == k for k in range(6))

    decision_at = _decisions(dice, received_at, calendar)
    early = np.where(dice.coin(0.5), dice.ints(5, 600), dice.ints(1, 20) * MINUTES_PER_DAY + dice.ints(0, 600))
    decision_at = np.where(decided_before, received_at - early, decision_at)
    decision = decision_at // MINUTES_PER_DAY
    pending = (decision > last) | (~due & dice.coin(0.6))  # the last day or two: often not decided yet
    decided = ~pending & ~undecided
    outcome = dice.pick([w for _, w in OUTCOMES])
    start, completed, authorised, backwards = _assessments(
        dice, received, decision, decided & (outcome >= ASSESS), staged < 0, last, calendar
    )
    strategy, icpc = _enquiries(dice, decision, decided & (outcome == S47), last, calendar)
    closure, reason = _closures(dice, decision, decided, outcome, completed, icpc, last)

    shown_birth = np.select(
        [dob_after, adult], [received + dice.ints(1, 300), received - dice.ints(18 * 366, 24 * 365)], birth
    )
    later = (last + dice.ints(1, 45)) * MINUTES_PER_DAY + received_at % MINUTES_PER_DAY
    return Flow(
        received_at=Dated(np.where(future, later, received_at), np.ones_like(born)),
        born=born,
        birth=Dated(shown_birth, born | unborn_dob),  # an unborn child's expected date entered as its birth
        expected_birth=Dated(birth, ~born & ~unborn_dob),
        decision_at=Dated(decision_at, decided),
        outcome=outcome,
        start=start,
        completed=completed,
        authorised=authorised,
        strategy=strategy,
        icpc=icpc,
        closure=closure,
        closure_reason=reason,
        staged=(staged >= 0) | backwards,
    )


def _assessments(
    dice: Dice, received: Ints, decision: Ints, assessed: Mask, calm: Mask, last: int, calendar: np.busdaycalendar
) -> tuple[Dated, Dated, Dated, Mask]:
    """Start, completion and authorisation of assessments, and the rows completed before they started.

    Assessments start within 3 working days of the decision and are completed 10 to 42 working
    days after the referral (43 to 90 at a team-scaled rate), then authorised within 4 working
    days; some are not authorised at all. Dates after the as-of date have not happened yet.
    """
    start = add_working_days(decision, dice.ints(0, 4), calendar)
    late = dice.error(0.06, assessed)
    target = np.where(late, dice.ints(43, 91), dice.ints(10, 43))
    to_start = working_days(received, start, calendar)
    completed = add_working_days(start, np.maximum(target - to_start, 2), calendar)
    authorised = add_working_days(completed, dice.ints(0, 5), calendar)
    has_start = assessed & (start <= last)
    has_completed = has_start & (completed <= last)
    unsigned = dice.error(0.04, has_completed)
    backwards = dice.error(0.003, has_completed & calm)
    completed = np.where(backwards, start - dice.ints(1, 15), completed)
    return (
        Dated(start, has_start),
        Dated(completed, has_completed),
        Dated(authorised, has_completed & (authorised <= last) & ~unsigned),
        backwards,
    )


def _enquiries(
    dice: Dice, decision: Ints, s47: Mask, last: int, calendar: np.busdaycalendar
) -> tuple[Dated, Dated]:
    """Strategy discussions for most section 47 decisions, and initial conferences for half of those.

    The conference is 5 to 15 working days after the discussion (16 to 35 at a team-scaled rate).
    """
    strategy = add_working_days(decision, dice.ints(0, 3), calendar)
    has_strategy = s47 & dice.coin(0.85) & (strategy <= last)
    conference = has_strategy & dice.coin(0.5)
    late = dice.error(0.08, conference)
    icpc = add_working_days(strategy, np.where(late, dice.ints(16, 36), dice.ints(5, 16)), calendar)
    return Dated(strategy, has_strategy), Dated(icpc, conference & (icpc <= last))


def _closures(
    dice: Dice, decision: Ints, decided: Mask, outcome: Ints, completed: Dated, icpc: Dated, last: int
) -> tuple[Dated, Ints]:
    """Closure dates and reasons: most NFA and IAA referrals close within weeks, assessed ones after completion.

    Children with a child protection conference mostly stay open. Reasons are indices into
    CLOSED_WITHOUT_ASSESSMENT followed by CLOSED_AFTER_ASSESSMENT.
    """
    quick = outcome < ASSESS
    closure = np.select(
        [quick, icpc.present],
        [decision + np.where(outcome == 0, dice.ints(0, 6), dice.ints(0, 21)), icpc.value + dice.ints(60, 300)],
        completed.value + dice.ints(3, 61),
    )
    closing = np.select([quick, icpc.present, outcome == S47], [0.9, 0.2, 0.6], 0.75)
    closed = decided & (dice.uniform() < closing) & (closure <= last) & (quick | completed.present)
    reason = np.where(
        quick,
        dice.pick([w for _, w in CLOSED_WITHOUT_ASSESSMENT]),
        dice.pick([w for _, w in CLOSED_AFTER_ASSESSMENT]) + len(CLOSED_WITHOUT_ASSESSMENT),
    )
    return Dated(closure, closed), reason


def _births(dice: Dice, received: Ints, root: Ints) -> tuple[Mask, Ints]:
    """Whether each child was born by the referral, and the (expected) date of birth.

    Set at the child's first referral: aged 0 to 17 (younger likelier), or 2% unborn. A later
    referral of the same child may find the baby born, or, rarely, the young person turned 18.
    """
    age = (17.6 * 365.25 * dice.rng.beta(1.0, 1.25, dice.rows)).astype(np.int64)
    due_in = dice.ints(14, 220)
    birth = np.where(dice.coin(0.02), received + due_in, received - age)[root]
    return birth <= received, birth


def _decisions(dice: Dice, received_at: Ints, calendar: np.busdaycalendar) -> Ints:
    """Decision times: the same sitting or the next working day; a few days late at team-scaled rates.

    A same-day decision comes 20 minutes to 5 hours after the referral, which for evening and
    emergency-duty referrals runs past midnight; later decisions are made in office hours.
    """
    received = received_at // MINUTES_PER_DAY
    late = dice.error(0.05, np.ones(dice.rows, dtype=np.bool_))
    delay = np.where(late, dice.ints(2, 13), dice.coin(0.4).astype(np.int64))
    day = add_working_days(received, delay, calendar)
    soon = received_at + dice.ints(20, 300)
    office = day * MINUTES_PER_DAY + dice.ints(8 * 60 + 30, 18 * 60)
    out_of_hours = ~np.is_busday(received.astype("datetime64[D]"), busdaycal=calendar) & dice.coin(0.45)
    same_sitting = ((day == received) | out_of_hours) & ~late
    return np.asarray(np.where(same_sitting, soon, np.maximum(office, soon)), dtype=np.int64)
