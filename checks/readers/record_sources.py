"""Where each record type of a schema is read from: a folder's files, a workbook's sheets, a database's tables.

A record type is found under its own name (``cp_visits``) or the name its mapping reads it from
(``source: ssd_cp_visits``), compared case-insensitively: a file's name before its suffix, a sheet's
or a table's name. One source may hold any subset of the record types; two candidates for one
record type are refused, as a guess would check the wrong rows. A single extract is the record type
its name names, else the primary (``referrals``): so ``cp_visits.csv`` alone is read as visits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError
from refcheck.checks.readers.database_source import is_database_uri, safe_label, table_names
from refcheck.checks.readers.excel_source import EXCEL_SUFFIXES, sheet_names
from refcheck.checks.readers.extract import PARQUET_SUFFIXES, STDIN, SourceOptions
from refcheck.schemas import Schema

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
FOLDER_SUFFIXES = CSV_SUFFIXES | PARQUET_SUFFIXES | EXCEL_SUFFIXES
"""The files of a folder that may hold a record type: the formats refcheck reads."""


class SourceChoiceError(ExtractError):
    """A folder, workbook or database whose files, sheets or tables cannot be matched to record types (exit 2)."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where one record type is read from, and how (a sheet, a table); ``label`` names it in outputs."""

    source: str | Path | pl.DataFrame | pl.LazyFrame
    options: SourceOptions
    label: str | None = None
    """How outputs name a sheet or table (``book.xlsx, sheet cp_visits``); None: as the reader names it."""


@dataclass(frozen=True, slots=True)
class RecordSources:
    """The record types a source holds, where each is, and what else it holds (ignored, but listed)."""

    label: str
    found: Mapping[str, Located]
    ignored: tuple[str, ...] = ()


def locate(source: str | Path | pl.DataFrame | pl.LazyFrame, schema: Schema,
           options: SourceOptions | None = None) -> RecordSources:
    """Which of the schema's record types ``source`` holds, and where."""
    options = options or SourceOptions()
    if isinstance(source, pl.DataFrame | pl.LazyFrame) or str(source) in STDIN:
        return RecordSources(str(source) if isinstance(source, str) else "<frame>",
                             {schema.record_type: Located(source, options)})
    if isinstance(source, str) and is_database_uri(source):
        return _database(source, schema, options)
    path = Path(source)
    if path.is_dir():
        return _folder(path, schema, options)
    if path.suffix.lower() in EXCEL_SUFFIXES and options.sheet is None and path.is_file():
        return _workbook(path, schema, options)
    named = options.sheet if options.sheet is not None else path.stem
    return RecordSources(str(path), {_named_type(schema, named): Located(path, options)})


def looked_for(schema: Schema) -> str:
    """The names a source's parts are matched against, for a message: ``referrals, cp_visits (or ssd_cp_visits)``."""
    return ", ".join(record.record_type + (f" (or {other})" if (other := _mapped_name(record)) else "")
                     for record in schema.record_types)


def _named_type(schema: Schema, name: str) -> str:
    """The record type a single extract's name names, else the primary."""
    for record in schema.record_types:
        if name.casefold() in _names(record):
            return record.record_type
    return schema.record_type


def _folder(path: Path, schema: Schema, options: SourceOptions) -> RecordSources:
    files = sorted(entry for entry in path.iterdir() if entry.is_file() and not entry.name.startswith((".", "~$")))
    readable = [entry for entry in files if entry.suffix.lower() in FOLDER_SUFFIXES]
    found, _ = _match(schema, [(entry.stem, entry.name) for entry in readable], str(path), "files")
    if not found:
        raise SourceChoiceError(f"{path}: holds no file of the schema's record types; looked for "
                                f"{looked_for(schema)}, each as .csv, .parquet or .xlsx")
    taken = set(found.values())
    located = {name: Located(path / file, _for_file(path / file, options)) for name, file in found.items()}
    return RecordSources(str(path), located, tuple(entry.name for entry in files if entry.name not in taken))


def _for_file(path: Path, options: SourceOptions) -> SourceOptions:
    """The read options that apply to one file of a folder: a CSV's encoding and delimiter, nothing else."""
    if path.suffix.lower() in PARQUET_SUFFIXES | EXCEL_SUFFIXES:
        return SourceOptions()
    return SourceOptions(encoding=options.encoding, delimiter=options.delimiter)


def _workbook(path: Path, schema: Schema, options: SourceOptions) -> RecordSources:
    """A workbook with a sheet per record type; one whose sheets name none is the primary's, read as ever.

    That is its first sheet, so the others are listed as ignored, not left out unsaid.
    """
    sheets = sheet_names(path)
    found, ignored = _match(schema, [(sheet, sheet) for sheet in sheets], str(path), "sheets")
    if not found:
        return RecordSources(str(path), {schema.record_type: Located(path, options)}, tuple(sheets[1:]))
    located = {name: Located(path, SourceOptions(sheet=sheet), f"{path}, sheet {sheet}")
               for name, sheet in found.items()}
    return RecordSources(str(path), located, ignored)


def _database(uri: str, schema: Schema, options: SourceOptions) -> RecordSources:
    """A database: the table or query asked for (one record type), else a table per record type."""
    label = safe_label(uri)
    if options.table is not None or options.query is not None:
        named = _named_type(schema, options.table) if options.table is not None else schema.record_type
        return RecordSources(label, {named: Located(uri, options)})
    tables = table_names(uri)
    found, ignored = _match(schema, [(table, table) for table in tables], label, "tables")
    if not found:
        raise SourceChoiceError(f"{label}: holds no table of the schema's record types; looked for "
                                f"{looked_for(schema)}; or give --table or --query")
    located = {name: Located(uri, SourceOptions(table=table), f"{label}, table {table}")
               for name, table in found.items()}
    return RecordSources(label, located, ignored)


def _match(schema: Schema, items: Sequence[tuple[str, str]], where: str,
           what: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each record type's one item (by its name, spaces around it aside), and the items that name none."""
    found: dict[str, str] = {}
    ignored: list[str] = []
    for name, item in items:
        record = next((record for record in schema.record_types if name.strip().casefold() in _names(record)), None)
        if record is None:
            ignored.append(item)
            continue
        if record.record_type in found:
            raise SourceChoiceError(f"{where}: two {what} for record type {record.record_type}: "
                                    f"{found[record.record_type]} and {item}; keep one")
        found[record.record_type] = item
    return {record.record_type: found[record.record_type] for record in schema.record_types
            if record.record_type in found}, tuple(ignored)


def _names(record: Schema) -> set[str]:
    other = _mapped_name(record)
    return {record.record_type.casefold(), *((other.casefold(),) if other else ())}


def _mapped_name(record: Schema) -> str | None:
    """The file stem, sheet or table the record type's mapping reads it from (``source:``), if it names one."""
    source = record.mapping.source
    return source if source is not None and source.casefold() != record.record_type.casefold() else None
