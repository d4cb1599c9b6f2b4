"""A bad extract is one clear line naming the file, and exit code 4; no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refcheck.checks.readers.columns import OTHER_MAPPING_HINT, OTHER_SYSTEM_HINT
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from tests.conftest import Invoke

FIELDS = list(load_schema("wales-referral").fields)
HEADER = ",".join(FIELDS)
ROW = (
    "R1,C1,9434765919,2015-02-01,,1,WBRI,CF10 1AA,2025-04-17 09:00,1A,N1,School reports bruising on the arm,"
    "Alpha,W1,2025-04-17 12:00,ASSESS,2025-04-18,2025-05-01,2025-05-02,,,,"
)


def _bad(invoke: Invoke, path: Path | str, expected: str) -> None:
    result = invoke("check", path, "--as-of", "2025-06-30")
    assert result.exit_code == ExitCode.BAD_EXTRACT, result.output
    assert result.stderr.splitlines() == [f"Error: {expected}"]
    assert result.stdout == ""


def test_missing_file(tmp_path: Path, invoke: Invoke) -> None:
    _bad(invoke, tmp_path / "nope.csv", f"{tmp_path / 'nope.csv'}: no such file")


def test_directory(tmp_path: Path, invoke: Invoke) -> None:
    _bad(invoke, tmp_path, f"{tmp_path}: is a directory, not an extract")


def test_binary_file_is_not_csv(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    _bad(invoke, path, f"{path}: is not a CSV file (it holds binary data)")


def test_empty_file(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("")
    _bad(invoke, path, f"{path}: is empty; expected a CSV file with a header row")


def test_text_that_is_not_a_referral_csv_names_every_missing_column(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text('{"referrals": []}\n')
    _bad(invoke, path, f"{path}: missing columns: {', '.join(FIELDS)}{OTHER_SYSTEM_HINT}")


def test_another_systems_headers_suggest_drafting_a_mapping_and_show_no_value(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "theirs.csv"
    theirs = [f"Their {name.replace('_', ' ').title()}" for name in FIELDS[:8]] + FIELDS[8:11]
    path.write_text(",".join(theirs) + "\n" + ",".join(["SENTINEL-VALUE-7"] * len(theirs)) + "\n")
    missing = ", ".join(name for name in FIELDS if name not in theirs)
    _bad(invoke, path, f"{path}: missing columns: {missing}{OTHER_SYSTEM_HINT}")
    assert "refcheck init --from" in OTHER_SYSTEM_HINT and "--mapping" in OTHER_SYSTEM_HINT


def test_a_mapping_whose_columns_are_mostly_missing_says_to_check_the_mapping(tmp_path: Path,
                                                                             invoke: Invoke) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("fields:\n" + "".join(f"  {name}: {{column: Col {n}}}\n" for n, name in enumerate(FIELDS)))
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + ROW + "\n")
    result = invoke("check", path, "--as-of", "2025-06-30", "--mapping", mapping)
    assert result.exit_code == ExitCode.BAD_EXTRACT, result.output
    missing = ", ".join(f"Col {n} ({name})" for n, name in enumerate(FIELDS))
    assert result.stderr.splitlines() == [f"Error: {path}: missing columns: {missing}{OTHER_MAPPING_HINT}"]


def test_missing_columns_are_all_named(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    header = [name for name in FIELDS if name not in ("postcode", "icpc_date")]
    path.write_text(",".join(header) + "\n")
    _bad(invoke, path, f"{path}: missing columns: postcode, icpc_date")


def test_duplicate_header(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + ",team\n" + ROW + ",Beta\n")
    _bad(invoke, path, f"{path}:1: duplicate column 'team' in the header")


def test_header_only_checks_nothing_and_passes(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n")
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-", "--min-rows", "0")  # expected empty
    assert result.exit_code == ExitCode.PASSED, result.output
    report = json.loads(result.stdout)
    assert report["source"]["rows_read"] == 0 and report["passed"] is True


def test_extra_columns_are_ignored_and_padding_in_headers_is_trimmed(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("child_name, " + HEADER.replace(",", " , ") + "\nSENTINEL-NAME," + ROW + "\n")
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert json.loads(result.stdout)["source"]["rows_checked"] == 1
    assert "SENTINEL-NAME" not in result.output


def test_a_field_not_collected_reports_its_rules_as_not_run(tmp_path: Path, invoke: Invoke) -> None:
    schema = tmp_path / "council.yaml"
    schema.write_text("name: council\nextends: wales-referral\nfields:\n  nhs_number: {collected: false}\n")
    path = tmp_path / "extract.csv"
    path.write_text(",".join(n for n in FIELDS if n != "nhs_number") + "\n" + ROW.replace(",9434765919,", ",") + "\n")
    result = invoke("check", path, "--schema", schema, "--as-of", "2025-06-30", "--json", "-")
    assert result.exit_code == ExitCode.PASSED, result.output
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["rules"]}
    assert rules["nhs_number.valid"]["status"] == "not_run"
    assert rules["nhs_number.valid"]["checked"] == 0
    assert rules["child_id.required"]["status"] == "run"
    assert "Not run (field not collected): nhs_number.valid" in result.stderr


@pytest.mark.parametrize("as_of", ["2025-02-30", "yesterday"])
def test_bad_as_of_is_a_usage_error(tmp_path: Path, invoke: Invoke, as_of: str) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n")
    result = invoke("check", path, "--as-of", as_of)
    assert result.exit_code == ExitCode.USAGE
    assert f"Invalid value for '--as-of': '{as_of}' is not a date in the form YYYY-MM-DD" in result.stderr


def test_byte_order_mark_and_windows_line_endings_are_read(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + ROW + "\r\n" + ROW.replace("R1,", "R2,", 1) + "\r\n").encode())
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-")
    assert result.exit_code == ExitCode.PASSED, result.output
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["rules"]}
    assert rules["closure_reason.valid"]["checked"] == 0  # the last column did not keep a '\r'
    assert rules["referral_id.required"]["checked"] == 2


def test_quoted_values_with_commas_and_newlines_stay_one_row(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    quoted = ROW.replace("School reports bruising on the arm", '"School reports, at 9am,\nbruising on the arm"')
    path.write_text(HEADER + "\n" + quoted + "\n")
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert json.loads(result.stdout)["source"]["rows_read"] == 1
