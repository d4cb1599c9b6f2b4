"""The ``refcheck`` command: parse options, call the library, map errors to exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NoReturn

import click

from refcheck.checks import Report, SourceOptions, bind_rules, validate
from refcheck.checks.readers.extract import extract_columns
from refcheck.checks.report import team_label
from refcheck.cli.catalogue import rules
from refcheck.cli.common import (
    AsOfDate,
    BadExtract,
    BadOutput,
    LocalPath,
    reading,
    say,
    shown,
    takes_stdout,
    tell,
    writing,
)
from refcheck.cli.common import write as _write
from refcheck.cli.exit_codes import (
    READS_EXTRACT,
    READS_HISTORY,
    READS_SCHEMA,
    WRITES_ONLY,
    ExitCode,
    epilog,
    exit_code_help,
)
from refcheck.cli.export import export
from refcheck.cli.gates import Limit, account_unreadable, require_rows
from refcheck.cli.guard import GuardedGroup, run
from refcheck.cli.read_options import extract_kind, read_options, source, source_options
from refcheck.cli.staged_history import staged_history
from refcheck.reports import refcheck_version, render_json, render_terminal
from refcheck.reports.history import DEFAULT_HISTORY, History, fingerprint, render_history
from refcheck.reports.junit import render_junit
from refcheck.reports.terminal import verdict
from refcheck.reports.worklists import TAKEN
from refcheck.schemas import (
    DEFAULT_SCHEMA,
    ExtractMapping,
    Schema,
    Severity,
    load_mapping,
    load_schema,
    proposal_yaml,
    propose_mapping,
)
from refcheck.schemas.loader import schema_text
from refcheck.schemas.show import resolved_yaml
from refcheck.schemas.yamldoc import printable

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


@click.group(name="refcheck", cls=GuardedGroup, epilog=exit_code_help(),
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(refcheck_version(), "--version", prog_name="refcheck", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (exit 5), to report it.")
def cli(debug: bool) -> None:
    """Check children's services referral records for completeness, validity and timeliness."""


@cli.command(epilog=epilog("refcheck check sample_data/referrals.csv --json report.json",
                           "refcheck check --engine gx --source postgresql://user@host/db --table referrals"))
@click.argument("extract", metavar="EXTRACT", required=False)
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--as-of", type=AsOfDate(), default=None,
              help="The date 'due' and 'future' are judged against.  [default: today]")
@source_options
@click.option("--json", "json_path", metavar="PATH|-", default=None, type=LocalPath(dir_okay=False, allow_dash=True),
              help="Write the JSON report to PATH, or to stdout with '-'.")
@click.option("--junit", "junit_path", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Write JUnit XML for CI: a testsuite per category, a testcase per rule.")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="error", show_default=True,
              help="The lowest severity whose failures make the exit code 1.")
@click.option("--engine", type=click.Choice(["polars", "gx"]), default="polars", show_default=True,
              help="polars reads the extract here; gx runs the rules with Great Expectations inside a SQL "
                   "database (--source and --table), for tables too big to move; there a --mapping may "
                   "rename columns but not translate values.")
@click.option("--source", "source_url", default=None, metavar="URI",
              help="With --engine gx: the database, such as postgresql://user@host/db or sqlite:///file.db.")
def check(extract: str | None, schema: str, as_of: dt.date | None, encoding: str | None, delimiter: str | None,
          sheet: str | None, table: str | None, query: str | None, unreadable_path: Path | None,
          max_unreadable: Limit | None, min_rows: int, mapping_path: Path | None, json_path: str | None,
          junit_path: Path | None, fail_on: str, engine: str, source_url: str | None) -> None:
    """Check EXTRACT against a schema and summarise what failed, team by team.

    EXTRACT is a CSV, Parquet or Excel file, or a database URI (sqlite:///path.db,
    postgresql://user@host/db) with --table or --query. With --engine gx the rules run inside
    the database instead: give --source URI and --table.
    """
    gate = FAIL_ON[fail_on]
    quiet = takes_stdout({"--json": json_path, "--junit": junit_path, "--unreadable": unreadable_path})
    read = SourceOptions(encoding=encoding, delimiter=delimiter, sheet=sheet, table=table, query=query)
    resolved = load_schema(schema)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    if engine == "gx":
        report = _check_with_gx(extract, source_url, read, resolved, mapping, as_of)
    elif extract is None or source_url is not None:
        raise click.UsageError("give EXTRACT (--source is for --engine gx)")
    else:
        options = source(extract, **dataclasses.asdict(read))
        with reading(extract):
            report = validate(extract, resolved, as_of=as_of, mapping=mapping, options=options)
    account_unreadable(report, unreadable_path, max_unreadable)
    require_rows(report, min_rows)
    if junit_path is not None:
        _write(junit_path, render_junit(report, gate))
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 10_000
    summary = render_terminal(report, gate, color=_use_color(), width=width)
    if json_path:
        _write(Path(json_path), render_json(report, gate))
    tell(summary, err=quiet, nl=False)
    sys.exit(ExitCode.PASSED if report.passed(gate) else ExitCode.FINDINGS)


def _check_with_gx(extract: str | None, source_url: str | None, read: SourceOptions, schema: Schema,
                   mapping: ExtractMapping | None, as_of: dt.date | None) -> Report:
    """Run the rules with Great Expectations in the database the user named."""
    from refcheck.checks.interop.gx_engine import untranslated, validate_sql

    url = source_url or extract
    if url is None or (source_url is not None and extract is not None):
        raise click.UsageError("--engine gx needs the database as --source URI (and no EXTRACT)")
    if extract_kind(url) != "database":
        raise click.UsageError("--engine gx runs the rules inside a database: --source takes a database URI")
    source(url, **dataclasses.asdict(read))
    table = read.table
    if table is None or read.query is not None:
        raise click.UsageError("--engine gx needs --table (a query is not supported)")
    if mapping is not None:
        schema = dataclasses.replace(schema, mapping=mapping)
    refused = untranslated(schema.mapping)
    if refused:
        raise click.UsageError(refused)
    return validate_sql(url, table, schema, as_of=as_of or dt.date.today())


@cli.command(epilog=epilog("refcheck sample --rows 1000000 --seed 7 --out big.csv", codes=WRITES_ONLY))
@click.option("--rows", type=click.IntRange(min=1), default=5000, show_default=True, help="How many referrals.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same file.")
@click.option("--as-of", type=AsOfDate(), default="2026-11-20", show_default=True,
              help="The day the extract is taken: referrals fall in the 14 months before it.")
@click.option("--out", type=LocalPath(dir_okay=False, path_type=Path), required=True, help="The CSV file to write.")
def sample(rows: int, seed: int, as_of: dt.date, out: Path) -> None:
    """Write a synthetic extract of referrals (no real person's data) for demos, tests and benchmarks."""
    from refcheck.checks.synthetic.sample import generate

    frame = generate(rows, seed=seed, as_of=as_of)
    _write(out, frame.write_csv)  # NOTE: a device or pipe in place (one with no reader refused), a file atomically
    click.echo(printable(f"wrote {rows:,} synthetic referrals to {out}"), err=True)


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


@cli.command(
    epilog=epilog("refcheck scorecard sample_data/referrals.csv --out scorecard")
)
@click.argument("extract", metavar="EXTRACT")
@click.option("--out", type=LocalPath(file_okay=False, path_type=Path), required=True,
              help="The folder to write index.html, scorecard.xlsx, summary.md, worklists/ and report.json to.")
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--as-of", type=AsOfDate(), default=None,
              help="The date 'due' and 'future' are judged against.  [default: today]")
@source_options
@click.option("--history", "history_path", type=LocalPath(dir_okay=False, path_type=Path),
              default=DEFAULT_HISTORY, show_default=True, help="The SQLite file that keeps every run's figures.")
@click.option("--no-history", is_flag=True, help="Neither read nor write the history file.")
@click.option("--team", "teams", multiple=True, metavar="NAME", help="Only this team (repeat for more).")
@click.option("--include-columns", default="", metavar="COL,...",
              help="Extract columns to add to the worklists (personal data: only when needed); none named like "
                   "a worklist column.")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="never", show_default=True,
              help="The lowest severity whose failures make the exit code 1.")
def scorecard(extract: str, out: Path, schema: str, as_of: dt.date | None, encoding: str | None,
              delimiter: str | None, sheet: str | None, table: str | None, query: str | None,
              unreadable_path: Path | None, max_unreadable: Limit | None, min_rows: int, mapping_path: Path | None,
              history_path: Path, no_history: bool, teams: tuple[str, ...], include_columns: str,
              fail_on: str) -> None:
    """Write team scorecards, worklists and the JSON report for EXTRACT into --out."""
    progress = _Progress()
    gate = FAIL_ON[fail_on]
    quiet = takes_stdout({"--unreadable": unreadable_path})
    carry = tuple(name.strip() for name in include_columns.split(",") if name.strip())
    taken = [name for name in carry if name in TAKEN]
    if taken:
        raise click.BadParameter(f"{', '.join(repr(name) for name in taken)}: a worklist has a column of that name "
                                 "already", param_hint="'--include-columns'")
    options = source(extract, encoding=encoding, delimiter=delimiter, sheet=sheet, table=table, query=query)
    threading.Thread(target=_prepare_writers, daemon=True).start()
    progress("reading and checking")
    resolved = load_schema(schema)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    with reading(extract):
        report = validate(extract, resolved, as_of=as_of, findings=True, carry=carry, options=options,
                          mapping=mapping, measures=True)
        extract_print = None if no_history else fingerprint(extract, options)
    account_unreadable(report, unreadable_path, max_unreadable)
    require_rows(report, min_rows)
    shown = _team_names(teams, report.teams)
    made_at = dt.datetime.now().replace(microsecond=0)
    from refcheck.reports.outputs import write_scorecard  # NOTE: Jinja2 and XlsxWriter, only when needed
    from refcheck.reports.scorecard_inputs import ScorecardInputs

    inputs = ScorecardInputs(report=report, teams=shown, include_columns=carry)
    _writable_folder(out)  # NOTE: a bad --out fails before the history is opened
    progress("writing")
    with staged_history(inputs, history_path, extract_print, made_at) as inputs, writing(out):
        written = write_scorecard(inputs, out, made_at, gate)
    checked = report.source
    tell(printable(f"{checked.rows_checked:,} records checked ({checked.rows_unreadable:,} unreadable) as of "
                   f"{report.as_of.isoformat()}; wrote {len(written)} files to {out}"), err=quiet)
    if gate is not None:
        tell(verdict(report, gate, color=_use_color()), err=quiet)
    sys.exit(ExitCode.PASSED if report.passed(gate) else ExitCode.FINDINGS)


def _writable_folder(out: Path) -> None:
    """Make the output folder and prove a file can be made in it, or fail with exit 2 naming it."""
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()


def _prepare_writers() -> None:
    """Import the scorecard's writers (XlsxWriter, Jinja2) and compile its page while the extract is read.

    NOTE: a core is partly idle while the lines are screened, so these 50 ms cost the run little
    there; anything that fails here fails again, with its proper message, where it is used.
    """
    try:
        from refcheck.reports.outputs import write_scorecard  # noqa: F401
        from refcheck.reports.pages import PAGES

        PAGES.get_template("scorecard.html.j2")
    except Exception:  # noqa: BLE001
        pass


@cli.command(epilog=epilog("refcheck history --history refcheck-history.sqlite", codes=READS_HISTORY))
@click.option("--history", "history_path", type=LocalPath(dir_okay=False, path_type=Path),
              default=DEFAULT_HISTORY, show_default=True, help="The SQLite file scorecard runs were kept in.")
@click.option("--schema", "schema_name", default=None, help="Only runs of this schema name.")
def history(history_path: Path, schema_name: str | None) -> None:
    """List the stored scorecard runs and the trend of every headline figure."""
    with reading(str(history_path)):
        if not history_path.exists():
            raise BadExtract(printable(f"{history_path}: no such history file"))
        listing = render_history(History(history_path), schema_name)
    say(listing, nl=False)


@cli.command(
    name="map", epilog=epilog("refcheck map their-export.csv --out mapping.yaml", codes=READS_EXTRACT)
)
@click.argument("extract", metavar="EXTRACT")
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema whose fields the headers are matched to.")
@click.option("--out", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Write the proposed mapping here (default: standard output).")
@click.option("--sheet", default=None, metavar="NAME", help="Excel sheet.  [default: the first]")
@click.option("--table", default=None, metavar="NAME", help="Database table (with a database URI).")
@click.option("--query", default=None, metavar="SQL", help="Database query (with a database URI).")
def map_(extract: str, schema: str, out: Path | None, sheet: str | None, table: str | None,
         query: str | None) -> None:
    """Propose a column mapping from EXTRACT's headers to the schema's fields, for you to check and edit."""
    options = source(extract, sheet=sheet, table=table, query=query)
    resolved = load_schema(schema)
    with reading(extract):
        label, columns = extract_columns(extract, options)
    proposal = propose_mapping(columns, resolved)
    text = proposal_yaml(proposal, label)
    if out is None:
        say(text, nl=False)
    else:
        _write(out, text)
    exact = sum(1 for _, how in proposal.matches.values() if how == "exact")
    click.echo(f"{len(proposal.matches)} of {len(resolved.fields)} fields matched ({exact} exactly); "
               f"not matched: {', '.join(proposal.unmapped_fields) or 'none'}", err=True)


@cli.command(epilog=epilog("refcheck profile their-export.csv --html profile.html", codes=READS_EXTRACT))
@click.argument("extract", metavar="EXTRACT")
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema whose fields and code lists the columns are compared with.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A column mapping.  [default: the schema's, else headers matched as refcheck map proposes]")
@read_options
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the most common values to show per column.")
@click.option("--show-values", is_flag=True,
              help="Show values of every column, personal ones included (default: code-like columns only).")
@click.option("--html", "html_path", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Also write the profile as a self-contained HTML page.")
@click.option("--json", "json_path", metavar="PATH|-", default=None, type=LocalPath(dir_okay=False, allow_dash=True),
              help="Also write it as JSON ('-': stdout).")
def profile(extract: str, schema: str, mapping_path: Path | None, encoding: str | None, delimiter: str | None,
            sheet: str | None, table: str | None, query: str | None, top: int, show_values: bool,
            html_path: Path | None, json_path: str | None) -> None:
    """Profile EXTRACT before checking it: fill rates, values, date forms and codes outside the lists."""
    from refcheck.checks.profile import profile_extract
    from refcheck.reports.profile import render_profile_html, render_profile_json, render_profile_text

    quiet = takes_stdout({"--html": html_path, "--json": json_path})
    options = source(extract, encoding=encoding, delimiter=delimiter, sheet=sheet, table=table, query=query)
    resolved = load_schema(schema)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    with reading(extract):
        found = profile_extract(extract, resolved, mapping=mapping, top=top, show_values=show_values,
                                options=options)
    if html_path is not None:
        _write(html_path, render_profile_html(found))
    if json_path:
        _write(Path(json_path), render_profile_json(found))
    tell(render_profile_text(found), err=quiet, nl=False)


@cli.command(epilog=epilog("refcheck init --from their-export.csv", codes=READS_EXTRACT))
@click.option("--extends", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema to build on: a bundled name or a schema file.")
@click.option("--from", "extract", default=None, metavar="EXTRACT",
              help="An extract from your system: its headers give a proposed mapping.yaml.")
@click.option("--name", default=None, help="The schema's name.  [default: the folder's name]")
@click.option("--dir", "folder", type=LocalPath(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Where to write the files.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--sheet", default=None, metavar="NAME", help="Excel sheet of --from.  [default: the first]")
@click.option("--table", default=None, metavar="NAME", help="Database table of --from (a database URI).")
def init(extends: str, extract: str | None, name: str | None, folder: Path, force: bool, sheet: str | None,
         table: str | None) -> None:
    """Start a council's folder: a schema extending the standard, a proposed mapping, a README."""
    from refcheck.schemas.scaffold import scaffold, slug

    extends_as = _relative_schema(extends, folder)
    headers = None
    if extract is not None:
        options = source(extract, sheet=sheet, table=table)
        with reading(extract):
            headers = extract_columns(extract, options)[1]
    made = scaffold(name or slug(folder.resolve().name), extends, headers=headers, extends_as=extends_as,
                    extract=None if extract is None else shown(extract))
    with writing(folder):
        existing = [file for file in made.files if (folder / file).exists()]
        if existing and not force:
            raise BadOutput(printable(f"{folder / existing[0]}: exists; use --force to overwrite"))
        folder.mkdir(parents=True, exist_ok=True)
    for file, text in made.files.items():
        _write(folder / file, text)
    say(printable(f"wrote {', '.join(str(folder / file) for file in made.files)}"))
    if extract is not None:
        say(f"mapping: {made.matched} fields matched; check mapping.yaml"
            + (f"; not matched: {', '.join(made.unmatched)}" if made.unmatched else ""))
    say(printable(f"next: refcheck schema check {folder / 'schema.yaml'}"))


def _relative_schema(extends: str, folder: Path) -> str | None:
    """The --extends file as the new schema names it, relative to its folder; None for a bundled name."""
    try:
        return os.path.relpath(Path(extends).resolve(), folder.resolve()) if Path(extends).is_file() else None
    except OSError:
        return None  # NOTE: not a file refcheck can use: the schema loader says why, in one line


@cli.group()
def schema() -> None:
    """Check a schema without data, or show the effective schema after extends."""


@schema.command(name="check", epilog=epilog("refcheck schema check council.yaml", codes=READS_SCHEMA))
@click.argument("schema_file", metavar="FILE|NAME")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also validate this mapping file against the schema's fields.")
def schema_check(schema_file: str, mapping_path: Path | None) -> None:
    """Validate a schema (and a mapping): every key, kind, parameter, field and id, with file:line errors."""
    resolved = load_schema(schema_file)
    rules = bind_rules(resolved)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    extends = f" (extends {' -> '.join(resolved.extends)})" if resolved.extends else ""
    say(printable(f"{schema_file}: valid schema {resolved.name!r} v{resolved.version}{extends}: {len(resolved.fields)} "
                  f"fields, {len(rules)} rules, {len(resolved.scorecard.kpis)} headline figures"))
    if mapping is not None:
        say(printable(f"{mapping_path}: valid mapping: {len(mapping.fields)} fields, "
                      f"{len(mapping.null_tokens)} null tokens"))


@schema.command(name="show",
                epilog=epilog("refcheck schema show --schema council.yaml --resolved", codes=READS_SCHEMA))
@click.option("--schema", "schema_name", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--resolved", is_flag=True, help="The effective schema: extends applied and shorthands expanded.")
def schema_show(schema_name: str, resolved: bool) -> None:
    """Print a schema as written, or resolved (a valid schema itself, ready to save and edit)."""
    loaded = load_schema(schema_name)
    bind_rules(loaded)
    say(resolved_yaml(loaded) if resolved else schema_text(schema_name), nl=False)


cli.add_command(export)
cli.add_command(rules)


def main() -> NoReturn:
    """Console-script entry point (``refcheck``): the command, guarded, then the process's exit."""
    run(cli)
