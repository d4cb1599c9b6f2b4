"""Check a database table where it lives: every rule in one aggregate query, read back as a Report.

The rows never leave the database; only one row of counts per team does (``scan.scan_query``), and
for a scorecard the failing (record, rule) pairs of a second query (``findings.findings_query``).
The report is the Polars engine's, rule for rule and team for team: teams are named as the
engine names them (blank is "no team", names equal in Unicode's NFC are one team), and rules
that read a field the schema does not collect do not run. Nothing is written to the database:
the working-day calendar travels inside the query, or is read from a calendar table the user names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from refcheck.checks.engine import FINDINGS_SCHEMA
from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import DATABASE, require
from refcheck.checks.interop.sql_rules import ENGINE_DIALECTS, dialect_of
from refcheck.checks.kinds import Export
from refcheck.checks.readability import database_warnings
from refcheck.checks.readers.columns import missing_columns, refuse_missing_columns
from refcheck.checks.readers.uri import display, driver_reason
from refcheck.checks.report import NO_TEAM, Report, RuleResult, TeamCount
from refcheck.checks.report import Source as Counted
from refcheck.checks.rules import Rule, bind_rules
from refcheck.checks.warehouse.calendar import check_calendar_table
from refcheck.checks.warehouse.connect import create_engine
from refcheck.checks.warehouse.findings import findings_frame, findings_query
from refcheck.checks.warehouse.scan import RE_REFERRALS, ROWS, ScanQuery, Source, scan_query
from refcheck.schemas import ExtractMapping, ReReferrals, Schema

ENGINE = "the SQL engine"
SEVERAL_TYPES = ("the SQL engine checks one table; a schema with several record types runs with the Polars engine, "
                 "which reads a table per record type")


def untranslated(mapping: ExtractMapping, engine: str) -> str | None:
    """Why an engine in the database cannot follow a mapping (it renames columns, but changes no values), or None."""
    kept = sorted({key for entry in mapping.fields.values()
                   for key, used in (("values", entry.values), ("date_format", entry.date_format)) if used})
    kept += ["null_tokens"] if mapping.null_tokens else []
    if not kept:
        return None
    return (f"{engine} reads columns under other names but translates no values; the mapping's "
            f"{', '.join(kept)} need the Polars engine, on an extract")


def validate_in_database(url: str, schema: Schema, *, table: str | None = None, query: str | None = None,
                         as_of: dt.date, findings: bool = False, carry: Sequence[str] = (), measures: bool = False,
                         calendar_table: str | None = None) -> Report:
    """Check a table (or a query's rows) inside the database with one aggregate query.

    With ``findings`` a second query returns the failing (record, rule) pairs for worklists, with
    the ``carry`` columns' text; with ``measures`` the counts include the scorecard's re-referrals.
    ``calendar_table`` names a calendar table in the database (``checks.warehouse.calendar``) to
    count working days with, instead of sending the calendar with each query.

    A rule with no exact SQL form (``RuleKind.sql_status``) is reported not run, with its kind's reason.

    Raises ``ValueError`` for a mapping that translates values (``untranslated``) or a schema of
    several record types (one table is checked: ``SEVERAL_TYPES``), ``ExtractError``
    for a database, table or column that cannot be read, and ``MissingExtra`` without SQLAlchemy.
    """
    require(DATABASE, "check --engine sql", "sqlalchemy")
    refused = untranslated(schema.mapping, ENGINE)
    if refused:
        raise ValueError(refused)
    if (table is None) == (query is None):
        raise ValueError("give a table or a query (one of them)")
    if schema.others:
        raise ValueError(SEVERAL_TYPES)
    clash = [name for name in carry if name in FINDINGS_SCHEMA]
    if clash:
        raise ValueError(f"carry: findings have a column named {', '.join(repr(name) for name in clash)} already")
    try:
        dialect = dialect_of(url, ENGINE_DIALECTS)
    except ValueError as err:
        raise ExtractError(f"{display(url)}: {err}") from None
    rules = bind_rules(schema)
    label = f"{display(url)} table {table}" if table is not None else f"{display(url)} query"
    source = dialect.quoted(table) if table is not None else f"({_colons_kept(query or '')}){dialect.alias}src"
    found: list[Sequence[Any]] | None = None
    with _database_errors(label, url, table), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy's warnings are not one line, and may quote the URI
        engine = create_engine(url, dialect)
        try:
            with engine.connect() as connection:
                columns = _columns(connection, table, source, label)
                refuse_missing_columns(label, columns, schema)
                absent = missing_columns(columns, carry)
                if absent:
                    raise ExtractError(f"{label}: no column {', '.join(repr(name) for name in absent)} to include")
                if calendar_table is not None:
                    check_calendar_table(connection, calendar_table, schema.calendar, dialect)
                scanned, runnable, reasons = _scanned(schema, rules, source)
                built = scan_query(scanned.sql, scanned.columns, scanned.fields, schema.group_by, runnable,
                                   scanned.types, dialect, schema.calendar, as_of, calendar_table=calendar_table,
                                   re_referrals=_re_referrals(schema) if measures else None)
                rows = _rows(connection, built.sql)
                if findings:
                    pairs = findings_query(scanned, schema, runnable, dialect, schema.calendar, as_of, carry=carry,
                                           calendar_table=calendar_table, table=table is not None)
                    found = [tuple(row) for row in connection.execute(_text(pairs))]
        finally:
            engine.dispose()
    report = _report(schema, rules, label, as_of, built, rows, reasons)
    if found is not None:
        report = dataclasses.replace(report, findings=findings_frame(found, built.rules, carry, team_name,
                                                                   as_of, schema.calendar))
    return dataclasses.replace(report, warnings=database_warnings(schema, report.results))


def _scanned(schema: Schema, rules: Sequence[Rule], source: str) -> tuple[Source, list[Rule], dict[str, str]]:
    """The collected fields read from the source, the rules that run, and why each of the others does not.

    A rule runs when every field it reads (its ``when:`` field too) is collected, as in the Polars
    engine, and its kind has an exact SQL form (``sql_status``: a timescale in calendar days, weeks
    or months has none yet); the kind's reason is reported for the others.
    """
    if not schema.fields[schema.group_by].collected:
        raise ExtractError(f"the team field {schema.group_by!r} must be collected")
    fields = tuple(field.name for field in schema.fields.values() if field.collected)
    reasons = {rule.id: status.reason for rule in rules
               if (status := rule.kind.sql_status()).status is not Export.EXACT}
    runnable = [rule for rule in rules if rule.id not in reasons and all(name in fields for name in rule.fields_read)]
    types = {field.name: field.type for field in schema.fields.values() if field.collected}
    return Source(source, tuple(schema.mapping.column(name) for name in fields), fields, types), runnable, reasons


def _re_referrals(schema: Schema) -> ReReferrals | None:
    """The scorecard's re-referral measure, when the fields it reads are collected (as the Polars engine asks)."""
    re_referrals = schema.scorecard.re_referrals
    if re_referrals is None or not all(schema.fields[name].collected
                                       for name in (re_referrals.person, re_referrals.date)):
        return None
    return re_referrals


def team_name(team: str | None) -> str:
    """A team as the Polars engine names it: blank is "no team", names equal in Unicode's NFC are one team."""
    return NO_TEAM if team is None else unicodedata.normalize("NFC", str(team))


def _columns(connection: Any, table: str | None, source: str, label: str) -> set[str]:
    """The source's column names, from a query that returns no rows (DuckDB's inspector cannot list them)."""
    import sqlalchemy as sa

    if table is not None and not sa.inspect(connection).has_table(table):
        raise ExtractError(f"{label}: no such table")
    return set(connection.execute(sa.text(f"SELECT * FROM {source} WHERE 1 = 0")).keys())


def _rows(connection: Any, sql: str) -> list[Mapping[str, Any]]:
    return [dict(row._mapping) for row in connection.execute(_text(sql))]


def _text(sql: str) -> Any:
    import sqlalchemy as sa

    return sa.text(sql)


def _report(schema: Schema, rules: Sequence[Rule], label: str, as_of: dt.date, built: ScanQuery,
            rows: Sequence[Mapping[str, Any]], reasons: Mapping[str, str]) -> Report:
    """The counts per team, with teams named and merged as the Polars engine names them, into a Report."""
    merged: dict[str, list[int]] = {}
    for row in rows:
        team = team_name(row["team"])
        counts = [int(row[ROWS])]
        for index in range(len(built.rules)):
            counts += [int(row[ScanQuery.checked(index)] or 0), int(row[ScanQuery.failed(index)] or 0)]
        counts += [int(row[name] or 0) for name in (RE_REFERRALS if built.measured else ())]
        found = merged.setdefault(team, [0] * len(counts))
        merged[team] = [a + b for a, b in zip(found, counts, strict=True)]
    teams = tuple(sorted(merged, key=lambda name: (name == NO_TEAM, name)))
    position = {rule.id: index for index, rule in enumerate(built.rules)}
    results = []
    for rule in rules:
        at = position.get(rule.id)
        by_team = tuple(TeamCount(team, *((merged[team][1 + 2 * at], merged[team][2 + 2 * at])
                                          if at is not None else (0, 0))) for team in teams)
        results.append(RuleResult(rule=rule, ran=at is not None, by_team=by_team,
                                  reason=reasons.get(rule.id) if at is None else None))
    total = sum(merged[team][0] for team in teams)
    measured = {"re_referrals": tuple(TeamCount(team, *merged[team][-2:]) for team in teams)} if built.measured else {}
    return Report(schema=schema, as_of=as_of, source=Counted(label, total, total, 0), teams=teams,
                  team_rows=tuple(merged[team][0] for team in teams), results=tuple(results), measures=measured)


def _colons_kept(query: str) -> str:
    r"""A user's query as ``text()`` must be given it: ``\:`` keeps each colon from starting a bind parameter."""
    return query.replace(":", "\\:")


@contextmanager
def _database_errors(label: str, url: str, table: str | None) -> Iterator[None]:
    """Turn the errors of SQLAlchemy and its drivers into one line that shows no credential and no value."""
    import sqlalchemy as sa

    try:
        yield
    except sa.exc.SQLAlchemyError as err:
        reason = driver_reason(getattr(err, "orig", None) or err, url, [table or ""])
        raise ExtractError(f"{label}: cannot be read ({reason})") from None
