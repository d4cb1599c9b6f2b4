"""``refcheck export``: the rule set for pandera, Great Expectations, and SQL's working-day calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from refcheck.checks import bind_rules
from refcheck.checks.extras import GX, require
from refcheck.checks.interop.calendar_table import calendar_csv, calendar_sql
from refcheck.checks.interop.gx_suite import gx_status, suite
from refcheck.checks.interop.pandera_module import pandera_module
from refcheck.checks.interop.sql_rules import DIALECTS
from refcheck.checks.kinds import Export
from refcheck.checks.readers.uri import display
from refcheck.checks.rules import Rule
from refcheck.cli.common import AsOfDate, LocalPath, fail, reading, say, write
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
    try:
        schema = load_schema(name)
        return schema, bind_rules(schema)
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
    exact = sum(rule.kind.pandera_status().status is Export.EXACT for rule in rules)
    click.echo(f"{exact} of {len(rules)} rules exported exactly", err=True)


@export.command(epilog=epilog("refcheck export gx --dialect postgresql --out referral_suite.json",
                              codes=READS_SCHEMA))
@_SCHEMA
@_OUT
@_AS_OF
@click.option("--dialect", type=click.Choice([*DIALECTS, "none"]), default="postgresql", show_default=True,
              help="SQL dialect of the SQL-only expectations; 'none' leaves them out (pandas, Spark).")
def gx(schema_name: str, out: Path | None, as_of: dt.date | None, dialect: str) -> None:
    """A Great Expectations 1.x ExpectationSuite (JSON), and each rule's export status on stderr.

    The suite expects the extract's fields as text, trimmed, with blanks as null; SQL-only rules
    also need the calendar table (refcheck export calendar).
    """
    require(GX, "refcheck export gx", "great_expectations")
    schema, rules = _load(schema_name)
    chosen = None if dialect == "none" else DIALECTS[dialect]
    built = suite(schema, rules, chosen, as_of=as_of)
    _emit(json.dumps(built.to_json_dict(), indent=2) + "\n", out)
    types = {field.name: field.type for field in schema.fields.values()}
    statuses = [(rule.id, gx_status(rule, types)) for rule in rules]
    width = max(len(rule_id) for rule_id, _ in statuses)
    for rule_id, status in statuses:
        why = f"  {status.reason}" if status.reason else ""
        shown = status.status.value if status.status is not Export.SQL_ONLY or chosen else "left out (sql-only)"
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
