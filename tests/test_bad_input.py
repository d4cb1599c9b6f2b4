"""Issue #4's bad-input list, case by case: the exact message and exit code, or the unreadable-row record."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from tests.conftest import Invoke
from tests.test_extract_errors import HEADER, ROW


def _report(invoke: Invoke, path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-", *extra)
    assert result.exit_code in (0, 1), result.output
    report: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return report


def test_undecodable_bytes_under_forced_utf8_make_that_row_unreadable(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    bad_row = ROW.replace("R1,", "R2,", 1).replace("School", "Sch\xe9ol").encode("cp1252")
    path.write_bytes((HEADER + "\n" + ROW + "\n").encode() + bad_row + b"\n")
    source = _report(invoke, path, "--encoding", "utf-8")["source"]
    assert source["unreadable"] == [{"line": 3, "reason": "bytes that are not valid UTF-8"}]
    assert (source["rows_read"], source["rows_checked"]) == (2, 1)
    assert _report(invoke, path)["source"]["rows_checked"] == 2  # sniffed: Windows-1252, all readable


@pytest.mark.parametrize(("value", "why"), [
    ("45762", "an Excel serial number"), ("17/04/25", "a two-digit year"), ("0201-04-17", "an absurd year"),
    ("04/17/2025", "a US date"), ("2025-04-17 9:30", "a one-digit hour"),
])
def test_dates_that_are_not_real_dates_fail_the_type_rule_and_count_as_blank(tmp_path: Path, invoke: Invoke,
                                                                              value: str, why: str) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + ROW.replace("2015-02-01", value, 1) + "\n")
    rules = {rule["id"]: rule for rule in _report(invoke, path)["rules"]}
    assert (rules["date_of_birth.type"]["checked"], rules["date_of_birth.type"]["failed"]) == (1, 1), why
    assert rules["date_of_birth.required"]["failed"] == 1, why
    assert rules["date_of_birth.under_18"]["checked"] == 0, why


def test_a_ten_megabyte_field_is_read(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    big = "word " * (2 * 1024 * 1024)
    path.write_text(HEADER + "\n" + ROW.replace("School reports bruising on the arm", big.strip()) + "\n" + ROW + "\n")
    report = _report(invoke, path)
    assert report["source"]["rows_checked"] == 2
    assert big[:50] not in json.dumps(report)


def test_mapped_columns_missing_are_named_with_their_field(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + ROW + "\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("fields:\n  team: {column: Team Name}\n  worker_id: {column: Worker}\n")
    result = invoke("check", path, "--mapping", mapping)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: missing columns: Team Name (team), Worker (worker_id)"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_that_cannot_be_opened(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n")
    path.chmod(0)
    result = invoke("check", path)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: cannot be read (Permission denied)"]


def test_a_file_that_is_only_a_header_of_blank_lines(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("\n\n   \n")
    result = invoke("check", path)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: is empty; expected a CSV file with a header row"]


def test_a_path_that_cannot_be_opened_as_a_file(tmp_path: Path, invoke: Invoke) -> None:
    import socket

    path = tmp_path / "extract.csv"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # a socket: there, but no file to read, even for root
        result = invoke("check", path)
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {path}: is not a regular file (a FIFO, socket or device); "
                                          "give a file, or - to read standard input"]


def test_a_quote_inside_a_value_that_makes_rows_run_together_names_its_line(tmp_path: Path, invoke: Invoke) -> None:
    # Each line's quotes balance, so no record is taken as spanning lines; but the quote inside
    # "Alp"ha" is a literal one, so CSV reads the quote before "W1" as opening a value that runs on:
    # the rows are split as Python's csv module splits them, that record unreadable at its line.
    import csv

    rows = [ROW.replace("R1,", f"R{n},", 1) for n in range(1, 31)]
    rows[9] = rows[9].replace(",Alpha,W1,", ',Alp"ha,"W1,', 1)
    rows[19] = rows[19].replace(",Alpha,W1,", ',Alpha",W1",', 1)
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-")
    assert result.exit_code == ExitCode.PASSED, result.output
    source = json.loads(result.stdout)["source"]
    with path.open(newline="") as handle:
        records = list(csv.reader(handle))[1:]
    assert source["rows_read"] == len(records) == 20  # lines 11 to 21 are one record
    assert source["unreadable"] == [{"line": 11, "reason": f"{len(records[9])} fields where the header has 23"}]
