"""The options that say how to read EXTRACT, and the refusal of one that does not apply to it.

An option the reader would ignore (``--sheet`` with a CSV, ``--table`` with a workbook) is a usage
error: silently checking the whole file when the user meant one sheet or table is a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from refcheck.checks import SourceOptions
from refcheck.checks.readers.database_source import is_database_uri
from refcheck.checks.readers.excel_source import EXCEL_SUFFIXES
from refcheck.checks.readers.extract import PARQUET_SUFFIXES
from refcheck.cli.common import LocalPath
from refcheck.cli.gates import UnreadableLimit

_READ_OPTIONS = [
    click.option("--encoding", default=None, metavar="NAME",
                 help="CSV encoding: utf-8, windows-1252 or latin-1.  [default: sniffed]"),
    click.option("--delimiter", default=None, metavar="CHAR",
                 help="CSV delimiter, such as ';' or '\\t'.  [default: sniffed from , ; tab |]"),
    click.option("--sheet", default=None, metavar="NAME", help="Excel sheet.  [default: the first]"),
    click.option("--table", default=None, metavar="NAME", help="Database table (with a database URI)."),
    click.option("--query", default=None, metavar="SQL", help="Database query (with a database URI)."),
]

_APPLIES_TO = {
    "--encoding": "csv", "--delimiter": "csv", "--sheet": "excel", "--table": "database", "--query": "database",
}
_KINDS = {"csv": "a CSV file", "excel": "an Excel workbook", "parquet": "a Parquet file", "database": "a database URI"}


def read_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options that say how to read EXTRACT where sniffing cannot tell."""
    for option in reversed(_READ_OPTIONS):
        command = option(command)
    return command


def source_options(command: Callable[..., None]) -> Callable[..., None]:
    """How to read EXTRACT, what to do with rows that cannot be read, and another system's mapping."""
    for option in reversed([
        *_READ_OPTIONS,
        click.option("--unreadable", "unreadable_path", type=LocalPath(dir_okay=False, path_type=Path),
                     default=None, help="Write every row that could not be read (line, reason) to this CSV."),
        click.option("--max-unreadable", type=UnreadableLimit(), default=None,
                     help="Fail (exit 4) when more rows than this cannot be read: a count or a share."),
        click.option("--min-rows", type=click.IntRange(min=0), default=1, show_default=True,
                     help="Fail (exit 4) when fewer rows than this were checked; 0 if an empty extract is expected."),
        click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="A column mapping (see refcheck map) for another system's headers and codes."),
    ]):
        command = option(command)
    return command


def source(extract: str, *, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None,
           table: str | None = None, query: str | None = None) -> SourceOptions:
    """The read options for EXTRACT, refusing any that its kind of source would ignore."""
    given = {"--encoding": encoding, "--delimiter": delimiter, "--sheet": sheet, "--table": table, "--query": query}
    kind = extract_kind(extract)
    for option, value in given.items():
        if value is not None and _APPLIES_TO[option] != kind:
            raise click.UsageError(f"{option} is for {_KINDS[_APPLIES_TO[option]]}, and EXTRACT is read as "
                                   f"{_KINDS[kind]}")
    return SourceOptions(encoding=encoding, delimiter=_delimiter(delimiter), sheet=sheet, table=table, query=query)


def extract_kind(extract: str) -> str:
    """How EXTRACT is read, as ``open_extract`` chooses: a database URI, else by the file's suffix."""
    if is_database_uri(extract):
        return "database"
    suffix = Path(extract).suffix.lower()
    return "parquet" if suffix in PARQUET_SUFFIXES else "excel" if suffix in EXCEL_SUFFIXES else "csv"


def _delimiter(value: str | None) -> str | None:
    """A delimiter option: one character; a backslash-t or the word tab means a tab."""
    if value is None:
        return None
    text = {"\\t": "\t", "tab": "\t"}.get(value.lower(), value)
    if len(text) != 1:
        raise click.BadParameter(f"{value!r} is not one character", param_hint="'--delimiter'")
    return text
