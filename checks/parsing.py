"""Turn an extract's raw text into typed columns: blanks become null, dates are parsed.

Every value is trimmed once here, so no rule trims again and a whitespace-only value is blank
everywhere. A present value that cannot be read as its type becomes null in the typed column;
the ``<field>.type`` rule sees the difference through a hidden "was present" column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from refcheck.checks.internal import internal
from refcheck.schemas import FieldType
from refcheck.schemas.model import FieldMapping

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
"""The date part of a value: ISO or UK, always the first ten characters."""

TIME_OF_DAY = r"^(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?)?$"
"""What may follow the date part: nothing, or ``T``/space and HH:MM, HH:MM:SS or HH:MM:SS.fff."""


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Dates outside these years are taken as mistakes (two-digit years, typos), so they are unreadable."""
_FIRST_DAY, _LAST_DAY = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)


def present_name(field: str) -> str:
    """Name of the hidden column saying whether a parsed field's raw value was present."""
    return internal("present", field)


def blank_to_null(text: pl.Expr, null_tokens: Sequence[str] = ()) -> pl.Expr:
    """Trim surrounding whitespace; an empty result, or one of the null tokens, is null."""
    trimmed = text.str.strip_chars()
    present = trimmed.str.len_bytes() > 0
    if null_tokens:
        present = present & ~trimmed.is_in(list(null_tokens))
    return pl.when(present).then(trimmed)


Stages = list[list[pl.Expr]]
"""Expressions applied in turn (``select``, then ``with_columns``...): each later stage reads the
columns the earlier ones made, so no subexpression is evaluated twice.

Polars evaluates a subexpression once per use (``pl.when(day...).then(day)`` parses twice),
and parsing is most of the cost of a check, so a field's reading is split into stages.
"""

STAGES = 6


def _hidden(field: str, part: str) -> str:
    return internal(part, field)


def typed_stages(
    field: str,
    field_type: FieldType,
    source: pl.DataType,
    *,
    column: str | None = None,
    mapping: FieldMapping | None = None,
    null_tokens: Sequence[str] = (),
) -> Stages:
    """The stages giving a field's typed column and, for parsed types, whether it was present.

    ``column`` is the source column (default: the field's own name); ``mapping`` translates its
    values and adds a date format; ``null_tokens`` are values that mean blank.
    """
    raw = pl.col(column or field)
    if field_type.is_parsed and _already_typed(field_type, source):
        return [[_cast(raw, field_type).alias(field), raw.is_not_null().alias(present_name(field))],
                *([] for _ in range(STAGES - 1))]
    trimmed, text = _hidden(field, "trimmed"), _hidden(field, "text") if field_type.is_parsed else field
    present = pl.col(trimmed).str.len_bytes() > 0  # NOTE: twice as fast as != ""
    if null_tokens:
        present = present & ~pl.col(trimmed).is_in(list(null_tokens))
    value: pl.Expr = pl.when(present).then(pl.col(trimmed))
    if mapping is not None and mapping.values:
        value = value.replace(dict(mapping.values))
    stages: Stages = [
        [(raw if source == pl.String else raw.cast(pl.String)).str.strip_chars().alias(trimmed)],
        [value.alias(text)],
        *([] for _ in range(STAGES - 2)),
    ]
    if not field_type.is_parsed:
        return stages
    stages[2].append(pl.col(text).is_not_null().alias(present_name(field)))
    if field_type is FieldType.INTEGER:
        stages[2].append(pl.col(text).cast(pl.Int64, strict=False).alias(field))
        return stages
    head, iso, tail = _hidden(field, "head"), _hidden(field, "iso"), _hidden(field, "tail")
    # NOTE: the date part is sliced once, for both the ISO and the UK reading: slicing costs as much
    # on the values a mask hides as on the others. The tail (what follows the date part) is null
    # when nothing does, which measured a sixth faster than an empty one.
    stages[2] += [pl.col(text).str.slice(0, 10).alias(head),
                  pl.when(pl.col(text).str.len_bytes() > 10).then(pl.col(text).str.slice(10)).alias(tail)]
    stages[3].append(pl.col(head).str.strptime(pl.Date, DATE_FORMATS[0], strict=False).alias(iso))
    extra_format = mapping.date_format if mapping else None
    stages[4] += _temporal_parts(field, pl.col(text), pl.col(head), pl.col(iso), pl.col(tail), field_type,
                                 extra_format)
    stages[5].append(_temporal_value(field, field_type, extra_format is not None))
    return stages


def _temporal_parts(field: str, text: pl.Expr, head: pl.Expr, iso: pl.Expr, tail: pl.Expr,
                    field_type: FieldType, extra_format: str | None) -> list[pl.Expr]:
    """The date part (ISO or UK), whether what follows it is a time of day, and that time.

    The date part (``head``) is always the first ten characters; trying whole-value formats
    instead costs a parse per format per value. The ISO reading (made a stage earlier) is tried
    first, and only the values it cannot read are tried as UK dates.
    """
    uk = pl.when(iso.is_null()).then(head).str.strptime(pl.Date, DATE_FORMATS[1], strict=False)
    day = pl.coalesce(iso, uk)
    timed = tail.str.contains(TIME_OF_DAY).fill_null(True)  # NOTE: the pattern matches an empty tail too
    parts = [day.alias(_hidden(field, "day")), timed.alias(_hidden(field, "timed"))]
    if field_type is FieldType.DATETIME:
        hours, minutes, seconds = (tail.str.slice(start, 2).cast(pl.Int64, strict=False) for start in (1, 4, 7))
        parts.append(pl.duration(hours=hours.fill_null(0), minutes=minutes.fill_null(0),
                                 seconds=seconds.fill_null(0)).alias(_hidden(field, "time")))
    if extra_format is not None:
        parts.append(text.str.strptime(pl.Datetime("us"), extra_format, strict=False).alias(_hidden(field, "extra")))
    return parts


def _temporal_value(field: str, field_type: FieldType, has_extra: bool) -> pl.Expr:
    """The date or date-time: a real date part in 1900-2100 and a well-formed time, else null.

    A year outside 1900-2100 (a two-digit year read as 0025, 0201, 9999) is no real date here.
    """
    day = pl.col(_hidden(field, "day"))
    readable = day.is_between(_FIRST_DAY, _LAST_DAY) & pl.col(_hidden(field, "timed"))  # NOTE: not dt.year(): 2x
    if field_type is FieldType.DATE:
        standard = pl.when(readable).then(day)
    else:
        standard = pl.when(readable).then(day.cast(pl.Datetime("us")) + pl.col(_hidden(field, "time")))
    if not has_extra:
        return standard.alias(field)
    extra = pl.col(_hidden(field, "extra"))
    extra = pl.when(extra.dt.date().is_between(_FIRST_DAY, _LAST_DAY)).then(extra)
    return pl.coalesce(extra.dt.date() if field_type is FieldType.DATE else extra, standard).alias(field)


def read_typed(frame: pl.LazyFrame, stages: Sequence[Stages], keep: Sequence[pl.Expr] = ()) -> pl.LazyFrame:
    """Apply every field's stages together; ``keep`` are further columns to carry from the source."""
    out = frame.select(*(expr for field in stages for expr in field[0]), *keep)
    for number in range(1, STAGES):
        step = [expr for field in stages for expr in field[number]]
        if step:
            out = out.with_columns(step)
    return out


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
