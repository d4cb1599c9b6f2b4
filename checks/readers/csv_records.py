"""The records of a CSV that Polars might split otherwise than Python's csv module, read by the csv module.

A line without quotes or carriage returns splits alike in both readers, so Polars reads those;
every other record (from a line with a quote or a carriage return to wherever the csv module says
the record ends, over as many lines as it takes) is read here, in one pass over the file's lines
that hands the csv module only those records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError
from refcheck.checks.readers.csv_source import UNDECODABLE

_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class ModuleRecords:
    """What the csv module read: records of the header's width, unreadable ones, and the lines all of them took."""

    rows: pl.DataFrame
    """The header's columns, and ``line``: each record's first line in the file."""
    unreadable: pl.DataFrame
    """``line`` and ``reason``."""
    taken: pl.Series
    """The data lines (0 is the line after the header) these records, blank ones too, took."""


@dataclass(slots=True)
class _Feed:
    """The file's lines for ``csv.reader``: lines that Polars reads alike are skipped between records.

    Lines are split at LF, as Polars splits them and as they are numbered; each is then split at a
    carriage return alone, as the csv module's own file reading would.
    """

    path: Path
    between: bool = True
    first: int = 0
    """The data line where the record being read starts."""
    pieces: list[str] = field(default_factory=list)
    taken: list[int] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        with self.path.open("rb") as handle:
            handle.readline()
            for index, raw in enumerate(handle):
                if self.between and _plain(raw):
                    continue
                self.taken.append(index)
                for piece in io.StringIO(raw.decode("utf-8", errors="refcheck-mark"), newline=""):
                    if self.between:
                        self.first, self.between, self.pieces = index, False, []
                    self.pieces.append(piece)
                    yield piece

    def blank(self) -> bool:
        """Whether the record just read is one line of nothing but whitespace (a blank line, skipped)."""
        return len(self.pieces) == 1 and not self.pieces[0].strip()


def _plain(raw: bytes) -> bool:
    """Whether a line (its LF, and a CR before it, apart) has neither a quote nor a carriage return."""
    body = raw.removesuffix(b"\n").removesuffix(b"\r")
    return b'"' not in body and b"\r" not in body


def read_by_csv_module(label: str, path: Path, delimiter: str, header: list[str], line: str) -> ModuleRecords:
    """The records that start on a line with a quote or a carriage return, read as the csv module reads them.

    ``line`` names the column of each record's first line number; ``label`` names the file in errors.
    """
    feed = _Feed(path)
    try:
        return _read(feed, delimiter, header, line)
    except csv.Error:
        # NOTE: the one error csv.reader raises here: a value past its size limit (128 KiB), which
        # only a quote that never closes makes in an extract.
        raise ExtractError(f"{label}:{feed.first + 2}: a quote here does not close within 128 KiB; check the "
                           "quotes from this line on") from None


def _read(feed: _Feed, delimiter: str, header: list[str], line: str) -> ModuleRecords:
    width = len(header)
    batches: list[pl.DataFrame] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    unreadable: list[tuple[int, str]] = []
    for row in csv.reader(feed.lines(), delimiter=delimiter):
        feed.between = True
        if feed.blank():
            continue
        number = feed.first + 2
        if any(UNDECODABLE in value for value in row):
            unreadable.append((number, "bytes that are not valid UTF-8"))
        elif len(row) != width:
            unreadable.append((number, f"{len(row)} fields where the header has {width}"))
        else:
            rows.append(row)
            lines.append(number)
            if len(rows) == _BATCH:
                batches.append(_frame(rows, lines, header, line))
                rows, lines = [], []
    batches.append(_frame(rows, lines, header, line))
    return ModuleRecords(
        rows=pl.concat(batches),
        unreadable=pl.DataFrame(unreadable, schema={"line": pl.Int64, "reason": pl.String}, orient="row"),
        taken=pl.Series("index", feed.taken, dtype=pl.Int64),
    )


def _frame(rows: list[list[str]], lines: list[int], header: list[str], line: str) -> pl.DataFrame:
    values = pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row")
    return values.with_columns(pl.Series(line, lines, dtype=pl.Int64))
