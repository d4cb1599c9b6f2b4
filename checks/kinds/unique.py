"""The unique kind, and the hash-based comparison of values across rows it (and re-referrals) use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.kinds.base import (
    GxExpectation,
    PanderaTerms,
    RuleKind,
    SqlTerms,
    Violation,
    applies,
    field_param,
    rule_kind,
    when,
)
from refcheck.schemas import FieldType


@rule_kind("unique")
@dataclass(frozen=True, slots=True, kw_only=True)
class Unique(RuleKind):
    """A present value must not be shared with another row; every row sharing it fails."""

    category = "integrity"
    compares_rows = True
    example_note = "while another record has the same value"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), pl.len().over(value) > 1)

    def row_key(self, ctx: Context) -> pl.Expr:
        return ctx.col(self.field)

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        return repeated(keys)

    def pandera(self, terms: PanderaTerms) -> Violation:
        value = terms.value(self.field)
        return Violation(when(f"{value}.is_not_null()", f"pl.len().over({value}) > 1"))

    def sql(self, terms: SqlTerms) -> tuple[str, str]:
        return terms.present(self.field), terms.repeated(terms.typed(self.field))

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        return (GxExpectation("ExpectColumnValuesToBeUnique", self.field),)


def hash_repeats(hashes: pl.Series) -> pl.Series:
    """Whether each hash is also on another row.

    Sorting the hashes and comparing neighbours is twice as fast as ``pl.len().over()``.
    """
    ordered = hashes.sort()
    return hashes.is_in(ordered.filter(ordered == ordered.shift(1)).implode())


def rows_with_repeated_hash(hashes: pl.Series) -> pl.Series:
    """The indices of the rows whose hash is also on another row, in the hashes' order (equal ones together).

    For a sort by hash that follows, rows already in hash order sort faster (re-referrals at
    5M rows: 0.31 s against 0.37 s for ``hash_repeats``, a filter and the sort). Where only a mask
    is wanted (uniqueness), ``hash_repeats`` is twice as fast: 0.11 s against 0.21 s on 5M ids.
    """
    order = hashes.arg_sort()
    ordered = hashes.gather(order)
    after_same = (ordered == ordered.shift(1)).fill_null(False)
    return order.filter(after_same | after_same.shift(-1, fill_value=False))


def repeated(values: pl.Series) -> pl.Series:
    """Whether each value is also on another row; null where the value is null.

    A window over every value (``pl.len().over``) costs three times as much on 5M text values
    as sorting their hashes; only the rows whose hash repeats are then compared as values, so
    two values whose hashes collide still count as different.
    """
    return shared_among(values, values.hash())


def shared_among(values: pl.Series, hashes: pl.Series) -> pl.Series:
    """``repeated``, given each value's hash."""
    frame = pl.DataFrame({"value": values, "candidate": hash_repeats(hashes)})
    value = pl.col("value")
    shared = (frame.lazy().with_row_index("row").filter(pl.col("candidate") & value.is_not_null())
              .filter(pl.len().over(value) > 1).select("row").collect().get_column("row"))
    return frame.select(applies(value.is_not_null(), pl.lit(False))).to_series().scatter(shared, True)
