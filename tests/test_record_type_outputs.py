"""A run of several record types: another record type's unreadable dates warn, a rule not run says why in
JUnit, and a folder that cannot be matched to record types is the same usage error for every command."""

from __future__ import annotations

import shutil
from pathlib import Path

from refcheck.checks import validate
from refcheck.cli import ExitCode
from tests.conftest import Invoke

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _sample(tmp_path: Path, *names: str) -> Path:
    where = tmp_path / "extract"
    where.mkdir()
    for name in names:
        shutil.copy(SAMPLE / name, where / name)
    return where


def test_visit_dates_that_cannot_be_read_warn_naming_the_record_type(tmp_path: Path) -> None:
    where = _sample(tmp_path, "referrals.csv", "cp_plans.csv")
    lines = (SAMPLE / "cp_visits.csv").read_text().splitlines()
    header = lines[0].split(",")
    at = header.index("visit_date")
    spoilt = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[at] = "99.99.9999" if cells[at] else cells[at]
        spoilt.append(",".join(cells))
    (where / "cp_visits.csv").write_text("\n".join(spoilt) + "\n")
    import datetime as dt

    report = validate(where, "wales", as_of=dt.date(2026, 11, 20))
    visits = [warning for warning in report.warnings if warning.field == "visit_date"]
    assert len(visits) == 1 and visits[0].share == 1.0
    assert visits[0].message.startswith("cp_visits: ")
    assert "99.99.9999" in visits[0].message  # the masked form, never a value


def test_junit_says_why_a_rule_of_a_record_type_not_supplied_was_not_run(tmp_path: Path, invoke: Invoke) -> None:
    where = _sample(tmp_path, "referrals.csv", "cp_plans.csv", "cp_visits.csv")
    result = invoke("check", where, "--schema", "wales", "--as-of", "2026-11-20", "--junit", "-")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert 'name="cp_reviews.review_id.required"' in result.stdout
    assert 'message="cp_reviews not supplied"' in result.stdout


def test_two_files_for_one_record_type_is_a_usage_error_for_scorecard_as_for_check(
        tmp_path: Path, invoke: Invoke) -> None:
    where = _sample(tmp_path, "referrals.csv", "cp_plans.csv")
    shutil.copy(SAMPLE / "cp_plans.csv", where / "CP_PLANS.txt")
    checked = invoke("check", where, "--schema", "wales", "--as-of", "2026-11-20")
    scored = invoke("scorecard", where, "--schema", "wales", "--as-of", "2026-11-20", "--out", tmp_path / "out",
                    "--no-history")
    assert checked.exit_code == scored.exit_code == ExitCode.USAGE, (checked.output, scored.output)
    assert "two files for record type cp_plans" in scored.output
    assert "Traceback" not in scored.output


def test_schema_check_counts_every_record_types_fields_and_rules(invoke: Invoke) -> None:
    from refcheck.checks.rules import bind_record_types
    from refcheck.schemas import load_schema

    schema = load_schema("wales")
    rules = sum(len(bound) for bound in bind_record_types(schema).values())
    fields = sum(len(record.fields) for record in schema.record_types)
    result = invoke("schema", "check", "wales")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert (f"4 record types (referrals, cp_plans, cp_visits, cp_reviews), {fields} fields, {rules} rules"
            in result.output)
    single = invoke("schema", "check", "wales-referral")
    assert "record type" not in single.output


def test_a_schemas_control_characters_never_reach_a_worklist(tmp_path: Path, invoke: Invoke) -> None:
    where = _sample(tmp_path, "referrals.csv")
    schema = tmp_path / "hostile.yaml"
    schema.write_text("name: hostile\nversion: 1\nextends: wales-referral\n"
                      'fields: {referral_id: {label: "Referral\\x1b[31m ID"}}\n'
                      'rules: [{id: referral_id.unique, hint: "Merge\\u202e them\\x07"}]\n')
    result = invoke("scorecard", where / "referrals.csv", "--schema", schema, "--as-of", "2026-11-20", "--out",
                    tmp_path / "out", "--no-history")
    assert result.exit_code in (ExitCode.PASSED, ExitCode.FINDINGS), result.output
    written = [path.read_text(encoding="utf-8") for path in (tmp_path / "out" / "worklists").glob("*.csv")]
    assert written and all(not any(char in text for char in "\x1b\u202e\x07") for text in written)
    assert any("Referral\\x1b[31m ID" in text for text in written)  # shown as its escape, as the terminal shows it


def test_a_folder_too_small_for_min_rows_is_named_as_the_folder_by_scorecard_as_by_check(
        tmp_path: Path, invoke: Invoke) -> None:
    where = _sample(tmp_path, "referrals.csv", "cp_plans.csv")
    for command, more in (("check", []), ("scorecard", ["--out", tmp_path / "out", "--no-history"])):
        result = invoke(command, where, "--schema", "wales", "--as-of", "2026-11-20", "--min-rows", "1000000", *more)
        assert result.exit_code == ExitCode.BAD_EXTRACT, result.output
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(f"Error: {where}:") and "referrals.csv" not in last, (command, last)
