"""Everything wrong with a schema or mapping in one run, each mistake at the line of its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.checks import bind_rules
from refcheck.cli import ExitCode
from refcheck.schemas import SchemaError, load_mapping, load_schema
from refcheck.schemas.errors import MAX_SHOWN, SchemaErrors
from tests.conftest import SAMPLE, Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

MANY_MISTAKES = """\
name: council
extends: wales-referral
serverity: error
codes:
  local_list: [A, B]
fields:
  local_flag:
    type: code
    codes: local_lst
    requird: error
rules:
  - id: local.x
    kind: reqired
    params: {field: team}
    severity: error
    message: m
    hint: h
  - id: local.y
    kind: required
    params: {field: teem}
    severity: eror
    message: m
    hint: h
  - id: local.z
    kind: within_working_days
    params: {start: referral_received, end: decision_date, dayz: 2}
    severity: warning
    message: m
    hint: h
scorecard:
  bands: {green: 95, amber: 85%}
  categories:
    timeliness: {green: 70%, amber: 80%}
"""

EVERY_MISTAKE = [
    "council.yaml:3: serverity: unknown key in schema; expected one of calendar, codes, description, extends, fields, "
    "group_by, mapping, name, readability, record_id, record_types, remove, rules, scorecard, version, worker",
    "council.yaml:9: fields.local_flag.codes: unknown code list 'local_lst' (did you mean 'local_list'?)",
    "council.yaml:10: fields.local_flag.requird: unknown key in field (did you mean 'required'?); expected one of "
    "codes, collected, description, format, label, personal, required, type, unique, valid",
    "council.yaml:13: rules[0].kind: unknown kind 'reqired' (did you mean 'required'?); known kinds: age_under, "
    "code_list, date_order, exists_in, nhs_number, not_in_future, pattern, readable, recurring_within, required, "
    "required_when, text_quality, uk_postcode, unique, within_parent, within_working_days",
    "council.yaml:20: rules[1].params.field: unknown field 'teem' (did you mean 'team'?)",
    "council.yaml:21: rules[1].severity: expected one of warning, error; got 'eror'",
    "council.yaml:25: rules[2].kind: kind 'within_working_days' needs parameter days or within",
    "council.yaml:26: rules[2].params.dayz: unknown parameter for kind 'within_working_days' (did you mean 'days'?); "
    "expected one of start, end, days, within, code_field, codes",
    "council.yaml:31: scorecard.bands.green: '95' is not a share: write 95% or 0.95",
    "council.yaml:33: scorecard.categories.timeliness.green: amber (80%) must be at or below green (70%): "
    "higher is better",
]


def _write(tmp_path: Path, text: str, name: str = "council.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_schema_with_several_mistakes_gets_all_of_them_each_at_its_key(tmp_path: Path) -> None:
    with pytest.raises(SchemaErrors) as raised:
        load_schema(_write(tmp_path, MANY_MISTAKES))
    assert raised.value.lines == tuple(EVERY_MISTAKE)  # what the command line prints, one a line
    assert str(raised.value).splitlines() == EVERY_MISTAKE


def test_schema_check_reports_every_mistake_and_exits_3(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("schema", "check", _write(tmp_path, MANY_MISTAKES))
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {EVERY_MISTAKE[0]}")
    for mistake in EVERY_MISTAKE:
        assert mistake in result.stderr


def test_every_rule_mistake_is_reported_when_the_rest_of_the_schema_is_right(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, """\
name: council
extends: wales-referral
rules:
  - id: decision_date.timely
    params: {days: soon}
  - id: local.x
    kind: pattern
    params: {field: worker_id, pattern: '(?=W)W'}
    severity: warning
    message: m
    hint: h
  - id: local.y
    kind: pattern
    params: {field: team, pattern: '(T)\\1'}
    severity: warning
    message: m
    hint: h
"""))
    with pytest.raises(SchemaErrors) as raised:
        bind_rules(schema)
    assert str(raised.value).splitlines() == [
        "council.yaml:5: rules[0].params.days: expected a whole number of 0 or more; got 'soon'",
        "council.yaml:6: rules[1].id: Polars cannot run this rule (look-around, including look-ahead and "
        "look-behind, is not supported)",
        "council.yaml:12: rules[2].id: Polars cannot run this rule (backreferences are not supported)",
    ]


def test_a_mistake_is_reported_once_not_again_by_what_refers_to_it(tmp_path: Path) -> None:
    """A field with a misspelt type or code list still exists: the rules and KPIs that name it are not wrong too."""
    with pytest.raises(SchemaError) as raised:
        load_schema(_write(tmp_path, """\
name: council
extends: wales-referral
fields:
  decision_date: {type: dat}
  gender: {codes: gendr}
"""))
    assert str(raised.value).splitlines() == [
        "council.yaml:4: fields.decision_date.type: expected one of text, code, date, datetime, integer; got 'dat'",
        "council.yaml:5: fields.gender.codes: unknown code list 'gendr' (did you mean 'gender'?)",
    ]


def test_missing_top_level_keys_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"^council\.yaml:1: the schema needs 'fields', 'record_id', 'group_by'$"):
        load_schema(_write(tmp_path, "name: council\n"))


def test_past_the_cap_the_rest_are_counted(tmp_path: Path) -> None:
    keys = "".join(f"unknown_{n}: 1\n" for n in range(MAX_SHOWN + 12))
    with pytest.raises(SchemaErrors) as raised:
        load_schema(_write(tmp_path, "name: council\nextends: wales-referral\n" + keys))
    lines = str(raised.value).splitlines()
    assert len(lines) == MAX_SHOWN + 1
    assert lines[0].startswith("council.yaml:3: unknown_0: unknown key in schema")
    assert lines[-1] == "and 12 more errors; fix these and run again"


def test_a_mapping_with_several_mistakes_gets_all_of_them(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
fields:
  teem: {column: Team}
  worker_id: {colum: Worker}
  decision_date: {date_format: dd/mm}
nul_tokens: [NULL]
""", "mapping.yaml")
    with pytest.raises(SchemaErrors) as raised:
        load_mapping(path, load_schema())
    assert str(raised.value).splitlines() == [
        "mapping.yaml:2: fields.teem: unknown field 'teem' (did you mean 'team'?)",
        "mapping.yaml:3: fields.worker_id.colum: unknown key in mapping (did you mean 'column'?); expected one of "
        "column, date_format, values",
        "mapping.yaml:4: fields.decision_date.date_format: a date format uses %d, %m, %Y, %H, %M; got a text of 5 "
        "characters",
        "mapping.yaml:5: nul_tokens: unknown key in mapping (did you mean 'null_tokens'?); expected one of "
        "date_format, fields, null_tokens, record_types, source",
    ]


@pytest.mark.parametrize(("name", "said"), [
    ("wales-ref", "wales-ref: no bundled schema of that name (did you mean 'wales-referral'?) "
                  "(bundled: england, england-referral, wales, wales-referral); give a path to a file"),
    ("nosuch", "nosuch: no bundled schema of that name (bundled: england, england-referral, wales, "
               "wales-referral); give a path to a file"),
])
def test_a_bundled_name_misspelt_is_named_or_the_bundled_ones_listed(invoke: Invoke, name: str, said: str) -> None:
    result = invoke("check", SAMPLE, "--schema", name)
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [f"Error: {said}"]


def test_no_value_is_shown_however_many_mistakes(tmp_path: Path) -> None:
    with pytest.raises(SchemaErrors) as raised:
        load_schema(_write(tmp_path, """\
name: council
extends: wales-referral
Zebedee Quarrington: 1
fields:
  team: {type: 12 Acacia Avenue}
rules:
  - id: decision_date.timely
    severity: Zebedee Quarrington
    kind: Zebedee Quarrington
"""))
    text = str(raised.value)
    assert len(text.splitlines()) == 4
    for value in ("Zebedee", "Quarrington", "Acacia"):
        assert value not in text
