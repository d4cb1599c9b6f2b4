"""No schema mistake hides another, in a record type's section too (issue 26.4 meeting issue 28's record types)."""

from __future__ import annotations

from pathlib import Path

import pytest

import refcheck.checks  # noqa: F401 - NOTE: registers the rule check, so that a schema with mistakes binds its rules
from refcheck.schemas import SchemaError, load_schema
from refcheck.schemas.mapping import load_mapping
from tests.test_record_types_schema import PLANS_AND_VISITS, _errors


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

_PLAN_RULE_END = "        hint: Check both dates\n"


def test_a_record_types_duplicate_rule_id_and_misspelt_change_hide_nothing(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace(_PLAN_RULE_END, _PLAN_RULE_END + (
        "      - id: cp_plans.end_date.not_before_start\n        kind: date_order\n"
        "        params: {earlier: start_dat, later: end_date}\n        severity: error\n        message: m\n"
        "        hint: h\n"
        "      - id: cp_plans.end_date.not_before_strat\n        severity: eror\n"))
    assert _errors(tmp_path, text) == [
        "council.yaml:25: record_types.cp_plans.rules[1].id: duplicate rule id 'cp_plans.end_date.not_before_start' "
        "(also defined at council.yaml:19: record_types.cp_plans.rules[0].id)",
        "council.yaml:27: record_types.cp_plans.rules[1].params.earlier: unknown field 'start_dat' (did you mean "
        "'start_date'?)",
        "council.yaml:31: record_types.cp_plans.rules[2].id: no rule 'cp_plans.end_date.not_before_strat' to change "
        "(did you mean 'cp_plans.end_date.not_before_start'?); a new rule needs kind, severity, message and hint",
        "council.yaml:32: record_types.cp_plans.rules[2].severity: expected one of warning, error; got 'eror'",
    ]


def test_a_record_types_field_with_an_unknown_code_list_still_reads_its_format_and_valid(tmp_path: Path) -> None:
    text = PLANS_AND_VISITS.replace("seen: {codes: yes_no, required: warning}",
                                    "seen: {codes: yes_n, format: nhs_numbr, valid: {severity: critical}}")
    assert _errors(tmp_path, text) == [
        "council.yaml:32: record_types.cp_visits.fields.seen.codes: unknown code list 'yes_n' (did you mean "
        "'yes_no'?)",
        "council.yaml:32: record_types.cp_visits.fields.seen.valid.severity: expected one of warning, error; "
        "got 'critical'",
        "council.yaml:32: record_types.cp_visits.fields.seen.format: a field takes either codes or a format, not both",
        "council.yaml:32: record_types.cp_visits.fields.seen.format: expected one of nhs_number, uk_postcode or "
        "{pattern: ...}; got 'nhs_numbr' (did you mean 'nhs_number'?)",
    ]


def test_without_its_parent_a_record_types_own_mistakes_are_reported_and_no_name_called_unknown(
        tmp_path: Path) -> None:
    text = ("name: council\nextends: council-base.yaml\nrecord_types:\n  cp_visits:\n    label: Visits\n"
            "    belongs_to: {record_type: cp_plans, by: plan_id}\n    fields:\n"
            "      seen: {codes: yes_no, required: eror}\n    rules:\n      - id: cp_visits.seen.known\n"
            "        kind: required\n        params: {field: seen}\n        severity: critical\n"
            "        message: m\n        hint: h\n")
    errors = _errors(tmp_path, text)
    assert [line.split(": ", 1)[0] for line in errors] == ["council.yaml:2", "council.yaml:8", "council.yaml:13"]
    assert "no such schema file council-base.yaml" in errors[0]
    assert errors[1:] == [
        "council.yaml:8: record_types.cp_visits.fields.seen.required: expected one of warning, error; got 'eror'",
        "council.yaml:13: record_types.cp_visits.rules[0].severity: expected one of warning, error; got 'critical'",
    ]


def test_a_mapping_with_record_types_is_checked_on_its_own_without_a_schema(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("fields:\n  team: {colum: Team}\nrecord_types:\n  cp_plans:\n    fields:\n"
                    "      start_date: {date_format: nope}\n    sorce: plans\n  anything: {source: x}\n")
    with pytest.raises(SchemaError) as raised:
        load_mapping(path, None)
    assert str(raised.value).splitlines() == [
        "mapping.yaml:2: fields.team.colum: unknown key in mapping (did you mean 'column'?); expected one of column, "
        "date_format, values",
        "mapping.yaml:6: record_types.cp_plans.fields.start_date.date_format: a date format uses %d, %m, %Y, %H, %M; "
        "got 'nope'",
        "mapping.yaml:7: record_types.cp_plans.sorce: unknown key in mapping (did you mean 'source'?); expected one of "
        "date_format, fields, null_tokens, source",
    ]


def test_a_record_types_mapping_puts_values_on_code_fields_and_date_formats_on_date_fields(tmp_path: Path) -> None:
    schema = load_schema((tmp_path / "council.yaml", (tmp_path / "council.yaml").write_text(PLANS_AND_VISITS))[0])
    path = tmp_path / "mapping.yaml"
    path.write_text("record_types:\n  cp_plans:\n    fields:\n      team: {values: {N: North}}\n"
                    "      start_date: {date_format: '%d.%m.%Y'}\n      worker_id: {date_format: '%d.%m.%Y'}\n")
    with pytest.raises(SchemaError) as raised:
        load_mapping(path, schema)
    assert [line.split(": ", 2)[2] for line in str(raised.value).splitlines()] == [
        "values translate a code field's codes; 'team' is a text field",
        "a date_format is for a date or datetime field; 'worker_id' is a text field",
    ]
