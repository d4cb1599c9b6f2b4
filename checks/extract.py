"""Open an extract lazily with every column as it was written, named by canonical field.

CSV is read with every column as text, so that nothing is guessed and nothing is lost: the
schema's types are applied afterwards, value by value, in ``refcheck.checks.parsing``. Parquet
keeps its own column types. Problems with the file as a whole are one-line ``ExtractError``s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError

PARQUET_SUFFIXES = {".parquet", ".pq"}
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Extract:
    """A lazily read extract: where it came from and its columns' source types."""

    label: str
    frame: pl.LazyFrame
    columns: dict[str, pl.DataType]


def open_extract(source: str | Path | pl.DataFrame | pl.LazyFrame) -> Extract:
    """Open a CSV or Parquet file, or wrap a frame a caller already has."""
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        frame = source.lazy()
        return Extract("<frame>", frame, dict(frame.collect_schema()))
    path = Path(source)
    if not path.exists():
        raise ExtractError(f"{path}: no such file")
    if path.is_dir():
        raise ExtractError(f"{path}: is a directory, not an extract")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _open_parquet(path)
    return _open_csv(path)


def _open_parquet(path: Path) -> Extract:
    try:
        frame = pl.scan_parquet(path)
        columns = dict(frame.collect_schema())
    except (pl.exceptions.PolarsError, OSError):
        raise ExtractError(f"{path}: not a readable Parquet file") from None
    return Extract(str(path), frame, columns)


def _open_csv(path: Path) -> Extract:
    header = _csv_header(path)
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ExtractError(f"{path}:1: duplicate column {', '.join(repr(n) for n in duplicates)} in the header")
    frame = pl.scan_csv(
        path,
        has_header=True,
        infer_schema=False,
        new_columns=header,
    )
    return Extract(str(path), frame, {name: pl.String() for name in header})


def _csv_header(path: Path) -> list[str]:
    """The header row, trimmed; the file must look like UTF-8 CSV text."""
    try:
        with path.open("rb") as handle:
            start = handle.read(_SNIFF_BYTES)
    except OSError as err:
        raise ExtractError(f"{path}: cannot be read ({err.strerror})") from None
    if not start.strip():
        raise ExtractError(f"{path}: is empty; expected a CSV file with a header row")
    if b"\x00" in start:
        raise ExtractError(f"{path}: is not a CSV file (it holds binary data)")
    first_line = start.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExtractError(f"{path}:1: is not UTF-8 text (byte {err.start + 1} of the header)") from None
    row = next(csv.reader(io.StringIO(text)), [])
    header = [name.strip() for name in row]
    if not any(header):
        raise ExtractError(f"{path}:1: the header row is empty")
    return header


def missing_columns(extract: Extract, needed: Iterable[str]) -> list[str]:
    """The needed columns the extract does not have, in the order asked."""
    return [name for name in needed if name not in extract.columns]
