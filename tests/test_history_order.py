"""History orders runs by as-of date: a back-dated run slots into place; runs can be removed; figures by label."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from refcheck.checks import validate
from refcheck.reports.history import History, HistoryError, Run, render_history
from refcheck.schemas import load_schema
from tests.test_history import _extract

IDS = [f"R{i}" for i in range(1, 11)]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", "0123456789abcdef" * 4)
    return History(tmp_path / "history.sqlite")


def _record(store: History, as_of: str, failing: list[str], recorded: str, ids: list[str] = IDS) -> Run:
    """Record a run of an extract in which ``failing`` fail gender.valid (its fingerprint names both)."""
    extract = _extract(store.path.with_name(f"{as_of}-{recorded}.csv"), failing, ids)
    report = validate(extract, load_schema(), as_of=dt.date.fromisoformat(as_of), findings=True)
    return store.record(report, f"{as_of}-{len(ids)}-{failing}", dt.datetime.fromisoformat(recorded))


def _changes(store: History, run: Run) -> list[tuple[str, int, int]]:
    return [(c.rule_id, c.new, c.fixed) for c in store.changes(run)]


def test_a_back_dated_run_is_compared_with_and_trended_after_earlier_as_of_dates_only(store: History) -> None:
    _record(store, "2025-06-02", ["R1"], "2025-06-02T20:00")
    later = _record(store, "2025-06-04", ["R1", "R2", "R3"], "2025-06-04T20:00")
    extract = _extract(store.path.with_name("back-dated.csv"), ["R1", "R2"], IDS)
    report = validate(extract, load_schema(), as_of=dt.date(2025, 6, 3), findings=True)
    with store.staged(report, "back-dated", dt.datetime(2025, 6, 5, 9, 0)) as staged:
        assert [(c.rule_id, c.new, c.fixed) for c in staged.changes] == [("gender.valid", 1, 0)]
        assert [point.run.as_of for point in staged.trend] == ["2025-06-02", "2025-06-03"]
        assert staged.trend[-1].run == staged.run and staged.compared
    assert [run.as_of for run in store.runs()] == ["2025-06-02", "2025-06-03", "2025-06-04"]
    assert _changes(store, later) == [("gender.valid", 1, 0)]  # NOTE: now against the back-dated run: R3 new
    assert [point.run.as_of for point in store.trend("wales-referral")] == ["2025-06-02", "2025-06-03", "2025-06-04"]


def test_a_run_back_dated_before_every_other_has_nothing_to_compare_with(store: History) -> None:
    _record(store, "2025-06-03", ["R1"], "2025-06-03T20:00")
    extract = _extract(store.path.with_name("first.csv"), ["R2"], IDS)
    report = validate(extract, load_schema(), as_of=dt.date(2025, 6, 2), findings=True)
    with store.staged(report, "first", dt.datetime(2025, 6, 5, 9, 0)) as staged:
        assert not staged.compared and staged.changes == []
        assert [point.run for point in staged.trend] == [staged.run]


def test_a_second_run_of_one_as_of_date_is_compared_with_the_earlier_date_and_stands_for_its_date(
        store: History) -> None:
    _record(store, "2025-06-02", ["R1"], "2025-06-02T20:00")
    _record(store, "2025-06-03", ["R1", "R2"], "2025-06-03T20:00")
    again = _record(store, "2025-06-03", ["R1", "R3"], "2025-06-03T22:00", ids=[*IDS, "R11", "R12"])
    previous = store.previous(again)
    assert previous is not None and previous.as_of == "2025-06-02"
    assert _changes(store, again) == [("gender.valid", 1, 0)]  # NOTE: R3 new; R2 failed only in the run it follows
    trend = store.trend("wales-referral")
    assert [(point.run.as_of, point.values[("records_checked", "")]) for point in trend] == [
        ("2025-06-02", 10), ("2025-06-03", 12)]
    following = _record(store, "2025-06-04", ["R1"], "2025-06-04T20:00")
    assert store.previous(following) == again


def test_of_runs_recorded_in_the_same_second_the_later_stands_for_its_date(store: History) -> None:
    _record(store, "2025-06-03", ["R1"], "2025-06-03T20:00")
    last = _record(store, "2025-06-03", ["R1"], "2025-06-03T20:00", ids=[*IDS, "R11"])
    assert [point.run for point in store.trend("wales-referral")] == [last]


def test_removing_a_run_deletes_it_and_all_stored_with_it(store: History) -> None:
    first = _record(store, "2025-06-02", ["R1"], "2025-06-02T20:00")
    middle = _record(store, "2025-06-03", ["R1", "R2"], "2025-06-03T20:00")
    last = _record(store, "2025-06-04", ["R1", "R2", "R3"], "2025-06-04T20:00")
    assert store.remove(middle.id) == middle
    assert store.runs() == [first, last]
    assert _changes(store, last) == [("gender.valid", 2, 0)]
    with sqlite3.connect(store.path) as db:
        for table in ("counts", "kpis", "failure_sets"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id = ?", (middle.id,)).fetchone() == (0,)
    db.close()
    with pytest.raises(HistoryError) as raised:
        store.remove(middle.id)
    assert str(raised.value) == f"{store.path}: holds no run {middle.id} (refcheck history lists the runs)"


def test_the_listing_shows_figures_by_label_in_the_schemas_order(store: History) -> None:
    _record(store, "2025-06-02", ["R1"], "2025-06-02T20:00")
    _record(store, "2025-06-03", ["R1", "R2"], "2025-06-03T20:00")
    listing = render_history(store)
    trend = listing.split("Trend of wales-referral (last 2 as-of dates, oldest first)\n")[1].splitlines()
    labels = [kpi.label for kpi in load_schema().scorecard.kpis]
    assert [line[:len(label)] for line, label in zip(trend[1:], labels, strict=True)] == labels
    assert trend[0].split() == ["figure", "2025-06-02", "2025-06-03"]
    records = trend[1 + [kpi.id for kpi in load_schema().scorecard.kpis].index("records_checked")]
    assert records.split()[-2:] == ["10", "10"]
