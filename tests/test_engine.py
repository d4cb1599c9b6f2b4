"""Engine internals that the end-to-end tests cannot reach: what happens when hashes collide."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.checks.engine import HASH, MOMENT, PERSON, TEAM, by_person
from refcheck.checks.kinds import repeated, rows_with_repeated_hash, shared_among


def test_people_whose_hashes_collide_are_still_sorted_apart() -> None:
    moments = [dt.datetime(2025, 1, day) for day in (5, 1, 3, 2, 4)]
    narrow = pl.DataFrame({TEAM: ["A"] * 5, PERSON: ["C2", "C1", "C2", "C1", "C1"], MOMENT: moments,
                           HASH: pl.Series([7] * 5, dtype=pl.UInt64)})  # every hash the same: a collision
    ordered = by_person(narrow)
    assert ordered[PERSON].to_list() == ["C1", "C1", "C1", "C2", "C2"]
    assert ordered[MOMENT].to_list() == sorted(moments[i] for i in (1, 3, 4)) + sorted(moments[i] for i in (0, 2))
    distinct = narrow.with_columns(pl.col(PERSON).hash().alias(HASH))
    assert by_person(distinct)[PERSON].rle_id().max() == 1  # each person's rows together when hashes differ


def test_a_missing_person_whose_hash_collides_with_a_real_one_is_sorted_apart() -> None:
    moments = [dt.datetime(2025, 1, day) for day in (1, 2, 3)]
    narrow = pl.DataFrame({TEAM: ["A"] * 3, PERSON: ["C1", None, "C1"], MOMENT: moments,
                           HASH: pl.Series([7] * 3, dtype=pl.UInt64)})
    assert by_person(narrow)[PERSON].rle_id().max() == 1  # C1's referrals together, the missing one apart


def _by_window(values: pl.Series) -> list[bool | None]:
    frame = values.to_frame("v")
    return frame.select(pl.when(pl.col("v").is_not_null()).then(pl.len().over("v") > 1)).to_series().to_list()


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["R1", "R2", "R3", "r1", " R1", "", "R10"])), max_size=40))
def test_repeated_values_are_found_as_a_window_over_every_value_finds_them(values: list[str | None]) -> None:
    series = pl.Series("id", values, dtype=pl.String)
    assert repeated(series).to_list() == _by_window(series)
    # every hash the same: each value is only a candidate, and the values themselves decide
    colliding = pl.Series([7] * len(values), dtype=pl.UInt64)
    assert shared_among(series, colliding).to_list() == _by_window(series)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(st.lists(st.integers(min_value=0, max_value=12), max_size=60))
def test_rows_with_a_repeated_hash_are_those_a_count_finds_with_equal_hashes_together(values: list[int]) -> None:
    hashes = pl.Series(values, dtype=pl.UInt64)
    rows = rows_with_repeated_hash(hashes).to_list()
    assert sorted(rows) == [row for row, value in enumerate(values) if values.count(value) > 1]
    found = [values[row] for row in rows]
    assert found == sorted(found)
