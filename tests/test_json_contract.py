"""The JSON report keeps the contract in docs/report-json.md, on the real sample data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from refcheck.checks import bind_rules
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke

DOC = Path(__file__).resolve().parents[1] / "docs" / "report-json.md"


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from click.testing import CliRunner

    from refcheck.cli import cli

    out = tmp_path_factory.mktemp("json") / "report.json"
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--as-of", SAMPLE_AS_OF.isoformat(), "--json", str(out)])
    assert result.exit_code in (ExitCode.PASSED, ExitCode.FINDINGS), result.output
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def test_top_level_keys_and_types(sample_report: dict[str, Any]) -> None:
    assert set(sample_report) == {
        "refcheck_version", "schema", "as_of", "fail_on", "strict", "source", "warnings", "passed", "worst_severity",
        "teams", "rules",
    }
    assert sample_report["schema"] == {"name": "wales-referral", "version": 1, "extends": []}
    assert sample_report["as_of"] == SAMPLE_AS_OF.isoformat()
    assert sample_report["strict"] is False
    assert sample_report["warnings"] == []  # the sample's fields all read well
    assert sample_report["worst_severity"] in ("error", "warning", None)
    assert isinstance(sample_report["passed"], bool)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", sample_report["refcheck_version"])


def test_rows_add_up(sample_report: dict[str, Any]) -> None:
    source = sample_report["source"]
    assert source["rows_read"] == source["rows_checked"] + source["rows_unreadable"] > 0
    assert sum(team["rows"] for team in sample_report["teams"]) == source["rows_checked"]


def test_every_rule_of_the_schema_appears_in_order(sample_report: dict[str, Any]) -> None:
    expected = [rule.id for rule in bind_rules(load_schema("wales-referral"))]
    assert [rule["id"] for rule in sample_report["rules"]] == expected


def test_rule_entries_follow_the_documented_shape(sample_report: dict[str, Any]) -> None:
    teams = [team["team"] for team in sample_report["teams"]]
    assert "(no team)" in teams
    documented = set(re.findall(r"`rules\[\]\.(\w+)`", DOC.read_text()))
    for rule in sample_report["rules"]:
        assert set(rule) == documented, rule["id"]
        assert [count["team"] for count in rule["by_team"]] == teams
        assert sum(count["checked"] for count in rule["by_team"]) == rule["checked"]
        assert sum(count["failed"] for count in rule["by_team"]) == rule["failed"]
        assert 0 <= rule["failed"] <= rule["checked"] <= sample_report["source"]["rows_checked"]
        assert rule["status"] == "run"
        assert rule["severity"] in ("error", "warning")


def test_passed_agrees_with_the_exit_code_and_fail_on(tmp_path: Path, invoke: Invoke) -> None:
    for fail_on, expected_code in (("never", ExitCode.PASSED), ("error", ExitCode.FINDINGS)):
        result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-", "--fail-on", fail_on)
        report = json.loads(result.stdout)
        assert result.exit_code == expected_code
        assert report["passed"] is (expected_code == ExitCode.PASSED)
        assert report["fail_on"] == fail_on


def test_every_documented_top_level_key_is_in_the_report(sample_report: dict[str, Any]) -> None:
    documented = {key.split(".")[0] for key in re.findall(r"^\| `([a-z_.]+)`", DOC.read_text(), re.MULTILINE)}
    assert documented == set(sample_report)


def test_reports_validate_against_the_published_json_schema(sample_report: dict[str, Any], tmp_path: Path,
                                                            invoke: Invoke) -> None:
    import jsonschema

    schema = json.loads((DOC.parent / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sample_report, schema)
    ragged = tmp_path / "extract.csv"
    ragged.write_text(SAMPLE.read_text().splitlines()[0] + "\nR1,only,three\n")
    result = invoke("check", ragged, "--json", "-", "--fail-on", "never", "--min-rows", "0")  # its one row unreadable
    report = json.loads(result.stdout)
    jsonschema.validate(report, schema)
    assert report["source"]["unreadable"] == [{"line": 2, "reason": "3 fields where the header has 23"}]
