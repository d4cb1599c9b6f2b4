"""Record types in the schema language: ``record_types:`` loads into the primary schema's ``others``."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.schemas import PRIMARY, Relation, SchemaError, load_schema
from refcheck.schemas.errors import SchemaErrors


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

PLANS_AND_VISITS = """\
name: council
version: 3
extends: wales-referral
codes:
  yes_no: [Y, N]
record_types:
  cp_plans:
    label: Child protection plans
    key: plan_id
    group_by: team
    worker: worker_id
    fields:
      plan_id: {label: Plan ID, required: error, unique: error}
      team: {required: error}
      worker_id: {}
      start_date: {type: date, required: error}
      end_date: {type: date}
    rules:
      - id: cp_plans.end_date.not_before_start
        kind: date_order
        params: {earlier: start_date, later: end_date, compare: date}
        severity: error
        message: "{label} is before the start date"
        hint: Check both dates
  cp_visits:
    label: Child protection visits
    key: visit_id
    belongs_to: {record_type: cp_plans, by: plan_id}
    fields:
      visit_id: {required: error}
      plan_id: {required: error}
      seen: {codes: yes_no, required: warning}
"""


def _write(tmp_path: Path, text: str, name: str = "council.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        load_schema(_write(tmp_path, text))
    error = raised.value
    return list(error.lines) if isinstance(error, SchemaErrors) else [str(error)]


def test_two_record_types_load_as_the_primarys_others_with_their_own_keys_teams_and_rule_ids(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, PLANS_AND_VISITS))
    parent = load_schema("wales-referral")
    assert schema.record_type == PRIMARY
    assert [record.record_type for record in schema.record_types] == [PRIMARY, "cp_plans", "cp_visits"]
    assert [rule.id for rule in schema.rules] == [rule.id for rule in parent.rules]
    plans, visits = schema.record("cp_plans"), schema.record("cp_visits")
    assert (plans.label, plans.record_id, plans.group_by, plans.worker, plans.belongs_to) == (
        "Child protection plans", "plan_id", "team", "worker_id", None)
    assert (visits.record_id, visits.group_by, visits.belongs_to, visits.worker) == (
        "visit_id", "plan_id", Relation("cp_plans", "plan_id"), None)
    assert [rule.id for rule in plans.rules] == [
        "cp_plans.plan_id.required", "cp_plans.plan_id.unique", "cp_plans.team.required",
        "cp_plans.start_date.type", "cp_plans.start_date.required", "cp_plans.end_date.type",
        "cp_plans.end_date.not_before_start",
    ]
    assert [rule.id for rule in visits.rules] == [
        "cp_visits.visit_id.required", "cp_visits.plan_id.required", "cp_visits.seen.required",
        "cp_visits.seen.valid",
    ]
    assert plans.rule("cp_plans.end_date.not_before_start").field == "end_date"
    assert plans.rule("cp_plans.end_date.not_before_start").message == "End date is before the start date"
    assert visits.rule("cp_visits.seen.required").severity.value == "warning"
    assert list(visits.fields) == ["visit_id", "plan_id", "seen"]
    for record in (plans, visits):  # shared by every record type
        assert (record.name, record.version, record.calendar, record.codes, record.scorecard) == (
            "council", "3", schema.calendar, schema.codes, schema.scorecard)
        assert record.others == {}
    assert visits.codes["yes_no"].codes == {"Y": "Y", "N": "N"}


def test_a_schema_without_record_types_has_no_others() -> None:
    schema = load_schema("wales-referral")
    assert schema.others == {}
    assert schema.record_types == (schema,)


def test_a_kpi_may_name_a_rule_of_another_record_type(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS + ("scorecard:\n  kpis:\n    - id: plan_ids\n      label: Plan IDs\n"
                               "      rule: cp_plans.plan_id.required\n")
    assert load_schema(_write(tmp_path, text)).scorecard.kpis[-1].rule == "cp_plans.plan_id.required"


def test_mistakes_in_every_record_type_are_reported_in_one_run(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace("    group_by: team\n", "    group_by: teem\n").replace(
        "  - id: cp_plans.end_date.not_before_start", "  - id: end_date.not_before_start").replace(
        "{record_type: cp_plans, by: plan_id}", "{record_type: cp_plan, by: plan_id}").replace(
        "seen: {codes: yes_no", "seen: {codes: yes_n")
    assert _errors(tmp_path, text) == [
        "council.yaml:10: record_types.cp_plans.group_by: unknown field 'teem' (did you mean 'team'?)",
        "council.yaml:19: record_types.cp_plans.rules[0].id: a rule of record type 'cp_plans' has an id starting "
        "'cp_plans.'; got 'end_date.not_before_start'",
        "council.yaml:28: record_types.cp_visits.belongs_to.record_type: unknown record type 'cp_plan' "
        "(did you mean 'cp_plans'?)",
        "council.yaml:32: record_types.cp_visits.fields.seen.codes: unknown code list 'yes_n' (did you mean 'yes_no'?)",
    ]


def test_a_record_type_needs_a_key_fields_and_one_way_to_its_team(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace("    key: plan_id\n", "").replace(
        "    belongs_to: {record_type: cp_plans, by: plan_id}\n",
        "    group_by: plan_id\n    belongs_to: {record_type: cp_plans, by: plan_id}\n")
    text += "  cp_reviews:\n    label: Reviews\n"
    assert _errors(tmp_path, text) == [
        "council.yaml:7: record_types.cp_plans: record type 'cp_plans' needs 'key'",
        "council.yaml:28: record_types.cp_visits.belongs_to: a record type takes either group_by (its own team field) "
        "or belongs_to (its parent's team), not both",
        "council.yaml:28: record_types.cp_visits.belongs_to.record_type: record type 'cp_plans' has no key to "
        "belong to",
        "council.yaml:33: record_types.cp_reviews: record type 'cp_reviews' needs 'key', 'fields'",
        "council.yaml:33: record_types.cp_reviews: record type 'cp_reviews' needs 'group_by' (its team field) or "
        "'belongs_to' ({record_type, by}: its parent's team)",
    ]


def test_record_types_may_not_belong_to_each_other_in_a_circle(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace("    group_by: team\n", "    belongs_to: {record_type: cp_visits, by: team}\n")
    errors = _errors(tmp_path, text)
    assert errors == [
        "council.yaml:10: record_types.cp_plans.belongs_to.record_type: record type 'cp_plans' belongs to itself "
        "through 'cp_visits': belongs_to cannot go round in a circle",
        "council.yaml:28: record_types.cp_visits.belongs_to.record_type: record type 'cp_visits' belongs to itself "
        "through 'cp_plans': belongs_to cannot go round in a circle",
    ]


def test_the_primary_record_type_is_not_declared_again(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS + "  referrals:\n    key: referral_id\n"
    assert _errors(tmp_path, text) == [
        "council.yaml:33: record_types.referrals: 'referrals' is the schema's primary record type: its key, fields "
        "and rules are the top-level ones",
    ]


COUNCIL = """\
name: council-cp
extends: base.yaml
record_types:
  cp_plans:
    fields:
      category: {codes: yes_no}
    rules:
      - id: cp_plans.end_date.not_before_start
        params: {compare: datetime}
        severity: warning
      - id: cp_plans.plan_id.required
        severity: warning
  cp_reviews:
    key: review_id
    belongs_to: {record_type: cp_plans, by: plan_id}
    fields:
      review_id: {required: error}
      plan_id: {}
"""


def test_a_council_extends_record_types_by_name_their_fields_by_name_and_rules_by_id(tmp_path: Path) -> None:
    _write(tmp_path, PLANS_AND_VISITS, "base.yaml")
    schema = load_schema(_write(tmp_path, COUNCIL))
    plans = schema.record("cp_plans")
    assert [record.record_type for record in schema.record_types] == [PRIMARY, "cp_plans", "cp_visits", "cp_reviews"]
    assert list(plans.fields) == ["plan_id", "team", "worker_id", "start_date", "end_date", "category"]
    override = plans.rule("cp_plans.end_date.not_before_start")
    assert {key: node.plain() for key, node in override.params.items()} == {
        "earlier": "start_date", "later": "end_date", "compare": "datetime"}
    assert override.severity.value == "warning"
    assert override.message == "End date is before the start date"  # the parent's, kept
    assert plans.rule("cp_plans.plan_id.required").severity.value == "warning"
    assert plans.rule("cp_plans.category.valid").kind == "code_list"
    assert schema.record("cp_reviews").belongs_to == Relation("cp_plans", "plan_id")
    assert schema.record("cp_visits").rules == load_schema(tmp_path / "base.yaml").record("cp_visits").rules


def test_remove_reaches_record_types_their_fields_and_their_rules(tmp_path: Path) -> None:
    _write(tmp_path, PLANS_AND_VISITS, "base.yaml")
    text = ("name: council-cp\nextends: base.yaml\nremove:\n  record_types:\n"
            "    cp_plans: {fields: [worker_id], rules: [cp_plans.end_date.not_before_start]}\n")
    schema = load_schema(_write(tmp_path, text.replace("worker_id]", "end_date]").replace(
        "rules: [cp_plans.end_date.not_before_start]", "rules: []")))
    assert "end_date" not in schema.record("cp_plans").fields
    text = text.replace("{fields: [worker_id]", "{fields: [start_date]")
    plans = load_schema(_write(tmp_path, text)).record("cp_plans")
    assert "start_date" not in plans.fields
    assert "cp_plans.end_date.not_before_start" not in [rule.id for rule in plans.rules]
    whole = load_schema(_write(tmp_path, "name: c\nextends: base.yaml\nremove:\n  record_types: [cp_visits]\n"))
    assert list(whole.others) == ["cp_plans"]


def test_removing_what_a_record_type_does_not_have_is_a_mistake_each(tmp_path: Path) -> None:
    _write(tmp_path, PLANS_AND_VISITS, "base.yaml")
    text = ("name: c\nextends: base.yaml\nremove:\n  record_types:\n"
            "    cp_plan: {fields: [team]}\n"
            "    cp_visits: {fields: [seeen], rules: [cp_visits.nothing], codes: [x]}\n")
    assert _errors(tmp_path, text) == [
        "council.yaml:5: remove.record_types.cp_plan: there is no record type 'cp_plan' to remove from "
        "(did you mean 'cp_plans'?)",
        "council.yaml:6: remove.record_types.cp_visits.codes: unknown key in remove; expected one of fields, rules",
        "council.yaml:6: remove.record_types.cp_visits.fields[0]: there is no field 'seeen' to remove "
        "(did you mean 'seen'?)",
        "council.yaml:6: remove.record_types.cp_visits.rules[0]: there is no rule 'cp_visits.nothing' to remove",
    ]


def test_rule_ids_are_unique_across_record_types(tmp_path: Path) -> None:
    text = (PLANS_AND_VISITS.replace("codes:\n  yes_no", "fields:\n  cp_plans: {required: error}\ncodes:\n  yes_no")
            .replace("  - id: cp_plans.end_date.not_before_start", "  - id: cp_plans.required"))
    assert _errors(tmp_path, text) == [
        "council.yaml:21: record_types.cp_plans.rules[0].id: duplicate rule id 'cp_plans.required' "
        "(also defined at council.yaml:5: fields.cp_plans.required)",
    ]


def test_a_record_types_rule_is_written_or_changed_under_that_record_type(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace("codes:\n  yes_no", (
        "rules:\n  - id: cp_plans.plan_id.required\n    severity: warning\n"
        "  - id: cp_visits.seen.known\n    kind: required\n    params: {field: team}\n"
        "    severity: error\n    message: m\n    hint: h\ncodes:\n  yes_no"))
    assert _errors(tmp_path, text) == [
        "council.yaml:5: rules[0].id: rule ids starting 'cp_plans.' belong to record type 'cp_plans': write the rule "
        "(or the change to it) under record_types.cp_plans.rules",
        "council.yaml:7: rules[1].id: rule ids starting 'cp_visits.' belong to record type 'cp_visits': write the "
        "rule (or the change to it) under record_types.cp_visits.rules",
    ]
