"""The child protection section's figures: counts without a target, overdue out of the open plans, shares banded.

Checked against tests/reference_cp.py's section-6 measures, overall and per team, and with a record type
missing (its figures are a dash, never a made-up nought).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from refcheck.checks import validate
from refcheck.checks.synthetic.cp_sample import write_folder
from refcheck.reports.scorecard import kpi_figure, kpi_status, kpi_target
from refcheck.schemas import Kpi, load_schema
from tests.reference_cp import reference_cp_measures

AS_OF = dt.date(2026, 11, 20)


def _kpis() -> dict[str, Kpi]:
    return {kpi.id: kpi for kpi in load_schema("wales").scorecard.kpis if kpi.section == "Child protection"}


def test_each_child_protection_figure_is_the_standards_measure_overall_and_per_team(tmp_path: Path) -> None:
    write_folder(tmp_path, 3000, seed=51, as_of=AS_OF)
    expected = reference_cp_measures(tmp_path, AS_OF)
    report = validate(tmp_path, "wales", as_of=AS_OF, findings=True, measures=True)
    kpis = _kpis()
    assert len(kpis) == 8
    for team in (None, *report.teams):
        def of(counts: dict[str, int], team: str | None = team) -> int:
            return sum(n for name, n in counts.items() if team is None or name == team)

        opened = kpi_figure(report, kpis["cp_plans_open"], team)
        assert (opened.value, opened.rag, opened.out_of) == (of(expected.open_plans), None, None)
        assert kpi_status(kpis["cp_plans_open"], opened) == "no target" and kpi_target(kpis["cp_plans_open"]) == ""
        overdue = kpi_figure(report, kpis["cp_visits_overdue"], team)
        assert (overdue.value, overdue.rag, overdue.out_of) == (of(expected.visits_overdue), None,
                                                                of(expected.open_plans))
        assert overdue.noun == "child protection plans"
        due = kpi_figure(report, kpis["cp_due"], team)
        assert due.value == sum(1 for name, *_ in expected.due if team is None or name == team)
        seen = [counts for name, counts in expected.seen_alone.items() if team is None or name == team]
        alone = kpi_figure(report, kpis["cp_seen_alone"], team)
        total, hits = sum(s for s, _ in seen), sum(a for _, a in seen)
        if total:
            assert (alone.value, alone.out_of, alone.noun) == (hits / total, total, "visits")
            bands = kpis["cp_seen_alone"].bands
            assert bands is not None and alone.rag == bands.rag(hits / total)
        else:
            assert (alone.value, alone.rag) == (None, None)
        timely = kpi_figure(report, kpis["cp_visits_timely"], team)
        result = report.result("cp_plans.visits_timely")
        checked = sum(c.checked for c in result.by_team if team is None or c.team == team)
        assert timely.out_of == (checked or 0) and timely.noun == "plans"
    assert kpi_target(kpis["cp_seen_alone"]) == "target 80%, amber from 65%"
    assert sum(expected.visits_overdue.values()) > 0 and expected.due


def test_a_record_type_not_supplied_gives_a_dash_not_a_nought(tmp_path: Path) -> None:
    write_folder(tmp_path, 1000, seed=52, as_of=AS_OF)
    (tmp_path / "cp_visits.csv").unlink()
    report = validate(tmp_path, "wales", as_of=AS_OF, findings=True, measures=True)
    kpis = _kpis()
    for name in ("cp_seen_alone", "cp_visits_overdue", "cp_visits_timely"):
        figure = kpi_figure(report, kpis[name], None)
        assert (figure.value, figure.text, figure.rag) == (None, "–", None), name
    opened = kpi_figure(report, kpis["cp_plans_open"], None)
    assert opened.value is not None and opened.value > 0  # plans were supplied
    assert report.due is not None and set(report.due["rule_id"]) <= {
        "cp_plans.reviews_timely", "cp_plans.first_core_group.required_when_due"}  # visits' rules did not run
