"""Where the rules run, as one decorator passing one ``EngineSettings``: here (Polars), or inside a database.

``--engine sql`` checks a table where it lives, in one aggregate query (and for a scorecard a
second one returning only the failing records); ``--engine gx`` runs the exported suite with
Great Expectations there, the slow proof that the rules mean the same. ``--calendar-table``
names a working-day calendar table in the database for the SQL engine to join; without it the
calendar travels inside the query, so a read-only account runs every rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from refcheck.checks import Report
from refcheck.checks.readers.uri import display
from refcheck.cli.read_options import ReadSettings, extract_kind
from refcheck.schemas import ExtractMapping, Schema

Decorator = Callable[[Callable[..., None]], Callable[..., None]]

_HELP = {
    "polars": "polars reads the extract here",
    "sql": "sql checks a table inside its database (--source, and --table or --query) in one query, for tables "
           "too big or too sensitive to move",
    "gx": "gx runs the rules with Great Expectations there (--table), slowly, to prove they mean the same",
}


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Where the command line asked for the rules to run, passed to a command as its one ``engine`` parameter."""

    name: str = "polars"
    source_url: str | None = None
    calendar_table: str | None = None
    offered: tuple[str, ...] = ("polars", "sql", "gx")
    """The engines the command offers."""

    @property
    def in_database(self) -> bool:
        """Whether the rules run inside the database rather than here."""
        return self.name != "polars"

    def database(self, extract: str | None) -> str:
        """The database URI the rules run in: ``--source``, or EXTRACT when it is a URI (not both)."""
        url = self.source_url or extract
        if url is None or (self.source_url is not None and extract is not None):
            raise click.UsageError(f"--engine {self.name} needs the database as --source URI (and no EXTRACT)")
        if extract_kind(url) != "database":
            raise click.UsageError(f"--engine {self.name} runs the rules inside a database: --source takes a "
                                   "database URI")
        return url

    def refuse_options(self, extract: str | None) -> str:
        """EXTRACT for the Polars engine, refusing the options only an engine in a database takes."""
        in_database = " or ".join(name for name in self.offered if name != "polars")
        for option, value in (("--source", self.source_url), ("--calendar-table", self.calendar_table)):
            if value is not None:
                raise click.UsageError(f"{option} is for --engine {in_database if option == '--source' else 'sql'}")
        if extract is None:
            raise click.UsageError("give EXTRACT (or --engine sql with --source URI)")
        return extract


def engine_options(*choices: str) -> Decorator:
    """``--engine`` (among ``choices``), ``--source`` and ``--calendar-table``, handed over as one ``engine``."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_engine(**params: Any) -> None:
            settings = EngineSettings(params.pop("engine"), params.pop("source_url"), params.pop("calendar_table"),
                                      choices)
            command(engine=settings, **params)

        engine = click.option(
            "--engine", type=click.Choice(list(choices)), default="polars", show_default=True,
            help="; ".join(_HELP[choice] for choice in choices) + ". In a database a --mapping may rename columns "
                 "but not translate values.")
        source = click.option(
            "--source", "source_url", default=None, metavar="URI",
            help="With --engine " + " or ".join(choice for choice in choices if choice != "polars")
                 + ": the database, such as postgresql://user@host/db, sqlite:///file.db or duckdb:///file.duckdb.")
        calendar = click.option(
            "--calendar-table", default=None, metavar="NAME",
            help="With --engine sql: count working days with this calendar table in the database (made by "
                 "refcheck export calendar --source URI --table NAME) instead of sending the calendar with the "
                 "query.")
        return engine(source(calendar(with_engine)))

    return decorate


def validate_in_database(engine: EngineSettings, extract: str | None, read: ReadSettings, schema: Schema,
                         mapping: ExtractMapping | None, as_of: dt.date | None, *, carry: Sequence[str] = (),
                         scorecard: bool = False, schema_named: str = "") -> Report:
    """Run the rules inside the database the user named: in one query (sql), or with Great Expectations (gx).

    A ``scorecard`` run also asks the SQL engine for the failing records, ``carry``'s columns and
    the scorecard's measures. ``schema_named`` is ``--schema`` as given, for the command a schema
    of several record types is sent to instead.
    """
    from refcheck.checks.warehouse import untranslated
    from refcheck.checks.warehouse import validate_in_database as in_sql

    url = engine.database(extract)
    read.options_for(url)
    if schema.others:
        command = "scorecard" if scorecard else "check"
        named = shlex.quote(schema_named or schema.name)
        raise click.UsageError(f"--engine {engine.name} checks one table; a schema with several record types "
                               f"({schema.name}) runs with the Polars engine: refcheck {command} "
                               f"{shlex.quote(display(url))} --schema {named} reads a table per record type")
    table, query = read.given.table, read.given.query
    if engine.name == "gx" and (table is None or query is not None):
        raise click.UsageError("--engine gx needs --table (a query is not supported)")
    if engine.name != "sql" and engine.calendar_table is not None:
        raise click.UsageError("--calendar-table is for --engine sql")
    if (table is None) == (query is None):
        raise click.UsageError(f"--engine {engine.name} needs --table or --query")
    if mapping is not None:
        schema = dataclasses.replace(schema, mapping=mapping)
    refused = untranslated(schema.mapping, "the SQL engine" if engine.name == "sql" else "the GX engine")
    if refused:
        raise click.UsageError(refused)
    day = as_of or dt.date.today()
    if engine.name == "sql":
        return in_sql(url, schema, table=table, query=query, as_of=day, findings=scorecard, carry=carry,
                      measures=scorecard, calendar_table=engine.calendar_table)
    from refcheck.checks.interop.gx_engine import validate_sql

    assert table is not None
    return validate_sql(url, table, schema, as_of=day)
