"""``refcheck check DIR --schema S``: a folder of record types from the command line, and its JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from tests.conftest import Invoke
from tests.test_record_types import PLAN_ROWS, REFERRAL_ROWS, SCHEMA, VISIT_ROWS, folder

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture
def schema_path(tmp_path: Path) -> Path:
    path = tmp_path / "cp-test.yaml"
    path.write_text(SCHEMA)
    return path


def test_a_folder_is_checked_from_the_command_line_and_its_json_has_every_record_types_source(
        tmp_path: Path, schema_path: Path, invoke: Invoke) -> None:
    import jsonschema

    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS, **{"notes.txt": "x"})
    result = invoke("check", where, "--schema", schema_path, "--as-of", "2026-06-30", "--json", "-")
    assert result.exit_code == ExitCode.FINDINGS, result.output  # cp_plans.end_date.not_before_start: an error
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads((DOCS / "report.schema.json").read_text()))
    sources = report["sources"]
    assert list(sources) == ["referrals", "cp_plans", "cp_visits", "cp_reviews"]
    assert sources["cp_visits"] | {"rules": None, "not_run": None} == {
        "label": "Child protection visits", "supplied": True, "path": str(where / "cp_visits.csv"),
        "rows_read": 7, "rows_checked": 6, "rows_unreadable": 1,
        "unreadable": [{"line": 8, "reason": "2 fields where the header has 4"}], "rules": None, "not_run": None}
    assert sources["cp_reviews"]["supplied"] is False and sources["cp_reviews"]["path"] is None
    assert sources["cp_reviews"]["not_run"] == dict.fromkeys(sources["cp_reviews"]["rules"], "cp_reviews not supplied")
    assert report["source"]["path"] == str(where / "referrals.csv")
    assert sum(team["rows"] for team in report["teams"]) == report["source"]["rows_checked"] == 3
    ids = [rule["id"] for rule in report["rules"]]
    assert ids == [rule for source in sources.values() for rule in source["rules"]]
    lines = result.stderr.splitlines()
    assert ("Record types read: referrals (3 rows), cp_plans (5 rows), cp_visits (6 of 7 rows); "
            "not supplied: cp_reviews") in lines
    assert "cp_visits: 1 row could not be read (line 8)" in lines
    assert "Ignored (no record type by that name): notes.txt" in lines
    assert any(line.startswith("Not run (cp_reviews not supplied): cp_reviews.") for line in lines)
    assert ["team", "referrals", "completeness"] in [line.split()[:3] for line in lines]  # the team table's rows


def test_a_folder_of_none_of_the_record_types_is_one_line_and_exit_2(tmp_path: Path, schema_path: Path,
                                                                     invoke: Invoke) -> None:
    where = folder(tmp_path, **{"notes.txt": "x"})
    result = invoke("check", where, "--schema", schema_path)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines() == [
        f"Error: {where}: holds no file of the schema's record types; looked for referrals, cp_plans, cp_visits, "
        "cp_reviews, each as .csv, .parquet or .xlsx"]
    assert result.stdout == ""


def test_two_files_for_one_record_type_are_one_line_and_exit_2(tmp_path: Path, schema_path: Path,
                                                               invoke: Invoke) -> None:
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_visits=VISIT_ROWS, **{"cp_visits.parquet": "PAR1"})
    result = invoke("check", where, "--schema", schema_path)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines() == [
        f"Error: {where}: two files for record type cp_visits: cp_visits.csv and cp_visits.parquet; keep one"]


def test_unreadable_rows_of_every_record_type_are_listed_and_gated_per_record_type(
        tmp_path: Path, schema_path: Path, invoke: Invoke) -> None:
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    listed = tmp_path / "unreadable.csv"
    result = invoke("check", where, "--schema", schema_path, "--as-of", "2026-06-30", "--fail-on", "never",
                    "--unreadable", listed)
    assert result.exit_code == ExitCode.PASSED, result.output
    assert listed.read_text().splitlines() == ["record_type,line,reason",
                                               "cp_visits,8,2 fields where the header has 4"]
    gated = invoke("check", where, "--schema", schema_path, "--as-of", "2026-06-30", "--max-unreadable", "0")
    assert gated.exit_code == ExitCode.BAD_EXTRACT
    assert gated.stderr.splitlines() == [
        f"Error: {where / 'cp_visits.csv'}: 1 of 7 rows could not be read, more than --max-unreadable 0 allows; "
        "--unreadable FILE lists them"]


def test_a_folder_whose_files_hold_no_rows_fails_the_min_rows_gate(tmp_path: Path, schema_path: Path,
                                                                   invoke: Invoke) -> None:
    where = folder(tmp_path, referrals="referral_id,team\n", cp_plans="plan_id,team,start_date,end_date\n")
    result = invoke("check", where, "--schema", schema_path, "--as-of", "2026-06-30")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [
        f"Error: {where}: no rows were checked (0 read, 0 unreadable); pass --min-rows 0 if an empty extract is "
        "expected"]


def test_a_folder_without_the_primary_record_type_says_so_and_its_json_validates(
        tmp_path: Path, schema_path: Path, invoke: Invoke) -> None:
    import jsonschema

    where = folder(tmp_path, cp_plans=PLAN_ROWS)
    result = invoke("check", where, "--schema", schema_path, "--as-of", "2026-06-30", "--json", "-",
                    "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED, result.output
    lines = result.stderr.splitlines()
    assert lines[1] == f"{where}: referrals not supplied · as of 2026-06-30 · 5 teams"
    assert lines[2] == "Record types read: cp_plans (5 rows); not supplied: referrals, cp_visits, cp_reviews"
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads((DOCS / "report.schema.json").read_text()))
    assert report["source"] == {"path": str(where), "rows_read": 0, "rows_checked": 0, "rows_unreadable": 0,
                                "unreadable": []}
    assert report["sources"]["referrals"]["not_run"]["referral_id.required"] == "referrals not supplied"
    assert report["sources"]["cp_plans"]["not_run"] == {}


def test_a_sheet_named_for_a_record_type_is_read_as_that_record_type(tmp_path: Path, schema_path: Path,
                                                                     invoke: Invoke) -> None:
    import xlsxwriter

    book = tmp_path / "extract.xlsx"
    workbook = xlsxwriter.Workbook(book)
    for sheet, text in (("referrals", REFERRAL_ROWS), ("cp_plans", PLAN_ROWS)):
        worksheet = workbook.add_worksheet(sheet)
        for row, line in enumerate(text.splitlines()):
            for column, value in enumerate(line.split(",")):
                worksheet.write_string(row, column, value)
    workbook.close()
    result = invoke("check", book, "--schema", schema_path, "--as-of", "2026-06-30", "--sheet", "cp_plans",
                    "--json", "-")
    report = json.loads(result.stdout)
    assert [name for name, source in report["sources"].items() if source["supplied"]] == ["cp_plans"]
    assert report["sources"]["cp_plans"]["rows_checked"] == 5
