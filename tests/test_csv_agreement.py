"""Every CSV record is split exactly as Python's csv module splits it, or counted unreadable with its line.

The csv module (RFC 4180: ``"`` quotes, a doubled quote escapes one, quotes are special only at a
field's start, a carriage return alone ends a line) is the reference. Files are generated with
quotes, separators, spaces, CR, LF and CRLF in every position, and read both ways refcheck reads
a CSV (rows screened after reading, as a check does, and counted before, as ``profile`` does).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.checks.readers.csv_source import line_shapes
from refcheck.checks.readers.extract import LINE, open_extract

Row = tuple[int, tuple[str, ...]]


def expected(text: str, width: int) -> tuple[list[Row], list[int]]:
    """The csv module's readable records (first line, values) and unreadable records' first lines.

    Lines are counted at LF, as ``grep -n`` does; a record that is only whitespace is a blank line.
    """
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for piece in io.StringIO(text, newline=""):
            consumed.append(piece)
            yield piece

    reader = csv.reader(lines())
    next(reader)
    done = len(consumed)
    readable, unreadable = [], []
    for row in reader:
        record, line = "".join(consumed[done:]), "".join(consumed[:done]).count("\n") + 1
        done = len(consumed)
        if record.strip(" \r\n") == "":
            continue
        if len(row) == width:
            readable.append((line, tuple(row)))
        else:
            unreadable.append(line)
    return readable, unreadable


def read(path: Path, *, screen_after: bool) -> tuple[list[Row], list[int]]:
    """refcheck's readable records (line, values; blank as '') and unreadable lines."""
    extract = open_extract(path, screen_after=screen_after)
    try:
        rows = extract.frame.collect(engine="streaming")
        if extract.screen is not None:
            rows, unreadable = extract.screen.split(rows)
        else:
            assert extract.unreadable is not None
            unreadable = extract.unreadable.collect()
    finally:
        extract.close()
    values = rows.select(pl.exclude(LINE).fill_null(""))
    readable = list(zip(rows[LINE].to_list(), values.rows(), strict=True))
    return readable, sorted(unreadable["line"].to_list())


def check_agreement(text: str, width: int) -> None:
    """Both readings give the csv module's records, values and lines, and rows read = checked + unreadable."""
    want_readable, want_unreadable = expected(text, width)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(text.encode())
        for screen_after in (True, False):
            readable, unreadable = read(path, screen_after=screen_after)
            assert readable == want_readable, screen_after
            assert unreadable == sorted(want_unreadable), screen_after


HEADERS = st.sampled_from(["a,b,c", "a,b", '"a",b,"c,d"', 'x"y,b, "c'])
PIECES = st.sampled_from(["x", "é", " ", ",", '"', '""', "\r", "\n", "\r\n", "a b", '"q,r"', ",,"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(HEADERS, st.sampled_from(["\n", "\r\n"]), st.lists(PIECES, max_size=40))
def test_any_text_is_read_as_the_csv_module_reads_it(header: str, end: str, pieces: list[str]) -> None:
    width = len(next(csv.reader([header])))
    check_agreement(header + end + "".join(pieces), width)


def test_a_quote_inside_a_value_never_moves_text_into_another_column(tmp_path: Path) -> None:
    text = ("id,reason,team\n"
            'R1,Called by "aunt, she said" today,Bridgend\n'
            'R2, "a,b",Cardiff\n'
            "R3,plain,Powys\n"
            'R4,Called by "aunt,Bridgend\n')
    check_agreement(text, 3)
    path = tmp_path / "extract.csv"
    path.write_text(text)
    readable, unreadable = read(path, screen_after=True)
    assert readable == [(4, ("R3", "plain", "Powys")), (5, ("R4", 'Called by "aunt', "Bridgend"))]
    assert unreadable == [2, 3]


def test_carriage_returns_alone_after_the_first_block_still_end_records(tmp_path: Path) -> None:
    rows = [f"R{number},reason {number},Team {number % 3}" for number in range(1, 6000)]
    text = "id,reason,team\n" + "\n".join(rows[:3000]) + "\n" + "\r".join(rows[3000:]) + "\r"
    assert len(text[: 64 * 1024].split("\r")) == 1
    check_agreement(text, 3)
    path = tmp_path / "extract.csv"
    path.write_text(text, newline="")
    readable, unreadable = read(path, screen_after=True)
    assert (len(readable), unreadable) == (5999, [])


VALUES = st.text(st.sampled_from(['x', 'é', ' ', ',', '"', '\r', '\n', ';']), max_size=6)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["\n", "\r\n"]),
       st.lists(st.lists(VALUES, min_size=2, max_size=4), max_size=30))
def test_files_written_as_rfc_4180_writes_them_are_read_by_polars_alone_and_alike(
        end: str, rows: list[list[str]]) -> None:
    text = "".join(_rfc_4180(row) + end for row in [["a", "b", "c"], *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(text.encode())
        assert line_shapes(path, ",").odd.is_empty()  # NOTE: no record goes to the csv module
    check_agreement(text, 3)


def _rfc_4180(values: list[str]) -> str:
    """A record as RFC 4180 writes it (Python's csv.writer leaves a lone CR unquoted with LF line ends)."""
    return ",".join('"' + value.replace('"', '""') + '"' if any(c in value for c in '",\r\n') else value
                    for value in values)
