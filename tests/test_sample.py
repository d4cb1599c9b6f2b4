"""The synthetic sample looks like a real export: canonical text columns, readable dates, valid identifiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

CANONICAL = [
    "referral_id", "child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "gender", "ethnicity",
    "postcode", "referral_received", "referral_source", "primary_need", "referral_reason", "team", "worker_id",
    "decision_date", "decision_outcome", "assessment_start", "assessment_completed", "assessment_authorised",
    "strategy_discussion", "icpc_date", "closure_date", "closure_reason",
]
DATE_FIELDS = ["date_of_birth", "expected_date_of_birth", "assessment_start", "assessment_completed",
               "assessment_authorised", "strategy_discussion", "icpc_date", "closure_date"]
DATETIME_FIELDS = ["referral_received", "decision_date"]
FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M"]
AS_OF = dt.date(2026, 11, 20)
ROWS = 5000


@pytest.fixture(scope="module")
def sample() -> ModuleType:
    """The generator module, as installed."""
    import refcheck.checks.synthetic.sample

    return refcheck.checks.synthetic.sample


@pytest.fixture(scope="module")
def frame(sample: ModuleType) -> pl.DataFrame:
    """One generated extract shared by the read-only tests."""
    result: pl.DataFrame = sample.generate(ROWS, seed=1, as_of=AS_OF)
    return result


def _parsed(column: str) -> pl.Expr:
    """A text column read in any of the standard's date forms (null when unreadable)."""
    text = pl.col(column).str.strip_chars()
    return pl.coalesce([text.str.strptime(pl.Datetime, fmt, strict=False) for fmt in FORMATS])


def _nhs_valid(text: str) -> bool:
    """Modulus 11, as section 5 of the standard describes it."""
    digits = text.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def test_the_same_seed_gives_the_same_frame(sample: ModuleType) -> None:
    """Reproducible: tests and benchmarks can rely on a seed."""
    assert sample.generate(3000, seed=7, as_of=AS_OF).equals(sample.generate(3000, seed=7, as_of=AS_OF))


def test_a_different_seed_gives_a_different_frame(sample: ModuleType) -> None:
    """The seed is actually used."""
    assert not sample.generate(3000, seed=7, as_of=AS_OF).equals(sample.generate(3000, seed=8, as_of=AS_OF))


@pytest.mark.parametrize("rows", [0, 1, 17, 999, 2500])
def test_the_row_count_is_exact(sample: ModuleType, rows: int) -> None:
    """As many rows as asked for, whatever the size (small samples have no error floor)."""
    assert sample.generate(rows, seed=3, as_of=AS_OF).height == rows


def test_columns_are_the_canonical_fields_all_text(frame: pl.DataFrame) -> None:
    """An export holds text; the names and order are the standard's."""
    assert frame.columns == CANONICAL
    assert all(dtype == pl.String for dtype in frame.dtypes)


def test_teams_differ_and_a_few_rows_have_none(frame: pl.DataFrame) -> None:
    """At least seven named teams, and some rows grouped as (no team)."""
    team = frame["team"].str.strip_chars()
    assert team.filter(team != "").n_unique() >= 7
    blank = frame.select((pl.col("team").str.strip_chars().fill_null("") == "").sum()).item()
    assert 0 < blank < ROWS * 0.02


def test_team_quality_visibly_differs(frame: pl.DataFrame) -> None:
    """The clearly poor team has many more blank worker ids and placeholder reasons than the clean ones."""
    flagged = frame.select(
        pl.col("team"),
        bad=(pl.col("worker_id").str.strip_chars().fill_null("") == "")
        | (pl.col("referral_reason").str.split(" ").list.len().fill_null(0) < 5),
    ).group_by("team").agg(pl.col("bad").mean())
    rates = dict(zip(flagged["team"], flagged["bad"], strict=True))
    assert rates["Bridgend"] > 3 * rates["Gwynedd"]


def test_dates_are_readable_in_the_listed_forms(frame: pl.DataFrame) -> None:
    """Almost every present date parses; ISO and UK forms both occur, with and without a T."""
    for column in DATE_FIELDS + DATETIME_FIELDS:
        present = frame.filter(pl.col(column).str.strip_chars() != "")
        unreadable = present.select(_parsed(column).is_null().mean()).item()
        assert unreadable < 0.05, column
    received = frame["referral_received"].drop_nulls()
    uk = received.str.contains(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$").mean()
    iso_t = received.str.contains(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$").mean()
    iso = received.str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$").mean()
    assert 0.05 < uk < 0.5 and 0.05 < iso_t < 0.5 and iso > 0.4  # type: ignore[operator]


def test_referrals_fall_in_the_fourteen_months_before_the_as_of_date(frame: pl.DataFrame) -> None:
    """Mostly working days; a few in the future, as an injected error."""
    received = frame.select(_parsed("referral_received").dt.date()).to_series().drop_nulls()
    assert received.min() >= AS_OF - dt.timedelta(days=430)  # type: ignore[operator]
    assert 0 < (received > AS_OF).sum() < ROWS * 0.01
    weekend = (received.dt.weekday() >= 6).mean()
    assert 0.01 < weekend < 0.15  # type: ignore[operator]


def test_recent_referrals_often_await_a_decision(frame: pl.DataFrame) -> None:
    """Referrals of the last two days are often undecided; older ones almost never."""
    dated = frame.with_columns(
        received=_parsed("referral_received").dt.date(), undecided=pl.col("decision_date").is_null()
    )
    recent = dated.filter(pl.col("received") >= AS_OF - dt.timedelta(days=1))["undecided"].mean()
    older = dated.filter(pl.col("received") < AS_OF - dt.timedelta(days=30))["undecided"].mean()
    assert recent > 0.3 and older < 0.02  # type: ignore[operator]


def test_nhs_numbers_mostly_pass_modulus_11(frame: pl.DataFrame) -> None:
    """Generated numbers carry a right check digit; a few are mistyped on purpose."""
    numbers = frame["nhs_number"].drop_nulls().to_list()
    valid = sum(_nhs_valid(number) for number in numbers)
    assert len(numbers) > ROWS * 0.8
    assert 0.95 < valid / len(numbers) < 1


def test_about_a_fifth_of_referrals_are_re_referrals(frame: pl.DataFrame) -> None:
    """A referral is a re-referral when the same child was referred in the 365 days before."""
    referrals = frame.select(child=pl.col("child_id").str.strip_chars(), received=_parsed("referral_received"))
    referrals = referrals.drop_nulls().filter(pl.col("child") != "").sort("child", "received")
    gap = (pl.col("received").dt.date() - pl.col("received").dt.date().shift(1).over("child")).dt.total_days()
    share = referrals.select(((gap <= 365) & (pl.col("received").shift(1).over("child") < pl.col("received")))
                             .fill_null(False).mean()).item()
    assert 0.15 <= share <= 0.25


def test_write_sample_writes_a_utf8_csv_with_the_canonical_header(sample: ModuleType, tmp_path: Path) -> None:
    """The CSV reads back as the same text, nulls as blanks."""
    path = tmp_path / "out" / "referrals.csv"
    sample.write_sample(path, 300, seed=2, as_of=AS_OF)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(CANONICAL)
    back = pl.read_csv(path, infer_schema=False)
    expected = sample.generate(300, seed=2, as_of=AS_OF)
    assert back.height == 300
    assert back["referral_id"].to_list() == expected["referral_id"].to_list()
