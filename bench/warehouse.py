"""The warehouse path: the same extract in PostgreSQL and DuckDB, checked where it lives.

Usage:
    python bench/warehouse.py [--rows 200000 1000000] [--runs 3] [--gx-max-rows 200000] [--postgres URI]
                              [--no-duckdb] [--write FILE]

For each size it makes the extract as bench/run.py does (``refcheck sample``, seed 7), loads it as
text into PostgreSQL (a table of its own, ``COPY``) and into a DuckDB file, and times as whole
processes: ``refcheck check --engine sql`` on the table, the same check by the Polars engine on
the CSV, and ``--engine gx`` (PostgreSQL only: GX does not run on DuckDB; one round, and only up
to ``--gx-max-rows``, for it takes minutes). Beside them stands the engine's floor: ``SELECT
COUNT(*)`` over the same table, timed inside the database (the query alone, from a warm
connection). Every round's JSON report of the SQL engine is compared with the Polars engine's
(all but the source): a run that disagrees stops the harness. PostgreSQL is the one
``.ci/postgres.sh`` starts unless ``--postgres`` names another. The database server's own CPU
time is not in the processes' CPU column (it is another process). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
SQL = "refcheck check --engine sql"
POLARS = "refcheck check (Polars, the CSV)"
GX = "refcheck check --engine gx"
COUNT = "SELECT COUNT(*) (the query alone)"
TARGETS = {200_000: 10.0, 1_000_000: 40.0}
"""The issue's targets for ``--engine sql`` on PostgreSQL: seconds, by rows."""

Samples = dict[str, list[tuple[float, float, float]]]
"""Per contender, the (wall seconds, peak MiB, CPU seconds) of each round."""


def _harness() -> ModuleType:
    """bench/run.py, for its process timing, extracts and page (one home for each)."""
    spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_name(rows: int) -> str:
    """The benchmark's table of ``rows`` rows (named apart from the tests' tables)."""
    return f"bench_referrals_{rows}"


def load_postgres(extract: Path, url: str, table: str) -> None:
    """The extract as a table of text columns, copied in as it is on disk (in a process of its own)."""
    code = ("import csv, sys, psycopg\n"
            "path, url, table = sys.argv[1:4]\n"
            "header = next(csv.reader(open(path, newline='')))\n"
            "with psycopg.connect(url) as db:\n"
            "    db.execute(f'DROP TABLE IF EXISTS {table}')\n"
            "    db.execute(f\"CREATE TABLE {table} ({', '.join(f'{name} TEXT' for name in header)})\")\n"
            "    with db.cursor().copy(f'COPY {table} FROM STDIN (FORMAT csv, HEADER true)') as copy, "
            "open(path, 'rb') as file:\n"
            "        while chunk := file.read(1 << 20):\n"
            "            copy.write(chunk)\n"
            "db = psycopg.connect(url, autocommit=True)\n"
            "db.execute(f'VACUUM ANALYZE {table}')\n")
    subprocess.run([sys.executable, "-c", code, str(extract), url, table], check=True)


def load_duckdb(extract: Path, path: Path) -> None:
    """The extract as a DuckDB file of one table of text columns (in a process of its own)."""
    path.unlink(missing_ok=True)
    code = ("import sys, duckdb\n"
            "with duckdb.connect(sys.argv[2]) as db:\n"
            "    db.execute('CREATE TABLE referrals AS SELECT * FROM read_csv(?, all_varchar = true, header = true)',"
            " [sys.argv[1]])\n")
    subprocess.run([sys.executable, "-c", code, str(extract), str(path)], check=True)


def count_seconds(url: str, table: str, runs: int) -> list[float]:
    """``SELECT COUNT(*)`` over the table, timed in the database's client: one warm-up, then ``runs`` rounds."""
    code = ("import sys, time, sqlalchemy as sa\n"
            "url, table, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
            "engine = sa.create_engine(url.replace('postgresql://', 'postgresql+psycopg://', 1))\n"
            "with engine.connect() as connection:\n"
            "    for round_number in range(runs + 1):\n"
            "        start = time.perf_counter()\n"
            "        connection.execute(sa.text(f'SELECT COUNT(*) FROM {table}')).scalar()\n"
            "        print(time.perf_counter() - start) if round_number else None\n")
    done = subprocess.run([sys.executable, "-c", code, url, table, str(runs)], check=True, capture_output=True,
                          text=True)
    return [float(line) for line in done.stdout.split()]


def commands(extract: Path, url: str, table: str, work: Path, refcheck: str, gx: bool) -> dict[str, list[str]]:
    """The processes to time on one database: the Polars engine on the CSV (first: its report is the one the
    others must write), the SQL engine, GX if asked."""
    as_of = ["--as-of", "2026-11-20"]
    found = {POLARS: [refcheck, "check", str(extract), *as_of, "--json", str(work / "polars.json")],
             SQL: [refcheck, "check", "--engine", "sql", "--source", url, "--table", table, *as_of,
                   "--json", str(work / "sql.json")]}
    if gx:
        found[GX] = [refcheck, "check", "--engine", "gx", "--source", url, "--table", table, *as_of,
                     "--json", str(work / "gx.json")]
    return found


def same_report(work: Path, name: str) -> bool:
    """Whether an engine's JSON report is the Polars engine's, rule for rule and team for team (source aside)."""
    reports = [json.loads((work / f"{file}.json").read_text()) for file in (name, "polars")]
    for report in reports:
        report.pop("source")
    return bool(reports[0] == reports[1])


def run_database(harness: ModuleType, extract: Path, url: str, table: str, work: Path, refcheck: str, runs: int,
                 gx: bool) -> Samples:
    """Every round of every contender on one database; the COUNT(*) rounds as (query seconds, 0, 0)."""
    found = commands(extract, url, table, work, refcheck, gx)
    samples: Samples = {name: [] for name in found}
    for name, command in found.items():
        if name != GX:
            harness.measure(command)  # warm-up: the table's pages, the extract, Polars' library
    for round_number in range(runs):
        for name, command in found.items():
            if name == GX and round_number:
                continue
            harness.warm(extract)
            samples[name].append(harness.measure(command))
            print(f"  {table}, round {round_number + 1}: {name} {samples[name][-1][0]:.2f} s", file=sys.stderr)
            if name != POLARS:
                label = "sql" if name == SQL else "gx"
                if not same_report(work, label):
                    raise SystemExit(f"{name} on {table}: the report differs from the Polars engine's")
    samples[COUNT] = [(seconds, 0.0, 0.0) for seconds in count_seconds(url, table, runs)]
    return samples


def table(title: str, samples: Samples) -> list[str]:
    """One database and size as a Markdown table: median wall, its range, CPU, memory, ratios to COUNT(*) and Polars."""
    middle = {name: tuple(statistics.median(run[part] for run in runs) for part in range(3))
              for name, runs in samples.items()}
    floor, polars = middle[COUNT][0], middle[POLARS][0]
    lines = [f"### {title}", "",
             "| contender | rounds | wall s | fastest–slowest s | CPU s | peak MiB | time / COUNT(*) | "
             "time / Polars on the CSV |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in (SQL, POLARS, GX, COUNT):
        if name not in samples:
            continue
        wall, mem, cpu = middle[name]
        walls = [run[0] for run in samples[name]]
        process = name != COUNT
        lines.append(f"| {name} | {len(walls)} | {wall:.2f} | {min(walls):.2f}–{max(walls):.2f} | "
                     f"{f'{cpu:.2f}' if process else ''} | {f'{mem:,.0f}' if process else ''} | "
                     f"{wall / floor:,.0f}x | {wall / polars:.2f}x |")
    return lines


def verdict(rows: int, samples: Samples) -> list[str]:
    """The issue's time target for ``--engine sql`` on PostgreSQL at this size, if it has one."""
    if rows not in TARGETS:
        return []
    walls = [run[0] for run in samples[SQL]]
    median = statistics.median(walls)
    met = "met" if median <= TARGETS[rows] else "**not met**"
    held = sum(wall <= TARGETS[rows] for wall in walls)
    return [f"Target: `--engine sql` within {TARGETS[rows]:g} s at {rows:,} rows on PostgreSQL: median "
            f"{median:.2f} s, {met} ({held} of {len(walls)} rounds within it).", ""]


def postgres_url(given: str | None) -> str:
    """The server to load into: the one given, $REFCHECK_TEST_POSTGRES, or the one .ci/postgres.sh starts."""
    if given or os.environ.get("REFCHECK_TEST_POSTGRES"):
        return given or os.environ["REFCHECK_TEST_POSTGRES"]
    done = subprocess.run(["bash", str(HERE.parent / ".ci" / "postgres.sh")], capture_output=True, text=True)
    exports = [line for line in done.stdout.splitlines() if line.startswith("export REFCHECK_TEST_POSTGRES=")]
    if not exports:
        raise SystemExit("no PostgreSQL server: give --postgres URI")
    return exports[0].split("=", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gx-max-rows", type=int, default=200_000,
                        help="Run --engine gx (one round) only on tables up to this many rows.")
    parser.add_argument("--postgres", default=None, help="A PostgreSQL URI to load the extracts into.")
    parser.add_argument("--no-duckdb", action="store_true", help="PostgreSQL only.")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--write", type=Path, default=None, help="Write the results as Markdown here.")
    args = parser.parse_args()

    harness = _harness()
    refcheck = harness.own_refcheck()
    url = postgres_url(args.postgres)
    work = args.data / "warehouse"
    work.mkdir(parents=True, exist_ok=True)
    lines = ["## The warehouse path: `--engine sql`", "",
             "Generated by `bench/warehouse.py` (do not edit by hand). To reproduce:", "",
             "```sh", "python bench/warehouse.py " + " ".join(sys.argv[1:]), "```", "",
             f"Machine: {harness.machine()}; the database servers run on the same machine.", "",
             "The extract `refcheck sample` makes (seed 7) is loaded as text: into PostgreSQL with `COPY` "
             "(then `VACUUM ANALYZE`), into a DuckDB file with `read_csv`. Each refcheck contender is a whole "
             "process, timed as bench/run.py times them (start-up included; CPU s is refcheck's own, not the "
             "database server's). `SELECT COUNT(*)` is the engine's floor: the query alone, over the same table, "
             "from a connection already open. Every round of `--engine sql` (and of `--engine gx`) wrote the "
             "Polars engine's JSON report on the CSV, rule for rule and team for team (the harness compares "
             f"them). `--engine gx` ran one round, and only up to {args.gx_max_rows:,} rows: it takes minutes "
             "(one GX validation per team, a query per expectation); it does not run on DuckDB.", ""]
    for rows in args.rows:
        extract = harness.sample_extract(rows, args.data, refcheck)
        databases = [("PostgreSQL", url, table_name(rows))]
        load_postgres(extract, url, table_name(rows))
        if not args.no_duckdb:
            duckdb_file = work / f"referrals-{rows}.duckdb"
            load_duckdb(extract, duckdb_file)
            databases.append(("DuckDB", f"duckdb:///{duckdb_file}", "referrals"))
        for title, source, name in databases:
            load, start = os.getloadavg()[0], len(lines)
            gx = title == "PostgreSQL" and rows <= args.gx_max_rows
            samples = run_database(harness, extract, source, name, work, refcheck, args.runs, gx)
            lines += table(f"{rows:,} rows, {title}", samples) + [""]
            lines += verdict(rows, samples) if title == "PostgreSQL" else []
            lines += [f"Load average (1 minute) when this table started and ended: {load:.1f}, "
                      f"{os.getloadavg()[0]:.1f} (the machine has {os.cpu_count()} cores).", ""]
            print("\n".join(lines[start:]))
            harness.save(args.write, lines)


if __name__ == "__main__":
    main()
