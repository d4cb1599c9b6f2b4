"""The benchmark harness's arithmetic: the verdict is the ratio of medians, and the rounds say how firm it is.

The harness itself (timing processes) is never run by the tests; only its tables are checked here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

FLOOR = "polars.read_csv (typed): the floor"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _samples(bench: ModuleType) -> dict[str, list[tuple[float, float]]]:
    # Five rounds. The check falls into two levels; GX is steady, so its per-round ratio moves with the check.
    return {
        FLOOR: [(2.0, 800.0)] * 5,
        bench.CHECK: [(1.0, 500.0), (1.0, 500.0), (1.5, 500.0), (1.5, 500.0), (1.1, 900.0)],
        bench.SCORECARD: [(1.2, 600.0), (1.2, 600.0), (1.2, 600.0), (2.0, 600.0), (2.0, 600.0)],
        bench.GX: [(22.0, 2000.0)] * 5,
    }


def test_verdict_is_the_ratio_of_medians_and_rounds_count_each_rounds_own_ratio(bench: ModuleType) -> None:
    lines = bench.verdicts(1_000_000, _samples(bench))
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    # median check 1.1 s, median GX 22 s: 20.0x, met; per round 22, 22, 14.7, 14.7, 20 -> 3 of 5
    assert rows["GX time / check"] == "| GX time / check | >= 20x | 20.00x | yes | 3 of 5 |"
    # median scorecard 1.2 s / 1.1 s = 1.09x, met; per round 1.2, 1.2, 0.8, 1.33, 1.82 -> 3 of 5
    assert rows["scorecard time / check"] == "| scorecard time / check | <= 1.3x | 1.09x | yes | 3 of 5 |"
    # memory: median 500 / 800; the last round's 900 MiB is over the floor's 800
    assert rows["check memory / floor"] == "| check memory / floor | <= 1x | 0.62x | yes | 4 of 5 |"
    assert "pandera time / check" not in rows  # not run at this size


def test_table_shows_each_contenders_fastest_and_slowest_round(bench: ModuleType) -> None:
    lines = bench.table(1_000_000, 240.0, _samples(bench))
    check = next(line for line in lines if line.startswith(f"| {bench.CHECK} |"))
    assert check.split(" | ")[1:3] == ["1.10", "1.00–1.50"]
    assert lines[0] == "### 1,000,000 rows (240 MiB CSV), median of 5 runs"
