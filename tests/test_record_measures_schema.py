"""The schema language for what a team leader sees: a record type's period, a rule's due_label, the due
list's window, and KPIs counting a record type's records (open, overdue_now, due, share) in a section."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.schemas import SchemaError, load_schema
from refcheck.schemas.errors import SchemaErrors
from refcheck.schemas.model import Bands, Period
from refcheck.schemas.show import resolved_yaml


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

PLANS = """\
name: council
version: 1
extends: wales-referral
codes:
  yes_no: [Y, N]
record_types:
  plans:
    key: plan_id
    group_by: team
    period: {start: start_date, end: end_date}
    fields:
      plan_id: {required: error}
      team: {required: error}
      start_date: {type: date}
      end_date: {type: date}
      core_group: {type: date}
    rules:
      - id: plans.core_group.due
        kind: required_when
        params: {field: core_group, overdue_since: start_date, overdue_after: 10 working days}
        due_label: Core group
        severity: warning
        message: m
        hint: h
  visits:
    key: visit_id
    belongs_to: {record_type: plans, by: plan_id}
    fields:
      visit_id: {required: error}
      plan_id: {required: error}
      seen: {codes: yes_no}
      alone: {codes: yes_no}
scorecard:
  due_within: 3 working days
  kpis:
    - {id: open, label: Plans open now, section: Plans, measure: open, record_type: plans}
    - {id: late, label: Core groups overdue, section: Plans, measure: overdue_now, rule: plans.core_group.due}
    - id: late_banded
      label: Core groups overdue
      measure: overdue_now
      rule: plans.core_group.due
      bands: {green: 0, amber: 5}
    - {id: due, label: Due soon, section: Plans, measure: due, record_type: plans}
    - id: alone
      label: Visits seen alone
      section: Plans
      measure: share
      record_type: visits
      of: {seen: [Y]}
      share: {alone: [Y]}
      bands: {green: 80%, amber: 60%}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "council.yaml"
    path.write_text(text)
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        load_schema(_write(tmp_path, text))
    error = raised.value
    return list(error.lines) if isinstance(error, SchemaErrors) else [str(error)]


def test_period_due_label_window_and_record_measures_load(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, PLANS))
    assert schema.others["plans"].period == Period("start_date", "end_date")
    assert schema.others["visits"].period is None
    assert schema.others["plans"].rule("plans.core_group.due").due_label == "Core group"
    assert schema.scorecard.due_within == 3
    kpis = {kpi.id: kpi for kpi in schema.scorecard.kpis}
    assert [(kpi.measure, kpi.section, kpi.bands) for kpi in kpis.values() if kpi.section == "Plans"] == [
        ("open", "Plans", None), ("overdue_now", "Plans", None), ("due", "Plans", None),
        ("share", "Plans", Bands(0.8, 0.6))]
    assert kpis["late_banded"].bands == Bands(0, 5) and kpis["late_banded"].lower_is_better
    assert (kpis["alone"].record_type, kpis["alone"].of, kpis["alone"].share) == (
        "visits", (("seen", ("Y",)),), (("alone", ("Y",)),))
    assert [kpis[name].measure_key for name in ("open", "late", "late_banded", "due", "alone")] == [
        "open:plans", "overdue_now:plans.core_group.due", "overdue_now:plans.core_group.due", "due:plans",
        "share:alone"]
    assert kpis["open"].counts and not kpis["alone"].counts
    assert load_schema("wales-referral").scorecard.due_within == 5  # the default


def test_they_read_back_from_the_resolved_schema(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, PLANS))
    again = load_schema(_write(tmp_path, resolved_yaml(schema)))
    assert again.scorecard == schema.scorecard
    assert again.others["plans"].period == schema.others["plans"].period
    assert again.others["plans"].rule("plans.core_group.due").due_label == "Core group"
    wales = load_schema("wales")
    assert load_schema(_write(tmp_path, resolved_yaml(wales))).scorecard == wales.scorecard


def test_every_mistake_is_said_at_its_line(tmp_path: Path) -> None:
    text = (PLANS.replace("period: {start: start_date, end: end_date}", "period: {start: start_dat, end: team}")
            .replace("due_label: Core group", "due_label: ''")
            .replace("due_within: 3 working days", "due_within: three days")
            .replace("measure: open, record_type: plans}", "measure: open, record_type: visits}")
            .replace("measure: due, record_type: plans}", "measure: due, record_type: plans, bands: {green: 1}}")
            .replace("of: {seen: [Y]}", "of: {seen: [X]}").replace("share: {alone: [Y]}", "share: {alon: [Y]}"))
    assert _errors(tmp_path, text) == [
        "council.yaml:10: record_types.plans.period.start: unknown field 'start_dat' (did you mean 'start_date'?)",
        "council.yaml:10: record_types.plans.period.end: field 'team' must be a date or datetime",
        "council.yaml:21: record_types.plans.rules[0].due_label: expected text; got an empty value",
        "council.yaml:34: scorecard.due_within: expected a number of working days, such as 5 working days; "
        "got a text of 10 characters",
        "council.yaml:36: scorecard.kpis[0].record_type: record type 'visits' has no period: give it period: "
        "{start, end} to count its open records",
        "council.yaml:43: scorecard.kpis[3].bands: a due KPI has no target: it counts what there is to do",
        "council.yaml:49: scorecard.kpis[4].of.seen[0]: code 'X' is not in the 'yes_no' list",
        "council.yaml:50: scorecard.kpis[4].share.alon: unknown field 'alon' (did you mean 'alone'?)",
    ]


def test_a_period_date_must_be_a_date_and_a_kpi_must_name_what_it_counts(tmp_path: Path) -> None:
    text = (PLANS.replace("period: {start: start_date, end: end_date}", "period: {start: start_date, end: team}")
            .replace("measure: open, record_type: plans}", "measure: open}")
            .replace("measure: overdue_now, rule: plans.core_group.due}",
                     "measure: overdue_now, category: timeliness}"))
    assert _errors(tmp_path, text) == [
        "council.yaml:10: record_types.plans.period.end: field 'team' must be a date or datetime",
        "council.yaml:36: scorecard.kpis[0]: an open KPI needs record_type",
        "council.yaml:37: scorecard.kpis[1].category: an overdue_now KPI takes rule, not category",
        "council.yaml:37: scorecard.kpis[1]: an overdue_now KPI needs rule",
    ]
