"""A run that checked nothing does not pass: --min-rows (default 1) turns too few rows checked into exit 4.

A header-only extract, an empty table and a file whose every row is unreadable found nothing wrong
only because nothing was looked at; a CI gate must not load them as if they had passed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from refcheck.cli import ExitCode
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_extract_errors import FIELDS, HEADER, ROW

AS_OF = SAMPLE_AS_OF.isoformat()
NOTHING = ("no rows were checked ({read} read, {unreadable} unreadable); "
           "pass --min-rows 0 if an empty extract is expected")


def _csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def test_a_header_only_extract_is_exit_4_unless_an_empty_extract_is_expected(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv")
    result = invoke("check", path, "--as-of", AS_OF)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: {NOTHING.format(read=0, unreadable=0)}"]
    assert result.stdout == ""
    assert invoke("check", path, "--as-of", AS_OF, "--min-rows", "0").exit_code == ExitCode.PASSED


def test_a_file_whose_every_row_is_unreadable_is_exit_4(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv", "R1,only,three", "R2,two", ROW + ",one too many")
    unreadable = tmp_path / "unreadable.csv"
    result = invoke("check", path, "--as-of", AS_OF, "--unreadable", unreadable)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: {NOTHING.format(read=3, unreadable=3)}"]
    assert pl.read_csv(unreadable).height == 3  # asked for: it says why nothing was checked


def test_an_empty_database_table_is_exit_4(tmp_path: Path, invoke: Invoke) -> None:
    database = tmp_path / "referrals.db"
    with sqlite3.connect(database) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} TEXT' for name in FIELDS)})")
    result = invoke("check", f"sqlite:///{database}", "--table", "referrals", "--as-of", AS_OF)
    assert result.exit_code == ExitCode.BAD_EXTRACT, result.output
    [line] = result.stderr.splitlines()
    assert line.endswith(NOTHING.format(read=0, unreadable=0))


def test_an_empty_parquet_file_is_exit_4(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.parquet"
    pl.DataFrame(schema=dict.fromkeys(FIELDS, pl.String)).write_parquet(path)
    result = invoke("check", path, "--as-of", AS_OF)
    assert result.exit_code == ExitCode.BAD_EXTRACT, result.output
    assert result.stderr.splitlines() == [f"Error: {path}: {NOTHING.format(read=0, unreadable=0)}"]


def test_fewer_rows_than_asked_for_is_exit_4_and_enough_passes(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv", ROW, ROW.replace("R1,", "R2,", 1), "R3,only,three")
    result = invoke("check", path, "--as-of", AS_OF, "--min-rows", "3")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [
        f"Error: {path}: 2 rows were checked, fewer than --min-rows 3 (3 read, 1 unreadable)"]
    assert invoke("check", path, "--as-of", AS_OF, "--min-rows", "2", "--fail-on", "never").exit_code == 0


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_min_rows_is_a_whole_number_from_0(invoke: Invoke, value: str) -> None:
    assert invoke("check", SAMPLE, "--min-rows", value).exit_code == ExitCode.USAGE


def test_a_scorecard_of_nothing_refuses_before_writing_any_file_or_history(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv")
    out, history = tmp_path / "scorecard", tmp_path / "history.sqlite"
    result = invoke("scorecard", path, "--as-of", AS_OF, "--out", out, "--history", history)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: {NOTHING.format(read=0, unreadable=0)}"]
    assert not out.exists() and not history.exists()
    result = invoke("scorecard", path, "--as-of", AS_OF, "--out", out, "--history", history, "--min-rows", "0")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert (out / "index.html").exists()


def test_one_row_checked_reads_in_the_singular(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv", ROW)
    result = invoke("check", path, "--as-of", AS_OF, "--min-rows", "2")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [
        f"Error: {path}: 1 row was checked, fewer than --min-rows 2 (1 read, 0 unreadable)"]


def test_one_unreadable_row_of_one_read_reads_in_the_singular(tmp_path: Path, invoke: Invoke) -> None:
    path = _csv(tmp_path / "extract.csv", "R3,only,three")
    result = invoke("check", path, "--as-of", AS_OF, "--max-unreadable", "0")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [
        f"Error: {path}: 1 of 1 row could not be read, more than --max-unreadable 0 allows; "
        "--unreadable FILE lists them"]
