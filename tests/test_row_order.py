"""row_order: one 64-bit key sorts as the key columns do (nulls last, ties in row order), or the columns are sorted."""

from __future__ import annotations

import random

import polars as pl
import pytest

from refcheck.reports.row_order import _packed_key, row_order


def _frame(seed: int, rows: int, wide: bool) -> pl.DataFrame:
    """Random keys with nulls, repeats and negatives; ``wide`` makes one key's range too wide to pack."""
    rng = random.Random(seed)

    def column(low: int, high: int) -> list[int | None]:
        return [None if rng.random() < 0.2 else rng.randint(low, high) for _ in range(rows)]

    return pl.DataFrame({"team": pl.Series([rng.randint(0, 3) for _ in range(rows)], dtype=pl.UInt32),
                         "rank": pl.Series(column(1, 3), dtype=pl.Int8),
                         "days": column(-40, 900),
                         "line": column(2, 10**9 if not wide else 2**62),
                         "rule": column(0, 5),
                         "position": range(rows)})


@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_order_is_the_columns_sort_with_ties_in_row_order(seed: int, wide: bool) -> None:
    frame = _frame(seed, 3_000, wide)
    keys, descending = ["team", "rank", "days", "line", "rule"], [False, True, True, False, True]
    assert (_packed_key(frame.select(keys), keys, descending) is None) == wide  # NOTE: both ways are tried
    order = row_order(frame, keys, descending)
    expected = frame.sort([*keys, "position"], descending=[*descending, False], nulls_last=True)
    assert frame[order].equals(expected)


def test_keys_of_other_types_and_empty_frames_sort_too() -> None:
    frame = pl.DataFrame({"name": ["b", None, "a", "b"], "n": [1, 2, None, 0]})
    assert row_order(frame, ["name", "n"], [False, True]).to_list() == [2, 0, 3, 1]
    assert row_order(frame.head(0), ["name", "n"], [False, False]).to_list() == []
    nulls = pl.DataFrame({"n": pl.Series([None, None], dtype=pl.Int64), "m": [2, 1]})
    assert row_order(nulls, ["n", "m"], [False, False]).to_list() == [1, 0]
