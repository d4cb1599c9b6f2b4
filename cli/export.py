"""``refcheck export``: the rule set for pandera, Great Expectations, and SQL's working-day calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from refcheck.checks.extras import GX, require
from refcheck.checks.interop.calendar_table import calendar_csv, calendar_sql
from refcheck.checks.interop.gx_suite import gx_status, suites
from refcheck.checks.interop.pandera_module import pandera_module, pandera_status
from refcheck.checks.interop.sql_rules import DIALECTS
from refcheck.checks.kinds import Export
from refcheck.checks.readers.uri import display
from refcheck.checks.rules import Rule, bind_record_types
from refcheck.cli.common import AsOfDate, LocalPath, fail, reading, say, write, writing
from refcheck.cli.exit_codes import READS_SCHEMA, epilog
from refcheck.cli.guard import GuardedGroup
from refcheck.reports import refcheck_version
from refcheck.schemas import DEFAULT_SCHEMA, RefcheckError, Schema, load_schema
from refcheck.schemas.yamldoc import printable

_SCHEMA = click.option("--schema", "schema_name", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
                       help="A bundled schema name or a schema file.")
_OUT = click.option("--out", type=LocalPath(dir_okay=False, path_type=Path), default=None,
                    help="Write here.  [default: standard output]")
_AS_OF = click.option("--as-of", type=AsOfDate(), default=None,
                      help="Fix the date 'future' and 'overdue' are judged against (YYYY-MM-DD or DD/MM/YYYY).  "
                           "[default: the day it runs]")


def _load(name: str) -> tuple[Schema, tuple[Rule, ...]]:
    """The schema and the rules of every record type it has, the primary's first."""
    try:
        schema = load_schema(name)
        return schema, tuple(rule for rules in bind_record_types(schema).values() for rule in rules)
    except RefcheckError as err:
        raise fail(err) from None


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        say(text, nl=False)
    else:
        write(out, text)


@click.group(cls=GuardedGroup)
def export() -> None:
    """Write the rule set for another engine: pandera, Great Expectations, or SQL."""


@export.command(epilog=epilog("refcheck export pandera --out referral_schema.py", codes=READS_SCHEMA))
@_SCHEMA
@_OUT
@_AS_OF
def pandera(schema_name: str, out: Path | None, as_of: dt.date | None) -> None:
    """A Python module defining a pandera.polars schema: every rule, exactly, named by its id."""
    schema, rules = _load(schema_name)
    module = out.stem if out is not None else "referral_schema"
    _emit(pandera_module(schema, rules, module=module, refcheck=refcheck_version(), as_of=as_of), out)
    statuses = [(rule.id, pandera_status(rule, schema)) for rule in rules]
    for rule_id, status in statuses:
        if status.status is not Export.EXACT:
            click.echo(f"{rule_id}  {status.status.value}  {status.reason}", err=True)
    exact = sum(status.status is Export.EXACT for _, status in statuses)
    click.echo(f"{exact} of {len(rules)} rules exported exactly", err=True)


@export.command(epilog=epilog("refcheck export gx --dialect postgresql --out referral_suite.json",
                              codes=READS_SCHEMA))
@_SCHEMA
@click.option("--out", type=LocalPath(path_type=Path), default=None,
              help="Write here; for a schema of several record types, a folder given a suite per record type.  "
                   "[default: standard output, several suites as a JSON list]")
@_AS_OF
@click.option("--dialect", type=click.Choice([*DIALECTS, "none"]), default="postgresql", show_default=True,
              help="SQL dialect of the SQL-only expectations; 'none' leaves them out (pandas, Spark).")
@click.option("--record-type", "record_type", default=None, metavar="NAME",
              help="Only this record type's suite.  [default: every record type's]")
def gx(schema_name: str, out: Path | None, as_of: dt.date | None, dialect: str, record_type: str | None) -> None:
    """Great Expectations 1.x ExpectationSuites (JSON), one per record type, and each rule's export status on stderr.

    A suite expects its record type's fields as text, trimmed, with blanks as null; SQL-only rules
    also need the calendar table (refcheck export calendar).
    """
    require(GX, "refcheck export gx", "great_expectations")
    schema, rules = _load(schema_name)
    if record_type is not None:
        if record_type not in {record.record_type for record in schema.record_types}:
            raise click.BadParameter(f"{schema.name} has no record type {record_type!r}; it has "
                                     f"{', '.join(record.record_type for record in schema.record_types)}",
                                     param_hint="--record-type")
        rules = tuple(rule for rule in rules if rule.record_type == record_type)
    chosen = None if dialect == "none" else DIALECTS[dialect]
    built = {name: made.to_json_dict() for name, made in suites(schema, rules, chosen, as_of=as_of).items()
             if record_type in (None, name)}
    if len(built) == 1:
        _emit(json.dumps(next(iter(built.values())), indent=2) + "\n", out)
    elif out is None:
        _emit(json.dumps(list(built.values()), indent=2) + "\n", None)
    else:
        with writing(out):
            out.mkdir(parents=True, exist_ok=True)
        for made in built.values():
            write(out / f"{made['name']}.json", json.dumps(made, indent=2) + "\n")
    _statuses(schema, rules, dialect_given=chosen is not None)


def _statuses(schema: Schema, rules: tuple[Rule, ...], *, dialect_given: bool) -> None:
    """Each rule's GX export status on stderr, and the totals."""
    statuses = [(rule.id, gx_status(rule, {field.name: field.type
                                           for field in schema.record(rule.record_type).fields.values()}))
                for rule in rules]
    width = max(len(rule_id) for rule_id, _ in statuses)
    for rule_id, status in statuses:
        why = f"  {status.reason}" if status.reason else ""
        shown = status.status.value if status.status is not Export.SQL_ONLY or dialect_given else "left out (sql-only)"
        click.echo(f"{rule_id:<{width}}  {shown}{why}", err=True)
    counts = {kind: sum(status.status is kind for _, status in statuses) for kind in Export}
    click.echo(f"{counts[Export.EXACT]} exact, {counts[Export.SQL_ONLY]} SQL-only, "
               f"{counts[Export.NONE]} not exportable, of {len(rules)} rules", err=True)


@export.command(epilog=epilog("refcheck export calendar --format sql --out calendar.sql",
                              "refcheck export calendar --source postgresql://owner@host/db --table refcheck_calendar",
                              codes=READS_SCHEMA))
@_SCHEMA
@_OUT
@click.option("--format", "form", type=click.Choice(["csv", "sql"]), default="csv", show_default=True,
              help="CSV, or SQL that creates and fills the refcheck_calendar table.")
@click.option("--source", "source_url", default=None, metavar="URI",
              help="Create (or refill) the calendar table in this database instead, for check and scorecard "
                   "--engine sql --calendar-table NAME; needs --table NAME.")
@click.option("--table", "table_name", default=None, metavar="NAME", help="With --source: the calendar table's name.")
def calendar(schema_name: str, out: Path | None, form: str, source_url: str | None, table_name: str | None) -> None:
    """The working-day calendar (1900-2100) that SQL-only rules count working days with."""
    schema, _ = _load(schema_name)
    table = table_name
    if source_url is None and table is None:
        _emit(calendar_csv(schema.calendar) if form == "csv" else calendar_sql(schema.calendar), out)
        return
    if source_url is None or table is None or out is not None:
        raise click.UsageError("--source URI and --table NAME go together, and without --out")
    from refcheck.checks.warehouse.calendar import create_calendar_table

    with reading(source_url):
        try:
            written = create_calendar_table(source_url, table, schema.calendar)
        except RefcheckError as err:
            raise fail(err) from None
    click.echo(printable(f"{display(source_url)} table {table}: {written:,} days of the {schema.calendar.region} "
                         "calendar written"), err=True)
