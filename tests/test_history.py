"""History: three runs with known new and fixed failures, trends, and re-runs that replace."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from refcheck.reports.history import History, HistoryError
from tests.conftest import Invoke
from tests.test_extract_errors import HEADER, ROW


def _extract(path: Path, bad_gender: list[str], ids: list[str]) -> Path:
    """Referrals R1.. in team Alpha; those named in bad_gender fail gender.valid."""
    lines = [HEADER]
    for record in ids:
        row = ROW.replace("R1,", f"{record},", 1)
        if record in bad_gender:
            row = row.replace(",1,WBRI,", ",X,WBRI,", 1)
        lines.append(row)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_three_runs_give_known_new_and_fixed_counts_and_a_trend(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    ids = [f"R{i}" for i in range(1, 11)]
    runs = [
        ("2025-06-02", ["R1", "R2", "R3"]),        # first run: nothing to compare with
        ("2025-06-03", ["R2", "R3", "R4", "R5"]),  # R1 fixed; R4, R5 new
        ("2025-06-04", ["R5"]),                    # R2, R3, R4 fixed; none new
    ]
    for as_of, bad in runs:
        extract = _extract(tmp_path / f"extract-{as_of}.csv", bad, ids)
        result = invoke("scorecard", extract, "--out", tmp_path / as_of, "--as-of", as_of, "--history", history)
        assert result.exit_code == 0, result.output
    store = History(history)
    assert len(store.runs()) == 3
    second, third = store.runs()[1:]
    assert [(c.team, c.rule_id, c.new, c.fixed) for c in store.changes(second)] == [("Alpha", "gender.valid", 2, 1)]
    assert [(c.team, c.rule_id, c.new, c.fixed) for c in store.changes(third)] == [("Alpha", "gender.valid", 0, 3)]
    assert "No earlier run to compare with." in (tmp_path / "2025-06-02" / "summary.md").read_text()
    assert "2 new failures and 1 fixed." in (tmp_path / "2025-06-03" / "summary.md").read_text()
    assert "0 new failures and 3 fixed." in (tmp_path / "2025-06-04" / "summary.md").read_text()
    trend = [point.values[("completeness", "")] for point in store.trend("wales-referral")]
    assert len(trend) == 3
    html = (tmp_path / "2025-06-04" / "index.html").read_text()
    assert "<polyline" in html and "trend over 3 runs" in html

    listing = invoke("history", "--history", history)
    assert listing.exit_code == 0
    assert listing.stdout.count("wales-referral v1") == 3
    assert "Trend of wales-referral (last 3 as-of dates, oldest first)" in listing.stdout


def test_rerunning_the_same_extract_and_as_of_replaces_the_run(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    extract = _extract(tmp_path / "extract.csv", ["R1"], ["R1", "R2"])
    for _ in range(2):
        result = invoke("scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02",
                        "--history", history)
        assert result.exit_code == 0, result.output
    assert len(History(history).runs()) == 1
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT COUNT(*) FROM failure_sets").fetchone() == (1,)
        assert db.execute("SELECT COUNT(DISTINCT run_id) FROM counts").fetchone() == (1,)


def test_history_keeps_no_record_id(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    extract = _extract(tmp_path / "extract.csv", ["R7340918"], ["R7340918", "R5520176"])
    invoke("scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02", "--history", history)
    stored = history.read_bytes()
    assert b"R7340918" not in stored and b"R5520176" not in stored
    assert History(history).runs()  # NOTE: the run was stored, hashed
    key = history.with_name("history.sqlite.key")
    assert key.exists() and (key.stat().st_mode & 0o077) == 0
    assert (history.stat().st_mode & 0o077) == 0  # the history file too: owner only


def test_history_of_a_missing_file_is_a_clear_error(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("history", "--history", tmp_path / "none.sqlite")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [f"Error: {tmp_path / 'none.sqlite'}: no such history file"]


def test_a_history_file_that_is_not_sqlite_is_one_line_and_exit_2(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    history.write_text("not a database, just text " * 100)
    extract = _extract(tmp_path / "extract.csv", [], ["R1"])
    result = invoke("scorecard", extract, "--out", tmp_path / "out", "--history", history)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {history}: not a refcheck history (it is not an SQLite file); give another --history file"]


def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path, invoke: Invoke) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    extract = _extract(tmp_path / "extract.csv", [], ["R1"])
    result = invoke("scorecard", extract, "--out", blocker / "out", "--no-history")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "cannot be written" in result.stderr
    result = invoke("check", extract, "--json", blocker / "report.json")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {blocker / 'report.json'}: cannot be written (")


def test_workbook_changes_since_the_last_run_are_signed_numbers(tmp_path: Path, invoke: Invoke) -> None:
    import openpyxl

    history = tmp_path / "history.sqlite"
    for as_of, ids in (("2025-06-02", ["R1", "R2", "R3"]), ("2025-06-03", ["R1", "R2", "R3", "R4"])):
        extract = _extract(tmp_path / f"e-{as_of}.csv", ["R1"], ids)
        invoke("scorecard", extract, "--out", tmp_path / as_of, "--as-of", as_of, "--history", history)
    summary = openpyxl.load_workbook(tmp_path / "2025-06-03" / "scorecard.xlsx")["Summary"]
    changes = [summary.cell(row=row, column=4) for row in range(5, 14)]
    assert all(isinstance(cell.value, int | float) for cell in changes if cell.value is not None)
    assert changes[0].value == 1  # one more record checked
    assert all('"' in cell.number_format or "#" in cell.number_format
                                                        for cell in changes if cell.value is not None)
    for row in summary.iter_rows(values_only=True):
        assert not any(isinstance(value, str) and value.startswith("'") for value in row)


def test_a_damaged_failure_set_is_one_line_and_exit_2(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    ids = [f"R{i}" for i in range(1, 6)]
    first = _extract(tmp_path / "first.csv", ["R1"], ids)
    invoke("scorecard", first, "--out", tmp_path / "first", "--as-of", "2025-06-02", "--history", history)
    with sqlite3.connect(history) as db:
        db.execute("UPDATE failure_sets SET parquet = ?", (b"PAR1 not really parquet",))
    second = _extract(tmp_path / "second.csv", ["R2"], ids)
    result = invoke("scorecard", second, "--out", tmp_path / "second", "--as-of", "2025-06-03", "--history", history)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {history}: the stored failures of a run cannot be read; "
                                          "the file is damaged (move it aside to start a new history)"]


def test_a_scorecard_whose_outputs_cannot_be_written_records_no_run(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    extract = _extract(tmp_path / "extract.csv", ["R1"], ["R1", "R2"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "worklists").write_text("a user's file where the worklists folder goes\n")
    failed = invoke("scorecard", extract, "--out", out, "--as-of", "2025-06-02", "--history", history)
    assert failed.exit_code == 2, failed.output
    assert "Traceback" not in failed.output and failed.stderr.count("\n") == 1
    assert History(history).runs() == []
    (out / "worklists").unlink()
    written = invoke("scorecard", extract, "--out", out, "--as-of", "2025-06-02", "--history", history)
    assert written.exit_code == 0, written.output
    assert len(History(history).runs()) == 1


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("content", ["patients", "not sqlite", "other application"])
def test_a_file_that_is_not_a_refcheck_history_is_refused_unchanged(tmp_path: Path, invoke: Invoke,
                                                                    content: str) -> None:
    other = tmp_path / "other.sqlite"
    if content == "not sqlite":
        other.write_text("name,dob\nAnn,2001-01-01\n")
    else:
        with sqlite3.connect(other) as db:
            if content == "patients":
                db.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
                db.execute("INSERT INTO patients VALUES (1, 'Ann')")
            else:
                db.execute("PRAGMA application_id = 1234")
        db.close()
    before = _sha(other)
    extract = _extract(tmp_path / "extract.csv", ["R1"], ["R1", "R2"])
    for args in (["history"], ["scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02"]):
        result = invoke(*args, "--history", other)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert f"{other}: not a refcheck history" in line and "give another --history file" in line
        assert _sha(other) == before
    with pytest.raises(HistoryError):
        History(other)
    assert _sha(other) == before


def test_a_missing_history_is_not_made_by_the_history_command(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("history", "--history", tmp_path / "none.sqlite")
    assert result.exit_code != 0 and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "none.sqlite").exists()


def test_history_remove_deletes_one_run_and_the_listing_no_longer_shows_it(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    ids = [f"R{i}" for i in range(1, 4)]
    for as_of in ("2025-06-02", "2025-06-03"):
        extract = _extract(tmp_path / f"extract-{as_of}.csv", ["R1"], ids)
        assert invoke("scorecard", extract, "--out", tmp_path / as_of, "--as-of", as_of,
                      "--history", history).exit_code == 0
    first, second = History(history).runs()
    removed = invoke("history", "--history", history, "--remove", first.id)
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == f"Removed run {first.id}: wales-referral v1 as of 2025-06-02, made at {first.run_at}.\n"
    assert [run.id for run in History(history).runs()] == [second.id]
    assert "2025-06-02" not in invoke("history", "--history", history).stdout

    again = invoke("history", "--history", history, "--remove", first.id)
    assert again.exit_code == 2 and again.stderr.count("\n") == 1
    assert f"holds no run {first.id}" in again.stderr
    assert invoke("history", "--history", history, "--remove", second.id, "--schema", "x").exit_code == 2


def test_a_run_number_too_large_to_store_is_a_usage_error(tmp_path: Path, invoke: Invoke) -> None:
    """``--remove 99999999999999999999`` overflowed SQLite's integers: an internal error, exit 5."""
    history = tmp_path / "history.sqlite"
    extract = _extract(tmp_path / "extract.csv", [], ["R1"])
    assert invoke("scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02",
                  "--history", history).exit_code == 0
    result = invoke("history", "--history", history, "--remove", "99999999999999999999")
    assert result.exit_code == 2, result.stderr
    assert "Invalid value for '--remove'" in result.stderr and "internal error" not in result.stderr
    assert len(History(history).runs()) == 1
