"""Turn an extract's raw text into typed columns: blanks become null, dates are parsed.

Every value is trimmed once here, so no rule trims again and a whitespace-only value is blank
everywhere. A present value that cannot be read as its type becomes null in the typed column;
the ``<field>.type`` rule sees the difference through a hidden "was present" column.
"""

from __future__ import annotations

import polars as pl

from refcheck.schemas import FieldType

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
)
"""The ISO and UK forms a date or date-time may take in an extract; times are optional."""


def present_name(field: str) -> str:
    """Name of the hidden column saying whether a parsed field's raw value was present."""
    return field + "\x00present"


def blank_to_null(text: pl.Expr) -> pl.Expr:
    """Trim surrounding whitespace; an empty result is null."""
    trimmed = text.str.strip_chars()
    return pl.when(trimmed != "").then(trimmed)


def parse_datetime(text: pl.Expr) -> pl.Expr:
    """Read trimmed text in any of ``DATE_FORMATS``; anything else is null."""
    return pl.coalesce([text.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in DATE_FORMATS])


def typed_columns(field: str, field_type: FieldType, source: pl.DataType) -> list[pl.Expr]:
    """Expressions giving a field's typed column and, for parsed types, whether it was present."""
    column = pl.col(field)
    if field_type.is_parsed and _already_typed(field_type, source):
        return [_cast(column, field_type).alias(field), column.is_not_null().alias(present_name(field))]
    text = blank_to_null(column if source == pl.String else column.cast(pl.String))
    if not field_type.is_parsed:
        return [text.alias(field)]
    if field_type is FieldType.INTEGER:
        parsed = text.cast(pl.Int64, strict=False)
    else:
        parsed = parse_datetime(text)
        if field_type is FieldType.DATE:
            parsed = parsed.dt.date()
    return [parsed.alias(field), text.is_not_null().alias(present_name(field))]


def _already_typed(field_type: FieldType, source: pl.DataType) -> bool:
    """Whether a typed source column (Parquet, a database) needs no parsing."""
    if field_type is FieldType.INTEGER:
        return source.is_integer()
    return source in (pl.Date, pl.Datetime) or isinstance(source, pl.Datetime)


def _cast(column: pl.Expr, field_type: FieldType) -> pl.Expr:
    if field_type is FieldType.DATE:
        return column.cast(pl.Date)
    if field_type is FieldType.DATETIME:
        return column.cast(pl.Datetime("us"))
    return column.cast(pl.Int64)
