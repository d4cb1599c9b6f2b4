"""Whole-process time and peak memory of ``refcheck check`` beside a plain Polars read of the same file.

Usage: python bench/run.py --rows 1000000 [--runs 5] [--data bench/data]

Each contender runs as its own process, alternating, after one warm-up each; the median wall
time and the median peak resident memory (from ``os.wait4``) are printed with their ratios.
Never part of the test suite: speed is measured here, not asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = "import polars as pl, sys; pl.read_csv(sys.argv[1], infer_schema=False)"
FLOOR_TYPED = "import polars as pl, sys; pl.read_csv(sys.argv[1], try_parse_dates=True, infer_schema_length=10000)"


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args()

    refcheck = shutil.which("refcheck") or str(Path(sys.executable).with_name("refcheck"))
    extract = args.data / f"referrals-{args.rows}.csv"
    if not extract.exists():
        subprocess.run([refcheck, "sample", "--rows", str(args.rows), "--seed", str(args.seed), "--out",
                        str(extract)], check=True)
    report = args.data / "report.json"
    contenders = {
        "polars.read_csv (all text)": [sys.executable, "-c", FLOOR, str(extract)],
        "polars.read_csv (typed)": [sys.executable, "-c", FLOOR_TYPED, str(extract)],
        "refcheck check --json": [refcheck, "check", str(extract), "--as-of", "2026-11-20", "--json", str(report)],
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for command in contenders.values():
        measure(command)  # warm-up: file cache, imports
    for _ in range(args.runs):
        for name, command in contenders.items():
            results[name].append(measure(command))

    floor_name = "polars.read_csv (typed)"
    floor_wall = statistics.median(wall for wall, _ in results[floor_name])
    floor_mem = statistics.median(mem for _, mem in results[floor_name])
    size = extract.stat().st_size / 2**20
    print(f"{args.rows:,} rows, {size:,.0f} MiB CSV, median of {args.runs} runs, {os.cpu_count()} cores")
    print(f"{'contender':32} {'wall s':>8} {'peak MiB':>9} {'x time':>7} {'x mem':>6}")
    for name, samples in results.items():
        wall = statistics.median(w for w, _ in samples)
        mem = statistics.median(m for _, m in samples)
        print(f"{name:32} {wall:8.2f} {mem:9.0f} {wall / floor_wall:7.2f} {mem / floor_mem:6.2f}")


if __name__ == "__main__":
    main()
