"""A workbook whose sheets name no record type is read as the primary, from its first sheet: the rest are listed.

Before, a schema of several record types read ``Sheet1`` as referrals and said nothing of ``Sheet2`` and
``Sheet3``, which may hold the plans and visits under names refcheck does not know.
"""

from __future__ import annotations

from pathlib import Path

from refcheck.cli import ExitCode
from tests.conftest import Invoke
from tests.test_record_types import PLAN_ROWS, REFERRAL_ROWS, SCHEMA


def test_the_sheets_not_read_are_listed_as_ignored(tmp_path: Path, invoke: Invoke) -> None:
    import xlsxwriter

    schema = tmp_path / "cp-test.yaml"
    schema.write_text(SCHEMA)
    book = tmp_path / "extract.xlsx"
    workbook = xlsxwriter.Workbook(book)
    for sheet, text in (("Sheet1", REFERRAL_ROWS), ("Sheet2", PLAN_ROWS), ("Plans (old)", PLAN_ROWS)):
        worksheet = workbook.add_worksheet(sheet)
        for row, line in enumerate(text.splitlines()):
            for column, value in enumerate(line.split(",")):
                worksheet.write_string(row, column, value)
    workbook.close()
    result = invoke("check", book, "--schema", schema, "--as-of", "2026-06-30", "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED, result.output
    lines = result.output.splitlines()
    assert lines[2].startswith("Record types read: referrals (")
    assert lines[3] == "Ignored (no record type by that name): Sheet2, Plans (old)"


def test_a_sheet_named_for_a_record_type_with_spaces_around_is_that_record_type(tmp_path: Path,
                                                                                invoke: Invoke) -> None:
    import xlsxwriter

    schema = tmp_path / "cp-test.yaml"
    schema.write_text(SCHEMA)
    book = tmp_path / "extract.xlsx"
    workbook = xlsxwriter.Workbook(book)
    for sheet, text in (("Referrals ", REFERRAL_ROWS), (" CP_Plans", PLAN_ROWS)):
        worksheet = workbook.add_worksheet(sheet)
        for row, line in enumerate(text.splitlines()):
            for column, value in enumerate(line.split(",")):
                worksheet.write_string(row, column, value)
    workbook.close()
    result = invoke("check", book, "--schema", schema, "--as-of", "2026-06-30", "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert result.output.splitlines()[2] == (
        "Record types read: referrals (3 rows), cp_plans (5 rows); not supplied: cp_visits, cp_reviews")
