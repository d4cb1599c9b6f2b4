"""A worklist's rows from inside the database: only the failing (record, rule) pairs, never the whole table.

The second query of a scorecard run (the first counts, ``scan.scan_query``) reads the same
staged rows and flags, keeps the rows that fail any rule, pairs each with the rules it fails, and
returns for each pair what a worklist shows: the row's number, record id, team, worker, the rule
and the working days taken, and the columns the user asked to include, as the Polars engine's
findings have them.

A row's number (``line``) is its place in the order the database returns the table's rows (or
the query's), 1 for the first: the number the Polars engine gives a row of the same table; in a
PostgreSQL table, its place in storage (``ctid`` order, the order of a read from the table's
start). A table has no lines; this number finds a row while the table is not rewritten, and it
is how a record with a blank id can still be found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from refcheck.checks.interop.sql_rules import Dialect, SqlVocabulary
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.presence import RequiredWhen
from refcheck.checks.kinds.timeliness import WithinWorkingDays
from refcheck.checks.rules import Rule
from refcheck.checks.warehouse.scan import LINE, Scan, Source, carried_name
from refcheck.schemas import Calendar, Schema

RULES = "refcheck_rules"
FINDINGS_COLUMNS = ("line", "record_id", "team", "worker", "rule_id", "working_days")


def findings_query(source: Source, schema: Schema, rules: Sequence[Rule], dialect: Dialect, calendar: Calendar,
                   as_of: dt.date, *, carry: Sequence[str] = (), calendar_table: str | None = None,
                   table: bool = False) -> str:
    """The query returning each failing (row, rule) pair: line, record, team, worker, rule index, days, carried text.

    Ordered by rule, then line: the Polars engine's order (rule by rule, each in the extract's order).
    A PostgreSQL ``table`` is numbered apart, by a narrow read of its rows' places (``ctid``) joined
    to the failing rows: numbering every row as it is read would keep PostgreSQL from reading the
    table in parallel.
    """
    physical = dialect.name == "postgresql" and table
    scan = Scan(source, rules, dialect, calendar, as_of, calendar_table=calendar_table, carried=carry, numbered=True,
                line="ctid" if physical else None)
    terms = scan.terms
    record = terms.name(schema.record_id) if schema.record_id in terms.positions else "NULL"
    worker = terms.name(schema.worker) if schema.worker and schema.worker in terms.positions else "NULL"
    taken = {index: days for index, rule in enumerate(scan.rules) if (days := days_taken(rule.kind, terms))}
    extra = [f"s.{LINE} AS {LINE}", f"{record} AS record_id", f"{worker} AS worker",
             *(f"{days} AS d{index}" for index, days in taken.items()),
             *(f"s.{carried_name(i)} AS {carried_name(i)}" for i in range(len(carry)))]
    flagged = scan.flagged(schema.group_by, extra)
    named = dialect.alias
    if not scan.rules:
        return scan.with_tables(f"SELECT * FROM ({flagged}){named}f WHERE 1 = 0")
    failing = " OR ".join(f"f.r{index} = 1" for index in range(len(scan.rules)))
    flag = " ".join(f"WHEN {index} THEN f.r{index}" for index in range(len(scan.rules)))
    days = " ".join(f"WHEN {index} THEN f.d{index}" for index in taken)
    line, numbers = f"f.{LINE}", ""
    if physical:
        line = f"n.{LINE}"
        numbers = (f" JOIN (SELECT ctid AS place, ROW_NUMBER() OVER (ORDER BY ctid) AS {LINE} FROM {source.sql})"
                   f"{named}n ON n.place = f.{LINE}")
    picked = [line, "f.record_id", "f.team", "f.worker", "k.rule_index",
              f"(CASE k.rule_index {days} END)" if taken else "NULL",
              *(f"f.{carried_name(i)}" for i in range(len(carry)))]
    indices = dialect.constant_rows(("rule_index",), [(str(index),) for index in range(len(scan.rules))])
    rows = f"SELECT * FROM ({flagged}){named}f WHERE {failing}{dialect.fence}"
    sql = (f"SELECT {', '.join(picked)} FROM ({rows}){named}f{numbers} CROSS JOIN {RULES}{named}k "
           f"WHERE (CASE k.rule_index {flag} END) = 1 ORDER BY k.rule_index, {line}")
    return scan.with_tables(sql, f"{RULES} (rule_index) AS ({indices})")


def days_taken(kind: RuleKind, terms: SqlVocabulary) -> str | None:
    """The working days a worklist shows for a rule, in SQL: taken between two dates, or elapsed since one.

    The SQL twin of the kinds' ``days_taken`` (the Polars engine's), for the two kinds that have one.
    """
    if isinstance(kind, WithinWorkingDays):
        start, end = terms.day(kind.start), terms.day(kind.end)
        return f"({terms.working_before(end)} - {terms.working_before(start)})"
    if isinstance(kind, RequiredWhen) and kind.overdue_since is not None:
        since = terms.day(kind.overdue_since)
        return f"({terms.working_before(terms.as_of_day())} - {terms.working_before(since)})"
    return None


def findings_frame(rows: Sequence[Sequence[Any]], rules: Sequence[Rule], carry: Sequence[str],
                   team_name: Callable[[str | None], str]) -> pl.DataFrame:
    """The pairs as the Polars engine's findings: its columns and types, teams named as its teams are."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(FINDINGS_COLUMNS) + len(carry))
    ids = [rule.id for rule in rules]
    named = {team: team_name(team) for team in set(columns[2])}
    return pl.DataFrame({
        "line": pl.Series(columns[0], dtype=pl.Int64),
        "record_id": pl.Series(columns[1], dtype=pl.String),
        "team": pl.Series([named[team] for team in columns[2]], dtype=pl.String),
        "worker": pl.Series(columns[3], dtype=pl.String),
        "rule_id": pl.Series([ids[int(index)] for index in columns[4]], dtype=pl.String),
        "working_days": pl.Series([None if days is None else int(days) for days in columns[5]], dtype=pl.Int64),
        **{name: pl.Series(columns[6 + i], dtype=pl.String) for i, name in enumerate(carry)},
    })
