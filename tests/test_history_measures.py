"""History keeps a run's measures per team (open records, overdue now, due, shares), so their trend works.

A history written by the refcheck before measures were kept (tests/history_files/labelled.sql, version 3)
is migrated, reads as that refcheck read it, and then stores a child protection run's measures.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from refcheck.checks import validate
from refcheck.checks.synthetic.cp_sample import write_folder
from refcheck.reports.history import OVERALL, History, render_history
from refcheck.reports.history_layout import APPLICATION_ID, VERSION
from refcheck.reports.scorecard import kpi_figure
from refcheck.schemas import load_schema
from tests.history_files.make import KEY

LABELLED = Path(__file__).parent / "history_files" / "labelled.sql"


def _restore(path: Path) -> dict[str, object]:
    """The version-3 history written to ``path``; what the refcheck that wrote it read from it."""
    dump = LABELLED.read_text()
    [read] = [line.removeprefix("-- read: ") for line in dump.splitlines() if line.startswith("-- read: ")]
    with sqlite3.connect(path) as db:
        db.executescript(dump)
    db.close()
    expected: dict[str, object] = json.loads(read)
    return expected


def _layout(path: Path) -> tuple[int, int, set[str]]:
    with sqlite3.connect(path) as db:
        pragmas = (db.execute("PRAGMA application_id").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0])
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    return (*pragmas, tables)


def test_a_history_of_version_3_gains_measures_and_reads_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", KEY)
    history = tmp_path / "history.sqlite"
    was = _restore(history)
    assert _layout(history)[1] == 3 and "measures" not in _layout(history)[2]
    store = History(history)
    application, version, tables = _layout(history)
    assert (application, version) == (APPLICATION_ID, VERSION) and "measures" in tables
    runs = store.runs()
    assert [[r.id, r.as_of, r.schema_name, r.schema_version, r.rows] for r in runs] == was["runs"]
    assert [[[c.team, c.rule_id, c.new, c.fixed] for c in store.changes(r)] for r in runs] == was["changes"]
    assert [sorted([kpi, team, value] for (kpi, team), value in point.values.items())
            for point in store.trend("wales-referral")] == was["trend"]
    assert [store.measures(run) for run in runs] == [{}, {}]  # NOTE: stored before measures were kept


def test_a_child_protection_runs_measures_and_kpis_are_stored_per_team_with_their_trend(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", KEY)
    history = tmp_path / "history.sqlite"
    _restore(history)
    store = History(history)
    folder = tmp_path / "records"
    folder.mkdir()
    write_folder(folder, 2000, seed=41, as_of=dt.date(2026, 11, 20))
    schema = load_schema("wales")
    reports = [validate(folder, schema, as_of=day, findings=True, measures=True)
               for day in (dt.date(2026, 11, 13), dt.date(2026, 11, 20))]
    runs = [store.record(report, "cp-records", dt.datetime(2026, 11, 20, 20, n)) for n, report in enumerate(reports)]
    for run, report in zip(runs, reports, strict=True):
        stored = store.measures(run)
        assert stored == {(key, count.team): (count.checked, count.failed)
                          for key, counts in report.measures.items() for count in counts}
        assert {key for key, _ in stored} >= {"open:cp_plans", "due:cp_plans", "overdue_now:cp_plans.visits_timely",
                                              "share:cp_seen_alone", "re_referrals"}
    trend = store.trend("wales")
    assert [point.run.id for point in trend] == [run.id for run in runs]
    cp = [kpi for kpi in schema.scorecard.kpis if kpi.section == "Child protection"]
    for point, report in zip(trend, reports, strict=True):
        for kpi in cp:
            for team in (None, *report.teams):
                assert point.values[(kpi.id, team or OVERALL)] == kpi_figure(report, kpi, team).value
    opened = [point.values[("cp_plans_open", OVERALL)] for point in trend]
    assert all(value is not None and value > 0 for value in opened)
    line = next(row for row in render_history(store, "wales").splitlines() if row.startswith("Plans open now"))
    assert line.split()[-2:] == [f"{value:,.0f}" for value in opened]  # counts, not percentages
