"""A worklist's rows from inside the database: only the failing (record, rule) pairs, never the whole table.

The second query of a scorecard run (the first counts, ``scan.scan_query``) reads the same
staged rows and flags, keeps the rows that fail any rule, pairs each with the rules it fails, and
returns for each pair what a worklist shows: the row's number, record id, team, worker, the rule
and the working days taken, for a rule that falls due the date it runs from (the last event) and
how far overdue it is, and the columns the user asked to include, as the Polars engine's findings
have them.

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

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.due import overdue_unit
from refcheck.checks.interop.sql_rules import Dialect, SqlVocabulary
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.presence import RequiredWhen
from refcheck.checks.kinds.timeliness import WithinWorkingDays
from refcheck.checks.rules import Rule
from refcheck.checks.stretches import due, overdue_by
from refcheck.checks.warehouse.scan import LINE, Scan, Source, carried_name
from refcheck.schemas import Calendar, Schema

RULES = "refcheck_rules"
FINDINGS_COLUMNS = ("line", "record_id", "team", "worker", "rule_id", "working_days", "last_event")
"""What the query returns for each pair before the carried columns (``last_event`` a YYYYMMDD number)."""


def findings_query(source: Source, schema: Schema, rules: Sequence[Rule], dialect: Dialect, calendar: Calendar,
                   as_of: dt.date, *, carry: Sequence[str] = (), calendar_table: str | None = None,
                   table: bool = False) -> str:
    """Each failing (row, rule) pair: line, record, team, worker, rule index, days, last event, carried text.

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
    since = {index: terms.day(field) for index, rule in enumerate(scan.rules)
             if (field := _falls_due_since(rule.kind)) is not None}
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
    line, numbers = f"f.{LINE}", ""
    if physical:
        line = f"n.{LINE}"
        numbers = (f" JOIN (SELECT ctid AS place, ROW_NUMBER() OVER (ORDER BY ctid) AS {LINE} FROM {source.sql})"
                   f"{named}n ON n.place = f.{LINE}")
    picked = [line, "f.record_id", "f.team", "f.worker", "k.rule_index",
              f"(CASE k.rule_index {days} END)" if taken else "NULL",
              f"(CASE k.rule_index {lasts} END)" if since else "NULL",
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


def _falls_due_since(kind: RuleKind) -> str | None:
    """The field of its own row a rule falls due from (``required_when``'s overdue form), else None."""
    return kind.overdue_since if isinstance(kind, RequiredWhen) else None


def findings_frame(rows: Sequence[Sequence[Any]], rules: Sequence[Rule], carry: Sequence[str],
                   team_name: Callable[[str | None], str], as_of: dt.date, calendar: Calendar) -> pl.DataFrame:
    """The pairs as the Polars engine's findings: its columns and types, teams named as its teams are.

    A rule that falls due has the date it runs from (``last_event``) and how far overdue it is at
    ``as_of`` (``overdue`` in ``overdue_unit``), counted as the Polars engine counts them.
    """
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(FINDINGS_COLUMNS) + len(carry))
    ids = [rule.id for rule in rules]
    named = {team: team_name(team) for team in set(columns[2])}
    frame = pl.DataFrame({
        "line": pl.Series(columns[0], dtype=pl.Int64),
        "record_id": pl.Series(columns[1], dtype=pl.String),
        "team": pl.Series([named[team] for team in columns[2]], dtype=pl.String),
        "worker": pl.Series(columns[3], dtype=pl.String),
        "rule_id": pl.Series([ids[int(index)] for index in columns[4]], dtype=pl.String),
        "working_days": pl.Series([None if days is None else int(days) for days in columns[5]], dtype=pl.Int64),
        "last_event": pl.Series([None if day is None else int(day) for day in columns[6]], dtype=pl.Int64),
        **{name: pl.Series(columns[7 + i], dtype=pl.String) for i, name in enumerate(carry)},
    })
    return frame.select(*FINDINGS_COLUMNS[:-1], *_due_columns(rules, as_of, calendar), *carry)


def _due_columns(rules: Sequence[Rule], as_of: dt.date, calendar: Calendar) -> list[pl.Expr]:
    """``last_event`` as a date, ``overdue`` and ``overdue_unit``: each rule that falls due's, as ``checks.due``'s."""
    ctx = Context(as_of=as_of, working_days=WorkingDays(calendar), field_types={})
    last = pl.col("last_event").cast(pl.String).str.strptime(pl.Date, "%Y%m%d", strict=False)
    day = pl.lit(as_of, pl.Date)
    overdue, unit = pl.lit(None, pl.Int64), pl.lit(None, pl.String)
    for rule in rules:
        limit = rule.kind.due_limit()
        if _falls_due_since(rule.kind) is None or limit is None:
            continue
        mine, ends = pl.col("rule_id") == rule.id, due(last, limit, ctx)
        late = pl.when(ends < day).then(overdue_by(ends, day, limit, ctx)).cast(pl.Int64)
        overdue = pl.when(mine).then(late).otherwise(overdue)
        unit = pl.when(mine).then(pl.lit(overdue_unit(rule))).otherwise(unit)
    return [last.alias("last_event"), overdue.alias("overdue"), unit.alias("overdue_unit")]
