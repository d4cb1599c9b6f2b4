"""Kinds that check a record against another record type: exists_in, within_parent.

Both match keys as ``checks.relations`` does (trimmed, case-sensitive, a blank key matches
nothing; of several parent rows sharing a key, the first in the extract counts). Each streams a
key of its own row (``row_key``) and finishes in memory against ``ctx.related`` (``compared``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.kinds.base import Export, ExportStatus, RuleKind, applies, field_param, rule_kind
from refcheck.checks.relations import first_by_key, key_text
from refcheck.schemas import FieldType

READS_ANOTHER = "it reads another record type, and an export checks one table; the Polars engine runs it"
"""Why a cross-record kind has no pandera, SQL or GX form: each of those checks one table at a time."""


class CrossRecord(RuleKind):
    """What every kind that reads another record type shares: no violation of its own row, no exports."""

    compares_rows = True

    def violation(self, ctx: Context) -> pl.Expr:
        raise TypeError(f"the {self.name!r} kind reads another record type: use row_key and compared")

    def pandera_status(self) -> ExportStatus:
        return ExportStatus(Export.NONE, READS_ANOTHER)

    def sql_status(self) -> ExportStatus:
        return ExportStatus(Export.NONE, READS_ANOTHER)

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        return ExportStatus(Export.NONE, READS_ANOTHER)


def day_part(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A date, or the date part of a date-time, of a column whose type is ``dtype``."""
    return value.dt.date() if isinstance(dtype, pl.Datetime) else value


@rule_kind("exists_in")
@dataclass(frozen=True, slots=True, kw_only=True)
class ExistsIn(CrossRecord):
    """A present ``field`` must match the key of some row of another ``record_type``.

    Keys are compared trimmed and case-sensitively. ``key`` names that record type's key field
    when it is not called the same as ``field``. Applies where the field is present.
    """

    category = "integrity"
    example_note = "while no record of the other type has that key"
    field: str = field_param()
    record_type: str
    key: str | None = None

    @property
    def other_key(self) -> str:
        """The other record type's key field."""
        return self.key or self.field

    def related(self) -> Mapping[str, tuple[str, ...]]:
        return {self.record_type: (self.other_key,)}

    def row_key(self, ctx: Context) -> pl.Expr:
        return key_text(ctx.col(self.field))

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        known = first_by_key(ctx.related[self.record_type].select(self.other_key), self.other_key)
        key = pl.col("key")
        return (pl.DataFrame({"key": keys})
                .select(applies(key.is_not_null(), ~key.is_in(known.get_column(self.other_key).implode())))
                .to_series().alias(keys.name))


@rule_kind("within_parent")
@dataclass(frozen=True, slots=True, kw_only=True)
class WithinParent(CrossRecord):
    """The ``date`` must lie within its ``parent`` record's ``start`` and ``end`` dates.

    The parent is the row of the ``parent`` record type whose key (``key``, else the field named
    like ``by``) equals this record's ``by`` field, trimmed; of several, the first in the
    extract. Dates are compared as dates (times of day ignored). Applies when the parent is
    found and the date and the parent's start are present; fails when the date is before the
    start, or after the end when the parent has one.
    """

    category = "plausibility"
    example_note = "while its parent record's dates are as the example says"
    parent: str
    by: str = field_param()
    date: str = field_param()
    start: str
    end: str | None = None
    key: str | None = None

    @property
    def parent_key(self) -> str:
        """The parent record type's key field."""
        return self.key or self.by

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.date,)

    def related(self) -> Mapping[str, tuple[str, ...]]:
        return {self.parent: tuple(dict.fromkeys(name for name in (self.parent_key, self.start, self.end) if name))}

    def related_temporal(self) -> Mapping[str, tuple[str, ...]]:
        return {self.parent: tuple(name for name in (self.start, self.end) if name)}

    def row_key(self, ctx: Context) -> pl.Expr:
        return pl.struct(key_text(ctx.col(self.by)).alias("key"), ctx.day(self.date).alias("date"))

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        parents = ctx.related[self.parent]
        dtypes = parents.schema
        start = day_part(pl.col(self.start), dtypes[self.start]).alias("start")
        end = (day_part(pl.col(self.end), dtypes[self.end]) if self.end else pl.lit(None, pl.Date)).alias("end")
        found = first_by_key(parents.select(pl.col(self.parent_key), start, end), self.parent_key)
        rows = keys.struct.unnest().with_columns(pl.col("date").cast(pl.Date))
        joined = rows.join(found.rename({self.parent_key: "key"}).with_columns(pl.lit(True).alias("known")),
                           on="key", how="left", maintain_order="left")
        date, begins, ends = pl.col("date"), pl.col("start"), pl.col("end")
        condition = pl.col("known").fill_null(False) & date.is_not_null() & begins.is_not_null()
        outside = (date < begins) | (ends.is_not_null() & (date > ends)).fill_null(False)
        return joined.select(applies(condition, outside)).to_series().alias(keys.name)
