"""The options that say how to read EXTRACT, as one decorator, and the refusal of one that does not apply to it.

An option the reader would ignore (``--sheet`` with a CSV, ``--table`` with a workbook) is a usage
error: silently checking the whole file when the user meant one sheet or table is a wrong answer.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from refcheck.checks import SourceOptions
from refcheck.checks.gates import Limit
from refcheck.checks.readers.database_source import is_database_uri
from refcheck.checks.readers.excel_source import EXCEL_SUFFIXES
from refcheck.checks.readers.extract import PARQUET_SUFFIXES
from refcheck.cli.common import LocalPath
from refcheck.cli.gates import UnreadableLimit

Decorator = Callable[[Callable[..., None]], Callable[..., None]]

_HELP = {
    "encoding": "CSV encoding: utf-8, windows-1252 or latin-1.  [default: sniffed]",
    "delimiter": "CSV delimiter, such as ';' or '\\t'.  [default: sniffed from , ; tab |]",
    "sheet": "Excel sheet.  [default: the first]",
    "table": "Database table (with a database URI).",
    "query": "Database query (with a database URI).",
}
_METAVAR = {"encoding": "NAME", "delimiter": "CHAR", "sheet": "NAME", "table": "NAME", "query": "SQL"}
_READS = tuple(_HELP)

_HANDLING = [
    click.option("--unreadable", "unreadable_path", type=LocalPath(dir_okay=False, path_type=Path),
                 default=None, help="Write every row that could not be read (line, reason) to this CSV."),
    click.option("--max-unreadable", type=UnreadableLimit(), default=None,
                 help="Fail (exit 4) when more rows than this cannot be read: a count or a share."),
    click.option("--min-rows", type=click.IntRange(min=0), default=1, show_default=True,
                 help="Fail (exit 4) when fewer rows than this were checked; 0 if an empty extract is expected."),
    click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="A column mapping (see refcheck map) for another system's headers and codes."),
]
_HANDLED = ("unreadable_path", "max_unreadable", "min_rows", "mapping_path")

_APPLIES_TO = {"encoding": "csv", "delimiter": "csv", "sheet": "excel", "table": "database", "query": "database"}
_KINDS = {"csv": "a CSV file", "excel": "an Excel workbook", "parquet": "a Parquet file", "database": "a database URI"}


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How the command line asked for EXTRACT to be read, passed to a command as its one ``read`` parameter."""

    given: SourceOptions = field(default_factory=SourceOptions)
    """The read options as typed; ``options_for`` checks them against the extract."""
    unreadable_path: Path | None = None
    max_unreadable: Limit | None = None
    min_rows: int = 1
    mapping_path: Path | None = None

    def options_for(self, extract: str) -> SourceOptions:
        """The read options for EXTRACT, refusing any that its kind of source would ignore."""
        kind = extract_kind(extract)
        for name, value in dataclasses.asdict(self.given).items():
            if value is not None and _APPLIES_TO[name] != kind:
                raise click.UsageError(f"--{name} is for {_KINDS[_APPLIES_TO[name]]}, and EXTRACT is read as "
                                       f"{_KINDS[kind]}")
        return dataclasses.replace(self.given, delimiter=_delimiter(self.given.delimiter))


def read_options(*names: str, help_for: dict[str, str] | None = None) -> Decorator:
    """Options saying how to read EXTRACT where sniffing cannot tell (all five unless named), passed as ``read``."""
    chosen = names or _READS
    helps = {**_HELP, **(help_for or {})}
    options = [click.option(f"--{name}", default=None, metavar=_METAVAR[name], help=helps[name]) for name in chosen]
    return _passed_as_one(options, chosen, ())


def source_options(command: Callable[..., None]) -> Callable[..., None]:
    """How to read EXTRACT, what to do with rows that cannot be read, and another system's mapping, as ``read``."""
    options = [click.option(f"--{name}", default=None, metavar=_METAVAR[name], help=_HELP[name]) for name in _READS]
    return _passed_as_one([*options, *_HANDLING], _READS, _HANDLED)(command)


def _passed_as_one(options: Sequence[Callable[[Any], Any]], reads: tuple[str, ...],
                   handled: tuple[str, ...]) -> Decorator:
    """Add ``options`` to a command, and hand their values to it as one ``ReadSettings`` named ``read``."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_settings(**params: Any) -> None:
            given = SourceOptions(**{name: params.pop(name) for name in reads})
            command(read=ReadSettings(given, **{name: params.pop(name) for name in handled}), **params)

        decorated: Callable[..., None] = with_settings
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate


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
