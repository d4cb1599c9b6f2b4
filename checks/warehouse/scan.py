"""Every rule of a schema as one aggregate query: rows, checked and failed per rule and team, in one scan.

The query reads the table once, in stages that mirror the Polars engine's (each a subquery the
dialect's ``fence`` keeps the planner from merging, so nothing is computed twice per row):

1. the fields as trimmed text, blanks as NULL, renamed ``f0``, ``f1``... (no field name can clash);
2. the values the rules share, each computed once per row (``c0``...) in the first stage after
   those it reads: each regular expression matched, the numbers in each date's text, then
   each date as a ``YYYYMMDD`` number;
3. each rule's flag per row (``r0``...: 1 failed, 0 passed, NULL does not apply), with the
   working-day calendar joined by month from a ``VALUES`` list, so no table is created;

and then one ``GROUP BY`` on the team counts them. Kinds that compare rows (``unique``) read
the trimmed rows a second time, for the values on more than one row, which are joined too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from refcheck.checks.calendar import TABLE_END, TABLE_START, calendar_frame
from refcheck.checks.interop.calendar_table import calendar_months
from refcheck.checks.interop.sql_rules import Dialect, SqlVocabulary, trimmed_query
from refcheck.checks.rules import Rule
from refcheck.schemas import Calendar, FieldType

CALENDAR = "refcheck_calendar"
ROWS = "n"
"""The column of the row count per team."""


@dataclass(frozen=True, slots=True)
class ScanQuery:
    """The query, and which of its columns hold what: ``team``, ``ROWS``, then each rule's checked and failed."""

    sql: str
    rules: tuple[Rule, ...]

    @staticmethod
    def checked(index: int) -> str:
        """The column of the rows rule ``index`` applied to."""
        return f"checked{index}"

    @staticmethod
    def failed(index: int) -> str:
        """The column of the rows rule ``index`` failed on."""
        return f"failed{index}"


def scan_query(source: str, columns: Sequence[str], fields: Sequence[str], team: str, rules: Sequence[Rule],
               types: Mapping[str, FieldType], dialect: Dialect, calendar: Calendar, as_of: dt.date) -> ScanQuery:
    """The one query counting every rule per team over ``source`` (a quoted table, or a query with its alias).

    ``columns`` are the source's columns holding ``fields`` (a mapping renames them); ``team``
    is the field the counts are grouped by.
    """
    base = trimmed_query("", columns, dialect, as_names=[_field(i) for i in range(len(fields))], source=source)
    terms = ScanTerms(types, dialect, as_of, {name: i for i, name in enumerate(fields)}, base, calendar)
    flags = []
    for index, rule in enumerate(rules):
        condition = rule.kind.sql(terms)
        if condition is None:
            raise ValueError(f"rule {rule.id}: the {rule.kind.name!r} kind has no SQL form")
        applies, fails = condition
        flags.append(f"CASE WHEN {applies} THEN (CASE WHEN {fails} THEN 1 ELSE 0 END) END AS r{index}")
    staged = base
    for computed in terms.stages:
        added = ", ".join(f"{expression} AS {name}" for name, expression in computed.items())
        staged = f"SELECT s.*, {added} FROM ({staged}) AS s{dialect.fence}"
    joins = "".join(terms.joins.values())
    team_column = terms.name(team)
    flagged = f"SELECT {', '.join([f'{team_column} AS team', *flags])} FROM ({staged}) AS s{joins}{dialect.fence}"
    counts = [f"COUNT(*) AS {ROWS}"]
    for index in range(len(rules)):
        counts += [f"COUNT(r{index}) AS {ScanQuery.checked(index)}", f"SUM(r{index}) AS {ScanQuery.failed(index)}"]
    sql = f"SELECT team, {', '.join(counts)} FROM ({flagged}) AS s GROUP BY team"
    if terms.calendar_read:
        sql = f"WITH {CALENDAR} (month_number, working_before, working_days) AS ({_months(calendar)}) {sql}"
    return ScanQuery(sql, tuple(rules))


class ScanTerms(SqlVocabulary):
    """The kinds' SQL vocabulary over staged rows: each regex, date and shared value computed once per row.

    A computed column goes in the first stage after every column it reads (the fields' text is
    stage 0), as Polars' ``Context.computed`` columns do; working days are joined at the end.
    """

    def __init__(self, types: Mapping[str, FieldType], dialect: Dialect, as_of: dt.date,
                 positions: Mapping[str, int], base: str, calendar: Calendar) -> None:
        super().__init__(types, dialect, as_of)
        self.positions = positions
        self.base = base
        self.calendar = calendar
        self.stages: list[dict[str, str]] = []
        """Each stage's computed columns: name to expression."""
        self.joins: dict[str, str] = {}
        """What is joined to the rows before their flags, by the condition it answers: the calendar's
        months for each day looked up, and the values repeated on other rows for each value compared."""
        self.calendar_read = False
        self._aliases: dict[str, str] = {}
        self._computed: dict[str, str] = {}
        self._stage_of: dict[str, int] = {}

    def name(self, field: str) -> str:
        """The field's trimmed text, in every stage."""
        return f"s.{_field(self.positions[field])}"

    def shared(self, expression: str) -> str:
        """The expression computed once per row, in a stage of its own."""
        if expression not in self._computed:
            read = [self._stage_of.get(name, 0) for name in _READS.findall(expression)]
            if _JOINED.search(expression):
                raise ValueError("working days and repeated values are joined after every stage, not computed in one")
            stage = max(read, default=0)
            if stage == len(self.stages):
                self.stages.append({})
            name = f"c{len(self._computed)}"
            self.stages[stage][name] = expression
            self._stage_of[name] = stage + 1
            self._computed[expression] = f"s.{name}"
        return self._computed[expression]

    def matches(self, value: str, pattern: str) -> str:
        """A condition, computed once per row: the value matches the regex (NULL for a NULL value)."""
        found = super().matches(value, pattern)
        return f"({self.shared(f'CASE WHEN {found} THEN 1 WHEN {value} IS NOT NULL THEN 0 END')} = 1)"

    def date_parts(self, field: str) -> tuple[str, str, str]:
        """The year, month and day numbers in a date's text, each read once per row (NULL unless date-shaped)."""
        shaped = self.date_shaped(field)
        year, month, day = (self.shared(f"CASE WHEN {shaped} THEN {part} END") for part in super().date_parts(field))
        return year, month, day

    def day(self, field: str) -> str:
        """The field's date as ``YYYYMMDD``, read once per row."""
        return self.shared(super().day(field))

    def working_before(self, day: str) -> str:
        """Working days before a day: the as-of date's from the calendar here, any other's from the joined months."""
        if day == self.as_of_day():
            assert self.as_of is not None
            return str(_working_before(self.calendar, self.as_of))
        alias = self._joined(day, lambda alias: f"{CALENDAR} AS {alias} ON {alias}.month_number = {day} / 100")
        self.calendar_read = True
        days_before = f"substr({alias}.working_days, 1, {day} - {day} / 100 * 100 - 1)"
        return f"({alias}.working_before + length(replace({days_before}, '0', '')))"

    def repeated(self, value: str) -> str:
        """Whether the value is on another row too: the values that are, grouped from the rows read again, joined."""
        alias = self._joined(value, lambda alias: (
            f"(SELECT {value} AS repeated FROM ({self.base}) AS s WHERE {value} IS NOT NULL GROUP BY {value} "
            f"HAVING COUNT(*) > 1) AS {alias} ON {alias}.repeated = {value}"))
        return f"({alias}.repeated IS NOT NULL)"

    def _joined(self, key: str, join: Callable[[str], str]) -> str:
        """The alias of what is left-joined for ``key`` (``join`` writes its source and condition, given the alias)."""
        if key not in self._aliases:
            self._aliases[key] = f"j{len(self._aliases)}"
            self.joins[key] = f" LEFT JOIN {join(self._aliases[key])}"
        return self._aliases[key]


def _field(position: int) -> str:
    return f"f{position}"


_READS = re.compile(r"\bs\.(c[0-9]+)\b")
"""The computed columns an expression reads."""
_JOINED = re.compile(r"\bj[0-9]+\.")
"""A column of what is joined: the calendar's months, or the values on more than one row."""


def _months(calendar: Calendar) -> str:
    """The calendar by month as a ``VALUES`` list (``calendar_months``)."""
    return "VALUES " + ", ".join(f"({month}, {before}, '{days}')" for month, before, days in calendar_months(calendar))


def _working_before(calendar: Calendar, day: dt.date) -> int:
    """Working days before a day, clipped to the calendar's years as the engine clips."""
    index = min(max((day - TABLE_START).days, 0), (TABLE_END - TABLE_START).days)
    return int(calendar_frame(calendar)["working_before"][index])

