"""Synthetic referral extracts: realistic enough to show every rule failing somewhere, never real.

One seeded generator serves the README's sample, the tests and the benchmarks. Everything is
drawn with numpy and formatted with Polars, column by column, so a million rows take seconds.
Teams differ in data quality by a multiplier on every error rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from refcheck.checks.calendar import closure_days
from refcheck.schemas import Calendar

Chance = Callable[[float], np.ndarray]
"""Rows where an error of a base rate occurs, scaled by each row's team."""

TEAMS = {  # team name -> multiplier on every error rate
    "Gwynedd": 0.3,
    "Ceredigion": 0.5,
    "Wrexham": 0.7,
    "Swansea East": 1.0,
    "Cardiff North": 1.0,
    "Powys": 1.4,
    "Newport": 2.0,
    "Bridgend": 3.5,
}
FIELDS = [
    "referral_id", "child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "gender", "ethnicity",
    "postcode", "referral_received", "referral_source", "primary_need", "referral_reason", "team", "worker_id",
    "decision_date", "decision_outcome", "assessment_start", "assessment_completed", "assessment_authorised",
    "strategy_discussion", "icpc_date", "closure_date", "closure_reason",
]
ETHNICITY = ["WBRI", "WOTH", "MWBC", "MOTH", "APKN", "ABAN", "AOTH", "BAFR", "BCRB", "CHNE", "OOTH", "WIRI",
             "WROM", "MWAS", "AIND", "BOTH", "MWBA", "WIRT", "REFU", "NOBT"]
SOURCES = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D",
           "6", "7", "8", "9", "10"]
OUTWARD = ["CF10", "CF14", "CF24", "CF31", "SA1", "SA2", "SA15", "NP20", "NP19", "LL57", "LL11", "LL13", "SY23",
           "LD1", "SA43", "CF83"]
INWARD_LETTERS = list("ABDEFGHJLNPQRSTUWXYZ")
REASON_WHO = ["School", "Health visitor", "Police", "GP", "Neighbour", "Parent", "Nursery", "Hospital ward"]
REASON_WHAT = ["reports bruising on the child's arm", "is worried about neglect at home",
               "reports domestic abuse in the household", "says the child is often missing from school",
               "raised concerns about parental drug use", "reports the child has no food at home",
               "describes an unexplained injury to the child", "is concerned about the child's emotional wellbeing"]
REASON_WHEN = ["this week", "after a home visit", "following an incident yesterday", "over several months", ""]
PLACEHOLDERS = ["n/a", "see notes", "tbc", "N/A", "-", "none", "Concern about neglect"]
BAD_DATES = ["31/02/2025", "unknown", "2025-13-01", "00/00/0000"]
OUTCOMES = ["NFA", "IAA", "ASSESS", "S47"]


def generate(rows: int, *, seed: int = 1, as_of: dt.date = dt.date(2026, 11, 20)) -> pl.DataFrame:
    """A frame of ``rows`` synthetic referrals, every column text, as an extract would hold it."""
    rng = np.random.default_rng(seed)
    team = rng.choice(len(TEAMS), rows, p=_team_weights())
    rate = np.array(list(TEAMS.values()))[team]
    no_team = rng.random(rows) < 0.003
    rate = np.where(no_team, 2.0, rate)

    def chance(base: float) -> np.ndarray:
        """Rows where an error of this base rate occurs, scaled by the row's team."""
        return rng.random(rows) < base * rate

    busdays = np.array(closure_days(Calendar("england-and-wales")), dtype="datetime64[D]")
    day0 = np.datetime64(as_of, "D")
    received = _received(rng, rows, day0, busdays)
    minutes = rng.integers(8 * 60, 18 * 60, rows)
    received_at = received.astype("datetime64[m]") + minutes
    received_at = np.where(chance(0.0004), (day0 + rng.integers(1, 30, rows)).astype("datetime64[m]"), received_at)

    unborn = rng.random(rows) < 0.02
    age_days = rng.integers(0, 18 * 365 - 5, rows)
    age_days = np.where(rng.random(rows) < 0.002, rng.integers(18 * 366, 20 * 365, rows), age_days)
    birth = received - age_days
    birth = np.where(chance(0.001), received + rng.integers(1, 60, rows), birth)
    expected_birth = received + rng.integers(20, 200, rows)

    outcome = rng.choice(len(OUTCOMES), rows, p=[0.2, 0.3, 0.4, 0.1])
    decision = _decision(rng, rows, received, received_at, busdays, chance)
    recent = np.busday_count(received, day0, holidays=busdays) <= 2
    no_decision = (recent & (rng.random(rows) < 0.5)) | chance(0.004)
    assessed = outcome >= OUTCOMES.index("ASSESS")
    start = decision.astype("datetime64[D]") + rng.integers(0, 4, rows)
    completed_offset = np.where(chance(0.06), rng.integers(43, 70, rows), rng.integers(8, 42, rows))
    completed = np.busday_offset(received, completed_offset, roll="forward", holidays=busdays)
    completed = np.where(chance(0.001), start - rng.integers(1, 10, rows), completed)
    authorised = completed + rng.integers(0, 6, rows)
    unauthorised = chance(0.04)
    strategy = decision.astype("datetime64[D]") + rng.integers(0, 3, rows)
    icpc_offset = np.where(chance(0.08), rng.integers(16, 30, rows), rng.integers(4, 15, rows))
    icpc = np.busday_offset(strategy, icpc_offset, roll="forward", holidays=busdays)
    has_icpc = (outcome == OUTCOMES.index("S47")) & (rng.random(rows) < 0.4)
    closed = np.maximum(decision.astype("datetime64[D]"), np.where(assessed, completed, received))
    closed = closed + rng.integers(5, 90, rows)
    is_closed = (closed <= day0) & (rng.random(rows) < 0.7)

    decided = ~no_decision
    frame = pl.DataFrame({
        "referral_id": _ids("R", np.arange(rows) + 100001, 7),
        "child_id": _ids("C", rng.integers(1, max(rows * 2, 2), rows), 6),
        "nhs_number": _nhs_numbers(rng, rows, chance),
        "date_of_birth": _dates(rng, np.where(unborn, np.datetime64("NaT"), birth)),
        "expected_date_of_birth": _dates(rng, np.where(unborn, expected_birth, np.datetime64("NaT"))),
        "gender": _pick(rng, ["1", "2", "9"], rows, p=[0.49, 0.49, 0.02]).set(pl.Series(unborn), "0"),
        "ethnicity": _pick(rng, ETHNICITY, rows, p=_zipf(len(ETHNICITY))),
        "postcode": _postcodes(rng, rows),
        "referral_received": _dates(rng, received_at, with_time=True),
        "referral_source": _pick(rng, SOURCES, rows),
        "primary_need": _pick(rng, [f"N{i}" for i in range(10)], rows, p=_zipf(10)),
        "referral_reason": _reasons(rng, rows),
        "team": pl.Series(list(TEAMS))[team].set(pl.Series(no_team), ""),
        "worker_id": _ids("W", team * 100 + rng.integers(1, 12, rows), 4),
        "decision_date": _dates(rng, np.where(decided, decision, np.datetime64("NaT")), with_time=True),
        "decision_outcome": pl.Series(OUTCOMES)[outcome].set(pl.Series(~decided), ""),
        "assessment_start": _dates(rng, _when(decided & assessed & (start <= day0), start)),
        "assessment_completed": _dates(rng, _when(decided & assessed & (completed <= day0), completed)),
        "assessment_authorised": _dates(
            rng, _when(decided & assessed & (authorised <= day0) & ~unauthorised, authorised)),
        "strategy_discussion": _dates(rng, _when(decided & has_icpc & (strategy <= day0), strategy)),
        "icpc_date": _dates(rng, _when(decided & has_icpc & (icpc <= day0), icpc)),
        "closure_date": _dates(rng, _when(decided & is_closed, closed)),
        "closure_reason": _pick(rng, [f"RC{i}" for i in range(1, 10)], rows).set(pl.Series(~(decided & is_closed)), ""),
    })
    return _inject_errors(frame, rng, chance).select(FIELDS)


def write_sample(path: Path, rows: int, *, seed: int = 1, as_of: dt.date = dt.date(2026, 11, 20)) -> None:
    """Write ``generate(...)`` as a UTF-8 CSV with canonical headers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = generate(rows, seed=seed, as_of=as_of)
    # NOTE: empty strings become nulls so that the CSV shows blanks as nothing, not as "".
    frame.with_columns(pl.when(pl.all() != "").then(pl.all()).name.keep()).write_csv(path)


# -- building blocks -------------------------------------------------------------------------------


def _team_weights() -> np.ndarray:
    weights: np.ndarray = np.array([0.09, 0.07, 0.12, 0.16, 0.18, 0.10, 0.15, 0.13])
    return np.asarray(weights / weights.sum())


def _zipf(size: int) -> np.ndarray:
    weights: np.ndarray = 1 / np.arange(1, size + 1) ** 1.2
    return np.asarray(weights / weights.sum())


def _when(condition: np.ndarray, days: np.ndarray) -> np.ndarray:
    return np.where(condition, days, np.datetime64("NaT"))


def _received(rng: np.random.Generator, rows: int, day0: np.datetime64, busdays: np.ndarray) -> np.ndarray:
    """Referral days over the 14 months before as-of: mostly working days, some weekends."""
    days = day0 - rng.integers(0, 425, rows)
    on_working_day = np.busday_offset(days, 0, roll="forward", holidays=busdays)
    keep_weekend = rng.random(rows) < 0.08
    result = np.where(keep_weekend, days, on_working_day)
    return np.minimum(result, day0)


def _decision(rng: np.random.Generator, rows: int, received: np.ndarray, received_at: np.ndarray,
              busdays: np.ndarray, chance: Chance) -> np.ndarray:
    """Decisions: mostly the same or next working day; some late; a few recorded before the referral."""
    delay = np.where(chance(0.05), rng.integers(2, 8, rows), rng.choice([0, 0, 1], rows))
    day = np.busday_offset(received, delay, roll="forward", holidays=busdays)
    at = day.astype("datetime64[m]") + rng.integers(8 * 60, 20 * 60, rows)
    same_day = delay == 0
    later_same_day = received_at + rng.integers(10, 300, rows)
    at = np.where(same_day, np.maximum(later_same_day, at), at)
    return np.where(chance(0.001), received_at - rng.integers(5, 600, rows), at)


def _dates(rng: np.random.Generator, values: np.ndarray, *, with_time: bool = False) -> pl.Series:
    """Format dates as extracts do: mostly ISO, some UK; date-times with or without the 'T'."""
    series = pl.Series(values.astype("datetime64[ms]" if with_time else "datetime64[D]"))
    form = pl.Series(rng.integers(0, 4, len(values)))
    if with_time:
        formats = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]
    else:
        formats = ["%Y-%m-%d", "%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d"]
    frame = pl.DataFrame({"value": series, "form": form})
    text = pl.coalesce(
        pl.when(pl.col("form") == i).then(pl.col("value").dt.strftime(fmt)) for i, fmt in enumerate(formats)
    )
    return frame.select(text.fill_null(""))["value"]


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Identifiers such as ``C000123``."""
    return pl.select(pl.lit(prefix) + pl.lit(pl.Series(numbers)).cast(pl.String).str.zfill(width)).to_series()


def _nhs_numbers(rng: np.random.Generator, rows: int, chance: Chance) -> pl.Series:
    """Ten digits with a right Modulus 11 check digit; some blank, spaced, mistyped or short."""
    digits = rng.integers(0, 10, (rows, 9))
    digits[:, 0] = rng.integers(4, 10, rows)
    weights = np.arange(10, 1, -1)
    while True:
        check = 11 - (digits @ weights) % 11
        bad = check == 10
        if not bad.any():
            break
        digits[bad, 8] = (digits[bad, 8] + 1) % 10
    check = np.where(check == 11, 0, check)
    wrong = chance(0.004)
    check = np.where(wrong, (check + rng.integers(1, 10, rows)) % 10, check)
    number = (digits @ (10 ** np.arange(9, 0, -1))) + check
    text = pl.Series(number).cast(pl.String).str.zfill(10)
    frame = pl.DataFrame({"n": text, "spaced": rng.random(rows) < 0.3, "blank": rng.random(rows) < 0.1,
                          "short": chance(0.001)})
    spaced = pl.concat_str(pl.col("n").str.slice(0, 3), pl.col("n").str.slice(3, 3), pl.col("n").str.slice(6),
                           separator=" ")
    value = (
        pl.when(pl.col("blank")).then(pl.lit(""))
        .when(pl.col("short")).then(pl.col("n").str.slice(0, 9))
        .when(pl.col("spaced")).then(spaced)
        .otherwise(pl.col("n"))
    )
    return frame.select(value.alias("n"))["n"]


def _pick(
    rng: np.random.Generator, options: list[str], rows: int, p: np.ndarray | list[float] | None = None
) -> pl.Series:
    """Random choices, drawn as indices and gathered in Polars (numpy strings convert slowly)."""
    return pl.Series(options, dtype=pl.String)[rng.choice(len(options), rows, p=p)]


def _postcodes(rng: np.random.Generator, rows: int) -> pl.Series:
    parts = [_pick(rng, OUTWARD, rows), pl.Series(rng.integers(0, 10, rows)).cast(pl.String),
             _pick(rng, INWARD_LETTERS, rows), _pick(rng, INWARD_LETTERS, rows)]
    return pl.select(pl.concat_str(parts[0], pl.lit(" "), *parts[1:])).to_series()


def _reasons(rng: np.random.Generator, rows: int) -> pl.Series:
    words = [_pick(rng, REASON_WHO, rows), _pick(rng, REASON_WHAT, rows), _pick(rng, REASON_WHEN, rows)]
    return pl.select(pl.concat_str(words, separator=" ").str.strip_chars()).to_series()


def _inject_errors(frame: pl.DataFrame, rng: np.random.Generator, chance: Chance) -> pl.DataFrame:
    """Blank, mistyped and miscoded values at low rates, scaled by team."""
    rows = frame.height

    def where(base: float, column: str, values: pl.Series | pl.Expr) -> pl.Expr:
        replacement = values if isinstance(values, pl.Expr) else pl.lit(values)
        return pl.when(pl.lit(pl.Series(chance(base)))).then(replacement).otherwise(pl.col(column)).alias(column)

    def bad_dates() -> pl.Series:
        return _pick(rng, BAD_DATES, rows)

    blanks = {"referral_id": 0.0005, "child_id": 0.001, "gender": 0.005, "ethnicity": 0.012, "postcode": 0.008,
              "referral_received": 0.0008, "referral_source": 0.008, "primary_need": 0.008,
              "referral_reason": 0.004, "worker_id": 0.015, "date_of_birth": 0.004}
    whitespace = _pick(rng, ["", " ", "  ", "\t"], rows)
    frame = frame.with_columns(where(rate, name, whitespace) for name, rate in blanks.items())
    mistakes: list[tuple[float, str, pl.Series | pl.Expr]] = [
        (0.001, "referral_id", pl.col("referral_id").shift(1)),
        (0.003, "ethnicity", pl.col("ethnicity").str.to_lowercase()),
        (0.002, "gender", _pick(rng, ["M", "F", "NA", "3"], rows)),
        (0.003, "referral_source", _pick(rng, [" 1A ", "2A  ", " 6"], rows)),  # padded: still valid
        (0.001, "referral_source", _pick(rng, ["11", "POL", "NA"], rows)),
        (0.001, "primary_need", _pick(rng, ["N10", "n1", "NA"], rows)),
        (0.004, "postcode", _pick(rng, ["CF10", "CF1O 1AA", "SA11AAA", "NP20 1A", "unknown"], rows)),
        (0.01, "referral_reason", _pick(rng, PLACEHOLDERS, rows)),
        (0.001, "decision_outcome", _pick(rng, ["assess", "NA", "S17"], rows)),
        (0.002, "date_of_birth", bad_dates()),
        (0.0005, "referral_received", bad_dates()),
        (0.0005, "decision_date", bad_dates()),
        (0.0005, "assessment_completed", bad_dates()),
        (0.0003, "icpc_date", bad_dates()),
        (0.0005, "closure_date", bad_dates()),
        (0.0005, "assessment_start", bad_dates()),
        (0.0005, "assessment_authorised", bad_dates()),
        (0.001, "strategy_discussion", bad_dates()),
        (0.0005, "expected_date_of_birth", bad_dates()),
    ]
    for base, column, values in mistakes:
        frame = frame.with_columns(where(base, column, values))
    closed = pl.col("closure_date") != ""
    return frame.with_columns(
        pl.when(closed & pl.lit(pl.Series(chance(0.012)))).then(pl.lit(""))
        .when(closed & pl.lit(pl.Series(chance(0.002)))).then(pl.lit(_pick(rng, ["RC0", "RC10", "rc1"], rows)))
        .otherwise(pl.col("closure_reason"))
        .alias("closure_reason"),
    )
