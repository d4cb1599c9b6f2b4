"""An invalid schema is one line on stderr naming file, line and path, and exit code 3."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from refcheck.schemas import SchemaError, load_schema
from tests.conftest import SAMPLE, Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

CHILD = "name: council\nextends: wales-referral\n"


def _write(tmp_path: Path, text: str, name: str = "council.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


CASES = {
    "unknown_top_level_key": (
        CHILD + "serverity: error\n",
        "council.yaml:3: serverity: unknown key in schema; expected one of calendar, codes, description, extends, "
        "fields, group_by, mapping, name, readability, record_id, record_types, remove, rules, scorecard, version, "
        "worker",
    ),
    "unknown_rule_key": (
        CHILD + "rules:\n  - id: local.x\n    kind: required\n    params: {field: team}\n    severity: error\n"
        "    message: m\n    hint: h\n    serverity: warning\n",
        "council.yaml:10: rules[0].serverity: unknown key in rule (did you mean 'severity'?); expected one of "
        "category, due_label, field, hint, id, kind, "
        "message, params, severity, tolerance, when, why",
    ),
    "unknown_kind": (
        CHILD + "rules:\n  - id: local.x\n    kind: reqired\n    params: {field: team}\n    severity: error\n"
        "    message: m\n    hint: h\n",
        "council.yaml:5: rules[0].kind: unknown kind 'reqired' (did you mean 'required'?); known kinds: age_under, "
        "code_list, date_order, exists_in, nhs_number, not_in_future, pattern, readable, recurring_within, required, "
        "required_when, text_quality, uk_postcode, unique, within_parent, within_working_days",
    ),
    "unknown_field_in_params": (
        CHILD + "rules:\n  - id: local.x\n    kind: required\n    params: {field: teem}\n    severity: error\n"
        "    message: m\n    hint: h\n",
        "council.yaml:6: rules[0].params.field: unknown field 'teem' (did you mean 'team'?)",
    ),
    "bad_parameter_type": (
        CHILD + "rules:\n  - id: decision_date.timely\n    params: {days: soon}\n",
        "council.yaml:5: rules[0].params.days: expected a whole number of 0 or more; got 'soon'",
    ),
    "unknown_parameter": (
        CHILD + "rules:\n  - id: decision_date.timely\n    params:\n      dayz: 2\n",
        "council.yaml:6: rules[0].params.dayz: unknown parameter for kind 'within_working_days' "
        "(did you mean 'days'?); expected one of start, end, days, within, code_field, codes",
    ),
    "missing_parameter": (
        CHILD + "rules:\n  - id: local.x\n    kind: within_working_days\n    params: {start: referral_received}\n"
        "    severity: error\n    message: m\n    hint: h\n",
        "council.yaml:5: rules[0].kind: kind 'within_working_days' needs parameter end, days or within",
    ),
    "duplicate_id": (
        CHILD + "rules:\n  - id: local.x\n    kind: required\n    params: {field: team}\n    severity: error\n"
        "    message: m\n    hint: h\n  - id: local.x\n    kind: required\n    params: {field: team}\n"
        "    severity: error\n    message: m\n    hint: h\n",
        "council.yaml:10: rules[1].id: duplicate rule id 'local.x' (also defined at council.yaml:4: rules[0].id)",
    ),
    "duplicate_id_with_a_shorthand_rule": (
        CHILD + "fields:\n  local_flag: {required: warning}\nrules:\n  - id: local_flag.required\n    kind: required\n"
        "    params: {field: local_flag}\n    severity: error\n    message: m\n    hint: h\n",
        "council.yaml:6: rules[0].id: duplicate rule id 'local_flag.required' "
        "(also defined at council.yaml:4: fields.local_flag.required)",
    ),
    "empty_code_list": (
        CHILD + "codes:\n  local_list: []\n",
        "council.yaml:4: codes.local_list: a code list needs at least one code",
    ),
    "bad_severity": (
        CHILD + "rules:\n  - id: gender.valid\n    severity: eror\n",
        "council.yaml:5: rules[0].severity: expected one of warning, error; got 'eror'",
    ),
    "unknown_placeholder": (
        CHILD + "rules:\n  - id: decision_date.timely\n    message: Late by {value}\n",
        "council.yaml:5: rules[0].message: unknown placeholder {value}; a message may use days, end, field, id, "
        "label, start",
    ),
    "not_a_date_field": (
        CHILD + "rules:\n  - id: local.x\n    kind: within_working_days\n    params: {start: team, end: icpc_date, "
        "days: 1}\n    severity: error\n    message: m\n    hint: h\n",
        "council.yaml:6: rules[0].params.start: field 'team' must be a date or datetime for kind "
        "'within_working_days'",
    ),
    "invalid_yaml": (
        CHILD + "rules: [\n",
        "council.yaml:4: not valid YAML: expected the node content, but found '<stream end>'",
    ),
    "python_object_tag": (
        CHILD + "description: !!python/object/apply:os.system ['echo hi']\n",
        "council.yaml:3: description: tag tag:yaml.org,2002:python/object/apply:os.system is not allowed in a schema",
    ),
    "unknown_bundled_schema": (
        "name: council\nextends: welsh-referral\n",
        "council.yaml:2: extends: no bundled schema 'welsh-referral' (did you mean 'wales-referral'?) (bundled: "
        "england, england-referral, wales, wales-referral); give a path to a file",
    ),
    "duplicate_yaml_key": (
        CHILD + "fields:\n  team: {required: error}\n  team: {required: warning}\n",
        "council.yaml:5: fields.team: duplicate key",
    ),
}


@pytest.mark.parametrize(("text", "line"), CASES.values(), ids=CASES.keys())
def test_schema_error_is_one_line_and_exit_3(tmp_path: Path, invoke: Invoke, text: str, line: str) -> None:
    schema = _write(tmp_path, text)
    result = invoke("check", SAMPLE, "--schema", schema)
    assert result.exit_code == ExitCode.BAD_SCHEMA, result.output
    assert result.stderr.splitlines() == [f"Error: {line}"]
    assert result.stdout == ""


def test_circular_extends_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    _write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(SchemaError, match=r"^b\.yaml:2: extends: circular extends: a\.yaml is already being loaded$"):
        load_schema(tmp_path / "a.yaml")


def test_missing_schema_file_is_exit_3(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--schema", tmp_path / "nope.yaml")
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [f"Error: {tmp_path / 'nope.yaml'}: no such schema file"]


def test_a_child_schema_can_override_add_and_remove(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, CHILD + """\
codes:
  referral_source: {X1: Local multi-agency hub}
fields:
  gender: {required: error}
  local_flag: {type: code, codes: decision_outcome}
remove:
  rules: [date_of_birth.under_18]
  codes: {closure_reason: [RC9]}
rules:
  - id: decision_date.timely
    severity: error
    params: {days: 2}
"""))
    assert "X1" in schema.codes["referral_source"].codes and "1A" in schema.codes["referral_source"].codes
    assert "RC9" not in schema.codes["closure_reason"].codes
    assert schema.rule("gender.required").severity.value == "error"
    assert schema.rule("local_flag.valid").kind == "code_list"
    assert "date_of_birth.under_18" not in {rule.id for rule in schema.rules}
    timely = schema.rule("decision_date.timely")
    assert (timely.severity.value, timely.params["days"].value, timely.params["start"].value) == (
        "error", 2, "referral_received")
    assert schema.extends == ("wales-referral",)


def test_a_field_name_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, CHILD + 'fields:\n  "extra_field\\n":\n    type: text\n')
    with pytest.raises(SchemaError, match="a field name is letters, digits and underscores"):
        load_schema(path)


def test_a_mapping_that_is_missing_or_a_fifo_is_called_a_mapping(tmp_path: Path, invoke: Invoke) -> None:
    os.mkfifo(tmp_path / "mapping.yaml")
    for name, said in (("nope.yaml", "no such mapping file"),
                       ("mapping.yaml", "is not a regular file (a FIFO); a mapping is a YAML file")):
        result = invoke("check", SAMPLE, "--mapping", tmp_path / name)
        assert result.exit_code == ExitCode.BAD_SCHEMA
        assert result.stderr.splitlines() == [f"Error: {tmp_path / name}: {said}"]


@pytest.mark.parametrize("how", ["schema check", "--schema", "extends"])
def test_a_schema_file_name_too_long_is_one_short_line_and_exit_3(tmp_path: Path, invoke: Invoke, how: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x" * 4995 + ".yaml"
    _write(tmp_path, f"name: council\nextends: {name}\n")
    args = {"schema check": ("schema", "check", name), "--schema": ("check", SAMPLE, "--schema", name),
            "extends": ("check", SAMPLE, "--schema", "council.yaml")}[how]
    result = invoke(*args)
    assert result.exit_code == ExitCode.BAD_SCHEMA, result.stderr
    [line] = result.stderr.splitlines()
    assert re.fullmatch(r"Error: \S{40}\.\.\.x{35}\.yaml \(5,\d{3} characters\): cannot be read \(File name too long\)",
                        line), line
