"""Text errors: blank, miscoded, mistyped and unreadable values at team-scaled rates, and duplicated ids."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from refcheck.checks.synthetic.columns import gather_codes
from refcheck.checks.synthetic.dice import Dice, Ints, Mask
from refcheck.checks.synthetic.vocabulary import (
    BAD_CLOSURE,
    BAD_ETHNICITY,
    BAD_GENDER,
    BAD_NEED,
    BAD_OUTCOME,
    BAD_POSTCODES,
    BAD_SOURCE,
    BLANKS,
    PLACEHOLDER_REASONS,
    UNREADABLE_DATES,
    UNREADABLE_DATETIMES,
)
from refcheck.checks.synthetic.workflow import Flow

Maker = Callable[[np.random.Generator, Ints, pl.Series], pl.Series]
"""Replacement values for the rows ``index`` of a column, given the column's clean text."""


def choose(options: Sequence[str | None]) -> Maker:
    """Replace with values drawn from a list."""
    return lambda rng, index, _: gather_codes(options, rng.integers(0, len(options), len(index), dtype=np.int64))


def lower_case(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
    """A code typed in lower case (invalid: codes are case-sensitive)."""
    return column.gather(index).str.to_lowercase()


def padded(rng: np.random.Generator, index: Ints, column: pl.Series) -> pl.Series:
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


def _text_error_plan(flow: Flow, has_nhs: Mask) -> dict[str, tuple[Mask, list[tuple[float, Maker]]]]:
    """Column -> (rows that may be altered, [(base rate, replacement)]); the alterations exclude each other."""
    everywhere = np.ones(len(flow.born), dtype=np.bool_)
    blank, bad_date, bad_time = choose(BLANKS), choose(UNREADABLE_DATES), choose(UNREADABLE_DATETIMES)
    calm = ~flow.staged
    return {
        "child_id": (everywhere, [(0.002, blank)]),
        "nhs_number": (has_nhs, [(0.004, _wrong_check_digit), (0.002, _short)]),
        "date_of_birth": (flow.birth.present & calm, [(0.004, blank), (0.0015, bad_date)]),
        "expected_date_of_birth": (flow.expected_birth.present & calm, [(0.02, blank), (0.02, bad_date)]),
        "gender": (everywhere, [(0.005, blank), (0.003, choose(BAD_GENDER)), (0.01, padded)]),
        "ethnicity": (everywhere, [(0.01, blank), (0.003, lower_case), (0.002, choose(BAD_ETHNICITY)),
                                   (0.01, padded)]),
        "postcode": (everywhere, [(0.008, blank), (0.004, choose(BAD_POSTCODES)), (0.002, _short),
                                  (0.06, _no_space)]),
        "referral_received": (calm, [(0.001, blank), (0.001, bad_time)]),
        "referral_source": (everywhere, [(0.006, blank), (0.002, lower_case), (0.002, choose(BAD_SOURCE)),
                                         (0.01, padded)]),
        "primary_need": (everywhere, [(0.006, blank), (0.002, lower_case), (0.002, choose(BAD_NEED)),
                                      (0.01, padded)]),
        "referral_reason": (everywhere, [(0.004, blank), (0.02, choose(PLACEHOLDER_REASONS))]),
        "worker_id": (everywhere, [(0.01, blank)]),
        "decision_date": (flow.decision_at.present & calm, [(0.001, bad_time)]),
        "decision_outcome": (flow.decision_at.present, [(0.001, lower_case), (0.001, choose(BAD_OUTCOME)),
                                                        (0.005, padded)]),
        "assessment_start": (flow.start.present & calm, [(0.003, bad_date)]),
        "assessment_completed": (flow.completed.present & calm, [(0.003, bad_date)]),
        "assessment_authorised": (flow.authorised.present, [(0.003, bad_date)]),
        "strategy_discussion": (flow.strategy.present, [(0.01, bad_date)]),
        "icpc_date": (flow.icpc.present, [(0.02, bad_date)]),
        "closure_date": (flow.closure.present, [(0.002, bad_date)]),
        "closure_reason": (flow.closure.present, [(0.015, blank), (0.002, lower_case), (0.002, choose(BAD_CLOSURE)),
                                              (0.005, padded)]),
    }


def inject_text_errors(dice: Dice, columns: dict[str, pl.Series], flow: Flow) -> dict[str, pl.Series]:
    """Blank, miscoded, mistyped and unreadable values at team-scaled rates; some duplicated referral ids.

    The columns are altered in place and returned.
    """
    key_errors(dice, columns["referral_id"], blank=0.0015, duplicate=0.002)
    has_nhs = columns["nhs_number"].is_not_null().to_numpy()
    for name, (eligible, plan) in _text_error_plan(flow, has_nhs).items():
        apply_errors(dice, columns[name], eligible, plan)
    return columns


def key_errors(dice: Dice, ids: pl.Series, *, blank: float, duplicate: float) -> None:
    """Blank some identifiers, and give others the identifier of the row before (a record entered twice).

    The column is altered in place; neither the copy nor its original is blanked.
    """
    copy = dice.error(duplicate, np.arange(dice.rows) > 0)
    copied = np.flatnonzero(copy)
    previous = ids.gather(copied - 1)
    kept = ~(copy | np.roll(copy, -1))
    apply_errors(dice, ids, kept, [(blank, choose(BLANKS))])
    ids.scatter(copied, previous)


def apply_errors(dice: Dice, column: pl.Series, eligible: Mask, plan: Sequence[tuple[float, Maker]]) -> None:
    """Make the planned alterations to ``column`` in place, in one scatter (a copy would double the memory)."""
    kind = dice.errors([rate for rate, _ in plan], [eligible] * len(plan))
    index = [np.flatnonzero(kind == k) for k in range(len(plan))]
    values = [make(dice.rng, at, column) for (_, make), at in zip(plan, index, strict=True) if at.size]
    if values:
        column.scatter(np.concatenate([at for at in index if at.size]), pl.concat(values))
