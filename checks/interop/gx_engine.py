"""Run the rule set with Great Expectations, against a SQL table or a pandas frame, into a Report.

This is the path for data that already lives in a warehouse, and the proof that the exported suite
means what the engine means: the same rules, the same counts. GX reads the extract's text trimmed
with blanks as null; on SQL a query does that, so the table itself is never changed. The only
thing written to the database is the working-day calendar table, when it is missing or stale; a
user who may not create it (a read-only role) gets it as a temporary table in each connection GX
opens. The URI is shown only without its credentials, and drivers' messages are scrubbed of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl

from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import GX, require
from refcheck.checks.interop.calendar_table import COLUMNS, TABLE, calendar_rows
from refcheck.checks.interop.gx_suite import expectations, gx_status
from refcheck.checks.interop.sql_rules import Dialect, dialect_of, literal, quoted, trimmed_query
from refcheck.checks.kinds import Export
from refcheck.checks.readability import database_warnings
from refcheck.checks.readers.columns import refuse_missing_columns
from refcheck.checks.readers.record_sources import SourceChoiceError
from refcheck.checks.readers.uri import display, driver_reason, hide_data, parse_uri, scrub
from refcheck.checks.report import NO_TEAM, Report, RuleResult, Source, TeamCount
from refcheck.checks.rules import Rule, bind_rules
from refcheck.checks.warehouse import untranslated
from refcheck.schemas import FieldType, Schema


@dataclass(frozen=True, slots=True)
class Counts:
    """One rule's counts from GX."""

    checked: int
    failed: int


def validate_sql(url: str, table: str, schema: Schema, *, as_of: dt.date) -> Report:
    """Check a database table with GX: one validation per team, mapped into a refcheck Report.

    Raises ``ValueError`` for a mapping that translates values (``warehouse.untranslated``): GX would count
    other values, ``SourceChoiceError`` for a schema of several record types (one table cannot hold them),
    and ``MissingExtra`` without the ``gx`` extra.
    """
    require(GX, "the GX engine")
    if schema.others:
        names = ", ".join(record.record_type for record in schema.record_types)
        raise SourceChoiceError(f"the GX engine checks one table against a schema of one record type; {schema.name} "
                                f"has {len(schema.record_types)} ({names}): check them with the Polars engine "
                                "(a folder, a workbook, or a database URI without --table)")
    refused = untranslated(schema.mapping, "the GX engine")
    if refused:
        raise ValueError(refused)
    label = f"{display(url)} table {table}"
    with _database_errors(label, url), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's warnings about a URI are not one line, and may quote it
        connection_string = _connection_string(url)
        report = _validate_sql(connection_string, url, label, table, schema, as_of=as_of)
    return dataclasses.replace(report, warnings=database_warnings(schema, report.results))


def _validate_sql(connection_string: str, url: str, label: str, table: str, schema: Schema, *,
                  as_of: dt.date) -> Report:
    import sqlalchemy as sa

    dialect = _dialect(url)
    rules = bind_rules(schema)
    engine = sa.create_engine(connection_string)
    try:
        with engine.connect() as connection:
            columns = {column["name"] for column in sa.inspect(connection).get_columns(table)}
    except sa.exc.NoSuchTableError:
        raise ExtractError(f"{label}: no such table") from None
    refuse_missing_columns(label, columns, schema)
    collected = [field.name for field in schema.fields.values() if field.collected]
    temporary_calendar = _calendar(engine, schema, label, url)
    base = trimmed_query(table, [schema.mapping.column(name) for name in collected], dialect, as_names=collected)
    team = quoted(schema.group_by)
    with engine.connect() as connection:
        teams = [row[0] for row in connection.execute(sa.text(f"SELECT DISTINCT {team} FROM ({base}) AS t"))]
    engine.dispose()
    teams.sort(key=lambda name: (name is None, name or ""))
    types = {field.name: field.type for field in schema.fields.values()}
    reasons = not_run(rules, types)
    runnable = [rule for rule in rules if rule.id not in reasons]
    by_team: dict[str, dict[str, Counts]] = {}
    rows: dict[str, int] = {}
    with _quiet_context() as context:
        source = _sql_source(context, connection_string, temporary_calendar)
        suite = _suite(context, schema, runnable, dialect, as_of, whole_table=base)
        for number, value in enumerate(teams):
            where = f"{team} IS NULL" if value is None else f"{team} = {literal(value, dialect.char)}"
            asset = source.add_query_asset(f"team{number}", query=f"SELECT * FROM ({base}) AS t WHERE {where}")
            # NOTE: names equal in Unicode's NFC are one team, as the Polars engine names teams.
            name = NO_TEAM if value is None else unicodedata.normalize("NFC", value)
            batch = asset.add_batch_definition_whole_table("all")
            counted, counts = _validate(context, batch, suite, uri=url)
            rows[name] = rows.get(name, 0) + counted
            found = by_team.setdefault(name, {})
            for rule_id, count in counts.items():
                before = _pair(found.get(rule_id))
                found[rule_id] = Counts(before[0] + count.checked, before[1] + count.failed)
    names = tuple(sorted(rows, key=lambda name: (name == NO_TEAM, name)))
    ran = {rule.id for rule in runnable}
    results = tuple(
        RuleResult(rule=rule, ran=rule.id in ran, by_team=tuple(
            TeamCount(name, *_pair(by_team[name].get(rule.id))) for name in names),
            reason=None if rule.id in ran else reasons.get(rule.id))
        for rule in rules
    )
    total = sum(rows.values())
    return Report(schema=schema, as_of=as_of, source=Source(label, total, total, 0), teams=names,
                  team_rows=tuple(rows[name] for name in names), results=results)


def not_run(rules: Sequence[Rule], types: Mapping[str, FieldType]) -> dict[str, str]:
    """Why each rule the suite does not hold is not run: its GX status's reason (a rule's kind, or its ``when:``)."""
    return {rule.id: status.reason for rule in rules if (status := gx_status(rule, types)).status is Export.NONE}


def counts_on_frame(frame: pl.DataFrame, schema: Schema, rules: Sequence[Rule]) -> dict[str, Counts]:
    """Run the suite's exact (pandas) expectations on a frame of the extract's trimmed text."""
    require(GX, "the GX engine", "great_expectations")
    import pandas as pd

    types = {field.name: field.type for field in schema.fields.values()}
    runnable = [rule for rule in rules if gx_status(rule, types).status is Export.EXACT]
    data = pd.DataFrame({name: pd.Series(frame[name].to_list(), dtype=object) for name in frame.columns})
    with _quiet_context() as context:
        asset = context.data_sources.add_pandas("refcheck").add_dataframe_asset("extract")
        suite = _suite(context, schema, runnable, None, None)
        _, counts = _validate(context, asset.add_batch_definition_whole_dataframe("all"), suite, {"dataframe": data})
    return counts


def counts_on_table(url: str, table: str, schema: Schema, rules: Sequence[Rule], *,
                    as_of: dt.date) -> dict[str, Counts]:
    """Run one record type's suite, SQL-only rules too, on a whole database table of its extract, in one batch.

    ``schema`` is the record type's; the calendar table is made as ``validate_sql`` makes it.
    """
    require(GX, "the GX engine")
    import sqlalchemy as sa

    dialect = _dialect(url)
    connection_string = _connection_string(url)
    engine = sa.create_engine(connection_string)
    temporary_calendar = _calendar(engine, schema, f"{display(url)} table {table}", url)
    engine.dispose()
    collected = [field.name for field in schema.fields.values() if field.collected]
    base = trimmed_query(table, [schema.mapping.column(name) for name in collected], dialect, as_names=collected)
    types = {field.name: field.type for field in schema.fields.values()}
    runnable = [rule for rule in rules if gx_status(rule, types).status is not Export.NONE]
    with _quiet_context() as context:
        source = _sql_source(context, connection_string, temporary_calendar)
        suite = _suite(context, schema, runnable, dialect, as_of)
        batch = source.add_query_asset("table", query=base).add_batch_definition_whole_table("all")
        return _validate(context, batch, suite, uri=url)[1]


def _sql_source(context: Any, connection_string: str, temporary_calendar: CalendarFiller | None) -> Any:
    """GX's SQL data source of the database, its connections given the temporary calendar table if need be."""
    import sqlalchemy as sa

    source = context.data_sources.add_sql("refcheck", connection_string=connection_string)
    if temporary_calendar is not None:
        for gx_engine in (source.get_engine(), source.get_execution_engine().engine):
            sa.event.listen(gx_engine, "checkout", temporary_calendar)
    return source


def ensure_calendar(engine: Any, schema: Schema) -> None:
    """Create or refresh the calendar table when it does not hold this schema's calendar."""
    import sqlalchemy as sa

    rows = list(calendar_rows(schema.calendar))
    expected = (len(rows), rows[-1][2] + rows[-1][3])
    with engine.begin() as connection:
        if sa.inspect(connection).has_table(TABLE):
            found = connection.execute(sa.text(f"SELECT COUNT(*), MAX(working_before + working_day) FROM {TABLE}"))
            if tuple(found.one()) == expected:
                return
            connection.execute(sa.text(f"DROP TABLE {TABLE}"))
        connection.execute(sa.text(f"CREATE TABLE {TABLE} {_CALENDAR_COLUMNS}"))
        insert = sa.text(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES (:day_number, :day, :working_before, "
                         ":working_day)")
        connection.execute(insert, [dict(zip(COLUMNS, row, strict=True)) for row in rows])


_CALENDAR_COLUMNS = ("(day_number INTEGER PRIMARY KEY, day CHAR(10) NOT NULL, working_before INTEGER NOT NULL, "
                     "working_day SMALLINT NOT NULL)")

CalendarFiller = Callable[[Any, Any, Any], None]


def _calendar(engine: Any, schema: Schema, label: str, url: str) -> CalendarFiller | None:
    """Make the calendar table readable: the stored one, refreshed if need be, or else a temporary one.

    Returns None when the stored table serves, or the pool ``checkout`` listener that gives each
    of GX's connections its own temporary table when this user may not create tables.
    """
    import sqlalchemy as sa

    try:
        ensure_calendar(engine, schema)
        return None
    except sa.exc.SQLAlchemyError:
        pass  # a read-only user: no CREATE (or DROP) on the database
    fill = _temporary_calendar(schema)
    sa.event.listen(engine, "checkout", fill)
    try:
        with engine.connect():
            pass  # the listener makes the table here first, so that a refusal is told before GX starts
    except (sa.exc.SQLAlchemyError, engine.dialect.loaded_dbapi.Error) as err:
        reason = driver_reason(getattr(err, "orig", None) or err, url)
        raise ExtractError(f"{label}: the working-day table {TABLE} is missing or out of date, and this database "
                           f"user may not create it, not even as a temporary table ({reason}); have it loaded "
                           "once with `refcheck export calendar --format sql`") from None
    return fill


def _temporary_calendar(schema: Schema) -> CalendarFiller:
    """A pool ``checkout`` listener that fills a temporary calendar table once per DB-API connection."""
    rows = list(calendar_rows(schema.calendar))
    statements = [f"CREATE TEMPORARY TABLE {TABLE} {_CALENDAR_COLUMNS}"] + [
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES "
        + ", ".join(f"({number}, {literal(day)}, {before}, {working})"
                    for number, day, before, working in rows[start:start + 1000])
        for start in range(0, len(rows), 1000)
    ]

    def fill(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(TABLE):
            return
        cursor = dbapi_connection.cursor()
        try:
            for statement in statements:
                cursor.execute(statement)
            dbapi_connection.commit()
        except Exception:
            dbapi_connection.rollback()
            raise
        finally:
            cursor.close()
        record.info[TABLE] = True

    return fill


def _connection_string(url: str) -> str:
    """The URI as SQLAlchemy and GX should read it: parsed once, ``postgres://`` spelt ``postgresql://``.

    ``$`` is %-encoded: GX would otherwise substitute ``${NAME}`` in it from the environment.
    """
    parsed = parse_uri(url)
    if parsed.drivername == "postgres":
        parsed = parsed.set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False).replace("$", "%24")


@contextmanager
def _database_errors(label: str, url: str) -> Iterator[None]:
    """Turn the errors of SQLAlchemy, its drivers and GX into one line that shows no credential."""
    import sqlalchemy as sa
    from great_expectations.exceptions import GreatExpectationsError

    try:
        yield
    except (sa.exc.SQLAlchemyError, GreatExpectationsError, ImportError) as err:
        reason = driver_reason(getattr(err, "orig", None) or err, url)
        raise ExtractError(f"{label}: cannot be read ({reason})") from None


def _dialect(url: str) -> Dialect:
    try:
        return dialect_of(url)
    except ValueError as err:
        raise ExtractError(f"{display(url)}: {err}") from None


def _pair(counts: Counts | None) -> tuple[int, int]:
    return (0, 0) if counts is None else (counts.checked, counts.failed)


def _suite(context: Any, schema: Schema, rules: Sequence[Rule], dialect: Dialect | None,
           as_of: dt.date | None, whole_table: str | None = None) -> Any:
    import great_expectations as gx

    found = expectations(schema, rules, dialect, as_of=as_of, counting=True, whole_table=whole_table)
    return context.suites.add(gx.ExpectationSuite(name="refcheck", expectations=found))


def _validate(context: Any, batch: Any, suite: Any, parameters: Mapping[str, Any] | None = None, *,
              uri: str = "") -> tuple[int, dict[str, Counts]]:
    """Run a suite on one batch; the row count and, per rule id, checked and failed.

    ``uri`` is the database's, whose credentials GX's reasons for a failure are scrubbed of.
    """
    import great_expectations as gx

    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"run{len(context.validation_definitions.all())}", data=batch, suite=suite))
    result = definition.run(batch_parameters=parameters, result_format="BASIC")
    rows = 0
    failed: dict[str, int] = {}
    checked: dict[str, int] = {}
    for item in result.results:
        tag = item.expectation_config.meta["refcheck"]
        values = item.result
        if "observed_value" not in values and "unexpected_count" not in values:
            reason = hide_data(scrub(_reason(item.exception_info), uri), uri)
            raise ExtractError(f"Great Expectations could not run {item.expectation_config.type} "
                               f"for {tag.get('rule', 'the row count')}: {reason}")
        if tag["role"] == "rows":
            rows = int(values["observed_value"])
        elif tag["role"] == "checked":
            checked[tag["rule"]] = int(values["observed_value"])
        elif "unexpected_count" not in values:
            failed[tag["rule"]] = failed.get(tag["rule"], 0) + int(values["observed_value"])
        else:
            failed[tag["rule"]] = failed.get(tag["rule"], 0) + int(values["unexpected_count"])
            if tag.get("checked") not in ("rows", "none"):
                checked.setdefault(tag["rule"], int(values["element_count"]) - int(values.get("missing_count") or 0))
    return rows, {rule: Counts(checked.get(rule, rows), count) for rule, count in failed.items()}


def _reason(info: Mapping[str, Any]) -> str:
    """The first line of GX's exception message, wherever GX put it."""
    found = [value for value in info.values() if isinstance(value, Mapping)] + [info]
    for entry in found:
        message = entry.get("exception_message")
        if message:
            return str(message).splitlines()[0][:300]
    return "no reason given"


@contextmanager
def _quiet_context() -> Iterator[Any]:
    """An ephemeral GX context with no progress bars, usage statistics or chatter on stderr."""
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        yield context
