"""Engine internals that the end-to-end tests cannot reach: what happens when two people's hashes collide."""

from __future__ import annotations

import datetime as dt

import polars as pl

from refcheck.checks.engine import HASH, MOMENT, PERSON, TEAM, by_person


def test_people_whose_hashes_collide_are_still_sorted_apart() -> None:
    moments = [dt.datetime(2025, 1, day) for day in (5, 1, 3, 2, 4)]
    narrow = pl.DataFrame({TEAM: ["A"] * 5, PERSON: ["C2", "C1", "C2", "C1", "C1"], MOMENT: moments,
                           HASH: pl.Series([7] * 5, dtype=pl.UInt64)})  # every hash the same: a collision
    ordered = by_person(narrow)
    assert ordered[PERSON].to_list() == ["C1", "C1", "C1", "C2", "C2"]
    assert ordered[MOMENT].to_list() == sorted(moments[i] for i in (1, 3, 4)) + sorted(moments[i] for i in (0, 2))
    distinct = narrow.with_columns(pl.col(PERSON).hash().alias(HASH))
    assert by_person(distinct)[PERSON].rle_id().max() == 1  # each person's rows together when hashes differ
