"""Synthetic referral extracts for demos, tests and benchmarks: realistic in shape, never real.

Nothing here describes a person. Children are numbers, NHS numbers come from the 999 range (never
issued to patients), postcodes are random inward codes behind Welsh outward codes, and referral
reasons are assembled from word lists. The workflow (referral, decision, assessment, section 47,
closure) follows the working-day calendar of England and Wales, so timeliness is measured on
plausible dates. Errors are injected at low base rates times a per-team multiplier: a scorecard of
the sample shows teams that differ, and every rule of the standard fails somewhere.

Everything is drawn from one ``numpy.random.default_rng(seed)`` and turned into text with Polars
column by column (never row by row), so the same arguments always give the same frame and a
million rows take seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import holidays
import numpy as np
import numpy.typing as npt
import polars as pl

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

FIELDS: tuple[str, ...] = (
    "referral_id", "child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "gender", "ethnicity",
    "postcode", "referral_received", "referral_source", "primary_need", "referral_reason", "team", "worker_id",
    "decision_date", "decision_outcome", "assessment_start", "assessment_completed", "assessment_authorised",
    "strategy_discussion", "icpc_date", "closure_date", "closure_reason",
)
"""The canonical fields of the standard, in its order."""

DEFAULT_AS_OF = dt.date(2026, 11, 20)

TEAMS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    # name: (share of referrals, multiplier on every error rate, outward codes of its area)
    "Cardiff North": (0.17, 1.0, ("CF14", "CF15", "CF23", "CF10")),
    "Swansea East": (0.15, 1.2, ("SA1", "SA6", "SA7", "SA8")),
    "Newport": (0.13, 1.6, ("NP19", "NP20", "NP10", "NP18")),
    "Wrexham": (0.12, 0.8, ("LL11", "LL12", "LL13", "LL14")),
    "Bridgend": (0.12, 3.0, ("CF31", "CF32", "CF33", "CF35")),
    "Powys": (0.11, 1.0, ("LD1", "SY16", "SY21", "NP8")),
    "Gwynedd": (0.10, 0.25, ("LL57", "LL55", "LL54", "LL53")),
    "Ceredigion": (0.10, 0.45, ("SY23", "SA43", "SY25", "SA48")),
}
NO_TEAM_SHARE = 0.003
NO_TEAM_MULTIPLIER = 2.0
FLOOR_ROWS = 1000
"""From this many rows, every injected error occurs at least once, whatever the seed."""

RE_REFERRAL_SHARE = 0.22
WINDOW_DAYS = 427  # about 14 months of referrals before the as-of date
MINUTES_PER_DAY = 1440

GENDER = (("0", 0.015), ("1", 0.49), ("2", 0.49), ("9", 0.005))
ETHNICITY = (
    ("WBRI", 0.78), ("WIRI", 0.005), ("WIRT", 0.002), ("WOTH", 0.04), ("WROM", 0.003), ("MWBC", 0.02),
    ("MWBA", 0.008), ("MWAS", 0.008), ("MOTH", 0.012), ("AIND", 0.008), ("APKN", 0.008), ("ABAN", 0.01),
    ("AOTH", 0.006), ("BCRB", 0.003), ("BAFR", 0.015), ("BOTH", 0.004), ("CHNE", 0.004), ("OOTH", 0.012),
    ("REFU", 0.008), ("NOBT", 0.03),
)
PRIMARY_NEED = (
    ("N0", 0.02), ("N1", 0.55), ("N2", 0.05), ("N3", 0.05), ("N4", 0.12), ("N5", 0.12), ("N6", 0.03),
    ("N7", 0.02), ("N8", 0.02), ("N9", 0.02),
)
OUTCOMES = (("NFA", 0.2), ("IAA", 0.33), ("ASSESS", 0.36), ("S47", 0.11))
ASSESS, S47 = 2, 3  # indices in OUTCOMES
CLOSED_WITHOUT_ASSESSMENT = (("RC7", 0.8), ("RC5", 0.1), ("RC6", 0.04), ("RC9", 0.06))
CLOSED_AFTER_ASSESSMENT = (
    ("RC8", 0.45), ("RC9", 0.3), ("RC7", 0.1), ("RC5", 0.06), ("RC6", 0.03), ("RC3", 0.03), ("RC4", 0.025),
    ("RC1", 0.003), ("RC2", 0.002),
)

# referral_source code: (share, who refers and how they say it)
SOURCES: dict[str, tuple[float, tuple[str, ...]]] = {
    "1A": (0.04, ("A parent says that", "The child's mother says that", "The child's father reports that")),
    "1B": (0.02, ("The child's grandmother reports that", "An aunt is worried that")),
    "1C": (0.01, ("The young person says that", "The young person told us that")),
    "1D": (0.02, ("A neighbour reports that", "A family friend is worried that")),
    "2A": (0.17, ("The school reports that", "The head teacher is concerned that",
                  "The school safeguarding lead reports that")),
    "2B": (0.03, ("The education welfare officer reports that", "The nursery reports that")),
    "3A": (0.05, ("The health visitor reports that", "The health visitor is concerned that")),
    "3B": (0.03, ("The GP reports that", "The family doctor is concerned that")),
    "3C": (0.04, ("The hospital emergency department reports that", "A ward nurse is concerned that")),
    "3D": (0.01, ("The school nurse reports that",)),
    "3E": (0.02, ("The midwife is concerned that", "The dentist reports that")),
    "3F": (0.02, ("The child and adolescent mental health service reports that",
                  "The adult mental health team is concerned that")),
    "4": (0.03, ("The housing officer reports that", "The housing association is worried that")),
    "5A": (0.05, ("A social worker in another team reports that",)),
    "5B": (0.02, ("The youth service reports that", "The family support service is concerned that")),
    "5C": (0.02, ("Another local authority tells us that",)),
    "5D": (0.04, ("The early help hub reports that",)),
    "6": (0.27, ("The police report that", "Police attended the home and report that")),
    "7": (0.03, ("The youth justice service reports that", "The probation service is concerned that")),
    "8": (0.04, ("A voluntary organisation reports that", "A sports coach is worried that")),
    "9": (0.03, ("An anonymous caller says that", "An anonymous letter says that")),
    "10": (0.02, ("A caller reports that",)),
}
# primary_need code -> what the concern is (weights are in PRIMARY_NEED)
CONCERNS: dict[str, tuple[str, ...]] = {
    "N0": ("the family may need some extra support", "the child may need help at home",
           "the parents have asked for advice about the child"),
    "N1": ("the child has unexplained bruising on the arm", "the children are often left at home alone at night",
           "the child said a parent hit them", "the home is dirty and there is little food in the house",
           "the child often arrives at school hungry and unkempt",
           "there was a domestic abuse incident at the home last night",
           "the baby has missed several health appointments", "the child has made a disclosure of abuse"),
    "N2": ("the child has complex health needs and the parents are struggling",
           "the child's autism is putting the family under great strain",
           "the child needs specialist equipment the family cannot get"),
    "N3": ("the mother is unwell and cannot look after the baby", "the father's mental health has got much worse",
           "the only parent has been admitted to hospital", "a parent's drinking is affecting care of the children"),
    "N4": ("the family has been evicted and is sleeping on a friend's floor",
           "the parents have separated and there is serious conflict over contact",
           "a recent bereavement has left the family unable to cope"),
    "N5": ("there are frequent arguments and police call-outs at the home",
           "the parents' drug use is affecting the care of the children",
           "an older sibling is violent towards the younger children"),
    "N6": ("the young person has been arrested for shoplifting with older youths",
           "the young person goes missing overnight and may be exploited",
           "the young person has been carrying a knife at school"),
    "N7": ("the family has no money for food or heating", "the children have no beds and sleep on the floor"),
    "N8": ("the child is living with grandparents after the parents left",
           "the young person has been asked to leave the family home",
           "the parents are abroad and the child is staying with a neighbour"),
    "N9": ("a private fostering arrangement has come to light", "the court has asked for a report about the child",
           "an unaccompanied young person has arrived in the area"),
}
CONTEXTS = ("", "", "", " after a home visit", " following an incident at the weekend", " and asks for advice",
            " this week", " for the second time this month", " and the family agrees to the referral",
            " but the family does not want any help")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# What careless entry and odd exports put in a field. Padded codes are valid once trimmed.
BLANKS = (None, "", " ", "  ")
UNREADABLE_DATES = ("31/02/2025", "2025-13-01", "00/00/0000", "2025-02-30", "unknown", "TBC", "17.04.2025")
UNREADABLE_DATETIMES = ("31/02/2025 10:15", "2025-13-01 09:30", "2025-04-17 25:10", "unknown", "TBC")
PLACEHOLDER_REASONS = ("n/a", "N/A", "na", "see notes", "See notes", "tbc", "TBC", "tba", "none", "-", ".",
                       "Concerns about neglect", "Police DV notification", "School welfare concern", "Neglect",
                       "Domestic abuse")
BAD_GENDER = ("M", "F", "U", "NA", "3", "male")
BAD_ETHNICITY = ("White British", "WBR", "NA", "W1", "Other")
BAD_SOURCE = ("police", "school", "11", "3G", "NA", "0")
BAD_NEED = ("N10", "NA", "1", "N 4", "Neglect")
BAD_OUTCOME = ("NA", "S17", "CP", "Assessment", "SA")
BAD_CLOSURE = ("RC10", "RC0", "NA", "RC 8", "Closed")
BAD_POSTCODES = ("NFA", "ZZ99 3WZ", "unknown", "CF1O 4AB", "SA 1AB")

ISO, ISO_T, UK = 0, 1, 2
"""How a row's dates are written: 2025-04-17 09:30, 2025-04-17T09:30:00, 17/04/2025 09:30."""
DATE_STYLES = (0.62, 0.18, 0.20)


def generate(rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> pl.DataFrame:
    """A frame of ``rows`` synthetic referrals received in the 14 months before ``as_of``.

    Every column is text, named and ordered as the standard's fields, as a case-management export
    would hold it; absent values are null. The same arguments always give the same frame.
    """
    if rows < 0:
        raise ValueError(f"rows must be zero or more, not {rows}")
    if rows == 0:
        return pl.DataFrame(schema=dict.fromkeys(FIELDS, pl.String))
    rng = np.random.default_rng(seed)
    calendar = _calendar(as_of)
    received_at = np.sort(_received_at(rng, rows, as_of, calendar))
    root = _first_referrals(rng, received_at // MINUTES_PER_DAY)
    team, no_team = _teams(rng, root)
    multiplier = np.where(no_team, NO_TEAM_MULTIPLIER, np.array([t[1] for t in TEAMS.values()])[team])
    dice = _Dice(rng, multiplier, floor=rows >= FLOOR_ROWS)
    flow = _workflow(dice, received_at, root, as_of, calendar)
    columns = _columns(dice, flow, root, team, no_team)
    columns = _inject_text_errors(dice, columns, flow)
    return pl.DataFrame([columns[name].alias(name) for name in FIELDS])


def write_sample(path: Path, rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> None:
    """Write ``generate(rows, seed=seed, as_of=as_of)`` as a UTF-8 CSV with the canonical header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(rows, seed=seed, as_of=as_of).write_csv(path)


# -- randomness, scaled by team ---------------------------------------------------------------------


class _Dice:
    """Draws for every row; error rates are multiplied by the row's team multiplier."""

    def __init__(self, rng: np.random.Generator, multiplier: Floats, *, floor: bool) -> None:
        self.rng = rng
        self.multiplier = multiplier
        self.rows = len(multiplier)
        self.floor = floor

    def uniform(self) -> Floats:
        """One number in [0, 1) per row."""
        return self.rng.random(self.rows)

    def ints(self, low: int, high: int) -> Ints:
        """One integer in [low, high) per row."""
        return self.rng.integers(low, high, self.rows, dtype=np.int64)

    def coin(self, p: float) -> Mask:
        """Natural variation, the same for every team."""
        return self.uniform() < p

    def pick(self, weights: Sequence[float]) -> Ints:
        """Indices drawn with the given weights (a cumulative search: quicker than ``choice``)."""
        cumulative = np.cumsum(weights) / np.sum(weights)
        index = np.searchsorted(cumulative, self.uniform(), side="right")
        return np.minimum(index, len(weights) - 1).astype(np.int64)

    def errors(self, rates: Sequence[float], eligible: Sequence[Mask]) -> Ints:
        """Which of several mutually exclusive errors each row gets (-1: none).

        Error ``k`` strikes an eligible row with probability ``rates[k]`` times the row's team
        multiplier. With ``floor`` set, an error that struck no row strikes one eligible row anyway,
        so that a sample of a few thousand rows shows every rule failing whatever the seed.
        """
        edges = np.cumsum(rates)
        scaled = self.uniform() / self.multiplier
        hit = np.flatnonzero(scaled < edges[-1])  # few rows: the rest of the work is on these alone
        hit_kind = np.searchsorted(edges, scaled[hit], side="right").astype(np.int64)
        keep = np.zeros(len(hit), dtype=np.bool_)
        for k, ok in enumerate(eligible):
            chosen = hit_kind == k
            keep[chosen] = ok[hit[chosen]]
        kind = np.full(self.rows, -1, dtype=np.int64)
        kind[hit[keep]] = hit_kind[keep]
        if self.floor:
            struck = np.bincount(hit_kind[keep], minlength=len(rates))
            for k in map(int, np.flatnonzero(struck == 0)):
                free = np.flatnonzero(eligible[k] & (kind == -1))
                if free.size:
                    weights = self.multiplier[free] / self.multiplier[free].sum()
                    kind[self.rng.choice(free, p=weights)] = k
        return kind

    def error(self, rate: float, eligible: Mask) -> Mask:
        """Rows struck by one error."""
        return np.asarray(self.errors([rate], [eligible]) == 0, dtype=np.bool_)


# -- working days -----------------------------------------------------------------------------------


def _calendar(as_of: dt.date) -> np.busdaycalendar:
    """Monday to Friday less the bank holidays of England and Wales, around the as-of date."""
    closed = holidays.country_holidays("GB", subdiv="WLS", years=range(as_of.year - 3, as_of.year + 3))
    return np.busdaycalendar(holidays=np.array(sorted(closed), dtype="datetime64[D]"))


def _add_working_days(days: Ints, offset: Ints, calendar: np.busdaycalendar) -> Ints:
    """The working day ``offset`` working days after ``days`` (rolled forward to a working day first)."""
    moved = np.busday_offset(days.astype("datetime64[D]"), offset, roll="forward", busdaycal=calendar)
    return moved.astype(np.int64)


def _working_days(start: Ints, end: Ints, calendar: np.busdaycalendar) -> Ints:
    """Working days from ``start`` inclusive to ``end`` exclusive, as the standard counts them."""
    count = np.busday_count(start.astype("datetime64[D]"), end.astype("datetime64[D]"), busdaycal=calendar)
    return np.asarray(count, dtype=np.int64)


def _day_number(day: dt.date) -> int:
    """Days since 1970-01-01, numpy's day numbers."""
    return (day - dt.date(1970, 1, 1)).days


# -- referrals and children -------------------------------------------------------------------------


def _received_at(rng: np.random.Generator, rows: int, as_of: dt.date, calendar: np.busdaycalendar) -> Ints:
    """Minutes since 1970 of each referral: mostly working days in office hours, some nights and weekends."""
    last = _day_number(as_of)
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


def _first_referrals(rng: np.random.Generator, day: Ints) -> Ints:
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


def _teams(rng: np.random.Generator, root: Ints) -> tuple[Ints, Mask]:
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


# -- the workflow in dates --------------------------------------------------------------------------


class _Dated(NamedTuple):
    """One date field: days (or minutes) since 1970, and whether the extract holds a value."""

    value: Ints
    present: Mask


@dataclass
class _Flow:
    """Each referral's dates, as they will be written."""

    received_at: _Dated  # minutes
    born: Mask
    birth: _Dated
    expected_birth: _Dated
    decision_at: _Dated  # minutes
    outcome: Ints
    start: _Dated
    completed: _Dated
    authorised: _Dated
    strategy: _Dated
    icpc: _Dated
    closure: _Dated
    closure_reason: Ints
    staged: Mask
    """Rows given a date error here; text errors leave them alone so that the error stays visible."""


def _workflow(dice: _Dice, received_at: Ints, root: Ints, as_of: dt.date, calendar: np.busdaycalendar) -> _Flow:
    """Decision, assessment, section 47 and closure dates that follow each referral as practice does.

    A few rows get one date error each (referral in the future, birth after the referral, aged
    18 or more, decision before the referral or missing when due), scaled by team.
    """
    last = _day_number(as_of)
    received = received_at // MINUTES_PER_DAY
    born, birth = _births(dice, received, root)
    due = _working_days(received, np.full_like(received, last), calendar) > 1
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
    return _Flow(
        received_at=_Dated(np.where(future, later, received_at), np.ones_like(born)),
        born=born,
        birth=_Dated(shown_birth, born | unborn_dob),  # an unborn child's expected date entered as its birth
        expected_birth=_Dated(birth, ~born & ~unborn_dob),
        decision_at=_Dated(decision_at, decided),
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
    dice: _Dice, received: Ints, decision: Ints, assessed: Mask, calm: Mask, last: int, calendar: np.busdaycalendar
) -> tuple[_Dated, _Dated, _Dated, Mask]:
    """Start, completion and authorisation of assessments, and the rows completed before they started.

    Assessments start within 3 working days of the decision and are completed 10 to 42 working
    days after the referral (43 to 90 at a team-scaled rate), then authorised within 4 working
    days; some are not authorised at all. Dates after the as-of date have not happened yet.
    """
    start = _add_working_days(decision, dice.ints(0, 4), calendar)
    late = dice.error(0.06, assessed)
    target = np.where(late, dice.ints(43, 91), dice.ints(10, 43))
    to_start = _working_days(received, start, calendar)
    completed = _add_working_days(start, np.maximum(target - to_start, 2), calendar)
    authorised = _add_working_days(completed, dice.ints(0, 5), calendar)
    has_start = assessed & (start <= last)
    has_completed = has_start & (completed <= last)
    unsigned = dice.error(0.04, has_completed)
    backwards = dice.error(0.003, has_completed & calm)
    completed = np.where(backwards, start - dice.ints(1, 15), completed)
    return (
        _Dated(start, has_start),
        _Dated(completed, has_completed),
        _Dated(authorised, has_completed & (authorised <= last) & ~unsigned),
        backwards,
    )


def _enquiries(
    dice: _Dice, decision: Ints, s47: Mask, last: int, calendar: np.busdaycalendar
) -> tuple[_Dated, _Dated]:
    """Strategy discussions for most section 47 decisions, and initial conferences for half of those.

    The conference is 5 to 15 working days after the discussion (16 to 35 at a team-scaled rate).
    """
    strategy = _add_working_days(decision, dice.ints(0, 3), calendar)
    has_strategy = s47 & dice.coin(0.85) & (strategy <= last)
    conference = has_strategy & dice.coin(0.5)
    late = dice.error(0.08, conference)
    icpc = _add_working_days(strategy, np.where(late, dice.ints(16, 36), dice.ints(5, 16)), calendar)
    return _Dated(strategy, has_strategy), _Dated(icpc, conference & (icpc <= last))


def _closures(
    dice: _Dice, decision: Ints, decided: Mask, outcome: Ints, completed: _Dated, icpc: _Dated, last: int
) -> tuple[_Dated, Ints]:
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
    return _Dated(closure, closed), reason


def _births(dice: _Dice, received: Ints, root: Ints) -> tuple[Mask, Ints]:
    """Whether each child was born by the referral, and the (expected) date of birth.

    Set at the child's first referral: aged 0 to 17 (younger likelier), or 2% unborn. A later
    referral of the same child may find the baby born, or, rarely, the young person turned 18.
    """
    age = (17.6 * 365.25 * dice.rng.beta(1.0, 1.25, dice.rows)).astype(np.int64)
    due_in = dice.ints(14, 220)
    birth = np.where(dice.coin(0.02), received + due_in, received - age)[root]
    return birth <= received, birth


def _decisions(dice: _Dice, received_at: Ints, calendar: np.busdaycalendar) -> Ints:
    """Decision times: the same sitting or the next working day; a few days late at team-scaled rates.

    A same-day decision comes 20 minutes to 5 hours after the referral, which for evening and
    emergency-duty referrals runs past midnight; later decisions are made in office hours.
    """
    received = received_at // MINUTES_PER_DAY
    late = dice.error(0.05, np.ones(dice.rows, dtype=np.bool_))
    delay = np.where(late, dice.ints(2, 13), dice.coin(0.4).astype(np.int64))
    day = _add_working_days(received, delay, calendar)
    soon = received_at + dice.ints(20, 300)
    office = day * MINUTES_PER_DAY + dice.ints(8 * 60 + 30, 18 * 60)
    out_of_hours = ~np.is_busday(received.astype("datetime64[D]"), busdaycal=calendar) & dice.coin(0.45)
    same_sitting = ((day == received) | out_of_hours) & ~late
    return np.asarray(np.where(same_sitting, soon, np.maximum(office, soon)), dtype=np.int64)


# -- text: dates, identifiers, codes, free text -----------------------------------------------------


class _DateText:
    """Writes days and minutes as text by table lookup: one format call per calendar day, not per value."""

    def __init__(self, flow: _Flow, style: Ints) -> None:
        days = [flow.received_at.value // MINUTES_PER_DAY, flow.decision_at.value // MINUTES_PER_DAY] + [
            dated.value for dated in (flow.birth, flow.expected_birth, flow.start, flow.completed, flow.authorised,
                                      flow.strategy, flow.icpc, flow.closure)
        ]
        self.first = int(min(d.min() for d in days))
        span = int(max(d.max() for d in days)) - self.first + 1
        calendar = pl.Series(np.arange(self.first, self.first + span).astype("datetime64[D]"))
        self.dates = pl.concat([calendar.dt.strftime("%Y-%m-%d"), calendar.dt.strftime("%d/%m/%Y")])
        self.date_offset = np.where(style == UK, span, 0)
        minutes = np.arange(MINUTES_PER_DAY).astype("timedelta64[m]") + np.datetime64("2000-01-01T00:00")
        clock = pl.Series(minutes.astype("datetime64[ms]"))
        self.times = pl.concat([clock.dt.strftime(" %H:%M"), clock.dt.strftime("T%H:%M:%S")])
        self.time_offset = np.where(style == ISO_T, MINUTES_PER_DAY, 0)

    def date(self, days: _Dated) -> pl.Series:
        """Dates in each row's style; null where absent."""
        return self.dates.gather(_masked(days.value - self.first + self.date_offset, days.present))

    def datetime(self, minutes: _Dated) -> pl.Series:
        """Date-times in each row's style; null where absent."""
        value, present = minutes
        day = self.dates.gather(_masked(value // MINUTES_PER_DAY - self.first + self.date_offset, present))
        clock = self.times.gather(_masked(value % MINUTES_PER_DAY + self.time_offset, present))
        return pl.select(pl.concat_str(pl.lit(day), pl.lit(clock))).to_series()


def _masked(index: Ints, present: Mask) -> pl.Series:
    """Indices to gather, null (so gathering null) where absent."""
    return pl.Series(np.ma.masked_array(np.where(present, index, 0), mask=~present))


def _where(present: Mask, text: pl.Series) -> pl.Series:
    """``text`` where present, else null."""
    return pl.select(pl.when(pl.lit(pl.Series(present))).then(pl.lit(text))).to_series()


def _codes(options: Sequence[str | None], index: Ints) -> pl.Series:
    """Values gathered from a short list (numpy strings convert slowly; Polars gathers fast)."""
    return pl.Series(options, dtype=pl.String).gather(index)


def _ids(prefix: str, numbers: Ints, width: int) -> pl.Series:
    """Identifiers such as ``C000123``: a prefix and a zero-padded number, all of one width."""
    width = max(width, len(str(int(numbers.max()))))  # more digits for very large samples
    padded = (pl.lit(pl.Series(numbers)) + 10**width).cast(pl.String).str.slice(1)  # quicker than zfill
    return pl.select(pl.concat_str(pl.lit(prefix), padded)).to_series()


def _nhs_numbers(dice: _Dice) -> Ints:
    """Valid NHS numbers from the 999 test range, never issued to a patient, so never a real person's.

    Each has its Modulus 11 check digit; candidates whose check would be 10 are redrawn. The range
    holds about 909,000 valid numbers, so samples of a million children repeat some.
    """
    body = 999_000_000 + dice.ints(0, 1_000_000)
    check = _nhs_check(body)
    while (bad := check == 10).any():  # about one in eleven: redraw those, a few rounds in all
        body[bad] = 999_000_000 + dice.rng.integers(0, 1_000_000, int(bad.sum()), dtype=np.int64)
        check[bad] = _nhs_check(body[bad])
    return body * 10 + check


def _nhs_check(body: Ints) -> Ints:
    """The Modulus 11 check digit of nine-digit numbers (10 means no valid number)."""
    total = sum((body // 10 ** (8 - i) % 10) * (10 - i) for i in range(9))
    check = 11 - np.asarray(total, dtype=np.int64) % 11
    return np.where(check == 11, 0, check)


def _nhs_text(dice: _Dice, numbers: Ints, present: Mask) -> pl.Series:
    """NHS numbers as entered: ten digits, or 3 3 4 with spaces; null where absent."""
    text = pl.Series(np.where(present, numbers, 0)).cast(pl.String)  # ten digits: all start 999
    spaced = np.flatnonzero(dice.coin(0.3) & present)
    plain = pl.lit(text.gather(spaced))
    groups = pl.concat_str([plain.str.slice(0, 3), plain.str.slice(3, 3), plain.str.slice(6)], separator=" ")
    text.scatter(spaced, pl.select(groups).to_series())
    return _where(present, text)


def _postcodes(dice: _Dice, team: Ints) -> pl.Series:
    """A random inward code behind an outward code of the team's area, e.g. ``CF14 3LG``."""
    outward = [code for _, _, codes in TEAMS.values() for code in codes]
    starts, counts = _offsets([len(codes) for _, _, codes in TEAMS.values()])
    inward = [f"{d}{a}{b}" for d in range(10) for a in INWARD_LETTERS for b in INWARD_LETTERS]
    combos = np.arange(len(outward) * len(inward))
    table = pl.select(pl.concat_str(
        pl.lit(pl.Series(outward).gather(combos // len(inward))), pl.lit(" "),
        pl.lit(pl.Series(inward).gather(combos % len(inward))),
    )).to_series()
    area = starts[team] + (dice.uniform() * counts[team]).astype(np.int64)
    return table.gather(area * len(inward) + dice.ints(0, len(inward)))


def _reasons(dice: _Dice, source: Ints, need: Ints) -> pl.Series:
    """Short sentences: who referred (by source), the concern (by primary need) and some context."""
    who = [phrase for _, phrases in SOURCES.values() for phrase in phrases]
    what = [phrase for phrases in CONCERNS.values() for phrase in phrases]
    who_at, who_n = _offsets([len(p) for _, p in SOURCES.values()])
    what_at, what_n = _offsets([len(p) for p in CONCERNS.values()])
    n_what, n_context = len(what), len(CONTEXTS)
    combos = np.arange(len(who) * n_what * n_context)
    table = pl.select(pl.concat_str(
        pl.lit(pl.Series(who).gather(combos // (n_what * n_context))), pl.lit(" "),
        pl.lit(pl.Series(what).gather(combos // n_context % n_what)),
        pl.lit(pl.Series(CONTEXTS).gather(combos % n_context)), pl.lit("."),
    )).to_series()
    w = who_at[source] + (dice.uniform() * who_n[source]).astype(np.int64)
    c = what_at[need] + (dice.uniform() * what_n[need]).astype(np.int64)
    return table.gather((w * n_what + c) * n_context + dice.ints(0, n_context))


def _offsets(lengths: Sequence[int]) -> tuple[Ints, Ints]:
    """Start and length of each group in a flattened list of groups."""
    size = np.array(lengths, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64), size


def _columns(dice: _Dice, flow: _Flow, root: Ints, team: Ints, no_team: Mask) -> dict[str, pl.Series]:
    """The clean text of every field; a child's details come from the row of its first referral."""
    rows = dice.rows
    dates = _DateText(flow, dice.pick(DATE_STYLES))
    numbers = dice.rng.permutation(rows).astype(np.int64) + 1
    has_nhs = dice.coin(0.9)[root] & flow.born
    gender = np.where(flow.born, dice.pick([w for _, w in GENDER])[root], 0)
    source = dice.pick([share for share, _ in SOURCES.values()])
    need = dice.pick([w for _, w in PRIMARY_NEED])
    workers = np.array([max(4, round(share * 60)) for share, _, _ in TEAMS.values()])
    reasons = [code for code, _ in CLOSED_WITHOUT_ASSESSMENT] + [code for code, _ in CLOSED_AFTER_ASSESSMENT]
    return {
        "referral_id": _ids("R", np.arange(rows, dtype=np.int64) + 100_001, 7),
        "child_id": _ids("C", numbers[root], 6),
        "nhs_number": _nhs_text(dice, _nhs_numbers(dice)[root], has_nhs),
        "date_of_birth": dates.date(flow.birth),
        "expected_date_of_birth": dates.date(flow.expected_birth),
        "gender": _codes([c for c, _ in GENDER], gender),
        "ethnicity": _codes([c for c, _ in ETHNICITY], dice.pick([w for _, w in ETHNICITY])[root]),
        "postcode": _postcodes(dice, team).gather(root),
        "referral_received": dates.datetime(flow.received_at),
        "referral_source": _codes(list(SOURCES), source),
        "primary_need": _codes([c for c, _ in PRIMARY_NEED], need),
        "referral_reason": _reasons(dice, source, need),
        "team": _codes([*TEAMS, *BLANKS], np.where(no_team, len(TEAMS) + dice.ints(0, len(BLANKS)), team)),
        "worker_id": _ids("W", (team + 1) * 100 + 1 + (dice.uniform() * workers[team]).astype(np.int64), 4),
        "decision_date": dates.datetime(flow.decision_at),
        "decision_outcome": _where(flow.decision_at.present, _codes([c for c, _ in OUTCOMES], flow.outcome)),
        "assessment_start": dates.date(flow.start),
        "assessment_completed": dates.date(flow.completed),
        "assessment_authorised": dates.date(flow.authorised),
        "strategy_discussion": dates.date(flow.strategy),
        "icpc_date": dates.date(flow.icpc),
        "closure_date": dates.date(flow.closure),
        "closure_reason": _where(flow.closure.present, _codes(reasons, flow.closure_reason)),
    }


# -- text errors ------------------------------------------------------------------------------------

Maker = Callable[[np.random.Generator, Ints, pl.Series], pl.Series]
"""Replacement values for the rows ``index`` of a column, given the column's clean text."""


def _choose(options: Sequence[str | None]) -> Maker:
    """Replace with values drawn from a list."""
    return lambda rng, index, _: _codes(options, rng.integers(0, len(options), len(index), dtype=np.int64))


def _lower(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """A code typed in lower case (invalid: codes are case-sensitive)."""
    return column.gather(index).str.to_lowercase()


def _padded(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """A code with spaces around it (valid: codes are compared trimmed)."""
    pattern = rng.integers(0, 4, len(index))
    left = pl.Series([" ", "", "  ", " "]).gather(pattern)
    right = pl.Series(["", " ", " ", "  "]).gather(pattern)
    return pl.select(pl.concat_str(pl.lit(left), pl.lit(column.gather(index)), pl.lit(right))).to_series()


def _wrong_check_digit(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """An NHS number with its last digit mistyped."""
    digits = column.gather(index).str.replace_all(" ", "")
    last = (digits.str.slice(9, 1).cast(pl.Int64) + pl.Series(rng.integers(1, 10, len(index)))) % 10
    return pl.select(pl.concat_str(pl.lit(digits.str.slice(0, 9)), pl.lit(last.cast(pl.String)))).to_series()


def _short(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """A value missing its last character: a nine-digit NHS number, a postcode cut short."""
    return column.gather(index).str.replace_all(" ", "", literal=True).str.head(-1)


def _no_space(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """A postcode written without its space, or in lower case (both valid)."""
    text = column.gather(index)
    return pl.select(pl.when(pl.lit(pl.Series(rng.random(len(index)) < 0.5)))
                     .then(pl.lit(text).str.replace(" ", "", literal=True))
                     .otherwise(pl.lit(text).str.to_lowercase())).to_series()


def _text_error_plan(flow: _Flow, has_nhs: Mask) -> dict[str, tuple[Mask, list[tuple[float, Maker]]]]:
    """Column -> (rows that may be altered, [(base rate, replacement)]); the alterations exclude each other."""
    everywhere = np.ones(len(flow.born), dtype=np.bool_)
    blank, bad_date, bad_time = _choose(BLANKS), _choose(UNREADABLE_DATES), _choose(UNREADABLE_DATETIMES)
    calm = ~flow.staged
    return {
        "child_id": (everywhere, [(0.002, blank)]),
        "nhs_number": (has_nhs, [(0.004, _wrong_check_digit), (0.002, _short)]),
        "date_of_birth": (flow.birth.present & calm, [(0.004, blank), (0.0015, bad_date)]),
        "expected_date_of_birth": (flow.expected_birth.present & calm, [(0.02, blank), (0.02, bad_date)]),
        "gender": (everywhere, [(0.005, blank), (0.003, _choose(BAD_GENDER)), (0.01, _padded)]),
        "ethnicity": (everywhere, [(0.01, blank), (0.003, _lower), (0.002, _choose(BAD_ETHNICITY)),
                                   (0.01, _padded)]),
        "postcode": (everywhere, [(0.008, blank), (0.004, _choose(BAD_POSTCODES)), (0.002, _short),
                                  (0.06, _no_space)]),
        "referral_received": (calm, [(0.001, blank), (0.001, bad_time)]),
        "referral_source": (everywhere, [(0.006, blank), (0.002, _lower), (0.002, _choose(BAD_SOURCE)),
                                         (0.01, _padded)]),
        "primary_need": (everywhere, [(0.006, blank), (0.002, _lower), (0.002, _choose(BAD_NEED)),
                                      (0.01, _padded)]),
        "referral_reason": (everywhere, [(0.004, blank), (0.02, _choose(PLACEHOLDER_REASONS))]),
        "worker_id": (everywhere, [(0.01, blank)]),
        "decision_date": (flow.decision_at.present & calm, [(0.001, bad_time)]),
        "decision_outcome": (flow.decision_at.present, [(0.001, _lower), (0.001, _choose(BAD_OUTCOME)),
                                                        (0.005, _padded)]),
        "assessment_start": (flow.start.present & calm, [(0.003, bad_date)]),
        "assessment_completed": (flow.completed.present & calm, [(0.003, bad_date)]),
        "assessment_authorised": (flow.authorised.present, [(0.003, bad_date)]),
        "strategy_discussion": (flow.strategy.present, [(0.01, bad_date)]),
        "icpc_date": (flow.icpc.present, [(0.02, bad_date)]),
        "closure_date": (flow.closure.present, [(0.002, bad_date)]),
        "closure_reason": (flow.closure.present, [(0.015, blank), (0.002, _lower), (0.002, _choose(BAD_CLOSURE)),
                                              (0.005, _padded)]),
    }


def _inject_text_errors(dice: _Dice, columns: dict[str, pl.Series], flow: _Flow) -> dict[str, pl.Series]:
    """Blank, miscoded, mistyped and unreadable values at team-scaled rates; some duplicated referral ids.

    The columns are altered in place and returned.
    """
    ids = columns["referral_id"]
    duplicate = dice.error(0.002, np.arange(dice.rows) > 0)
    copied = np.flatnonzero(duplicate)
    previous = ids.gather(copied - 1)
    kept = ~(duplicate | np.roll(duplicate, -1))  # neither copy nor original is blanked
    _apply(dice, ids, kept, [(0.0015, _choose(BLANKS))])
    ids.scatter(copied, previous)
    has_nhs = columns["nhs_number"].is_not_null().to_numpy()
    for name, (eligible, plan) in _text_error_plan(flow, has_nhs).items():
        _apply(dice, columns[name], eligible, plan)
    return columns


def _apply(dice: _Dice, column: pl.Series, eligible: Mask, plan: Sequence[tuple[float, Maker]]) -> None:
    """Make the planned alterations to ``column`` in place, in one scatter (a copy would double the memory)."""
    kind = dice.errors([rate for rate, _ in plan], [eligible] * len(plan))
    index = [np.flatnonzero(kind == k) for k in range(len(plan))]
    values = [make(dice.rng, at, column) for (_, make), at in zip(plan, index, strict=True) if at.size]
    if values:
        column.scatter(np.concatenate([at for at in index if at.size]), pl.concat(values))
