"""The benchmark harness's arithmetic: the verdict is the ratio of medians, and the rounds say how firm it is.

The harness itself (timing processes) is never run by the tests; its tables are checked here, and the
other shapes it makes (bench/shapes.py) against the extract they are made from.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

FLOOR = "polars.read_csv (typed): the floor"
BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
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
    lines = bench.verdicts("1,000,000 rows", _samples(bench))
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    # median check 1.1 s, median GX 22 s: 20.0x, met; per round 22, 22, 14.7, 14.7, 20 -> 3 of 5
    assert rows["GX time / check"] == "| GX time / check | >= 20x | 20.00x | yes | 3 of 5 |"
    # median scorecard 1.2 s / 1.1 s = 1.09x, met; per round 1.2, 1.2, 0.8, 1.33, 1.82 -> 3 of 5
    assert rows["scorecard time / check"] == "| scorecard time / check | <= 1.3x | 1.09x | yes | 3 of 5 |"
    # memory: median 500 / 800; the last round's 900 MiB is over the floor's 800
    assert rows["check memory / floor"] == "| check memory / floor | <= 1x | 0.62x | yes | 4 of 5 |"
    assert "pandera time / check" not in rows  # not run at this size


def test_table_shows_each_contenders_fastest_and_slowest_round(bench: ModuleType) -> None:
    lines = bench.table("1,000,000 rows (240 MiB CSV)", _samples(bench))
    check = next(line for line in lines if line.startswith(f"| {bench.CHECK} |"))
    assert check.split(" | ")[1:3] == ["1.10", "1.00–1.50"]
    assert lines[0] == "### 1,000,000 rows (240 MiB CSV), median of 5 runs"


def test_other_shapes_are_the_same_records_quoted_over_two_lines_or_with_windows_line_ends(
        bench: ModuleType, tmp_path: Path) -> None:
    made = bench.other_shapes(400, tmp_path, str(Path(sys.executable).with_name("refcheck")))  # bench/shapes.py
    base, quoted, two_lines, crlf = (pl.read_csv(path, infer_schema=False) for path in made.values())
    reasons = base["referral_reason"].to_list()

    def changed(low: int, high: int, into: str) -> list[str | None]:
        return [reason.replace(" ", into, 1) if reason is not None and low <= index * 37 % 100 < high else reason
                for index, reason in enumerate(reasons)]

    assert quoted["referral_reason"].to_list() == changed(0, 30, ", ")
    assert two_lines["referral_reason"].to_list() == changed(30, 31, "\n")
    assert quoted.drop("referral_reason").equals(base.drop("referral_reason"))
    assert two_lines.drop("referral_reason").equals(base.drop("referral_reason"))
    assert crlf.equals(base)
    written = list(made.values())[3].read_bytes()
    assert written.count(b"\r\n") == base.height + 1 and b"\n" not in written.replace(b"\r\n", b"")
