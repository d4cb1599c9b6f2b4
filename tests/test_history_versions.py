"""History files of earlier versions are migrated and read the same; a newer refcheck's file is refused.

tests/history_files/ holds histories written by earlier refchecks (see make.py there), each headed by
what that refcheck read from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from refcheck.checks import validate
from refcheck.reports.history import History, HistoryError, render_history
from refcheck.reports.history_layout import APPLICATION_ID, MIGRATIONS, VERSION
from refcheck.schemas import load_schema
from tests.conftest import Invoke
from tests.history_files.make import KEY
from tests.test_history import _extract

FILES = Path(__file__).parent / "history_files"
NAMES = ["failure-rows", "rows-then-sets", "unversioned"]
IDS = [f"R{i}" for i in range(1, 11)]


def _restore(name: str, path: Path, version: int = 0) -> dict[str, Any]:
    """Write a stored history to ``path``, migrated to ``version`` as that version's refcheck would; what was read."""
    dump = (FILES / f"{name}.sql").read_text()
    [read] = [line.removeprefix("-- read: ") for line in dump.splitlines() if line.startswith("-- read: ")]
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(dump)
    db.execute("BEGIN")
    for migration in MIGRATIONS[:version]:
        migration(db)
    if version:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {version}")
    db.execute("COMMIT")
    db.close()
    expected: dict[str, Any] = json.loads(read)
    return expected


def _pragmas(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA application_id").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    finally:
        db.close()


@pytest.mark.parametrize("version", range(VERSION))
@pytest.mark.parametrize("name", NAMES)
def test_a_history_of_each_earlier_version_is_migrated_and_reads_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, version: int) -> None:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", KEY)
    history = tmp_path / "history.sqlite"
    was = _restore(name, history, version)
    store = History(history)
    assert _pragmas(history) == (APPLICATION_ID, VERSION)
    assert "failures" not in _tables(history)
    runs = store.runs()
    assert [[r.id, r.as_of, r.schema_name, r.schema_version, r.rows] for r in runs] == was["runs"]
    assert [[[c.team, c.rule_id, c.new, c.fixed] for c in store.changes(r)] for r in runs] == was["changes"]
    assert [sorted([kpi, team, value] for (kpi, team), value in point.values.items())
            for point in store.trend("wales-referral")] == was["trend"]

    report = validate(_extract(tmp_path / "third.csv", ["R5"], IDS), load_schema(), as_of=dt.date(2025, 6, 4),
                      findings=True)
    third = store.record(report, "third", dt.datetime(2025, 6, 4, 20, 0))
    assert [(c.team, c.rule_id, c.new, c.fixed) for c in store.changes(third)] == [("Alpha", "gender.valid", 0, 3)]


def test_a_migrated_run_is_listed_by_its_figures_ids_in_the_order_it_stored_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", KEY)
    history = tmp_path / "history.sqlite"
    _restore("failure-rows", history)
    kpis = load_schema().scorecard.kpis
    assert [figure.label for figure in History(history).figures("wales-referral")] == [kpi.id for kpi in kpis]
    trend = render_history(History(history)).split("Trend of wales-referral")[1].splitlines()[2:]
    assert [line.split()[0] for line in trend] == [kpi.id for kpi in kpis]


def test_a_new_history_is_made_at_the_current_version(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    History(history)
    assert _pragmas(history) == (APPLICATION_ID, VERSION)
    assert {"runs", "counts", "kpis", "failure_sets", "key_check"} <= _tables(history)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_history_of_a_newer_refcheck_is_refused_unchanged(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    History(history)
    with sqlite3.connect(history) as db:
        db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    before = _sha(history)
    extract = _extract(tmp_path / "extract.csv", ["R1"], IDS)
    for args in (["history"], ["scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02"]):
        result = invoke(*args, "--history", history)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            f"Error: {history}: made by a newer refcheck (history version {VERSION + 1}, this one knows up to "
            f"{VERSION}); upgrade refcheck, or give another --history file"]
        assert _sha(history) == before


def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path: Path, invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    _restore("failure-rows", history)
    with sqlite3.connect(history) as db:  # NOTE: a column the last migration adds, there already: it fails
        db.execute("ALTER TABLE kpis ADD COLUMN label TEXT")
    db.close()
    before = _sha(history)
    with pytest.raises(HistoryError, match="cannot be used as a history file"):
        History(history)
    result = invoke("history", "--history", history)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert _sha(history) == before
    assert _pragmas(history) == (0, 0) and "failures" in _tables(history)  # NOTE: the earlier migrations undone too
