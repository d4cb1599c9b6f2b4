"""Rows that cannot be read never stop the run: they are listed by line, with a reason, and counted."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from refcheck.cli import ExitCode
from tests.conftest import Invoke
from tests.test_extract_errors import FIELDS, HEADER, ROW


def _write(tmp_path: Path, lines: list[str], newline: str = "\n") -> Path:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + newline + newline.join(lines) + newline)
    return path


def _check(invoke: Invoke, path: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = invoke("check", path, "--as-of", "2025-06-30", "--json", "-", *extra)
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


def test_too_many_and_too_few_fields_are_unreadable_with_their_lines(tmp_path: Path, invoke: Invoke) -> None:
    good = [ROW.replace("R1,", f"R{i},", 1) for i in range(1, 5)]
    lines = [good[0], good[1] + ",extra", good[2].rsplit(",", 3)[0], good[3]]
    code, report = _check(invoke, _write(tmp_path, lines))
    assert code == ExitCode.PASSED
    source = report["source"]
    assert (source["rows_read"], source["rows_checked"], source["rows_unreadable"]) == (4, 2, 2)
    assert source["unreadable"] == [
        {"line": 3, "reason": "24 fields where the header has 23"},
        {"line": 4, "reason": "20 fields where the header has 23"},
    ]
    rules = {rule["id"]: rule for rule in report["rules"]}
    assert rules["referral_id.required"]["checked"] == 2


def test_quoted_newlines_keep_line_numbers_right_and_blank_lines_are_skipped(tmp_path: Path,
                                                                            invoke: Invoke) -> None:
    quoted = ROW.replace("R1,", "R2,", 1).replace("School reports bruising on the arm", '"School reports,\nbruising"')
    lines = [ROW, quoted, "", ROW.replace("R1,", "R3,", 1) + ",x", "", ROW.replace("R1,", "R4,", 1)]
    code, report = _check(invoke, _write(tmp_path, lines, newline="\r\n"))
    assert code == ExitCode.PASSED
    assert report["source"]["rows_read"] == 4 and report["source"]["rows_checked"] == 3
    assert report["source"]["unreadable"] == [{"line": 6, "reason": "24 fields where the header has 23"}]


def test_unreadable_rows_file_and_the_limit(tmp_path: Path, invoke: Invoke) -> None:
    lines = [ROW, ROW.replace("R1,", "R2,", 1) + ",x", "R3,only,three"]
    path = _write(tmp_path, lines)
    out = tmp_path / "unreadable.csv"
    code, _ = _check(invoke, path, "--unreadable", str(out), "--max-unreadable", "2")
    assert code == ExitCode.PASSED
    assert pl.read_csv(out).rows() == [
        (3, "24 fields where the header has 23"), (4, "3 fields where the header has 23")]
    assert "R2" not in out.read_text()
    result = invoke("check", path, "--max-unreadable", "50%")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [
        f"Error: {path}: 2 of 3 rows could not be read, more than --max-unreadable 50% allows; "
        "--unreadable FILE lists them"]
    result = invoke("check", path, "--max-unreadable", "lots")
    assert result.exit_code == ExitCode.USAGE and "'lots' is not a count or a share such as 1%" in result.stderr


def test_the_terminal_names_the_first_unreadable_lines(tmp_path: Path, invoke: Invoke) -> None:
    path = _write(tmp_path, [ROW, "x,y"])
    result = invoke("check", path, "--as-of", "2025-06-30")
    assert "1 row could not be read (line 3)" in result.stdout


def test_a_stray_quote_stops_the_run_rather_than_misreading_rows(tmp_path: Path, invoke: Invoke) -> None:
    stray = ROW.replace("R1,", "R2,", 1).replace("School reports bruising", 'School says 5" bruise')
    path = _write(tmp_path, [ROW, stray, ROW.replace("R1,", "R3,", 1), ROW.replace("R1,", "R4,", 1)])
    result = invoke("check", path)
    if result.exit_code == ExitCode.BAD_EXTRACT:
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: {path}:3: a quote here does not close")
    else:  # Polars and the layout agree on where rows end: then every row is accounted for
        report = json.loads(invoke("check", path, "--json", "-").stdout)
        assert report["source"]["rows_read"] == 4


def test_records_over_several_lines_anywhere_keep_every_row_and_line_right(tmp_path: Path) -> None:
    # Python's csv module is the reference: which records it reads, from which line, with how many fields.
    import csv
    import datetime as dt
    import random

    from refcheck.checks import validate

    chance = random.Random(6)
    records = []
    for number in range(1, 400):
        # gender X: gender.valid fails on every record that is read
        fields = ROW.replace("R1,", f"R{number},", 1).replace(",1,WBRI,", ",X,WBRI,").split(",")
        draw = chance.random()
        if draw < 0.15:
            fields[11] = '"School reports,\n\nbruising\non the arm"'  # over several lines, one of them blank
        elif draw < 0.2:
            fields[11] = '"says ""hurt""\nat home"'
        elif draw < 0.25:
            fields.append("extra")
        elif draw < 0.3:
            fields = fields[:5]
        elif draw < 0.35:
            records.append("")
        elif draw < 0.4:
            fields[11:12] = ['"School reports\nbruising"', "extra"]
        records.append(",".join(fields))
    for newline in ("\n", "\r\n"):
        path = tmp_path / "extract.csv"
        path.write_bytes((HEADER + newline + newline.join(records) + newline).replace("\n", newline)
                         .replace("\r\r\n", "\r\n").encode())
        with path.open(newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            expected, start = [], reader.line_num + 1
            for row in reader:
                if row:
                    expected.append((start, len(row)))
                start = reader.line_num + 1
        report = validate(path, as_of=dt.date(2025, 6, 30), findings=True)
        assert report.findings is not None
        good = [line for line, width in expected if width == len(FIELDS)]
        assert report.unreadable.rows() == [(line, f"{width} fields where the header has {len(FIELDS)}")
                                            for line, width in expected if width != len(FIELDS)]
        assert report.findings.filter(pl.col("rule_id") == "gender.valid")["line"].to_list() == good
        assert report.source.rows_read == len(expected) and report.source.rows_checked == len(good)


def test_a_quote_inside_free_text_never_moves_it_into_the_team_column(tmp_path: Path, invoke: Invoke) -> None:
    # The csv module reads each of these records with 24 fields: a quote is quoting only at a field's start.
    lines = [
        ROW,
        ROW.replace("R1,", "R2,", 1).replace("School reports bruising on the arm", 'Called by "aunt, she said" today'),
        ROW.replace("R1,", "R3,", 1).replace("School reports bruising on the arm", ' "bruising, arm"'),
        ROW.replace("R1,", "R4,", 1),
    ]
    code, report = _check(invoke, _write(tmp_path, lines))
    assert code == ExitCode.PASSED
    source = report["source"]
    assert (source["rows_read"], source["rows_checked"], source["rows_unreadable"]) == (4, 2, 2)
    assert source["unreadable"] == [{"line": 3, "reason": "24 fields where the header has 23"},
                                    {"line": 4, "reason": "24 fields where the header has 23"}]
    assert [team["team"] for team in report["teams"]] == ["Alpha"]
