"""``refcheck check``: check an extract and summarise what failed, team by team, for a person or a CI gate."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import click

from refcheck.checks import validate
from refcheck.cli.common import AsOfDate, Gate, gate_options, reading, shown, takes_stdout, tell, use_color, write
from refcheck.cli.engine_options import EngineSettings, engine_options, validate_in_database
from refcheck.cli.exit_codes import ExitCode, epilog
from refcheck.cli.gates import pass_gates
from refcheck.cli.output_options import OutputSettings, output_options
from refcheck.cli.read_options import ReadSettings, source_options
from refcheck.reports import render_json, render_terminal
from refcheck.reports.junit import render_junit
from refcheck.schemas import DEFAULT_SCHEMA, load_mapping, load_schema


@click.command(epilog=epilog("refcheck check sample_data/referrals.csv --json report.json",
                             "refcheck check extracts/ --schema wales",
                             "refcheck check --engine sql --source postgresql://user@host/db --table referrals"))
@click.argument("extract", metavar="EXTRACT", required=False)
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--as-of", type=AsOfDate(), default=None,
              help="The date 'due' and 'future' are judged against (YYYY-MM-DD or DD/MM/YYYY).  [default: today]")
@source_options
@output_options("json_path", "junit_path")
@gate_options(default="error")
@engine_options("polars", "sql", "gx")
def check(extract: str | None, schema: str, as_of: dt.date | None, read: ReadSettings, outputs: OutputSettings,
          gate: Gate, engine: EngineSettings) -> None:
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
    json_path, junit_path = outputs.json_path, outputs.junit_path
    quiet = takes_stdout({"--json": json_path, "--junit": junit_path, "--unreadable": read.unreadable_path})
    resolved = load_schema(schema)
    mapping = load_mapping(read.mapping_path, resolved) if read.mapping_path else None
    if engine.in_database:
        report = validate_in_database(engine, extract, read, resolved, mapping, as_of, schema_named=schema)
    else:
        chosen = engine.refuse_options(extract)
        options = read.options_for(chosen)
        with reading(chosen):
            report = validate(chosen, resolved, as_of=as_of, mapping=mapping, options=options)
    pass_gates(report, read.unreadable_path, read.max_unreadable, read.min_rows, outputs.modes,
               label=shown(extract or engine.source_url or ""))
    if junit_path is not None:
        write(junit_path, render_junit(report, gate.fail_on), outputs.modes)
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
    summary = render_terminal(report, gate.fail_on, color=use_color(), width=width, strict=gate.strict)
    if json_path:
        write(Path(json_path), render_json(report, gate.fail_on, strict=gate.strict), outputs.modes)
    tell(summary, err=quiet, nl=False)
    sys.exit(ExitCode.PASSED if gate.passed(report) else ExitCode.FINDINGS)
