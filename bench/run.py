"""Whole-process time and peak memory of refcheck beside a plain Polars read, pandera and Great Expectations.

Usage:
    python bench/run.py [--rows 200000 1000000 5000000] [--runs 5] [--heavy-max-rows 1000000]
                        [--shapes-rows 1000000] [--before OLD/bin/refcheck LABEL] [--write docs/performance.md]

For each size it makes an extract with ``refcheck sample`` (kept in bench/data), then times each
contender as its own process: one warm-up each, then ``--runs`` rounds that alternate the
contenders (the starting one rotates), reporting the median wall time and the median peak
resident memory (``os.wait4``) with their ratios to the floor and to an all-text read, and each
contender's fastest and slowest round. The floor is a typed ``polars.read_csv`` with the schema
given: the collected fields' types and the date formats of the file (bench/floor.py). Each
target is judged on the ratio of medians; beside it stands the number of rounds whose own ratio
met it. Every run starts with the extract and Polars' library in the page cache (``warm``).
pandera and GX run the exported rule set as a user would (bench/contenders.py); they are slow, so
they run only up to ``--heavy-max-rows``. The floor, check and scorecard also run on extracts of
other shapes (bench/shapes.py: quoted values, values over two lines, Windows line ends) of
``--shapes-rows`` rows. ``--before`` times another install's check and scorecard in the same
rounds (say, a venv of the commit before a change), to show what the change did. ``--write``
saves the tables, the machine, the versions and this command as Markdown. Never part of the test
suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT_READ = "import polars as pl, sys; pl.read_csv(sys.argv[1], infer_schema=False)"
FLOOR = "polars.read_csv (schema given): the floor"
TEXT = "polars.read_csv (all text)"
AS_OF = "2026-11-20"
CHECK = "refcheck check --json"
SCORECARD = "refcheck scorecard"
CHECK_BEFORE = "refcheck check --json, before"
SCORECARD_BEFORE = "refcheck scorecard, before"
PANDERA = "pandera (exported schema)"
GX = "Great Expectations on pandas"


def warm(*paths: Path) -> None:
    """Read the files through, so that the next run finds them in the page cache.

    NOTE: a machine may page out file pages left untouched for a while (this one's DAMON does so
    after a minute), so the contender after GX's minutes-long run would read the extract from disk.
    """
    for path in paths:
        with path.open("rb") as file:
            while file.read(1 << 24):
                pass


def polars_files(executable: str | None = None) -> list[Path]:
    """Polars' files (its compiled library is most of the start-up), found without importing it.

    Those this interpreter imports, or those of the venv a console script (``--before``) lives in.
    """
    if executable is not None:
        folders = list(Path(executable).parent.parent.glob("lib/python*/site-packages"))
    else:
        spec = importlib.util.find_spec("polars")
        folders = [] if spec is None or spec.origin is None else [Path(spec.origin).parent.parent]
    return [path for packages in folders for folder in [packages / "polars", *packages.glob("_polars_runtime*")]
            for path in folder.rglob("*") if path.is_file()]


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MiB and CPU seconds (user and system) of one process.

    Exit 0 or 1: findings are not failures. NOTE: on a shared machine the wall time grows with the
    others' load; the CPU time much less, so it is the steadier figure for comparing two versions.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def contenders(extract: Path, work: Path, refcheck: str, heavy: bool,
               before: str | None = None) -> dict[str, list[str]]:
    """The commands to time on one extract, the floor first, then the all-text read."""
    found = {
        FLOOR: [sys.executable, str(HERE / "floor.py"), "read", str(extract), str(work / "columns.json")],
        TEXT: [sys.executable, "-c", TEXT_READ, str(extract)],
        CHECK: [refcheck, "check", str(extract), "--as-of", AS_OF, "--json", str(work / "r.json")],
        SCORECARD: [refcheck, "scorecard", str(extract), "--as-of", AS_OF, "--no-history",
                    "--out", str(work / "scorecard")],
    }
    if before is not None:
        found[CHECK_BEFORE] = [before, "check", str(extract), "--as-of", AS_OF, "--json", str(work / "before.json")]
        found[SCORECARD_BEFORE] = [before, "scorecard", str(extract), "--as-of", AS_OF, "--no-history",
                                   "--out", str(work / "scorecard-before")]
    if heavy:
        found[PANDERA] = [sys.executable, str(HERE / "contenders.py"), "pandera", str(extract),
                          str(work / "referral_schema.py")]
        found[GX] = [sys.executable, str(HERE / "contenders.py"), "gx", str(extract), str(work / "referral_suite.json")]
    return found


Samples = dict[str, list[tuple[float, float, float]]]
"""Per contender, the (wall seconds, peak MiB, CPU seconds) of each round, in round order."""


def sample_extract(rows: int, data: Path, refcheck: str) -> Path:
    """The extract of ``rows`` rows that ``refcheck sample`` makes with seed 7, made unless it is there already."""
    extract = data / f"referrals-{rows}.csv"
    if not extract.exists():
        subprocess.run([refcheck, "sample", "--rows", str(rows), "--seed", "7", "--out", str(extract)], check=True,
                       stdout=subprocess.DEVNULL)
    return extract


def run_extract(extract: Path, runs: int, data: Path, refcheck: str, heavy: bool,
                before: str | None = None, warm_ups: int = 1) -> Samples:
    """Every round's wall, memory and CPU time of every contender on one extract."""
    work = data / "work"
    work.mkdir(exist_ok=True)
    commands = contenders(extract, work, refcheck, heavy, before)
    results: Samples = {name: [] for name in commands}
    library = polars_files() + (polars_files(before) if before else [])
    for _ in range(warm_ups):
        for command in commands.values():
            warm(extract, *library)
            measure(command)  # warm-up: file cache, imports, compiled regexes
    names = list(commands)
    for round_number in range(runs):
        start = round_number % len(names)
        for name in names[start:] + names[:start]:
            warm(extract, *library)
            results[name].append(measure(commands[name]))
            print(f"  {extract.name}, round {round_number + 1}: {name} {results[name][-1][0]:.2f} s", file=sys.stderr)
    return results


def startup(runs: int, data: Path, refcheck: str) -> tuple[float, float]:
    """Median wall of ``refcheck check`` on a 100-row file, and of ``import polars``."""
    small = data / "referrals-100.csv"
    if not small.exists():
        subprocess.run([refcheck, "sample", "--rows", "100", "--out", str(small)], check=True,
                       stdout=subprocess.DEVNULL)
    check = [refcheck, "check", str(small), "--as-of", AS_OF]
    bare = [sys.executable, "-c", "import polars"]
    measure(check), measure(bare)
    walls: dict[str, list[float]] = {"check": [], "bare": []}
    library = polars_files()
    for _ in range(max(runs, 5)):
        warm(small, *library)
        walls["check"].append(measure(check)[0])
        warm(small, *library)
        walls["bare"].append(measure(bare)[0])
    return statistics.median(walls["check"]), statistics.median(walls["bare"])


def medians(samples: Samples) -> dict[str, tuple[float, float, float]]:
    """Each contender's median wall, median peak memory and median CPU time."""
    return {name: (statistics.median(run[0] for run in runs), statistics.median(run[1] for run in runs),
                   statistics.median(run[2] for run in runs))
            for name, runs in samples.items()}


def table(title: str, samples: Samples) -> list[str]:
    """One extract's results as a Markdown table under ``title``: ratios to the floor, the text read and the check.

    NOTE: the fastest and slowest rounds are shown beside the median: on a shared machine a
    contender's times can fall into two levels, and a ratio of medians then hides which level each
    median came from.
    """
    middle = medians(samples)
    floor_wall, floor_mem, _ = middle[FLOOR]
    text_wall = middle[TEXT][0]
    check_wall = middle[CHECK][0]
    runs = len(samples[CHECK])
    lines = [f"### {title}, median of {runs} runs", "",
             "| contender | wall s | fastest–slowest s | CPU s | peak MiB | time / floor | time / text read | "
             "memory / floor | time / refcheck check |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (wall, mem, cpu) in middle.items():
        walls = [run[0] for run in samples[name]]
        lines.append(f"| {name} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | {cpu:.2f} | {mem:,.0f} | "
                     f"{wall / floor_wall:.2f}x | {wall / text_wall:.2f}x | {mem / floor_mem:.2f}x | "
                     f"{wall / check_wall:.2f}x |")
    return lines


SHAPES_NOTE = ("The same targets, but pandera's and GX's, on extracts that `refcheck sample` does not write "
               "(bench/shapes.py): another seed; commas in 30% of the referral reasons, so that CSV quotes them; "
               "1% of the reasons over two lines; Windows line ends.")

CHECK_WITHIN = 2.0
"""The check's time target, as a multiple of the floor's.

NOTE: a typed read that parses both of the file's date styles costs about as much CPU as the check
(measured on a busy machine: 1M rows 2.1 s and 3.0 s, 5M rows 11 s and 13 s). Polars' own date
parsing (a Date type in ``schema_overrides``) would be quicker, but it fails at the first UK date,
or, told to ignore errors, reads half the dates as null: a floor reads the values the check reads.
"""
TARGETS = (f"targets: check within {CHECK_WITHIN:g}x the floor, memory at most the floor's, 3x faster than pandera, "
           "scorecard within 1.3x check, start-up within 0.3 s of importing polars. GX is in the tables as an "
           "anchor, with no target")


def verdicts(label: str, samples: Samples) -> list[str]:
    """Each target for one extract: the ratio of medians, whether it is met, and in how many rounds it held.

    NOTE: the verdict is the ratio of the medians, as the targets are stated. The rounds column
    takes each round's own ratio (its contenders ran back to back), to show how firm a verdict is.
    """
    # (target, numerator, denominator, what is compared (0 wall, 1 memory, 2 CPU), sense, limit)
    targets = [("check time / floor", CHECK, FLOOR, 0, "<=", CHECK_WITHIN),
               ("check memory / floor", CHECK, FLOOR, 1, "<=", 1.0),
               ("scorecard time / check", SCORECARD, CHECK, 0, "<=", 1.3),
               ("pandera time / check", PANDERA, CHECK, 0, ">=", 3.0),
               ("check time / before", CHECK, CHECK_BEFORE, 0, "<=", 1.1),
               ("check CPU / before", CHECK, CHECK_BEFORE, 2, "<=", 1.1),
               ("check memory / before", CHECK, CHECK_BEFORE, 1, "<=", 1.0),
               ("scorecard time / before", SCORECARD, SCORECARD_BEFORE, 0, "<=", 1.1),
               ("scorecard CPU / before", SCORECARD, SCORECARD_BEFORE, 2, "<=", 1.1),
               ("scorecard memory / before", SCORECARD, SCORECARD_BEFORE, 1, "<=", 1.0)]
    middle = medians(samples)
    lines = [f"| {label} | target | measured | met | rounds met |", "|---|---:|---:|---|---:|"]
    for target, top, bottom, part, sense, limit in targets:
        if top not in samples or bottom not in samples:
            continue
        value = middle[top][part] / middle[bottom][part]
        rounds = [a[part] / b[part] for a, b in zip(samples[top], samples[bottom], strict=True)]
        held = sum(ratio <= limit if sense == "<=" else ratio >= limit for ratio in rounds)
        met = value <= limit if sense == "<=" else value >= limit
        lines.append(f"| {target} | {sense} {limit:g}x | {value:.2f}x | {'yes' if met else '**no**'} | "
                     f"{held} of {len(rounds)} |")
    return lines


def section(title: str, label: str, extract: Path, samples: Samples) -> list[str]:
    """One extract's table and verdicts, printed as they are made, with a blank line after."""
    lines = table(f"{title} ({extract.stat().st_size / 2**20:,.0f} MiB CSV)", samples) + [""] + verdicts(label, samples)
    print("\n".join(lines) + "\n")
    return [*lines, ""]


def other_shapes(rows: int, data: Path, refcheck: str) -> dict[str, Path]:
    """The extracts of other shapes (bench/shapes.py), by label, made unless they are there already.

    NOTE: made in a process of their own: a process's peak memory counts its parent's at the fork,
    so the harness itself must never hold an extract (or import Polars).
    """
    done = subprocess.run([sys.executable, str(HERE / "shapes.py"), str(rows), str(data), refcheck], check=True,
                          capture_output=True, text=True)
    return {label: Path(path) for label, path in json.loads(done.stdout).items()}


def own_refcheck() -> str:
    """The refcheck of the venv this harness runs in, so that the version timed is the one it was started with.

    NOTE: not the first on PATH: an activated development venv would put its editable install first.
    """
    beside = Path(sys.executable).with_name("refcheck")
    return str(beside) if beside.exists() else shutil.which("refcheck") or "refcheck"


def gx_rules(summary: str) -> str:
    """How many rules the GX suite holds, from the export's own summary (``30 exact, ... of 43 rules``)."""
    found = re.search(r"(\d+) exact, .* of (\d+) rules", summary)
    return f"the {found[1]} of {found[2]} rules GX can run on pandas" if found else "the rules GX can run on pandas"


def machine() -> str:
    """CPU model, cores and memory, and the versions that matter."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{name} {version(name)}" for name in
                         ("refcheck", "polars", "pandera", "great_expectations", "pandas"))
    return (f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; {versions}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heavy-max-rows", type=int, default=1_000_000,
                        help="Run pandera and GX only on extracts up to this many rows.")
    parser.add_argument("--shapes-rows", type=int, default=1_000_000,
                        help="Also time check and scorecard on extracts of other shapes (bench/shapes.py) of this "
                             "many rows; 0 skips them.")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--before", nargs=2, metavar=("REFCHECK", "LABEL"), default=None,
                        help="Also time this refcheck executable's check and scorecard (the version LABEL) in the "
                             "same rounds, with targets: within 1.1x its time (wall and CPU), memory no higher.")
    parser.add_argument("--warm-ups", type=int, default=1,
                        help="Untimed runs of every contender before the rounds (the files are read into the page "
                             "cache before every run in any case).")
    parser.add_argument("--write", type=Path, default=None, help="Write the results as Markdown here.")
    args = parser.parse_args()

    refcheck = own_refcheck()
    before = args.before[0] if args.before else None
    args.data.mkdir(exist_ok=True)
    work = args.data / "work"
    work.mkdir(exist_ok=True)
    subprocess.run([refcheck, "export", "pandera", "--out", str(work / "referral_schema.py")], check=True,
                   stderr=subprocess.DEVNULL)
    exported = subprocess.run([refcheck, "export", "gx", "--dialect", "none", "--out",
                               str(work / "referral_suite.json")], check=True, capture_output=True, text=True)
    with (work / "columns.json").open("w") as columns:  # NOTE: once, so that the floor's time is the read alone
        subprocess.run([sys.executable, str(HERE / "floor.py"), "columns"], check=True, stdout=columns)
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    lines = ["# Performance", "",
             "Generated by `bench/run.py` (do not edit by hand). To reproduce:", "",
             "```sh", "python -m pip install '.[all]'  # pandera, GX and the sample generator are extras", command,
             "```", "",
             f"Machine: {machine()}.", "",
             "Each contender is a whole process (start-up, reading and checking included). The floor is a "
             "typed `polars.read_csv` of the same file with the schema given, as a user who knows the file "
             "writes it (bench/floor.py): the default schema's collected fields, text and codes as text, dates "
             "and date-times parsed with the formats the file is written in. The all-text read (every column a "
             "string, nothing parsed) stands beside it. pandera runs the exported schema (`refcheck export "
             "pandera`, every rule) on the text frame; Great Expectations runs the exported suite on pandas "
             f"(`refcheck export gx --dialect none`: {gx_rules(exported.stderr)}). Every run starts "
             "with the extract and Polars' library read into the page cache, as a nightly run on a fresh "
             "extract finds them. CPU s is the process's user and system time, its threads summed: on a shared "
             "machine it moves less with the others' load than the wall time does.", "",
             f"Each size ends with the {TARGETS}. Each target is judged on the ratio of the medians; "
             "\"rounds met\" counts the rounds whose own ratio met it (a round runs every contender once, "
             "back to back), to show how firm the verdict is on a shared machine.", "",
             *([f"\"before\" is refcheck {args.before[1]} (`--before`: that commit installed in a venv of its "
                "own), timed in the same rounds, with the targets: check and scorecard within 1.1x its time (wall "
                "and CPU), memory no higher.", ""] if args.before else []),
             *([f"pandera and Great Expectations ran only on the extracts of up to {args.heavy_max_rows:,} rows "
                "(`--heavy-max-rows`); the larger ones have no row for them.", ""]
               if any(rows > args.heavy_max_rows for rows in args.rows) else [])]
    for rows in args.rows:
        extract = sample_extract(rows, args.data, refcheck)
        load = os.getloadavg()[0]
        samples = run_extract(extract, args.runs, args.data, refcheck, heavy=rows <= args.heavy_max_rows,
                              before=before, warm_ups=args.warm_ups)
        lines += section(f"{rows:,} rows", f"{rows:,} rows", extract, samples)
        lines += [f"Load average (1 minute) when this size started and ended: {load:.1f}, {os.getloadavg()[0]:.1f} "
                  f"(the machine has {os.cpu_count()} cores).", ""]
        save(args.write, lines)
    if args.shapes_rows:
        lines += [f"## Other shapes, {args.shapes_rows:,} rows", "", SHAPES_NOTE, ""]
        for label, extract in other_shapes(args.shapes_rows, args.data, refcheck).items():
            lines += section(label, label, extract,
                             run_extract(extract, args.runs, args.data, refcheck, heavy=False, before=before,
                                         warm_ups=args.warm_ups))
            save(args.write, lines)
    check_wall, bare_wall = startup(args.runs, args.data, refcheck)
    met = "met" if check_wall - bare_wall <= 0.3 else "**not met**"
    start_line = (f"Start-up: `refcheck check` on a 100-row file takes {check_wall:.2f} s, "
                  f"`python -c \"import polars\"` {bare_wall:.2f} s: {check_wall - bare_wall:+.2f} s "
                  f"(target within 0.3 s: {met}).")
    print(start_line)
    lines += ["### Start-up", "", start_line, ""]
    save(args.write, lines)


def save(page: Path | None, lines: list[str]) -> None:
    """Write the page as far as it has got, so that a run cut short keeps the sizes it finished."""
    if page is not None:
        page.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
