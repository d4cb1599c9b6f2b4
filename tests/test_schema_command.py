"""refcheck schema check and refcheck schema show."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.checks import bind_rules
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from tests.conftest import Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)


def _essence(name: str | Path) -> tuple[object, ...]:
    schema = load_schema(name)
    rules = [(r.id, r.kind, r.severity, r.category, r.message, r.hint, r.field, r.tolerance)
             for r in bind_rules(schema)]
    return (schema.name, schema.record_id, schema.group_by, schema.worker, schema.calendar,
            {n: (f.type, f.label, f.collected) for n, f in schema.fields.items()},  # codes: now in the rules
            {n: dict(c.codes) for n, c in schema.codes.items()}, sorted(rules, key=str), schema.scorecard,
            schema.mapping)


@pytest.mark.parametrize("name", ["wales-referral", "england-referral"])
def test_the_resolved_schema_is_a_schema_with_the_same_rules(tmp_path: Path, invoke: Invoke, name: str) -> None:
    result = invoke("schema", "show", "--schema", name, "--resolved")
    assert result.exit_code == 0
    path = tmp_path / "resolved.yaml"
    path.write_text(result.stdout)
    original, again = _essence(name), _essence(path)
    assert original[0] == again[0] and original[3:] == again[3:]
    assert "extends" not in result.stdout.split("\n", 2)[2]  # everything is spelled out


def test_show_prints_the_schema_as_written(invoke: Invoke) -> None:
    result = invoke("schema", "show", "--schema", "england-referral")
    assert result.stdout.startswith("# The England variant")


def test_schema_check_says_what_it_found(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "council.yaml"
    path.write_text("name: council\nversion: 3\nextends: wales-referral\n")
    result = invoke("schema", "check", path)
    assert result.exit_code == 0
    assert result.stdout == (f"{path}: valid schema 'council' v3 (extends wales-referral): 23 fields, 43 rules, "
                             "9 headline figures\n")


def test_schema_check_fails_with_the_line(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "council.yaml"
    path.write_text("name: council\nextends: wales-referral\nrules:\n  - id: decision_date.timely\n"
                    "    params: {days: -1}\n")
    result = invoke("schema", "check", path)
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [
        "Error: council.yaml:5: rules[0].params.days: expected a whole number of 0 or more; got '-1'"]


def test_an_integer_fields_type_rule_reads_an_integer(tmp_path: Path) -> None:
    schema = tmp_path / "council.yaml"
    schema.write_text("extends: wales-referral\nfields:\n  visits: {type: integer, label: Visits}\n")
    rules = {rule.id: rule for rule in bind_rules(load_schema(schema))}
    assert rules["visits.type"].message == "Visits cannot be read as an integer"
    assert rules["date_of_birth.type"].message == "Date of birth cannot be read as a date"
