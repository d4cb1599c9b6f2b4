"""How records of one type find the records of another: trimmed keys, the first row of a repeated key.

The child protection standard (section 1) fixes the rules: keys are compared after trimming,
case-sensitively; a blank key never matches anything; where several parent rows share a key, the
first in the extract gives the team and dates. Every relation in the engine and the kinds goes
through these two functions so that they all agree.
"""

from __future__ import annotations

import polars as pl


def key_text(key: pl.Expr) -> pl.Expr:
    """A key as relations compare it: its text trimmed, and null when blank."""
    text = key.cast(pl.String).str.strip_chars()
    return pl.when(text != "").then(text)


def first_by_key(parents: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per present key: the first parent row (in extract order) holding it, keyed by ``key_text``.

    ``parents`` is in extract order; the result has the same columns, ``key`` replaced by its trimmed text.
    """
    return (parents.lazy().with_columns(key_text(pl.col(key)).alias(key))
            .filter(pl.col(key).is_not_null()).unique(subset=key, keep="first", maintain_order=True).collect())
