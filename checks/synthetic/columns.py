"""The clean text of every field: dates in each row's style, identifiers, codes, postcodes and reasons."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from refcheck.checks.synthetic.dice import Dice, Ints, Mask
from refcheck.checks.synthetic.vocabulary import (
    BLANKS,
    CLOSED_AFTER_ASSESSMENT,
    CLOSED_WITHOUT_ASSESSMENT,
    CONCERNS,
    CONTEXTS,
    DATE_STYLES,
    ETHNICITY,
    GENDER,
    INWARD_LETTERS,
    ISO_T,
    MINUTES_PER_DAY,
    OUTCOMES,
    PRIMARY_NEED,
    SOURCES,
    TEAMS,
    UK,
)
from refcheck.checks.synthetic.workflow import Dated, Flow


class _DateText:
    """Writes days and minutes as text by table lookup: one format call per calendar day, not per value."""

    def __init__(self, flow: Flow, style: Ints) -> None:
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

    def date(self, days: Dated) -> pl.Series:
        """Dates in each row's style; null where absent."""
        return self.dates.gather(_masked(days.value - self.first + self.date_offset, days.present))

    def datetime(self, minutes: Dated) -> pl.Series:
        """Date-times in each row's style; null where absent."""
        value, present = minutes
        day = self.dates.gather(_masked(value // MINUTES_PER_DAY - self.first + self.date_offset, present))
        clock = self.times.gather(_masked(value % MINUTES_PER_DAY + self.time_offset, present))
        return pl.select(pl.concat_str(pl.lit(day), pl.lit(clock))).to_series()


def _masked(index: Ints, present: Mask) -> pl.Series:
    """Indices to gather, null (so gathering null) where absent."""
    return pl.Series(np.ma.masked_array(np.where(present, index, 0), mask=~present))


def present_only(present: Mask, text: pl.Series) -> pl.Series:
    """``text`` where present, else null."""
    return pl.select(pl.when(pl.lit(pl.Series(present))).then(pl.lit(text))).to_series()


def gather_codes(options: Sequence[str | None], index: Ints) -> pl.Series:
    """Values gathered from a short list (numpy strings convert slowly; Polars gathers fast)."""
    return pl.Series(options, dtype=pl.String).gather(index)


def identifiers(prefix: str, numbers: Ints, width: int) -> pl.Series:
    """Identifiers such as ``C000123``: a prefix and a zero-padded number, all of one width."""
    width = max(width, len(str(int(numbers.max(initial=0)))))  # more digits for very large samples
    padded = (pl.lit(pl.Series(numbers)) + 10**width).cast(pl.String).str.slice(1)  # quicker than zfill
    return pl.select(pl.concat_str(pl.lit(prefix), padded)).to_series()


def _nhs_numbers(dice: Dice) -> Ints:
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


def _nhs_text(dice: Dice, numbers: Ints, present: Mask) -> pl.Series:
    """NHS numbers as entered: ten digits, or 3 3 4 with spaces; null where absent."""
    text = pl.Series(np.where(present, numbers, 0)).cast(pl.String)  # ten digits: all start 999
    spaced = np.flatnonzero(dice.coin(0.3) & present)
    plain = pl.lit(text.gather(spaced))
    groups = pl.concat_str([plain.str.slice(0, 3), plain.str.slice(3, 3), plain.str.slice(6)], separator=" ")
    text.scatter(spaced, pl.select(groups).to_series())
    return present_only(present, text)


def _postcodes(dice: Dice, team: Ints) -> pl.Series:
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


def _reasons(dice: Dice, source: Ints, need: Ints) -> pl.Series:
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


def clean_columns(dice: Dice, flow: Flow, root: Ints, team: Ints, no_team: Mask) -> dict[str, pl.Series]:
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
        "referral_id": identifiers("R", np.arange(rows, dtype=np.int64) + 100_001, 7),
        "child_id": identifiers("C", numbers[root], 6),
        "nhs_number": _nhs_text(dice, _nhs_numbers(dice)[root], has_nhs),
        "date_of_birth": dates.date(flow.birth),
        "expected_date_of_birth": dates.date(flow.expected_birth),
        "gender": gather_codes([c for c, _ in GENDER], gender),
        "ethnicity": gather_codes([c for c, _ in ETHNICITY], dice.pick([w for _, w in ETHNICITY])[root]),
        "postcode": _postcodes(dice, team).gather(root),
        "referral_received": dates.datetime(flow.received_at),
        "referral_source": gather_codes(list(SOURCES), source),
        "primary_need": gather_codes([c for c, _ in PRIMARY_NEED], need),
        "referral_reason": _reasons(dice, source, need),
        "team": gather_codes([*TEAMS, *BLANKS], np.where(no_team, len(TEAMS) + dice.ints(0, len(BLANKS)), team)),
        "worker_id": identifiers("W", (team + 1) * 100 + 1 + (dice.uniform() * workers[team]).astype(np.int64), 4),
        "decision_date": dates.datetime(flow.decision_at),
        "decision_outcome": present_only(flow.decision_at.present,
                                         gather_codes([c for c, _ in OUTCOMES], flow.outcome)),
        "assessment_start": dates.date(flow.start),
        "assessment_completed": dates.date(flow.completed),
        "assessment_authorised": dates.date(flow.authorised),
        "strategy_discussion": dates.date(flow.strategy),
        "icpc_date": dates.date(flow.icpc),
        "closure_date": dates.date(flow.closure),
        "closure_reason": present_only(flow.closure.present, gather_codes(reasons, flow.closure_reason)),
    }
