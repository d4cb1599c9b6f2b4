"""Open an extract lazily with every column as it was written, named by canonical field.

CSV is read with every column as text, so that nothing is guessed and nothing is lost: the
schema's types are applied afterwards, value by value, in ``refcheck.checks.parsing``. Parquet
keeps its own column types. Problems with the file as a whole are one-line ``ExtractError``s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError, is_utf8_error, polars_reason
from refcheck.checks.internal import extract_column_name, internal, is_internal
from refcheck.checks.readers.csv_records import read_by_csv_module
from refcheck.checks.readers.csv_source import (
    CsvLayout,
    line_records,
    line_shapes,
    quote_spans,
    read_header,
    record_layout,
    records_on_lines,
    sniff_csv,
    spanning_records,
)
from refcheck.checks.readers.database_source import is_database_uri, read_database, safe_label
from refcheck.checks.readers.excel_source import EXCEL_SUFFIXES, read_excel
from refcheck.checks.readers.scratch import discard, remove_stale, spool_stdin

PARQUET_SUFFIXES = {".parquet", ".pq"}
STDIN = ("-", "/dev/stdin")
"""Names of standard input as an extract."""
STDIN_LABEL = "<stdin>"
INDEX = internal("index")
LINE = internal("line")
"""Hidden column of a CSV row's first line number in the file."""
VALUE_BYTES = internal("value_bytes")
"""Hidden column of a CSV row's values' total length in bytes, for ``RowScreen``."""


@dataclass(frozen=True, slots=True)
class Extract:
    """A lazily read extract: where it came from, its columns' source types, and files to clean up."""

    label: str
    frame: pl.LazyFrame
    columns: dict[str, pl.DataType]
    temporary: tuple[Path, ...] = ()
    unreadable: pl.LazyFrame | None = None
    """Rows that could not be read: ``line`` and ``reason`` (CSV only; other sources have none)."""
    first_row: int = 1
    """The row number of the first record (2 in a sheet under its header) when there is no line column."""
    screen: RowScreen | None = None
    """When set, ``frame`` holds every record, unreadable ones too, and this sorts them after reading."""

    def close(self) -> None:
        """Remove temporary files (a transcoded copy of the extract)."""
        for path in self.temporary:
            discard(path)


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """How to read a source where sniffing cannot tell: CSV encoding and delimiter, sheet, table or query."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    table: str | None = None
    query: str | None = None


def open_extract(source: str | Path | pl.DataFrame | pl.LazyFrame, options: SourceOptions | None = None, *,
                 screen_after: bool = False) -> Extract:
    """Open a CSV, Parquet or Excel file or a database table, or wrap a frame a caller already has.

    ``screen_after`` lets a caller that collects every row take the CSV's unreadable rows out after
    reading (``Extract.screen``), which spares a count of every line's separators beforehand.
    """
    remove_stale()  # NOTE: every run, not only one that makes a copy: a killed run's copy holds personal data
    return _apart_from_hidden(_open(source, options or SourceOptions(), screen_after))


def _open(source: str | Path | pl.DataFrame | pl.LazyFrame, options: SourceOptions, screen_after: bool) -> Extract:
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        frame = source.lazy()
        return Extract("<frame>", frame, dict(frame.collect_schema()))
    if isinstance(source, str) and is_database_uri(source):
        data = read_database(source, table=options.table, query=options.query)
        return Extract(safe_label(source), data.lazy(), dict(data.schema))
    if str(source) in STDIN:
        return _open_stdin(options, screen_after)
    return _open_file(_existing(Path(source)), options, screen_after)


def _apart_from_hidden(extract: Extract) -> Extract:
    """The extract with its columns named as refcheck reads them, so that none is taken for one of its own."""
    clashing = [name for name in extract.columns if is_internal(name)]
    if not clashing:
        return extract
    names = {name: extract_column_name(name) for name in clashing}
    columns = {names.get(name, name): kind for name, kind in extract.columns.items()}
    if len(columns) < len(extract.columns):
        extract.close()
        raise ExtractError(f"{extract.label}: two columns have the same name once NUL is shown as \u2400")
    return dataclasses.replace(extract, frame=extract.frame.rename(names), columns=columns)


def _open_file(path: Path, options: SourceOptions, screen_after: bool) -> Extract:
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _open_parquet(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _open_excel(path, options.sheet)
    return _open_csv(path, encoding=options.encoding, delimiter=options.delimiter, screen_after=screen_after)


def _open_stdin(options: SourceOptions, screen_after: bool) -> Extract:
    """Standard input, copied to a scratch file first: Polars reads files, and a pipe cannot be read twice."""
    spool = spool_stdin(lambda head: ".parquet" if head.startswith(b"PAR1") else
                        ".xlsx" if head.startswith(b"PK\x03\x04") else ".csv")
    try:
        extract = _open_file(spool, options, screen_after)
    except BaseException as err:
        discard(spool)
        if isinstance(err, ExtractError):
            raise ExtractError(str(err).replace(str(spool), STDIN_LABEL)) from None
        raise
    screen = dataclasses.replace(extract.screen, label=STDIN_LABEL) if extract.screen is not None else None
    return dataclasses.replace(extract, label=STDIN_LABEL, temporary=(*extract.temporary, spool), screen=screen)


def extract_columns(source: str | Path, options: SourceOptions | None = None) -> tuple[str, list[str]]:
    """An extract's label and column names; of a CSV, only the header is read (``refcheck map``, ``init``)."""
    options = options or SourceOptions()
    if not (isinstance(source, str) and is_database_uri(source) or str(source) in STDIN):
        path = _existing(Path(source))
        if path.suffix.lower() not in PARQUET_SUFFIXES | EXCEL_SUFFIXES:
            header = read_header(path, delimiter=options.delimiter)
            _refuse_duplicates(path, header)
            return str(path), header
    extract = open_extract(source, options)
    extract.close()
    return extract.label, list(extract.columns)


def _existing(path: Path) -> Path:
    if not path.exists():
        raise ExtractError(f"{path}: no such file")
    if path.is_dir():
        raise ExtractError(f"{path}: is a directory, not an extract")
    if not path.is_file():
        raise ExtractError(f"{path}: is not a regular file (a FIFO, socket or device); give a file, "
                           "or - to read standard input")
    return path


def _open_excel(path: Path, sheet: str | None) -> Extract:
    data, header, first_row = read_excel(path, sheet)
    _refuse_duplicates(path, header)
    data = data.rename(dict(zip(data.columns, header, strict=True)))
    return Extract(str(path), data.lazy(), {name: pl.String() for name in header}, first_row=first_row)


def _refuse_duplicates(path: Path, header: list[str]) -> None:
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise ExtractError(f"{path}:1: duplicate column {', '.join(repr(n) for n in duplicates)} in the header")


def _open_parquet(path: Path) -> Extract:
    try:
        frame = pl.scan_parquet(path)
        columns = dict(frame.collect_schema())
    except (pl.exceptions.PolarsError, OSError):
        raise ExtractError(f"{path}: not a readable Parquet file") from None
    return Extract(str(path), frame, columns)


def _open_csv(path: Path, *, encoding: str | None, delimiter: str | None, screen_after: bool) -> Extract:
    layout = sniff_csv(path, encoding=encoding, delimiter=delimiter, whole_file=False)
    try:
        try:
            return _read_csv(path, layout, screen_after)
        except pl.exceptions.ComputeError as err:
            if layout.checked or not is_utf8_error(err):
                raise
        # NOTE: the first block was UTF-8 but a later byte is not: the file is Windows-1252 after all.
        return _read_csv(path, sniff_csv(path, encoding=encoding, delimiter=delimiter), screen_after)
    except pl.exceptions.PolarsError as err:
        raise ExtractError(f"{path}: cannot be read ({polars_reason(err)})") from None


def _read_csv(path: Path, layout: CsvLayout, screen_after: bool) -> Extract:
    columns: dict[str, pl.DataType] = {name: pl.String() for name in layout.header}
    try:
        _refuse_duplicates(path, layout.header)
        records: pl.DataFrame | None = None
        shapes = line_shapes(layout.utf8_path, layout.delimiter)
        if not (shapes.odd.is_empty() and layout.plain_header):
            return _read_odd_csv(path, layout)
        if screen_after and not layout.temporary and len(layout.header) > 1:
            spans = quote_spans(shapes.quoted)
            if spans is not None:
                screen = RowScreen(str(path), layout.utf8_path, layout.delimiter, len(layout.header),
                                   shapes.lengths, shapes.quoted.drop("quotes"), spans)
                frame = _scan(layout).with_row_index(INDEX).select(
                    pl.exclude(INDEX), (screen.first_lines(pl.col(INDEX).cast(pl.Int64)) + 2).alias(LINE),
                    pl.sum_horizontal(pl.col(name).str.len_bytes() for name in layout.header).alias(VALUE_BYTES))
                return Extract(str(path), frame, columns, screen=screen)
            records = spanning_records(layout.utf8_path, layout.delimiter, marked=False)
        readable, unreadable = _split_rows(path, layout, records)
    except BaseException:
        if layout.temporary:
            discard(layout.utf8_path)
        raise
    temporary = (layout.utf8_path,) if layout.temporary else ()
    return Extract(str(path), readable, columns, temporary, unreadable)


def _read_odd_csv(path: Path, layout: CsvLayout) -> Extract:
    """A CSV with lines that Polars may split otherwise than Python's csv module: those records are read by it.

    Polars reads every other line as one row, quotes ignored (they have none), so that no odd line
    can make it run rows together; its rows of the lines the csv module read, and of lines without
    the header's number of fields, are left out.
    """
    by_module = read_by_csv_module(str(path), layout.utf8_path, layout.delimiter, layout.header, LINE)
    width = len(layout.header)
    plain = line_records(layout.utf8_path, layout.delimiter, marked=layout.temporary)
    bad = _bad_records(plain.filter(~pl.col("record").is_in(by_module.taken.implode())), width)
    left_out = pl.concat([by_module.taken, bad.get_column("record")])
    rows = (pl.scan_csv(layout.utf8_path, has_header=False, skip_lines=1, separator=layout.delimiter,
                        quote_char=None, schema=dict.fromkeys(layout.header, pl.String), truncate_ragged_lines=True,
                        missing_columns="insert", extra_columns="ignore", raise_if_empty=False)
            .with_row_index(INDEX)
            .filter(~pl.col(INDEX).cast(pl.Int64).is_in(left_out.implode()))
            .select(pl.exclude(INDEX), (pl.col(INDEX).cast(pl.Int64) + 2).alias(LINE)))
    unreadable = pl.concat([_reasons(bad, width), by_module.unreadable]).sort("line")
    temporary = (layout.utf8_path,) if layout.temporary else ()
    columns: dict[str, pl.DataType] = {name: pl.String() for name in layout.header}
    return Extract(str(path), rows.merge_sorted(by_module.rows.lazy(), key=LINE), columns, temporary,
                   unreadable.lazy())


def _scan(layout: CsvLayout) -> pl.LazyFrame:
    return pl.scan_csv(layout.utf8_path, has_header=True, separator=layout.delimiter, infer_schema=False,
                       new_columns=layout.header, truncate_ragged_lines=True)


@dataclass(frozen=True, slots=True)
class RowScreen:
    """Takes a CSV's unreadable rows out of its collected rows, using each line's length.

    A line without quotes holds exactly its values and a separator between each two, so it
    has the header's number of fields exactly when its length is its values' bytes plus one less
    than that number (fewer fields make it shorter, more make it longer). Only lines that fail this,
    or have quotes, have their separators counted, which a check would otherwise do for every line.
    A record over several lines (a quoted value with a newline) has its lines read again, whole.
    """

    label: str
    path: Path
    delimiter: str
    width: int
    lengths: pl.Series
    """Per data line, its length in bytes."""
    quoted: pl.DataFrame
    """The data lines with quotes: ``index`` and ``separators`` outside quotes."""
    spans: pl.DataFrame
    """The records over several lines: ``start`` and ``end``, the indices of their first and last data lines."""

    def first_lines(self, record: pl.Expr) -> pl.Expr:
        """Each record's first data line: its own index plus the lines that the records before it spanned."""
        if self.spans.is_empty():
            return record
        before = self._spanned_before()
        record_starts = self.spans.get_column("start") - before.head(-1)

        def shifted(records: pl.Series) -> pl.Series:
            return records + before.gather(record_starts.search_sorted(records, side="left"))

        # NOTE: batch by batch: a whole-column literal in the expression would stop Polars streaming.
        return record.map_batches(shifted, return_dtype=pl.Int64, is_elementwise=True)

    def split(self, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The readable rows (without ``VALUE_BYTES``) and the unreadable ones (line, reason)."""
        spanned = self._spanned_before()
        if rows.height != self.lengths.len() - spanned[-1]:
            raise self.quote_error()
        # NOTE: the fields each line would have without quotes; the few lines with quotes are then
        # set apart by index, rather than every line's count being chosen between the two.
        first = (None if self.spans.is_empty() else
                 pl.select(self.first_lines(pl.int_range(rows.height, dtype=pl.Int64))).to_series())
        lengths = self.lengths if first is None else self.lengths.gather(first)
        fields = pl.col("length").cast(pl.Int64) - pl.col(VALUE_BYTES).cast(pl.Int64) + 1
        misfits = (pl.DataFrame([lengths.alias("length"), rows.get_column(VALUE_BYTES)]).lazy()
                   .select((fields != self.width).arg_true().cast(pl.Int64)).collect().to_series())
        if first is not None:
            misfits = first.gather(misfits)
        quoted = self.quoted.get_column("index")
        suspects = pl.concat([
            misfits.filter(~misfits.is_in(quoted.implode())),
            self._quoted_misfits(),
            self._span_lines(),
        ]).sort()
        rows = rows.drop(VALUE_BYTES)
        if suspects.is_empty():
            return rows, pl.DataFrame(schema={"line": pl.Int64, "reason": pl.String})
        bad = _bad_records(records_on_lines(self.path, self.delimiter, suspects + 1), self.width)
        data_line = bad.get_column("index") - 1
        record = data_line - spanned.gather(self.spans.get_column("start").search_sorted(data_line, side="left"))
        keep = ~pl.int_range(pl.len(), dtype=pl.Int64).is_in(record.implode())
        return rows.filter(keep), _reasons(bad, self.width)

    def quote_error(self) -> ExtractError:
        """The error for quotes that CSV reads otherwise than a count per line does, naming the first suspect line.

        Every quote closes here (else the records would have been grouped), so a value only
        starts a quote, and runs on, where a quote sits inside an unquoted value. The first line
        with quotes whose values, quoted spans apart, are not the header's number is where that
        most likely is; else the first record over several lines.
        """
        suspects = pl.concat([self._quoted_misfits(), self.spans.get_column("start")]).sort()
        where = f":{int(suspects[0]) + 2}" if suspects.len() else ""
        return ExtractError(f"{self.label}{where}: a quote does not close the way CSV expects, so rows cannot be "
                            "told apart; check the quotes")

    def _quoted_misfits(self) -> pl.Series:
        """The one-line records with quotes whose values, quoted spans apart, are not the header's number."""
        misfit = pl.col("separators").cast(pl.Int64) + 1 != self.width
        return self.quoted.filter(misfit & ~pl.col("index").is_in(self._span_lines().implode())).get_column("index")

    def _span_lines(self) -> pl.Series:
        """The indices of every data line of the records over several lines."""
        return self.spans.select(pl.int_ranges("start", pl.col("end") + 1).explode()).to_series()

    def _spanned_before(self) -> pl.Series:
        """Per record over several lines, the lines the records before it took beyond their first; then all of them."""
        extra = self.spans.get_column("end") - self.spans.get_column("start")
        return pl.concat([pl.Series([0], dtype=pl.Int64), extra.cum_sum()])


def _bad_records(records: pl.DataFrame, width: int) -> pl.DataFrame:
    return records.filter(pl.col("blank") | (pl.col("fields") != width) | pl.col("undecodable"))


def _reasons(bad: pl.DataFrame, width: int) -> pl.DataFrame:
    """The unreadable records, blank ones apart, with the reason: line, reason."""
    return bad.filter(~pl.col("blank")).select(
        "line",
        pl.when(pl.col("undecodable")).then(pl.lit("bytes that are not valid UTF-8"))
        .otherwise(pl.format("{} fields where the header has {}", pl.col("fields"), pl.lit(width)))
        .alias("reason"),
    )


def _split_rows(path: Path, layout: CsvLayout,
                records: pl.DataFrame | None = None) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The rows to check (with their line numbers), and the rows that cannot be read (line, reason)."""
    if records is None:
        records = record_layout(layout.utf8_path, layout.delimiter, marked=layout.temporary)
    # NOTE: when every record is one line, lines and Polars' rows cannot disagree; only records over
    # several lines (quoted newlines, or a stray quote) need Polars' own count to confirm the split.
    spanning = records.height > 0 and int(records["lines"].max()) > 1  # type: ignore[arg-type]
    try:
        parsed = _scan(layout).select(pl.len()).collect().item() if spanning else records.height
    except pl.exceptions.PolarsError:
        parsed = -1
    if parsed != records.height:
        raise ExtractError(f"{path}:{_first_spanning_line(records)}: a quote here does not close the way CSV "
                           "expects, so rows cannot be told apart; check the quotes from this line on")
    width = len(layout.header)
    bad = _bad_records(records, width)
    readable = _scan(layout).with_row_index(INDEX)
    # NOTE: a 5M-row literal of line numbers costs a second in a stream; when every record is one
    # line, its line is its index plus the header's.
    line = pl.lit(records["line"]) if spanning else pl.col(INDEX).cast(pl.Int64) + 2
    readable = readable.with_columns(line.alias(LINE))
    if bad.height:
        readable = readable.filter(~pl.col(INDEX).is_in(bad["record"].implode()))
    readable = readable.drop(INDEX)
    return readable, _reasons(bad, width).lazy()


def _first_spanning_line(records: pl.DataFrame) -> int:
    """The first line where a record runs on over several lines: where an unbalanced quote most likely is."""
    spans = records.filter(pl.col("lines") > 1)
    return int(spans["line"][0]) if spans.height else 1
