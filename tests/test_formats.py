"""CSV and Parquet extracts of the same referrals give the same report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from refcheck.checks import validate
from refcheck.checks.synthetic.sample import generate
from refcheck.reports import report_dict
from refcheck.schemas import Severity
from tests.conftest import SAMPLE_AS_OF


def _rules(path: Path) -> list[dict[str, Any]]:
    report = report_dict(validate(path, as_of=SAMPLE_AS_OF), Severity.ERROR)
    return [rule for rule in report["rules"]]


def test_parquet_of_text_columns_matches_csv(tmp_path: Path) -> None:
    frame = generate(800, seed=5, as_of=SAMPLE_AS_OF)
    frame.write_csv(tmp_path / "extract.csv")
    frame.write_parquet(tmp_path / "extract.parquet")
    assert _rules(tmp_path / "extract.parquet") == _rules(tmp_path / "extract.csv")


def test_parquet_with_typed_date_columns_matches_csv(tmp_path: Path) -> None:
    frame = generate(800, seed=6, as_of=SAMPLE_AS_OF)
    frame.write_csv(tmp_path / "extract.csv")
    dates = ["date_of_birth", "expected_date_of_birth", "assessment_start", "assessment_completed",
             "assessment_authorised", "strategy_discussion", "icpc_date", "closure_date"]
    typed = pl.read_csv(tmp_path / "extract.csv", infer_schema=False).with_columns(
        pl.col(name).str.strip_chars().str.to_date("%Y-%m-%d", strict=False).fill_null(
            pl.col(name).str.strip_chars().str.to_date("%d/%m/%Y", strict=False)) for name in dates
    )
    typed.write_parquet(tmp_path / "typed.parquet")
    from_csv = {rule["id"]: rule for rule in _rules(tmp_path / "extract.csv")}
    for rule in _rules(tmp_path / "typed.parquet"):
        if rule["id"].endswith(".type") and rule["field"] in dates:
            # A typed column cannot hold an unreadable value: it arrives as null instead.
            assert rule["failed"] == 0
            continue
        if rule["field"] in dates or rule["id"] in {"date_of_birth.not_after_referral", "date_of_birth.under_18",
                                                    "assessment_completed.timely", "icpc_date.timely"}:
            assert rule["failed"] == from_csv[rule["id"]]["failed"], rule["id"]
        else:
            assert rule == from_csv[rule["id"]], rule["id"]


def test_a_corrupt_parquet_file_is_exit_4(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from refcheck.cli import cli

    path = tmp_path / "extract.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [f"Error: {path}: not a readable Parquet file"]
