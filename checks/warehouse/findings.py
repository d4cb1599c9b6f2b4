"""A worklist's rows from inside the database: only the failing (record, rule) pairs, never the whole table.

The second query of a scorecard run (the first counts, ``scan.scan_query``) reads the same
staged rows and flags, keeps the rows that fail any rule, pairs each with the rules it fails, and
returns for each pair what a worklist shows: the row's number, record id, team, worker, the rule
and the working days taken, and the columns the user asked to include, as the Polars engine's
findings have them.

A row's number (``line``) is its place in the order the database returns the table's rows (or
the query's), 1 for the first: the number the Polars engine gives a row of the same table. A table
has no lines; this number finds a row while the table is not rewritten, and it is how a record
with a blank id can still be found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from refcheck.checks.due import falls_due, overdue_unit
from refcheck.checks.interop.sql_rules import Dialect, SqlVocabulary
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.presence import RequiredWhen
from refcheck.checks.kinds.timeliness import WithinWorkingDays
from refcheck.checks.rules import Rule
from refcheck.checks.warehouse.scan import LINE, Scan, Source, carried_name
from refcheck.schemas import Calendar, Schema

RULES = "refcheck_rules"
FINDINGS_COLUMNS = ("line", "record_id", "team", "worker", "rule_id", "working_days", "last_event")


def findings_query(source: Source, schema: Schema, rules: Sequence[Rule], dialect: Dialect, calendar: Calendar,
                   as_of: dt.date, *, carry: Sequence[str] = (), calendar_table: str | None = None) -> str:
    """The query returning each failing (row, rule) pair: line, record, team, worker, rule, days, last event, text.

    The last event is the day (``YYYYMMDD``) a rule that falls due runs from; the text is the carried columns'.
    Ordered by rule, then line: the Polars engine's order (rule by rule, each in the extract's order).
    """
    scan = Scan(source, rules, dialect, calendar, as_of, calendar_table=calendar_table, carried=carry, numbered=True)
    terms = scan.terms
    record = terms.name(schema.record_id) if schema.record_id in terms.positions else "NULL"
    worker = terms.name(schema.worker) if schema.worker and schema.worker in terms.positions else "NULL"
    taken = {index: days for index, rule in enumerate(scan.rules) if (days := days_taken(rule.kind, terms))}
    since = {index: terms.day(rule.kind.overdue_since) for index, rule in enumerate(scan.rules)
             if isinstance(rule.kind, RequiredWhen) and rule.kind.overdue_since is not None}
    extra = [f"s.{LINE} AS {LINE}", f"{record} AS record_id", f"{worker} AS worker",
             *(f"{days} AS d{index}" for index, days in taken.items()),
             *(f"{day} AS e{index}" for index, day in since.items()),
             *(f"s.{carried_name(i)} AS {carried_name(i)}" for i in range(len(carry)))]
    flagged = scan.flagged(schema.group_by, extra)
    named = dialect.alias
    if not scan.rules:
        return scan.with_tables(f"SELECT * FROM ({flagged}){named}f WHERE 1 = 0")
    failing = " OR ".join(f"f.r{index} = 1" for index in range(len(scan.rules)))
    flag = " ".join(f"WHEN {index} THEN f.r{index}" for index in range(len(scan.rules)))
    days = " ".join(f"WHEN {index} THEN f.d{index}" for index in taken)
    lasts = " ".join(f"WHEN {index} THEN f.e{index}" for index in since)
    picked = [f"f.{LINE}", "f.record_id", "f.team", "f.worker", "k.rule_index",
              f"(CASE k.rule_index {days} END)" if taken else "NULL",
              f"(CASE k.rule_index {lasts} END)" if since else "NULL",
              *(f"f.{carried_name(i)}" for i in range(len(carry)))]
    indices = dialect.constant_rows(("rule_index",), [(str(index),) for index in range(len(scan.rules))])
    rows = f"SELECT * FROM ({flagged}){named}f WHERE {failing}{dialect.fence}"
    sql = (f"SELECT {', '.join(picked)} FROM ({rows}){named}f CROSS JOIN {RULES}{named}k "
           f"WHERE (CASE k.rule_index {flag} END) = 1 ORDER BY k.rule_index, f.{LINE}")
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
    """The pairs as the Polars engine's findings: its columns and types, teams named as its teams are.

    A rule that falls due (``required_when``'s overdue form, the one such kind SQL runs, in working
    days) has its last event and how far overdue: the working days taken beyond its limit.
    """
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(FINDINGS_COLUMNS) + len(carry))
    ids = [rule.id for rule in rules]
    named = {team: team_name(team) for team in set(columns[2])}
    limits = {index: limit.count for index, rule in enumerate(rules) if (limit := rule.kind.due_limit()) is not None}
    units = {index: overdue_unit(rule) for index, rule in enumerate(rules) if falls_due(rule)}
    indices = [int(index) for index in columns[4]]
    return pl.DataFrame({
        "line": pl.Series(columns[0], dtype=pl.Int64),
        "record_id": pl.Series(columns[1], dtype=pl.String),
        "team": pl.Series([named[team] for team in columns[2]], dtype=pl.String),
        "worker": pl.Series(columns[3], dtype=pl.String),
        "rule_id": pl.Series([ids[index] for index in indices], dtype=pl.String),
        "working_days": pl.Series([None if days is None else int(days) for days in columns[5]], dtype=pl.Int64),
        "last_event": pl.Series([_date(day) for day in columns[6]], dtype=pl.Date),
        "overdue": pl.Series([None if days is None or index not in limits else int(days) - limits[index]
                              for index, days in zip(indices, columns[5], strict=True)], dtype=pl.Int64),
        "overdue_unit": pl.Series([units.get(index) for index in indices], dtype=pl.String),
        **{name: pl.Series(columns[7 + i], dtype=pl.String) for i, name in enumerate(carry)},
    })


def _date(day: Any) -> dt.date | None:
    """A ``YYYYMMDD`` number as a date."""
    if day is None:
        return None
    number = int(day)
    return dt.date(number // 10000, number // 100 % 100, number % 100)
