"""JUnit XML, read back by a real JUnit consumer (junitparser)."""

from __future__ import annotations

import json
from pathlib import Path

from junitparser import Failure, JUnitXml, Skipped

from refcheck.cli import ExitCode
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke


def test_one_testsuite_per_category_and_one_testcase_per_rule(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--junit", tmp_path / "junit.xml",
                    "--json", tmp_path / "report.json")
    assert result.exit_code == ExitCode.FINDINGS
    report = json.loads((tmp_path / "report.json").read_text())
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {rule["category"] for rule in report["rules"]}
    cases = {case.name: case for suite in xml for case in suite}
    assert set(cases) == {rule["id"] for rule in report["rules"]} and len(cases) == len(report["rules"])
    for rule in report["rules"]:
        outcomes = cases[rule["id"]].result
        gated = rule["breached"] and rule["severity"] == "error"
        assert any(isinstance(outcome, Failure) for outcome in outcomes) == gated, rule["id"]
        if gated:
            failure = next(outcome for outcome in outcomes if isinstance(outcome, Failure))
            assert f"{rule['failed']:,} of {rule['checked']:,} rows failed" in failure.message
            for team in rule["by_team"]:
                if team["failed"]:
                    assert f"{team['team']}: {team['failed']:,} of {team['checked']:,}" in failure.text
    assert xml.failures == sum(1 for rule in report["rules"] if rule["breached"] and rule["severity"] == "error")


def test_fail_on_warning_fails_warnings_too_and_never_fails_nothing(tmp_path: Path, invoke: Invoke) -> None:
    invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--junit", tmp_path / "w.xml", "--fail-on", "warning")
    invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--junit", tmp_path / "n.xml", "--fail-on", "never")
    warning, never = JUnitXml.fromfile(str(tmp_path / "w.xml")), JUnitXml.fromfile(str(tmp_path / "n.xml"))
    assert warning.failures > 0 and never.failures == 0


def test_rules_not_run_are_skipped_and_no_record_value_appears(tmp_path: Path, invoke: Invoke) -> None:
    schema = tmp_path / "council.yaml"
    schema.write_text("name: council\nextends: wales-referral\nfields:\n  nhs_number: {collected: false}\n")
    invoke("check", SAMPLE, "--schema", schema, "--junit", tmp_path / "junit.xml")
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    skipped = [case.name for suite in xml for case in suite if any(isinstance(r, Skipped) for r in case.result)]
    assert skipped == ["nhs_number.valid"]
    text = (tmp_path / "junit.xml").read_text()
    assert "R0100" not in text and "C00" not in text  # no record or child ids
