"""Turn an extract's raw text into typed columns: blanks become null, dates are parsed.

Every value is trimmed once here, so no rule trims again and a whitespace-only value is blank
everywhere. A present value that cannot be read as its type becomes null in the typed column;
the ``<field>.type`` rule sees the difference through a hidden "was present" column.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from refcheck.schemas import FieldType
from refcheck.schemas.model import FieldMapping

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
"""The date part of a value: ISO or UK, always the first ten characters."""

TIME_OF_DAY = r"^(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?)?$"
"""What may follow the date part: nothing, or ``T``/space and HH:MM, HH:MM:SS or HH:MM:SS.fff."""


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Dates outside these years are taken as mistakes (two-digit years, typos), so they are unreadable."""


def present_name(field: str) -> str:
    """Name of the hidden column saying whether a parsed field's raw value was present."""
    return field + "\x00present"


def blank_to_null(text: pl.Expr, null_tokens: Sequence[str] = ()) -> pl.Expr:
    """Trim surrounding whitespace; an empty result, or one of the null tokens, is null."""
    trimmed = text.str.strip_chars()
    present = trimmed != ""
    if null_tokens:
        present = present & ~trimmed.is_in(list(null_tokens))
    return pl.when(present).then(trimmed)


def parse_temporal(text: pl.Expr, field_type: FieldType, extra_format: str | None = None) -> pl.Expr:
    """Read trimmed text as a date or date-time in the ISO and UK forms; anything else is null.

    NOTE: trying every whole-value format costs a parse per format per value; the date part is
    always the first ten characters, so two parses and one regex over the rest are enough.
    """
    head, tail = text.str.slice(0, 10), text.str.slice(10)
    day = pl.coalesce([head.str.strptime(pl.Date, fmt, strict=False) for fmt in DATE_FORMATS])
    # NOTE: a year outside 1900-2100 (a two-digit year read as 0025, 0201, 9999) is no real date here.
    day = pl.when(day.dt.year().is_between(FIRST_YEAR, LAST_YEAR)).then(day)
    well_formed = tail.str.contains(TIME_OF_DAY)
    if field_type is FieldType.DATE:
        standard = pl.when(well_formed).then(day)
    else:
        hours, minutes, seconds = (tail.str.slice(start, 2).cast(pl.Int64, strict=False) for start in (1, 4, 7))
        time_of_day = pl.duration(hours=hours.fill_null(0), minutes=minutes.fill_null(0), seconds=seconds.fill_null(0))
        standard = pl.when(well_formed).then(day.cast(pl.Datetime("us")) + time_of_day)
    if extra_format is None:
        return standard
    extra = text.str.strptime(pl.Datetime("us"), extra_format, strict=False)
    extra = pl.when(extra.dt.year().is_between(FIRST_YEAR, LAST_YEAR)).then(extra)
    return pl.coalesce(extra.dt.date() if field_type is FieldType.DATE else extra, standard)


def typed_columns(
    field: str,
    field_type: FieldType,
    source: pl.DataType,
    *,
    column: str | None = None,
    mapping: FieldMapping | None = None,
    null_tokens: Sequence[str] = (),
) -> list[pl.Expr]:
    """Expressions giving a field's typed column and, for parsed types, whether it was present.

    ``column`` is the source column (default: the field's own name); ``mapping`` translates its
    values and adds a date format; ``null_tokens`` are values that mean blank.
    """
    raw = pl.col(column or field)
    if field_type.is_parsed and _already_typed(field_type, source):
        return [_cast(raw, field_type).alias(field), raw.is_not_null().alias(present_name(field))]
    text = blank_to_null(raw if source == pl.String else raw.cast(pl.String), null_tokens)
    if mapping is not None and mapping.values:
        text = text.replace(dict(mapping.values))
    if not field_type.is_parsed:
        return [text.alias(field)]
    if field_type is FieldType.INTEGER:
        parsed = text.cast(pl.Int64, strict=False)
    else:
        parsed = parse_temporal(text, field_type, mapping.date_format if mapping else None)
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
