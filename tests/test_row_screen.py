"""Unreadable rows found after reading (from line lengths) are exactly those a count of every line's fields finds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.checks.engine import run
from refcheck.checks.readers.extract import open_extract
from refcheck.checks.report import Report
from refcheck.checks.rules import bind_rules
from refcheck.schemas import load_schema
from tests.test_extract_errors import FIELDS, HEADER, ROW

SCHEMA = load_schema("wales-referral")
RULES = bind_rules(SCHEMA)
AS_OF = dt.date(2025, 6, 30)


def _both(path: Path) -> tuple[Report, Report]:
    """The report with rows screened after reading, and with every line's fields counted first."""
    reports = []
    for screen_after in (True, False):
        extract = open_extract(path, screen_after=screen_after)
        assert (extract.screen is not None) == screen_after
        reports.append(run(extract, SCHEMA, RULES, AS_OF, findings=True))
    return reports[0], reports[1]


def _same(screened: Report, counted: Report) -> None:
    assert screened.source == counted.source
    assert screened.unreadable.rows() == counted.unreadable.rows()
    assert [(r.rule.id, r.by_team) for r in screened.results] == [(r.rule.id, r.by_team) for r in counted.results]
    assert screened.findings is not None and counted.findings is not None
    assert screened.findings.equals(counted.findings)


def _row(number: int) -> str:
    return ROW.replace("R1,", f"R{number},", 1)


def test_the_ragged_rows_a_length_cannot_hide(tmp_path: Path) -> None:
    quoted = _row(5).replace("School reports bruising on the arm", '"School reports, ""bruising"""')
    lines = [
        _row(1),
        _row(2) + ",",                                   # one field too many, and it is empty
        _row(3).removesuffix(","),                       # one too few, though the missing one would be empty
        "   ",                                           # whitespace only: a blank line, skipped
        quoted,                                          # separators inside quotes are no fields
        quoted.replace("R5,", "R6,", 1) + ",x",          # a quoted row with one too many
        "",
        _row(7),
    ]
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n\n")
    screened, counted = _both(path)
    _same(screened, counted)
    assert screened.unreadable.rows() == [
        (3, "24 fields where the header has 23"),
        (4, "22 fields where the header has 23"),
        (7, "24 fields where the header has 23"),
    ]
    assert (screened.source.rows_read, screened.source.rows_checked) == (6, 3)
    assert screened.findings is not None
    assert set(screened.findings["record_id"]) <= {"R1", "R5", "R7"}


def test_windows_line_ends_are_no_extra_bytes_and_blank_lines_at_the_end_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes((HEADER + "\r\n" + _row(1) + "\r\n" + _row(2) + ",x\r\n" + _row(3) + "\r\n\r\n\r\n").encode())
    screened, counted = _both(path)
    _same(screened, counted)
    assert screened.unreadable.rows() == [(3, "24 fields where the header has 23")]
    assert (screened.source.rows_read, screened.source.rows_checked) == (3, 2)


VALUES = st.sampled_from(["", " ", "a,b", 'say "hi"', "x", "2025-04-17", "ÿ日本", ","]) | st.text(
    "ab ,\"1", max_size=6)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.lists(VALUES, min_size=len(FIELDS) - 2, max_size=len(FIELDS) + 2),
                          st.sampled_from([[], ["   "]])), max_size=25))
def test_any_mix_of_rows_is_screened_as_if_every_line_were_counted(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        if len(row) > 1:
            writer.writerow(row)
        else:
            buffer.write("".join(row) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        _same(*_both(path))
