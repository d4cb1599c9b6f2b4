"""``refcheck check``: check an extract and summarise what failed, team by team, for a person or a CI gate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path

import click

from refcheck.checks import Report, validate
from refcheck.cli.common import (
    AsOfDate,
    Gate,
    LocalPath,
    gate_options,
    reading,
    shown,
    takes_stdout,
    tell,
    use_color,
    write,
)
from refcheck.cli.exit_codes import ExitCode, epilog
from refcheck.cli.gates import pass_gates
from refcheck.cli.read_options import ReadSettings, extract_kind, source_options
from refcheck.reports import render_json, render_terminal
from refcheck.reports.junit import render_junit
from refcheck.schemas import DEFAULT_SCHEMA, ExtractMapping, Schema, load_mapping, load_schema


@click.command(epilog=epilog("refcheck check sample_data/referrals.csv --json report.json",
                             "refcheck check extracts/ --schema wales",
                             "refcheck check --engine sql --source postgresql://user@host/db --table referrals"))
@click.argument("extract", metavar="EXTRACT", required=False)
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--as-of", type=AsOfDate(), default=None,
              help="The date 'due' and 'future' are judged against (YYYY-MM-DD or DD/MM/YYYY).  [default: today]")
@source_options
@click.option("--json", "json_path", metavar="PATH|-", default=None, type=LocalPath(dir_okay=False, allow_dash=True),
              help="Write the JSON report to PATH, or to stdout with '-'.")
@click.option("--junit", "junit_path", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Write JUnit XML for CI: a testsuite per category, a testcase per rule.")
@gate_options(default="error")
@click.option("--engine", type=click.Choice(["polars", "sql", "gx"]), default="polars", show_default=True,
              help="polars reads the extract here; sql checks a table inside its database (--source, and "
                   "--table or --query) in one query, for tables too big or too sensitive to move; gx runs "
                   "the rules with Great Expectations there (--table), slowly, to prove they mean the same. "
                   "With sql or gx a --mapping may rename columns but not translate values.")
@click.option("--source", "source_url", default=None, metavar="URI",
              help="With --engine sql or gx: the database, such as postgresql://user@host/db, "
                   "sqlite:///file.db or duckdb:///file.duckdb (sql only).")
def check(extract: str | None, schema: str, as_of: dt.date | None, read: ReadSettings, json_path: str | None,
          junit_path: Path | None, gate: Gate, engine: str, source_url: str | None) -> None:
    """Check EXTRACT against a schema and summarise what failed, team by team.

    EXTRACT is a CSV, Parquet or Excel file, or a database URI (sqlite:///path.db,
    postgresql://user@host/db) with --table or --query. With --engine sql (or gx) the rules run
    inside the database instead: give --source URI and --table.

    For a schema with several record types (such as wales: referrals, child protection plans,
    visits and reviews), EXTRACT may also be a folder holding a file per record type, named as
    the record type (cp_visits.csv, cp_plans.parquet) or as its mapping's source; a workbook with
    a sheet per record type; or a database URI without --table, with a table per record type.
    Record types it lacks are reported as not supplied, and their rules as not run.
    """
    quiet = takes_stdout({"--json": json_path, "--junit": junit_path, "--unreadable": read.unreadable_path})
    resolved = load_schema(schema)
    mapping = load_mapping(read.mapping_path, resolved) if read.mapping_path else None
    if engine != "polars":
        report = _check_in_database(engine, extract, source_url, read, resolved, mapping, as_of)
    elif extract is None or source_url is not None:
        raise click.UsageError("give EXTRACT (--source is for --engine sql or gx)")
    else:
        options = read.options_for(extract)
        with reading(extract):
            report = validate(extract, resolved, as_of=as_of, mapping=mapping, options=options)
    pass_gates(report, read.unreadable_path, read.max_unreadable, read.min_rows, shown(extract or source_url or ""))
    if junit_path is not None:
        write(junit_path, render_junit(report, gate.fail_on))
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
    summary = render_terminal(report, gate.fail_on, color=use_color(), width=width, strict=gate.strict)
    if json_path:
        write(Path(json_path), render_json(report, gate.fail_on, strict=gate.strict))
    tell(summary, err=quiet, nl=False)
    sys.exit(ExitCode.PASSED if gate.passed(report) else ExitCode.FINDINGS)


def _check_in_database(engine: str, extract: str | None, source_url: str | None, read: ReadSettings,
                       schema: Schema, mapping: ExtractMapping | None, as_of: dt.date | None) -> Report:
    """Run the rules inside the database the user named: in one query (sql), or with Great Expectations (gx)."""
    from refcheck.checks.warehouse import untranslated, validate_in_database

    url = source_url or extract
    if url is None or (source_url is not None and extract is not None):
        raise click.UsageError(f"--engine {engine} needs the database as --source URI (and no EXTRACT)")
    if extract_kind(url) != "database":
        raise click.UsageError(f"--engine {engine} runs the rules inside a database: --source takes a database URI")
    read.options_for(url)
    table, query = read.given.table, read.given.query
    if engine == "gx" and (table is None or query is not None):
        raise click.UsageError("--engine gx needs --table (a query is not supported)")
    if (table is None) == (query is None):
        raise click.UsageError(f"--engine {engine} needs --table or --query")
    if mapping is not None:
        schema = dataclasses.replace(schema, mapping=mapping)
    refused = untranslated(schema.mapping, "the SQL engine" if engine == "sql" else "the GX engine")
    if refused:
        raise click.UsageError(refused)
    day = as_of or dt.date.today()
    if engine == "sql":
        return validate_in_database(url, schema, table=table, query=query, as_of=day)
    from refcheck.checks.interop.gx_engine import validate_sql

    assert table is not None
    return validate_sql(url, table, schema, as_of=day)
