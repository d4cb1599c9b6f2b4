"""No mistake of a schema or mapping hides another: each is reported in the same run, at its key's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from refcheck.schemas import SchemaError, load_mapping, load_schema
from tests.conftest import Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are named as the user gives them: these tests give them by name, from their folder."""
    monkeypatch.chdir(tmp_path)


def _errors(text: str, name: str = "council.yaml") -> list[str]:
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(text)
    with pytest.raises(SchemaError) as raised:
        load_schema(name)
    return str(raised.value).splitlines()


RULE = "    severity: warning\n    message: m\n    hint: h\n"


def test_a_misspelt_bundled_parent_is_at_its_line_and_the_rest_is_checked_against_the_one_meant() -> None:
    assert _errors("name: council\nextends: wales-referal\nfields:\n  gender: {required: eror}\n"
                   "rules:\n  - id: local.x\n    kind: reqired\n    params: {field: team}\n" + RULE
                   + "  - id: decision_date.timely\n    params: {days: soon}\n") == [
        "council.yaml:2: extends: no bundled schema 'wales-referal' (did you mean 'wales-referral'?) "
        "(bundled: england, england-referral, wales, wales-referral); give a path to a file",
        "council.yaml:4: fields.gender.required: expected one of warning, error; got 'eror'",
        "council.yaml:7: rules[0].kind: unknown kind 'reqired' (did you mean 'required'?); known kinds: age_under, "
        "code_list, date_order, exists_in, nhs_number, not_in_future, pattern, readable, recurring_within, "
        "required, required_when, text_quality, uk_postcode, unique, within_parent, within_working_days",
        "council.yaml:13: rules[1].params.days: expected a whole number of 0 or more; got 'soon'",
    ]


def test_a_parent_that_is_not_there_leaves_the_childs_own_mistakes_and_calls_no_name_unknown() -> None:
    Path("council-base.yaml").write_text("name: base\n")
    assert _errors("name: council\nextends: council-bsae.yaml\nserverity: error\nfields:\n"
                   "  gender: {required: eror, codes: gender}\n  team: {type: txt}\n"
                   "rules:\n  - id: local.x\n    kind: required\n    params: {field: worker_id}\n"
                   "    severity: critical\n    message: m\n    hint: h\n"
                   "  - id: decision_date.timely\n    params: {days: 2}\nremove:\n  feilds: [icpc]\n") == [
        "council.yaml:2: extends: no such schema file council-bsae.yaml (did you mean 'council-base.yaml'?)",
        "council.yaml:3: serverity: unknown key in schema; expected one of calendar, codes, description, extends, "
        "fields, group_by, mapping, name, readability, record_id, record_types, remove, rules, scorecard, version, "
        "worker",
        "council.yaml:5: fields.gender.required: expected one of warning, error; got 'eror'",
        "council.yaml:6: fields.team.type: expected one of text, code, date, datetime, integer; got 'txt'",
        "council.yaml:11: rules[0].severity: expected one of warning, error; got 'critical'",
        "council.yaml:17: remove.feilds: unknown key in remove (did you mean 'fields'?); expected one of codes, "
        "fields, record_types, rules",
    ]


def test_an_unknown_code_list_does_not_hide_the_fields_other_mistakes() -> None:
    assert _errors("name: council\nextends: wales-referral\nfields:\n  gender:\n    codes: gendr\n"
                   "    valid: {severity: critical, mesage: x}\n") == [
        "council.yaml:5: fields.gender.codes: unknown code list 'gendr' (did you mean 'gender'?)",
        "council.yaml:6: fields.gender.valid.mesage: unknown key in shorthand (did you mean 'message'?); expected "
        "one of category, hint, message, severity, tolerance, why",
        "council.yaml:6: fields.gender.valid.severity: expected one of warning, error; got 'critical'",
    ]


@pytest.mark.parametrize("parent", ["extends: wales-referral\n", "record_id: team\ngroup_by: team\n"
                                    "fields:\n  team: {}\n  gender: {}\n"])
def test_a_duplicate_rule_id_does_not_hide_that_rules_other_mistakes(parent: str) -> None:
    text = ("name: council\n" + parent + "rules:\n  - id: a.b\n    kind: required\n    params: {field: team}\n" + RULE
            + "  - id: a.b\n    kind: date_order\n    params: {earlier: gender, later: team}\n"
              "    severity: critical\n    message: m {nope}\n    hint: h\n")
    first = text.count("\n", 0, text.index("- id: a.b")) + 1
    second = first + 6
    assert _errors(text) == [
        f"council.yaml:{second}: rules[1].id: duplicate rule id 'a.b' (also defined at council.yaml:{first}: "
        "rules[0].id)",
        f"council.yaml:{second + 2}: rules[1].params.earlier: field 'gender' must be a date or datetime for kind "
        "'date_order'",
        f"council.yaml:{second + 2}: rules[1].params.later: field 'team' must be a date or datetime for kind "
        "'date_order'",
        f"council.yaml:{second + 3}: rules[1].severity: expected one of warning, error; got 'critical'",
        f"council.yaml:{second + 4}: rules[1].message: unknown placeholder {{nope}}; a message may use earlier, "
        "field, id, label, later",
    ]


def test_every_duplicate_yaml_key_is_reported_with_the_other_mistakes() -> None:
    assert _errors("name: council\nextends: wales-referral\nfields:\n  gender: {required: error}\n"
                   "  gender: {required: warning}\n  team: {label: A, label: B, required: eror}\nname: again\n") == [
        "council.yaml:5: fields.gender: duplicate key",
        "council.yaml:6: fields.team.label: duplicate key",
        "council.yaml:6: fields.team.required: expected one of warning, error; got 'eror'",
        "council.yaml:7: name: duplicate key",
    ]


def test_every_duplicate_key_of_a_mapping_is_reported_with_its_other_mistakes() -> None:
    Path("mapping.yaml").write_text("fields:\n  team: {column: A, column: B}\n  teem: {column: C}\n"
                                    "null_tokens: []\nnull_tokens: [NULL]\n")
    with pytest.raises(SchemaError) as raised:
        load_mapping(Path("mapping.yaml"), load_schema())
    assert str(raised.value).splitlines() == [
        "mapping.yaml:2: fields.team.column: duplicate key",
        "mapping.yaml:3: fields.teem: unknown field 'teem' (did you mean 'team'?)",
        "mapping.yaml:5: null_tokens: duplicate key",
    ]


def test_schema_check_shows_the_schemas_mistakes_and_the_mappings_in_one_run(invoke: Invoke) -> None:
    Path("council.yaml").write_text("name: council\nextends: wales-referral\nfields:\n  gender: {required: eror}\n"
                                    "  local_flag: {type: code, codes: decision_outcome}\n")
    Path("mapping.yaml").write_text("fields:\n  gendr: {column: Sex}\n  local_flag: {column: Flag, values: {Y: NFA}}\n"
                                    "nul_tokens: [NULL]\n")
    result = invoke("schema", "check", "council.yaml", "--mapping", "mapping.yaml")
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [
        "Error: council.yaml:4: fields.gender.required: expected one of warning, error; got 'eror'",
        "Error: mapping.yaml:2: fields.gendr: unknown field 'gendr' (did you mean 'gender'?)",
        "Error: mapping.yaml:4: nul_tokens: unknown key in mapping (did you mean 'null_tokens'?); expected one of "
        "date_format, fields, null_tokens, record_types, source",
    ]


def test_a_mapping_is_checked_on_its_own_when_the_schema_cannot_be_read(invoke: Invoke) -> None:
    Path("council.yaml").write_text("name: council\nfields: {team: {required: error}\n")
    Path("mapping.yaml").write_text("fields:\n  anything: {colum: A}\n")
    result = invoke("schema", "check", "council.yaml", "--mapping", "mapping.yaml")
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert [line.split(": ", 3)[1] for line in result.stderr.splitlines()] == ["council.yaml:3", "mapping.yaml:2"]


def test_misspelt_ids_categories_and_removals_are_told_what_was_meant() -> None:
    assert _errors("""\
name: council
extends: wales-referral
remove:
  rules: [date_of_birth.under18]
rules:
  - id: decision_date.timley
    params: {days: two}
  - id: gender.requird
    severity: eror
  - id: local.c
    kind: required
    params: {field: team}
    severity: warning
    category: completness
    message: m
    hint: h
scorecard:
  kpis:
    - id: decisions_overdu
      bands: {green: 0, amber: 5}
    - id: new_one
      label: New
      category: validty
""") == [
        "council.yaml:4: remove.rules[0]: there is no rule 'date_of_birth.under18' to remove "
        "(did you mean 'date_of_birth.under_18'?)",
        "council.yaml:6: rules[0].id: no rule 'decision_date.timley' to change (did you mean "
        "'decision_date.timely'?); a new rule needs kind, severity, message and hint",
        "council.yaml:7: rules[0].params.days: expected a whole number of 0 or more; got 'two'",
        "council.yaml:8: rules[1].id: no rule 'gender.requird' to change (did you mean 'gender.required'?); "
        "a new rule needs kind, severity, message and hint",
        "council.yaml:9: rules[1].severity: expected one of warning, error; got 'eror'",
        "council.yaml:14: rules[2].category: expected one of completeness, validity, plausibility, integrity, "
        "timeliness, oversight, quality; got 'completness' (did you mean 'completeness'?)",
        "council.yaml:19: scorecard.kpis[0].id: no KPI 'decisions_overdu' to change (did you mean "
        "'decisions_overdue'?)",
        "council.yaml:23: scorecard.kpis[1].category: expected one of completeness, validity, plausibility, "
        "integrity, timeliness, oversight, quality; got 'validty' (did you mean 'validity'?)",
    ]


def test_values_only_on_a_code_field_and_a_date_format_only_on_a_date_field() -> None:
    Path("mapping.yaml").write_text("""\
fields:
  team: {column: Team, values: {N: North}}
  referral_reason: {column: Reason, date_format: "%d.%m.%Y"}
  decision_date: {column: Decided, date_format: "%d.%m.%Y"}
  gender: {column: Sex, values: {M: "1"}}
  worker_id: {column: Worker, values: {X: Y}, date_format: "%d/%m/%Y"}
""")
    with pytest.raises(SchemaError) as raised:
        load_mapping(Path("mapping.yaml"), load_schema())
    assert str(raised.value).splitlines() == [
        "mapping.yaml:2: fields.team.values: values translate a code field's codes; 'team' is a text field",
        "mapping.yaml:3: fields.referral_reason.date_format: a date_format is for a date or datetime field; "
        "'referral_reason' is a text field",
        "mapping.yaml:6: fields.worker_id.values: values translate a code field's codes; 'worker_id' is a text field",
        "mapping.yaml:6: fields.worker_id.date_format: a date_format is for a date or datetime field; 'worker_id' "
        "is a text field",
    ]


def test_within_a_field_a_rule_or_re_referrals_no_mistake_hides_the_next() -> None:
    assert _errors("""\
name: council
extends: wales-referral
codes:
  local_list: [A, B, A]
fields:
  gender: {codes: gender, format: nhs_numbr, valid: {mesage: x}}
  nhs_number: {format: nhs_numbr, valid: {severity: critical}}
rules:
  - id: local.b
    kind: within_working_days
    params: {start: team, end: decision_dat, days: -1}
    severity: warning
    message: m
    hint: h
scorecard:
  re_referrals: {person: child, date: team, within_days: 0}
""") == [
        "council.yaml:4: codes.local_list[2]: code 'A' is listed twice",
        "council.yaml:6: fields.gender.valid.mesage: unknown key in shorthand (did you mean 'message'?); expected "
        "one of category, hint, message, severity, tolerance, why",
        "council.yaml:6: fields.gender.format: a field takes either codes or a format, not both",
        "council.yaml:6: fields.gender.format: expected one of nhs_number, uk_postcode or {pattern: ...}; "
        "got 'nhs_numbr' (did you mean 'nhs_number'?)",
        "council.yaml:7: fields.nhs_number.format: expected one of nhs_number, uk_postcode or {pattern: ...}; "
        "got 'nhs_numbr' (did you mean 'nhs_number'?)",
        "council.yaml:7: fields.nhs_number.valid.severity: expected one of warning, error; got 'critical'",
        "council.yaml:11: rules[0].params.end: unknown field 'decision_dat' (did you mean 'decision_date'?)",
        "council.yaml:11: rules[0].params.days: expected a whole number of 0 or more; got '-1'",
        "council.yaml:11: rules[0].params.start: field 'team' must be a date or datetime for kind "
        "'within_working_days'",
        "council.yaml:16: scorecard.re_referrals.within_days: expected a whole number of days; got '0'",
        "council.yaml:16: scorecard.re_referrals.person: unknown field 'child' (did you mean 'child_id'?)",
        "council.yaml:16: scorecard.re_referrals.date: field 'team' must be a date or datetime",
    ]


@pytest.mark.parametrize("parent", ["extends: wales-referral\n",
                                    "record_id: team\ngroup_by: team\nfields: {team: {}}\n"])
def test_a_kpi_id_given_twice_is_called_a_kpi_and_found_without_a_parent_too(parent: str) -> None:
    text = ("name: council\n" + parent + "scorecard:\n  kpis:\n    - {id: local_one, label: One, category: validity}\n"
            "    - {id: local_one, label: Two, measure: rate, category: validty}\n")
    first = text.count("\n", 0, text.index("- {id: local_one")) + 1
    assert _errors(text) == [
        f"council.yaml:{first + 1}: scorecard.kpis[1].id: duplicate KPI id 'local_one' (also defined at "
        f"council.yaml:{first}: scorecard.kpis[0].id)",
        f"council.yaml:{first + 1}: scorecard.kpis[1].measure: expected one of rows, pass_rate, failed, "
        "re_referral_rate, open, overdue_now, due, share; got 'rate' (did you mean 'pass_rate'?)",
        f"council.yaml:{first + 1}: scorecard.kpis[1].category: expected one of completeness, validity, "
        "plausibility, integrity, timeliness, oversight, quality; got 'validty' (did you mean 'validity'?)",
    ]


def test_two_files_of_one_name_are_told_apart_by_their_paths(tmp_path: Path, invoke: Invoke,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for folder, text in (("base", "name: base\nextends: wales-referral\nfields:\n  gender: {required: eror}\n"),
                         ("local", "name: local\nextends: ../base/council.yaml\nfields:\n  team: {required: eror}\n")):
        Path(folder).mkdir()
        Path(folder, "council.yaml").write_text(text)
    said = "fields.{}.required: expected one of warning, error; got 'eror'"
    for given in ("local/council.yaml", tmp_path / "local" / "council.yaml"):  # NOTE: under the current directory
        assert invoke("schema", "check", given).stderr.splitlines() == [
            f"Error: base/council.yaml:4: {said.format('gender')}",
            f"Error: local/council.yaml:4: {said.format('team')}"]
    monkeypatch.chdir(tmp_path / "local")  # NOTE: the parent is now outside it: named in full
    assert invoke("schema", "check", "council.yaml").stderr.splitlines() == [
        f"Error: {tmp_path / 'base' / 'council.yaml'}:4: {said.format('gender')}",
        f"Error: council.yaml:4: {said.format('team')}"]
