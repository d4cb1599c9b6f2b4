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

The steps live beside this module, in the order ``generate`` takes them: ``referrals`` (when each
referral arrives, whose it is, its team), ``workflow`` (the dates that follow it), ``columns`` (the
clean text of every field) and ``mistakes`` (the errors put in); ``vocabulary`` holds what they
draw from and ``dice`` the draws themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from refcheck.checks.synthetic.columns import clean_columns
from refcheck.checks.synthetic.dice import Dice, Ints
from refcheck.checks.synthetic.mistakes import inject_text_errors
from refcheck.checks.synthetic.referrals import first_referrals, received_times, referral_teams
from refcheck.checks.synthetic.vocabulary import FLOOR_ROWS, MINUTES_PER_DAY, NO_TEAM_MULTIPLIER, TEAMS
from refcheck.checks.synthetic.workflow import Flow, workflow
from refcheck.checks.synthetic.working_days import working_calendar

FIELDS: tuple[str, ...] = (
    "referral_id", "child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "gender", "ethnicity",
    "postcode", "referral_received", "referral_source", "primary_need", "referral_reason", "team", "worker_id",
    "decision_date", "decision_outcome", "assessment_start", "assessment_completed", "assessment_authorised",
    "strategy_discussion", "icpc_date", "closure_date", "closure_reason",
)
"""The canonical fields of the standard, in its order."""

DEFAULT_AS_OF = dt.date(2026, 11, 20)


@dataclass
class Drawn:
    """A referrals frame and the clean draws behind it, from which the child protection records follow."""

    frame: pl.DataFrame
    flow: Flow
    team: Ints
    referral_id: pl.Series
    """Each row's referral ID before any was blanked or repeated."""
    child_id: pl.Series
    """Each row's child ID before any was blanked."""


def generate(rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> pl.DataFrame:
    """A frame of ``rows`` synthetic referrals received in the 14 months before ``as_of``.

    Every column is text, named and ordered as the standard's fields, as a case-management export
    would hold it; absent values are null. The same arguments always give the same frame.
    """
    if rows < 0:
        raise ValueError(f"rows must be zero or more, not {rows}")
    if rows == 0:
        return pl.DataFrame(schema=dict.fromkeys(FIELDS, pl.String))
    return draw(rows, seed=seed, as_of=as_of).frame


def draw(rows: int, *, seed: int, as_of: dt.date) -> Drawn:
    """The referrals of ``generate`` (one or more rows), with the clean draws behind them."""
    rng = np.random.default_rng(seed)
    calendar = working_calendar(as_of)
    received_at = np.sort(received_times(rng, rows, as_of, calendar))
    root = first_referrals(rng, received_at // MINUTES_PER_DAY)
    team, no_team = referral_teams(rng, root)
    multiplier = np.where(no_team, NO_TEAM_MULTIPLIER, np.array([t[1] for t in TEAMS.values()])[team])
    dice = Dice(rng, multiplier, floor=rows >= FLOOR_ROWS)
    flow = workflow(dice, received_at, root, as_of, calendar)
    columns = clean_columns(dice, flow, root, team, no_team)
    clean = {name: columns[name].clone() for name in ("referral_id", "child_id")}
    columns = inject_text_errors(dice, columns, flow)
    frame = pl.DataFrame([columns[name].alias(name) for name in FIELDS])
    return Drawn(frame, flow, team, clean["referral_id"], clean["child_id"])


def write_sample(path: Path, rows: int, *, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> None:
    """Write ``generate(rows, seed=seed, as_of=as_of)`` as a UTF-8 CSV with the canonical header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(rows, seed=seed, as_of=as_of).write_csv(path)
