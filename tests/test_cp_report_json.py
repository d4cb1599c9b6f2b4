"""report.json of a child protection run lists its record measures (counts only), valid against the JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from refcheck.checks import validate
from refcheck.checks.report import team_label
from refcheck.checks.synthetic.cp_sample import write_folder
from refcheck.reports.json_report import render_json

DOCS = Path(__file__).parents[1] / "docs"


def test_a_scorecard_runs_measures_are_in_report_json_by_team(tmp_path: Path) -> None:
    import jsonschema

    write_folder(tmp_path, 1000, seed=61, as_of=dt.date(2026, 11, 20))
    report = validate(tmp_path, "wales", as_of=dt.date(2026, 11, 20), findings=True, measures=True)
    document = json.loads(render_json(report, None))
    jsonschema.validate(document, json.loads((DOCS / "report.schema.json").read_text()))
    measures = document["measures"]
    assert set(measures) == {key for key in report.measures if key != "re_referrals"}
    for key, listed in measures.items():
        counts = report.measures[key]
        assert listed["by_team"] == [{"team": team_label(c.team), "base": c.checked, "counted": c.failed}
                                     for c in counts]
        assert (listed["base"], listed["counted"]) == (sum(c.checked for c in counts), sum(c.failed for c in counts))
    assert measures["open:cp_plans"]["counted"] > 0


def test_a_check_without_measures_and_a_single_record_type_have_none(tmp_path: Path) -> None:
    write_folder(tmp_path, 300, seed=62, as_of=dt.date(2026, 11, 20))
    plain = json.loads(render_json(validate(tmp_path, "wales", as_of=dt.date(2026, 11, 20)), None))
    assert "measures" not in plain
    referrals = validate(tmp_path / "referrals.csv", as_of=dt.date(2026, 11, 20), findings=True, measures=True)
    assert "measures" not in json.loads(render_json(referrals, None))
