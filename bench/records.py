"""Whole-process time and peak memory of refcheck on a folder of several record types, beside a typed read of it.

Usage:
    python bench/records.py [--rows 1000000] [--runs 3] [--warm-ups 1] [--data bench/data]
                            [--write bench/records.md]

For each size it makes a folder with ``refcheck sample --rows N --seed 7 --out FOLDER`` (kept in
the data folder): referrals and the child protection plans, visits and review conferences the
generator gives them (at 1,000,000 referrals about 45,000 plans, 860,000 visits and 61,000
reviews; the rows of each are read back and stated, never assumed). Each contender runs as its
own process, timed as bench/run.py times them (its ``measure``: wall, peak resident memory, CPU):

- the floor: a typed ``polars.read_csv`` of every record type's file with the schema given, all
  the frames held at once (bench/records_floor.py);
- an all-text read of the same files, beside it;
- ``refcheck check FOLDER --schema wales --json`` and ``refcheck scorecard FOLDER --schema wales``.

One warm-up each, then ``--runs`` rounds that alternate the contenders (the starting one rotates);
every run starts with the files and Polars' library in the page cache. The targets: the check
within 2.5x the floor, its peak memory no more than the floor's, the scorecard within 1.3x the
check; each judged on the ratio of medians, with the number of rounds whose own ratio met it.
CPU ratios stand beside them, being steadier on a shared machine. ``--write`` saves the tables,
the machine, the load average and this command as Markdown. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import AS_OF, Samples, machine, measure, medians, own_refcheck, polars_files, warm  # noqa: E402

HERE = Path(__file__).resolve().parent
SCHEMA = "wales"
FLOOR = "polars.read_csv of every file (schema given): the floor"
TEXT = "polars.read_csv of every file (all text)"
CHECK = "refcheck check --schema wales --json"
SCORECARD = "refcheck scorecard --schema wales"
TEXT_READ = ("import polars as pl, sys; from pathlib import Path; "
             "frames = [pl.read_csv(path, infer_schema=False) for path in sorted(Path(sys.argv[1]).glob('*.csv'))]")

TARGETS = (
    # (target, numerator, denominator, what is compared (0 wall, 1 memory, 2 CPU), limit)
    ("check time / floor", CHECK, FLOOR, 0, 2.5),
    ("check CPU / floor", CHECK, FLOOR, 2, 2.5),
    ("check memory / floor", CHECK, FLOOR, 1, 1.0),
    ("scorecard time / check", SCORECARD, CHECK, 0, 1.3),
    ("scorecard CPU / check", SCORECARD, CHECK, 2, 1.3),
)
"""Issue 28's targets for a multi-record extract; the CPU rows apply the time targets to CPU seconds."""


def sample_folder(rows: int, data: Path, refcheck: str) -> Path:
    """The folder of ``rows`` referrals and their child protection records (seed 7), made unless it is there."""
    folder = data / f"records-{rows}"
    if not (folder / "referrals.csv").exists():
        subprocess.run([refcheck, "sample", "--rows", str(rows), "--seed", "7", "--out", str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def contenders(folder: Path, work: Path, refcheck: str) -> dict[str, list[str]]:
    """The commands to time on one folder, the floor first."""
    return {
        FLOOR: [sys.executable, str(HERE / "records_floor.py"), "read", str(folder), str(work / "record_columns.json")],
        TEXT: [sys.executable, "-c", TEXT_READ, str(folder)],
        CHECK: [refcheck, "check", str(folder), "--schema", SCHEMA, "--as-of", AS_OF, "--json",
                str(work / "records.json")],
        SCORECARD: [refcheck, "scorecard", str(folder), "--schema", SCHEMA, "--as-of", AS_OF, "--no-history",
                    "--out", str(work / "records-scorecard")],
    }


def record_rows(folder: Path, work: Path) -> dict[str, int]:
    """Each record type's rows, as the floor reads them (a run of its own, untimed)."""
    done = subprocess.run(contenders(folder, work, "refcheck")[FLOOR], check=True, capture_output=True, text=True)
    return {name: int(read["rows"]) for name, read in json.loads(done.stdout).items()}


def rounds(commands: dict[str, list[str]], files: list[Path], runs: int, warm_ups: int) -> Samples:
    """Every round's wall, memory and CPU time of every command, the starting one rotating from round to round."""
    results: Samples = {name: [] for name in commands}
    library = polars_files()
    for _ in range(warm_ups):
        for command in commands.values():
            warm(*files, *library)
            measure(command)
    names = list(commands)
    for number in range(runs):
        start = number % len(names)
        for name in names[start:] + names[:start]:
            warm(*files, *library)
            results[name].append(measure(commands[name]))
            print(f"  round {number + 1}: {name} {results[name][-1][0]:.2f} s", file=sys.stderr)
    return results


def table(title: str, samples: Samples) -> list[str]:
    """One folder's results as a Markdown table: medians, the fastest and slowest round, and ratios to the floor."""
    middle = medians(samples)
    floor_wall, floor_mem, floor_cpu = middle[FLOOR]
    check_wall = middle[CHECK][0]
    lines = [f"### {title}, median of {len(samples[CHECK])} runs", "",
             "| contender | wall s | fastest–slowest s | CPU s | peak MiB | time / floor | CPU / floor | "
             "memory / floor | time / check |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (wall, mem, cpu) in middle.items():
        walls = [run[0] for run in samples[name]]
        lines.append(f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.2f} | {mem:,.0f} | "
                     f"{wall / floor_wall:.2f}x | {cpu / floor_cpu:.2f}x | {mem / floor_mem:.2f}x | "
                     f"{wall / check_wall:.2f}x |")
    return lines


def verdicts(label: str, samples: Samples) -> list[str]:
    """Each target: the ratio of medians, whether it is met, and in how many rounds its own ratio met it."""
    middle = medians(samples)
    lines = [f"| {label} | target | measured | met | rounds met |", "|---|---:|---:|---|---:|"]
    for target, top, bottom, part, limit in TARGETS:
        value = middle[top][part] / middle[bottom][part]
        held = sum(a[part] / b[part] <= limit for a, b in zip(samples[top], samples[bottom], strict=True))
        lines.append(f"| {target} | <= {limit:g}x | {value:.2f}x | {'yes' if value <= limit else '**no**'} | "
                     f"{held} of {len(samples[top])} |")
    return lines


def files_line(folder: Path, rows: dict[str, int]) -> str:
    """What the folder holds: each record type's rows and its file's size."""
    parts = [f"{name} {count:,} rows ({(folder / f'{name}.csv').stat().st_size / 2**20:,.1f} MiB)"
             for name, count in rows.items()]
    return "The folder holds " + ", ".join(parts) + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000], help="Referrals in each folder.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-ups", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--write", type=Path, default=None, help="Write the results as Markdown here.")
    args = parser.parse_args()

    refcheck = own_refcheck()
    work = args.data / "work"
    work.mkdir(parents=True, exist_ok=True)
    with (work / "record_columns.json").open("w") as columns:  # once, so that the floor's time is the reads alone
        subprocess.run([sys.executable, str(HERE / "records_floor.py"), "columns", SCHEMA], check=True, stdout=columns)
    lines = ["# Performance of several record types", "",
             "Generated by `bench/records.py` (do not edit by hand). To reproduce:", "",
             "```sh", "python bench/records.py " + " ".join(sys.argv[1:]), "```", "",
             f"Machine: {machine()}.", "",
             "Each contender is a whole process. The floor is a typed `polars.read_csv` of every record type's "
             "file with the `wales` schema given (bench/records_floor.py: each record type's collected fields, "
             "text and codes as text, dates and date-times parsed with the formats the files are written in), "
             "all the frames held at once; the all-text read stands beside it. The check and the scorecard "
             f"run with `--schema {SCHEMA} --as-of {AS_OF}` on the folder. Targets: the check within 2.5x the "
             "floor, its peak memory no more than the floor's, the scorecard within 1.3x the check; each judged "
             "on the ratio of the medians, \"rounds met\" counting the rounds whose own ratio met it. The CPU "
             "rows (user and system seconds, threads summed) apply the same limits to CPU time, which moves "
             "less with the others' load on a shared machine.", ""]
    for rows in args.rows:
        folder = sample_folder(rows, args.data, refcheck)
        counts = record_rows(folder, work)
        files = sorted(folder.glob("*.csv"))
        load = os.getloadavg()[0]
        samples = rounds(contenders(folder, work, refcheck), files, args.runs, args.warm_ups)
        label = f"{rows:,} referrals"
        size = sum(path.stat().st_size for path in files) / 2**20
        section = [*table(f"{label} and their child protection records ({size:,.0f} MiB of CSV)", samples), "",
                   files_line(folder, counts), "", *verdicts(label, samples), "",
                   f"Load average (1 minute) when this size started and ended: {load:.1f}, "
                   f"{os.getloadavg()[0]:.1f} (the machine has {os.cpu_count()} cores).", ""]
        print("\n".join(section))
        lines += section
        if args.write is not None:
            args.write.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
