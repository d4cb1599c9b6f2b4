"""CSV as data officers actually have it: sniff the encoding and the delimiter, then read as text.

UTF-8 (with or without a byte-order mark) is read in place. Anything that is not valid UTF-8 is
taken as Windows-1252 (Latin-1 for the five bytes Windows-1252 leaves undefined) and transcoded
to a temporary UTF-8 file first, because Polars reads UTF-8 only. The delimiter is the one of
``, ; TAB |`` that the header row uses most, outside quotes.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError, refuse_data_header
from refcheck.checks.internal import extract_column_name
from refcheck.checks.readers.csv_quotes import odd_lines, quote_marks, record_pattern
from refcheck.checks.readers.scratch import discard, scratch_file

DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8", "windows-1252": "cp1252",
             "cp1252": "cp1252", "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1"}
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How a CSV file is written: its encoding, delimiter and header, and a UTF-8 path to read."""

    encoding: str
    delimiter: str
    header: list[str]
    utf8_path: Path
    temporary: bool
    checked: bool = True
    """Whether the whole file is known to be what ``encoding`` says (else only its first block is)."""
    plain_header: bool = True
    """Whether the header is written as RFC 4180 writes it, so that Polars reads its line as csv does."""


def sniff_csv(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
              whole_file: bool = True) -> CsvLayout:
    """Work out encoding, delimiter and header; transcode to UTF-8 when needed.

    Without ``whole_file``, a file whose first block is UTF-8 is taken as UTF-8 unchecked: Polars
    checks every byte as it reads the lines anyway, and an error then means Windows-1252 after all.
    """
    start = _text_head(path)
    trusted = not whole_file and encoding is None and _starts_utf8(start)
    chosen, valid = ("utf-8", True) if trusted else _encoding(path, encoding)
    separator, header, plain = _header_row(path, _first_line(start), chosen, delimiter)
    if chosen == "utf-8":
        if not valid:
            # NOTE: UTF-8 (asked for, or written elsewhere in the file), but some bytes are not: those
            # rows are marked, then unreadable.
            return CsvLayout("utf-8", separator, header, _transcode(path, "utf-8", "refcheck-mark"), temporary=True,
                             plain_header=plain)
        return CsvLayout("utf-8", separator, header, path, temporary=False, checked=not trusted, plain_header=plain)
    return CsvLayout(chosen, separator, header, _transcode(path, chosen, "refcheck-latin1"), temporary=True,
                     plain_header=plain)


def read_header(path: Path, *, delimiter: str | None = None) -> list[str]:
    """A CSV's column names, read from its first block only when they are plain ASCII.

    ASCII reads the same in every encoding refcheck accepts; a header with other characters
    is decoded in the encoding ``sniff_csv`` would choose, which may mean checking the whole file.
    """
    first_line = _first_line(_text_head(path))
    encoding = "utf-8" if first_line.isascii() else _encoding(path, None)[0]
    return _header_row(path, first_line, encoding, delimiter)[1]


def _text_head(path: Path) -> bytes:
    """The file's first block, refused when it cannot be a CSV that refcheck reads."""
    start = _head(path)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractError(f"{path}: is UTF-16 text; save it as UTF-8 or Windows-1252 CSV")
    if b"\x00" in start:
        raise ExtractError(f"{path}: is not a CSV file (it holds binary data)")
    if not start.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ExtractError(f"{path}: is empty; expected a CSV file with a header row")
    body = start.removeprefix(codecs.BOM_UTF8)
    if b"\r" in body and b"\n" not in body:
        raise ExtractError(f"{path}: ends lines with carriage returns alone; save it with Windows or Unix line ends")
    return start


def _first_line(start: bytes) -> bytes:
    return start.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].removesuffix(b"\r")


def _header_row(path: Path, first_line: bytes, encoding: str, delimiter: str | None) -> tuple[str, list[str], bool]:
    """The delimiter (given, or sniffed), the column names of the header line, and whether it is plain RFC 4180."""
    text = first_line.decode(encoding, errors="replace")
    separator = delimiter if delimiter is not None else _delimiter(text)
    if separator in '"\r\n':
        raise ExtractError(f"{path}: {separator!r} cannot be the delimiter")
    # NOTE: a second line tells whether the header leaves a quoted name open (the csv module reads on).
    reader = csv.reader(iter([text + "\n", "\n"]), delimiter=separator)
    try:
        row = next(reader, [])
    except csv.Error as err:
        raise ExtractError(f"{path}:1: the header row cannot be read as CSV ({err})") from None
    if reader.line_num > 1:
        raise ExtractError(f"{path}:1: a quote in the header row does not close on its line; check the quotes")
    header = [extract_column_name(name.strip()) for name in row]
    if not any(header):
        raise ExtractError(f"{path}:1: the header row is empty")
    refuse_data_header(str(path), header)
    return separator, header, re.fullmatch(record_pattern(separator), text) is not None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError as err:
        raise ExtractError(f"{path}: cannot be read ({err.strerror})") from None


def _encoding(path: Path, requested: str | None) -> tuple[str, bool]:
    """The encoding, and whether every byte is valid in it.

    The one asked for, else UTF-8 when the file has characters beyond ASCII written in UTF-8 (a
    few bytes that are not then make their rows unreadable), else Windows-1252 when it has bytes
    that are not UTF-8.
    """
    if requested is not None:
        key = requested.strip().lower()
        if key not in ENCODINGS:
            raise ExtractError(f"{path}: unknown encoding {requested!r}; use one of utf-8, windows-1252, latin-1")
        chosen = ENCODINGS[key]
        return chosen, chosen != "utf-8" or _utf8_shape(path)[0]
    valid, wide = _utf8_shape(path)
    return ("utf-8", valid) if valid or wide else ("cp1252", True)


def _starts_utf8(start: bytes) -> bool:
    """Whether a file's first block is UTF-8 (a character cut at its end apart)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _utf8_shape(path: Path) -> tuple[bool, bool]:
    """Whether the whole file is valid UTF-8, and whether it has characters beyond ASCII written in UTF-8.

    Most blocks of an extract are plain ASCII, which ``isascii`` confirms ten times faster
    than decoding; only blocks with other bytes (or a character cut at a block's end) are decoded.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="refcheck-mark")
    valid, wide = True, False
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            if not (block.isascii() and not decoder.getstate()[0]):
                text = decoder.decode(block)
                valid = valid and UNDECODABLE not in text
                wide = wide or not text.replace(UNDECODABLE, "").isascii()
                if wide and not valid:
                    break
        else:
            valid = valid and UNDECODABLE not in decoder.decode(b"", final=True)
    return valid, wide


def _delimiter(header: str) -> str:
    """The candidate delimiter used most in the header row outside quoted names."""
    unquoted = "".join(part for index, part in enumerate(header.split('"')) if index % 2 == 0)
    counts = {candidate: unquoted.count(candidate) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _transcode(path: Path, encoding: str, errors: str) -> Path:
    """A temporary UTF-8 copy of a file in another encoding (or of invalid UTF-8, marked)."""
    handle, copy = scratch_file(".csv")
    # NOTE: Windows-1252 leaves five bytes undefined; Latin-1 reads them as the C1 controls they are.
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    try:
        with path.open("rb") as source, os.fdopen(handle, "wb") as target:
            for block in iter(lambda: source.read(_CHUNK), b""):
                target.write(decoder.decode(block).encode("utf-8"))
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        discard(copy)
        raise
    return copy


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


UNDECODABLE = "\ufffe"
"""Stands in for bytes that are not valid UTF-8 (a noncharacter: never in real text)."""


def _mark(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return UNDECODABLE, error.end


codecs.register_error("refcheck-latin1", _latin1_fallback)
codecs.register_error("refcheck-mark", _mark)


def record_layout(path: Path, delimiter: str, *, marked: bool = True) -> pl.DataFrame:
    """Per data record: its first line number, how many fields it has, and whether it is blank.

    Records can span lines (a quoted value holding a newline), so each line's quotes are counted
    to know whether it starts inside a quoted value; separators outside quotes are counted per
    line and added up per record. Row ``record`` lines up with Polars' own CSV rows. ``marked``
    says whether undecodable bytes may have been marked (a transcoded file).

    Most extracts have no record over several lines; then each line is a record and the
    grouping (the costly part) is skipped.
    """
    per_line = pl.scan_lines(path, name="text", row_index_name="line").select(
        _line_parts(delimiter, marked)).collect(engine="streaming")
    if (per_line["quotes"] % 2).sum() == 0:
        return _one_line_records(per_line)
    return spanning_records(path, delimiter, marked)


def line_records(path: Path, delimiter: str, *, marked: bool) -> pl.DataFrame:
    """The record layout (as ``record_layout``) of a file read one record per line, quotes apart."""
    per_line = pl.scan_lines(path, name="text", row_index_name="line").select(_line_parts(delimiter, marked))
    return _one_line_records(per_line.collect(engine="streaming"))


def records_on_lines(path: Path, delimiter: str, lines: pl.Series) -> pl.DataFrame:
    """The record layout of only the given lines (0 is the header): ``index`` is each record's first line.

    Every line of a record over several lines must be given, so that its quotes are read as CSV does.
    """
    chosen = (pl.scan_lines(path, name="text", row_index_name="line")
              .filter(pl.col("line").is_in(lines.cast(pl.UInt32).implode())))
    return _grouped_records(chosen, delimiter, marked=False).collect(engine="streaming")


def _line_parts(delimiter: str, marked: bool) -> list[pl.Expr]:
    line = pl.col("text")
    return [
        pl.col("line").cast(pl.Int64),
        line.str.count_matches('"', literal=True).cast(pl.Int64).alias("quotes"),
        line.str.replace_all(r'"[^"]*"', "").str.count_matches(delimiter, literal=True).alias("separators"),
        (line.str.strip_chars() == "").alias("blank"),
        (line.str.contains(UNDECODABLE, literal=True) if marked else pl.lit(False)).alias("undecodable"),
    ]


def _one_line_records(per_line: pl.DataFrame) -> pl.DataFrame:
    return per_line.filter(pl.col("line") > 0).select(
        (pl.col("line") - 1).alias("record"), (pl.col("line") + 1).alias("line"),
        (pl.col("separators") + 1).cast(pl.Int64).alias("fields"), "blank", pl.lit(1, pl.UInt32).alias("lines"),
        "undecodable",
    )


@dataclass(frozen=True, slots=True)
class LineShapes:
    """What one pass over a CSV's data lines tells (index 0 is the line after the header)."""

    lengths: pl.Series
    """Per data line, its length in bytes."""
    quoted: pl.DataFrame
    """The lines with quotes: ``index``, ``quotes`` and ``separators`` outside quotes."""
    odd: pl.Series
    """The indices of lines that Polars may split otherwise than Python's csv module (``odd_lines``)."""


def line_shapes(path: Path, delimiter: str) -> LineShapes:
    """Per data line, its length; the lines with quotes; and the lines Polars may split otherwise than csv.

    Counting every line's separators costs about a sixth of a check; a line without quotes
    needs no count, because its length and its values' lengths already say how many fields it has
    (``refcheck.checks.readers.extract.RowScreen``).
    """
    line = pl.col("text")
    quotes = line.str.count_matches('"', literal=True)
    lines = pl.scan_lines(path, name="text", row_index_name="index").slice(1)
    # NOTE: two plans over one scan, so that only the few lines with quotes (or returns) are looked at again.
    lengths, marks = pl.collect_all([
        lines.select(line.str.len_bytes().alias("length")),
        lines.filter(line.str.contains('["\\r]')).select(
            (pl.col("index").cast(pl.Int64) - 1).alias("index"), quotes.alias("quotes"),
            line.str.replace_all(r'"[^"]*"', "").str.count_matches(delimiter, literal=True).alias("separators"),
            *quote_marks(line, quotes, delimiter)),
    ], engine="streaming")
    quoted = marks.filter(pl.col("quotes") > 0).select("index", "quotes", "separators")
    return LineShapes(lengths.get_column("length"), quoted, odd_lines(marks, path, delimiter))


def quote_spans(quoted: pl.DataFrame) -> pl.DataFrame | None:
    """The records over several lines, from the lines with quotes (``index``, ``quotes``): ``start`` and ``end``.

    A line that leaves a quote open starts such a record, and the next line with quotes that closes
    it ends it: the lines between have no quotes. None when a quote is still open at the end.
    """
    open_after = pl.col("quotes").cast(pl.Int64).cum_sum() % 2
    marks = quoted.select("index", open_after.shift(1, fill_value=0).alias("before"), open_after.alias("after"))
    starts = marks.filter((pl.col("before") == 0) & (pl.col("after") == 1)).get_column("index")
    ends = marks.filter((pl.col("before") == 1) & (pl.col("after") == 0)).get_column("index")
    if starts.len() != ends.len():
        return None
    return pl.DataFrame({"start": starts.cast(pl.Int64), "end": ends.cast(pl.Int64)})


def spanning_records(path: Path, delimiter: str, marked: bool) -> pl.DataFrame:
    """The record layout when some records run over several lines."""
    records = _grouped_records(pl.scan_lines(path, name="text", row_index_name="line"), delimiter, marked)
    return records.filter(pl.col("index") > 0).with_row_index("record").select(
        pl.col("record").cast(pl.Int64), pl.exclude("record", "index")).collect()


def _grouped_records(lines: pl.LazyFrame, delimiter: str, marked: bool) -> pl.LazyFrame:
    """Whole lines (``text`` and ``line``, its index), in order, grouped into records.

    Per record: its first line's ``index`` and ``line`` number, its ``fields``, whether it is
    ``blank``, its ``lines`` and whether it has bytes marked ``undecodable``.
    """
    line = pl.col("text")
    quotes = line.str.count_matches('"', literal=True).cast(pl.Int64)
    open_after = quotes.cum_sum() % 2
    open_before = open_after.shift(1, fill_value=0)
    # NOTE: closing an open quote at the line's start and end makes each line's quoting balanced.
    balanced = (
        pl.when(open_before == 1).then(pl.lit('"') + line).otherwise(line)
        + pl.when(open_after == 1).then(pl.lit('"')).otherwise(pl.lit(""))
    )
    separators = balanced.str.replace_all(r'"[^"]*"', "").str.count_matches(delimiter, literal=True)
    return (
        lines.with_columns(record=(open_before == 0).cast(pl.Int64).cum_sum(), separators=separators,
                           blank=line.str.strip_chars() == "",
                           undecodable=line.str.contains(UNDECODABLE, literal=True) if marked else pl.lit(False))
        .group_by("record", maintain_order=True)
        .agg(
            index=pl.col("line").first().cast(pl.Int64),
            line=pl.col("line").first().cast(pl.Int64) + 1,
            fields=pl.col("separators").sum() + 1,
            blank=pl.col("blank").all() & (pl.len() == 1),
            lines=pl.len(),
            undecodable=pl.col("undecodable").any(),
        )
        .drop("record")
    )
