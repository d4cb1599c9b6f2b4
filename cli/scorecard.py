"""``refcheck scorecard``: the team leaders' pages, workbook and worklists, and the run kept in the history."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import click

from refcheck.checks import validate
from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.cli.common import (
    AsOfDate,
    Gate,
    gate_options,
    reading,
    shown,
    takes_stdout,
    tell,
    use_color,
    writing,
)
from refcheck.cli.engine_options import EngineSettings, engine_options, validate_in_database
from refcheck.cli.exit_codes import ExitCode, epilog
from refcheck.cli.gates import pass_gates
from refcheck.cli.output_options import OutputSettings, output_options
from refcheck.cli.read_options import ReadSettings, source_options
from refcheck.reports.files import make_folder
from refcheck.reports.history import fingerprint
from refcheck.reports.recording import recorded_run
from refcheck.reports.terminal import verdict, warning_lines
from refcheck.reports.worklists import TAKEN
from refcheck.schemas import DEFAULT_SCHEMA, load_mapping, load_schema
from refcheck.schemas.yamldoc import printable


@click.command(epilog=epilog("refcheck scorecard sample_data/referrals.csv --out scorecard",
                             "refcheck scorecard --engine sql --source postgresql://user@host/db --table referrals "
                             "--out scorecard"))
@click.argument("extract", metavar="EXTRACT", required=False)
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--as-of", type=AsOfDate(), default=None,
              help="The date 'due' and 'future' are judged against (YYYY-MM-DD or DD/MM/YYYY).  [default: today]")
@source_options
@output_options("out", "history_path", "no_history")
@click.option("--team", "teams", multiple=True, metavar="NAME", help="Only this team (repeat for more).")
@click.option("--include-columns", default="", metavar="COL,...",
              help="Extract columns to add to the worklists (personal data: only when needed); none named like "
                   "a worklist column.")
@gate_options(default="never")
@engine_options("polars", "sql")
def scorecard(extract: str | None, schema: str, as_of: dt.date | None, read: ReadSettings, outputs: OutputSettings,
              teams: tuple[str, ...], include_columns: str, gate: Gate, engine: EngineSettings) -> None:
    """Write team scorecards, worklists and the JSON report for EXTRACT into --out.

    With --engine sql the rules run inside the database (--source URI, and --table or --query):
    one query counts, a second returns only the failing records for the worklists.
    """
    progress = _Progress()
    out = outputs.out
    assert out is not None  # NOTE: a required option
    quiet = takes_stdout({"--unreadable": read.unreadable_path})
    carry = tuple(name.strip() for name in include_columns.split(",") if name.strip())
    taken = [name for name in carry if name in TAKEN]
    if taken:
        raise click.BadParameter(f"{', '.join(repr(name) for name in taken)}: a worklist has a column of that name "
                                 "already", param_hint="'--include-columns'")
    progress("reading and checking")
    resolved = load_schema(schema)
    mapping = load_mapping(read.mapping_path, resolved) if read.mapping_path else None
    if engine.in_database:
        url = engine.database(extract)
        report = validate_in_database(engine, extract, read, resolved, mapping, as_of, carry=carry, scorecard=True,
                                      schema_named=schema)
        extract_print = None if outputs.no_history else fingerprint(url, read.options_for(url))
    else:
        chosen = engine.refuse_options(extract)
        options = read.options_for(chosen)
        with reading(chosen):
            report = validate(chosen, resolved, as_of=as_of, findings=True, carry=carry, options=options,
                              mapping=mapping, measures=True)
            extract_print = None if outputs.no_history else fingerprint(chosen, options)
    pass_gates(report, read.unreadable_path, read.max_unreadable, read.min_rows, outputs.modes,
               label=shown(extract or engine.source_url or ""))
    team_names = _team_names(teams, report.teams)
    made_at = dt.datetime.now().replace(microsecond=0)
    from refcheck.reports.outputs import write_scorecard  # NOTE: Jinja2 and XlsxWriter, only when needed
    from refcheck.reports.scorecard_inputs import ScorecardInputs
    from refcheck.reports.scorecard_types import record_types_text

    inputs = ScorecardInputs(report=report, teams=team_names, include_columns=carry, warnings=report.warnings)
    _writable_folder(out, outputs)  # NOTE: a bad --out fails before the history is opened
    progress("writing")
    history = outputs.history_path
    with writing(history), recorded_run(inputs, history, extract_print, made_at) as inputs, writing(out):
        written = write_scorecard(inputs, out, made_at, gate.fail_on, strict=gate.strict, modes=outputs.modes)
    checked = report.source
    if report.warnings:
        tell(warning_lines(report, color=use_color()), err=quiet)
    rows = (f"{record_types_text(report)} ·" if report.several_types else
            f"{counted(checked.rows_checked, 'record')} checked ({checked.rows_unreadable:,} unreadable)")
    tell(printable(f"{rows} as of {report.as_of.isoformat()}; wrote {counted(len(written), 'file')} to {out}"),
         err=quiet)
    if gate.fail_on is not None or gate.strict:
        tell(verdict(report, gate.fail_on, color=use_color(), strict=gate.strict), err=quiet)
    sys.exit(ExitCode.PASSED if gate.passed(report) else ExitCode.FINDINGS)


class _Progress:
    """Stage messages on stderr, only when a person is watching (never in pipes or CI logs)."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty() and "CI" not in os.environ
        self.start = time.perf_counter()

    def __call__(self, stage: str) -> None:
        if self.on:
            click.echo(f"[{time.perf_counter() - self.start:5.1f}s] {stage}", err=True)


def _team_names(value: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    """The teams --team names, each as its name or as outputs show it ("(no team)": the rows with a blank team)."""
    if not value:
        return known
    shown = {team_label(team): team for team in known}
    unknown = [team for team in value if team not in known and team not in shown]
    if unknown:
        raise click.BadParameter(f"no team {', '.join(repr(t) for t in unknown)} in the extract", param_hint="'--team'")
    wanted = {team if team in known else shown[team] for team in value}  # NOTE: a team's own name first
    return tuple(team for team in known if team in wanted)


def _writable_folder(out: Path, outputs: OutputSettings) -> None:
    """Make the output folder and prove a file can be made in it, or fail with exit 2 naming it.

    A folder made here has the outputs' folder mode (0750 with ``--group-readable``); one that is there keeps its own.
    """
    with writing(out):
        make_folder(out, outputs.modes)
        tempfile.TemporaryFile(dir=out).close()
