"""A rule's ``when:``, and rules of every record type bound together (the kinds that read another record type too)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.rules import bind_record_types, bind_rules, rule_problems
from refcheck.cli import ExitCode
from refcheck.schemas import PRIMARY, Condition, SchemaError, load_schema
from refcheck.schemas.errors import SchemaErrors
from tests.conftest import Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

SCHEMA = """\
name: council
extends: wales-referral
codes:
  yes_no: [Y, N]
  visit_location: [HOME, SCHOOL]
record_types:
  cp_plans:
    key: plan_id
    group_by: team
    fields:
      plan_id: {required: error}
      team: {}
      start_date: {type: date}
      end_date: {type: date}
      end_reason: {}
    rules:
      - id: cp_plans.end_reason.required
        kind: required
        params: {field: end_reason}
        when: {field: end_date, is: present}
        severity: warning
        message: m
        hint: h
      - id: cp_plans.visits_timely
        kind: recurring_within
        params:
          start: start_date
          end: end_date
          events: {record_type: cp_visits, by: plan_id, date: visit_date, where: {seen: [Y]}}
          first: 10 working days
          every: 10 working days
        severity: warning
        message: m
        hint: h
  cp_visits:
    key: visit_id
    belongs_to: {record_type: cp_plans, by: plan_id}
    fields:
      visit_id: {}
      plan_id: {}
      visit_date: {type: datetime}
      seen: {codes: yes_no}
      seen_alone: {codes: yes_no}
      location: {codes: visit_location}
    rules:
      - id: cp_visits.seen_alone.required
        kind: required
        params: {field: seen_alone}
        when: {field: seen, in: [Y]}
        severity: warning
        message: m
        hint: h
      - id: cp_visits.plan_id.known
        kind: exists_in
        params: {field: plan_id, record_type: cp_plans}
        severity: error
        message: m
        hint: h
      - id: cp_visits.within_plan
        kind: within_parent
        params: {parent: cp_plans, by: plan_id, date: visit_date, start: start_date, end: end_date}
        when: {field: location, is: blank}
        severity: warning
        message: m
        hint: h
"""


def _write(tmp_path: Path, text: str, name: str = "council.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        bind_rules(load_schema(_write(tmp_path, text)))
    error = raised.value
    return list(error.lines) if isinstance(error, SchemaErrors) else [str(error)]


def test_when_is_read_onto_the_rule_of_its_record_type(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, SCHEMA))
    assert schema.record("cp_plans").rule("cp_plans.end_reason.required").when == Condition("end_date", "present")
    assert schema.record("cp_visits").rule("cp_visits.seen_alone.required").when == Condition("seen", "in", ("Y",))
    assert schema.record("cp_visits").rule("cp_visits.within_plan").when == Condition("location", "blank")
    assert schema.record("cp_visits").rule("cp_visits.plan_id.known").when is None


def test_a_council_puts_when_on_a_rule_a_shorthand_made(tmp_path: Path) -> None:
    text = SCHEMA + "rules:\n  - id: team.required\n    when: {field: decision_outcome, in: [NFA]}\n"
    schema = load_schema(_write(tmp_path, text))
    assert schema.rule("team.required").when == Condition("decision_outcome", "in", ("NFA",))


def test_every_record_types_rules_bind_each_knowing_its_record_type(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, SCHEMA))
    bound = bind_record_types(schema)
    assert list(bound) == [PRIMARY, "cp_plans", "cp_visits"]
    assert [rule.id for rule in bound[PRIMARY]] == [rule.id for rule in bind_rules(schema)]
    assert {rule.record_type for rule in bound["cp_visits"]} == {"cp_visits"}
    timely = next(rule for rule in bound["cp_plans"] if rule.id == "cp_plans.visits_timely")
    assert timely.kind.related() == {"cp_visits": ("plan_id", "visit_date", "seen")}
    assert bind_rules(schema.record("cp_visits")) == bound["cp_visits"]


def test_a_rules_condition_is_true_only_where_when_lets_it_apply(tmp_path: Path) -> None:
    bound = bind_record_types(load_schema(_write(tmp_path, SCHEMA)))
    rules = {rule.id: rule for type_rules in bound.values() for rule in type_rules}
    visits = pl.DataFrame({"seen": ["Y", "N", None, "Y"], "location": [None, "HOME", None, "SCHOOL"],
                           "end_date": [dt.date(2026, 1, 1), None, None, None]})
    ctx = Context(as_of=dt.date(2026, 11, 20), working_days=WorkingDays(load_schema().calendar),
                  field_types={})

    def applies(rule_id: str) -> list[bool]:
        condition = rules[rule_id].condition(ctx)
        assert condition is not None
        return visits.select(condition).to_series().to_list()

    assert applies("cp_visits.seen_alone.required") == [True, False, False, True]
    assert applies("cp_visits.within_plan") == [True, False, True, False]
    assert applies("cp_plans.end_reason.required") == [True, False, False, False]
    assert rules["cp_visits.plan_id.known"].condition(ctx) is None


def test_mistakes_in_when_are_each_reported_at_their_line(tmp_path: Path) -> None:
    text = (SCHEMA.replace("when: {field: end_date, is: present}", "when: {field: end_dat, is: present}")
            .replace("when: {field: seen, in: [Y]}", "when: {field: seen, in: [Y, YES]}")
            .replace("when: {field: location, is: blank}", "when: {field: location, is: empty}"))
    text += ("rules:\n  - id: team.required\n    when: {field: team}\n"
             "  - id: worker_id.required\n    when: {field: team, in: [A], is: blank}\n"
             "  - id: referral_id.required\n    when: {field: team, iss: blank}\n")
    assert _errors(tmp_path, text) == [
        "council.yaml:20: record_types.cp_plans.rules[0].when.field: unknown field 'end_dat' "
        "(did you mean 'end_date'?)",
        "council.yaml:49: record_types.cp_visits.rules[0].when.in[1]: code 'YES' is not in the 'yes_no' list",
        "council.yaml:62: record_types.cp_visits.rules[2].when.is: expected present or blank; got 'empty'",
        "council.yaml:68: rules[0].when: expected {field: F, is: present} (or blank) or {field: F, in: [codes]}: "
        "a field, and either is or in",
        "council.yaml:70: rules[1].when: expected {field: F, is: present} (or blank) or {field: F, in: [codes]}: "
        "a field, and either is or in",
        "council.yaml:72: rules[2].when.iss: unknown key in when (did you mean 'is'?); expected {field: F, is: "
        "present} (or blank) or {field: F, in: [codes]}",
    ]


def test_a_kind_reading_another_record_type_must_name_its_record_types_and_fields(tmp_path: Path) -> None:
    text = (SCHEMA.replace("{field: plan_id, record_type: cp_plans}", "{field: plan_id, record_type: cp_plan}")
            .replace("start: start_date, end: end_date}", "start: start_dat, end: team}")
            .replace("by: plan_id, date: visit_date, where", "by: plan_id, date: visit_dat, where"))
    assert _errors(tmp_path, text) == [
        "council.yaml:29: record_types.cp_plans.rules[1].params.events.date: record type 'cp_visits' has no field "
        "'visit_dat' (did you mean 'visit_date'?)",
        "council.yaml:55: record_types.cp_visits.rules[1].params.record_type: unknown record type 'cp_plan' "
        "(did you mean 'cp_plans'?)",
        "council.yaml:61: record_types.cp_visits.rules[2].params.start: record type 'cp_plans' has no field "
        "'start_dat' (did you mean 'start_date'?)",
        "council.yaml:61: record_types.cp_visits.rules[2].params.end: field 'team' of record type 'cp_plans' must be "
        "a date or datetime for kind 'within_parent'",
    ]


EVERY_KIND_OF_MISTAKE = (SCHEMA.replace("{record_type: cp_plans, by: plan_id}", "{record_type: cp_plan, by: plan_id}")
                         .replace("- id: cp_visits.plan_id.known", "- id: plan_id.known")
                         .replace("when: {field: seen, in: [Y]}", "when: {field: sen, in: [Y]}")
                         .replace("- id: cp_plans.visits_timely", "- id: cp_plans.plan_id.required"))


def test_schema_check_reports_every_mistake_in_every_record_type_in_one_run(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("schema", "check", _write(tmp_path, EVERY_KIND_OF_MISTAKE))
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [
        "Error: council.yaml:24: record_types.cp_plans.rules[1].id: duplicate rule id 'cp_plans.plan_id.required' "
        "(also defined at council.yaml:11: record_types.cp_plans.fields.plan_id.required)",
        "Error: council.yaml:37: record_types.cp_visits.belongs_to.record_type: unknown record type 'cp_plan' "
        "(did you mean 'cp_plans'?)",
        "Error: council.yaml:49: record_types.cp_visits.rules[0].when.field: unknown field 'sen' "
        "(did you mean 'seen'?)",
        "Error: council.yaml:53: record_types.cp_visits.rules[1].id: a rule of record type 'cp_visits' has an id "
        "starting 'cp_visits.'; got 'plan_id.known'",
    ]


def test_rule_problems_cover_every_record_type(tmp_path: Path) -> None:
    text = SCHEMA.replace("{field: plan_id, record_type: cp_plans}", "{field: plan_id, record_type: cp_plan}")
    assert [str(problem) for problem in rule_problems(load_schema(_write(tmp_path, text)))] == [
        "council.yaml:55: record_types.cp_visits.rules[1].params.record_type: unknown record type 'cp_plan' "
        "(did you mean 'cp_plans'?)",
    ]


def test_schema_check_binds_the_rules_of_every_record_type(tmp_path: Path, invoke: Invoke) -> None:
    text = SCHEMA.replace("{field: plan_id, record_type: cp_plans}", "{field: plan_id, record_type: cp_plan}")
    result = invoke("schema", "check", _write(tmp_path, text))
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert "council.yaml:55: record_types.cp_visits.rules[1].params.record_type: unknown record type" in result.stderr
    assert invoke("schema", "check", _write(tmp_path, SCHEMA)).exit_code == 0


def test_a_kind_takes_exactly_one_of_its_alternative_parameters_said_beside_other_mistakes(tmp_path: Path) -> None:
    rule = ("rules:\n  - id: local.x\n    kind: within_working_days\n    params:\n      start: referral_received\n"
            "      end: decision_date\n{params}    severity: error\n    message: m\n    hint: h\n")
    both = SCHEMA + rule.format(params="      days: 2\n      within: 2 working days\n      dayz: 2\n")
    assert _errors(tmp_path, both) == [
        "council.yaml:73: rules[0].params.within: give exactly one of days or within",
        "council.yaml:74: rules[0].params.dayz: unknown parameter for kind 'within_working_days' (did you mean "
        "'days'?); expected one of start, end, days, within, code_field, codes",
    ]
    neither = SCHEMA + rule.format(params="      dayz: 2\n")
    assert _errors(tmp_path, neither)[0] == (
        "council.yaml:68: rules[0].kind: kind 'within_working_days' needs parameter days or within")
