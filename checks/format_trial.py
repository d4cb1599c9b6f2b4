"""Try a mapping's date formats on an extract: ``refcheck schema check --against``.

A ``date_format`` that reads none of its column's values is a wrong guess (``%d.%m.%Y`` for
dates written ``2025/04/17``) that would otherwise show only as a column of unreadable dates in
the night's run. Only counts come out of here, never a value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError, polars_reason
from refcheck.checks.internal import internal
from refcheck.checks.parsing import FIRST_YEAR, LAST_YEAR, blank_to_null
from refcheck.checks.readers.columns import refuse_missing_columns
from refcheck.checks.readers.extract import SourceOptions, open_extract
from refcheck.schemas import ExtractMapping, Schema


@dataclass(frozen=True, slots=True)
class FormatTrial:
    """How many of a date column's present values its ``date_format`` reads (as refcheck reads them: 1900-2100)."""

    field: str
    column: str
    date_format: str
    present: int
    read: int


def try_date_formats(source: str | Path, schema: Schema, mapping: ExtractMapping,
                     options: SourceOptions | None = None) -> list[FormatTrial]:
    """Each date field's ``date_format`` tried alone on its column's present values, in one pass.

    The extract must have every column the mapping names (else ``ExtractError``, as a check would
    say); a column already typed as dates (Parquet, a database) is read without formats, so not tried.
    """
    extract = open_extract(source, options)
    try:
        refuse_missing_columns(extract.label, extract.columns, dataclasses.replace(schema, mapping=mapping))
        tried = {name: (mapping.column(name), entry.date_format) for name, entry in mapping.fields.items()
                 if entry.date_format and name in schema.fields and schema.fields[name].type.is_temporal
                 and extract.columns.get(mapping.column(name)) == pl.String}
        stats: list[pl.Expr] = []
        for name, (column, date_format) in tried.items():
            text = blank_to_null(pl.col(column), mapping.null_tokens)
            day = text.str.strptime(pl.Datetime("us"), date_format, strict=False).dt.year()
            stats += [text.count().alias(internal("present", name)),
                      day.is_between(FIRST_YEAR, LAST_YEAR).sum().alias(internal("read", name))]
        if not stats:
            return []
        try:
            row = extract.frame.select(stats).collect().row(0, named=True)
        except pl.exceptions.PolarsError as err:
            raise ExtractError(f"{extract.label}: cannot be read ({polars_reason(err)})") from None
        return [FormatTrial(field=name, column=column, date_format=date_format,
                            present=int(row[internal("present", name)]), read=int(row[internal("read", name)] or 0))
                for name, (column, date_format) in tried.items()]
    finally:
        extract.close()
