"""Every rule of a schema as SQL over a source's rows, staged so that each value is computed once per row.

The rows are read in stages that mirror the Polars engine's (each a subquery the dialect's
``fence`` keeps the planner from merging, so nothing is computed twice per row):

1. the fields as trimmed text, blanks as NULL, renamed ``f0``, ``f1``... (no field name can clash);
2. the values the rules share, each computed once per row (``c0``...) in the first stage after
   those it reads: each regular expression matched, the numbers in each date's text, then
   each date as a ``YYYYMMDD`` number;
3. each rule's flag per row (``r0``...: 1 failed, 0 passed, NULL does not apply, as where its
   ``when:`` does not hold: ``when_sql``), with the working-day calendar joined: by month from a
   ``VALUES`` list (nothing is created), or by day from a calendar table the user named
   (``--calendar-table``).

``scan_query`` counts the flags with one ``GROUP BY`` on the team; ``checks.warehouse.findings``
returns the failing (record, rule) pairs from the same stages. Kinds that compare rows
(``unique``) read the trimmed rows a second time, for the values on more than one row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from refcheck.checks.calendar import TABLE_END, TABLE_START, calendar_frame
from refcheck.checks.interop.calendar_table import calendar_months
from refcheck.checks.interop.sql_rules import Dialect, SqlVocabulary, trimmed_query
from refcheck.checks.kinds.base import SqlTerms
from refcheck.checks.rules import Rule
from refcheck.schemas import Calendar, Condition, FieldType, ReReferrals

CALENDAR = "refcheck_calendar"
ROWS = "n"
"""The column of the row count per team."""
LINE = "line"
"""The column of a row's number in the order the database returns the source's rows (1 for the first)."""
RE_REFERRALS = ("re_referrals_checked", "re_referrals_failed")
"""The columns of the scorecard's re-referral measure per team: referrals with a person and a time, re-referrals."""


@dataclass(frozen=True, slots=True)
class Source:
    """What a scan reads: ``sql`` (a quoted table, or a query with its alias) and its columns holding ``fields``."""

    sql: str
    columns: tuple[str, ...]
    fields: tuple[str, ...]
    types: Mapping[str, FieldType]


@dataclass(frozen=True, slots=True)
class ScanQuery:
    """The query, and which of its columns hold what: ``team``, ``ROWS``, then each rule's checked and failed."""

    sql: str
    rules: tuple[Rule, ...]
    measured: bool = False
    """Whether the ``RE_REFERRALS`` columns are there."""

    @staticmethod
    def checked(index: int) -> str:
        """The column of the rows rule ``index`` applied to."""
        return f"checked{index}"

    @staticmethod
    def failed(index: int) -> str:
        """The column of the rows rule ``index`` failed on."""
        return f"failed{index}"


def scan_query(source: str, columns: Sequence[str], fields: Sequence[str], team: str, rules: Sequence[Rule],
               types: Mapping[str, FieldType], dialect: Dialect, calendar: Calendar, as_of: dt.date, *,
               calendar_table: str | None = None, re_referrals: ReReferrals | None = None) -> ScanQuery:
    """The one query counting every rule per team over ``source`` (a quoted table, or a query with its alias).

    ``columns`` are the source's columns holding ``fields`` (a mapping renames them); ``team``
    is the field the counts are grouped by. With ``re_referrals`` it also counts the scorecard's
    re-referrals per team (``RE_REFERRALS``).
    """
    read = Source(source, tuple(columns), tuple(fields), types)
    scan = Scan(read, rules, dialect, calendar, as_of, calendar_table=calendar_table)
    counts = [f"COUNT(*) AS {ROWS}"]
    for index in range(len(scan.rules)):
        counts += [f"COUNT(r{index}) AS {ScanQuery.checked(index)}", f"SUM(r{index}) AS {ScanQuery.failed(index)}"]
    sql = f"SELECT team, {', '.join(counts)} FROM ({scan.flagged(team)}){dialect.alias}s GROUP BY team"
    if re_referrals is not None:
        measured = _re_referrals(read, team, re_referrals, dialect, calendar, as_of)
        sql = (f"SELECT c.*, {', '.join(f'm.{name}' for name in RE_REFERRALS)} FROM ({sql}){dialect.alias}c "
               f"LEFT JOIN ({measured}){dialect.alias}m ON c.team = m.team OR (c.team IS NULL AND m.team IS NULL)")
    return ScanQuery(scan.with_tables(sql), scan.rules, measured=re_referrals is not None)


class Scan:
    """A source's rows in stages, each rule's flag over them, and what else a query reads from the same stages.

    ``carried`` are more of the source's columns, as its raw text (``k0``...), and ``numbered``
    adds each row's number (``LINE``): what a worklist shows beside a failing record. ``line``
    is what ``LINE`` holds instead of a number (PostgreSQL's ``ctid``, numbered afterwards).
    """

    def __init__(self, source: Source, rules: Sequence[Rule], dialect: Dialect, calendar: Calendar, as_of: dt.date,
                 *, calendar_table: str | None = None, carried: Sequence[str] = (), numbered: bool = False,
                 line: str | None = None) -> None:
        self.rules = tuple(rules)
        self.dialect = dialect
        names = [_field(i) for i in range(len(source.fields))]
        base = trimmed_query("", source.columns, dialect, as_names=names, source=source.sql, plain=True)
        self.rows = base
        if carried or numbered:
            extras = [f"CAST({dialect.quoted(column)} AS {dialect.text_type}) AS {carried_name(i)}"
                      for i, column in enumerate(carried)]
            extras += [f"{line or dialect.row_number} AS {LINE}"] if numbered else []
            read_from = f" FROM {source.sql}"
            if not base.endswith(read_from):
                raise ValueError("trimmed_query no longer ends with its FROM: the extra columns have nowhere to go")
            self.rows = f"{base.removesuffix(read_from)}, {', '.join(extras)}{read_from}"
        positions = {name: i for i, name in enumerate(source.fields)}
        self.terms = ScanTerms(source.types, dialect, as_of, positions, base, calendar, calendar_table)
        self.flags = []
        for index, rule in enumerate(self.rules):
            condition = rule.kind.sql(self.terms)
            if condition is None:
                raise ValueError(f"rule {rule.id}: the {rule.kind.name!r} kind has no SQL form")
            applies, fails = condition
            if rule.when is not None:
                applies = f"({applies} AND {when_sql(rule.when, self.terms)})"
            self.flags.append(f"CASE WHEN {applies} THEN (CASE WHEN {fails} THEN 1 ELSE 0 END) END AS r{index}")

    def flagged(self, team: str, extra: Sequence[str] = ()) -> str:
        """The rows' team, each rule's flag ``r0``... and ``extra`` (written with ``terms`` before this call)."""
        staged = self.rows
        for computed in self.terms.stages:
            added = ", ".join(f"{expression} AS {name}" for name, expression in computed.items())
            staged = f"SELECT s.*, {added} FROM ({staged}){self.dialect.alias}s{self.dialect.fence}"
        joins = "".join(self.terms.joins.values())
        columns = [f"{self.terms.name(team)} AS team", *self.flags, *extra]
        return f"SELECT {', '.join(columns)} FROM ({staged}){self.dialect.alias}s{joins}{self.dialect.fence}"

    def with_tables(self, sql: str, *tables: str) -> str:
        """The query with its ``WITH`` list: the calendar by month if it is read, then ``tables``."""
        listed = list(tables)
        if self.terms.calendar_read:
            listed.insert(0, f"{CALENDAR} (month_number, working_before, working_days) AS "
                             f"({_months(self.terms.calendar, self.dialect)})")
        return f"WITH {', '.join(listed)} {sql}" if listed else sql


def when_sql(when: Condition, terms: SqlTerms) -> str:
    """A rule's ``when:`` as a SQL condition, as ``Rule.condition`` is in Polars: where the rule applies at all.

    Present and blank are the vocabulary's (a date or number must be readable); ``in`` compares the
    field's trimmed text with the codes, as the ``code_list`` kind does. NULL (a blank field) is false.
    """
    if when.test == "present":
        return terms.present(when.field)
    if when.test == "blank":
        return terms.blank(when.field)
    if not when.codes:
        return "(1 = 0)"
    return f"({terms.name(when.field)} IN ({', '.join(terms.lit(code) for code in when.codes)}))"


def carried_name(index: int) -> str:
    """The column holding the ``index``-th carried column's raw text."""
    return f"k{index}"


def _re_referrals(source: Source, team: str, re_referrals: ReReferrals, dialect: Dialect, calendar: Calendar,
                  as_of: dt.date) -> str:
    """Per team, the referrals with a person and a time (``RE_REFERRALS[0]``), and the re-referrals among them.

    A re-referral is a referral of a person whose latest strictly earlier referral was at most
    ``within_days`` calendar days before it (by date), as the Polars engine counts. Its own narrow
    read of the three fields it needs, so that only they are sorted by person and time: the
    largest date among the rows before each row (``ROWS``, which every dialect has), then the
    smallest of that among the rows of the same person and moment, which is the first of them,
    whose rows before are exactly the earlier moments.
    """
    names = tuple(dict.fromkeys((team, re_referrals.person, re_referrals.date)))
    narrow = Source(source.sql, tuple(source.columns[source.fields.index(name)] for name in names), names,
                    {name: source.types[name] for name in names})
    scan = Scan(narrow, (), dialect, calendar, as_of)
    terms = scan.terms
    person = terms.name(re_referrals.person)
    moment = terms.shared(terms.moment(re_referrals.date))
    days = terms.shared(_days_since_epoch(terms, terms.day(re_referrals.date)))
    before = (f"MAX({days}) OVER (PARTITION BY {person} ORDER BY {moment} "
              "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)")
    rows = scan.flagged(team, [f"CASE WHEN {person} IS NOT NULL AND {moment} IS NOT NULL THEN 1 ELSE 0 END AS counted",
                               f"{person} AS person", f"{moment} AS moment", f"{days} AS days", f"{before} AS before"])
    earlier = "MIN(COALESCE(r.before, -1)) OVER (PARTITION BY r.person, r.moment)"
    again = (f"CASE WHEN r.counted = 1 AND {earlier} >= 0 AND r.days - {earlier} <= {re_referrals.within_days} "
             "THEN 1 ELSE 0 END")
    each = f"SELECT r.team, r.counted, {again} AS again FROM ({rows}){dialect.alias}r"
    checked, failed = RE_REFERRALS
    return (f"SELECT e.team, SUM(e.counted) AS {checked}, SUM(e.again) AS {failed} FROM ({each}){dialect.alias}e "
            "GROUP BY e.team")


def _days_since_epoch(terms: SqlVocabulary, day: str) -> str:
    """A ``YYYYMMDD`` number as a count of days (from a day before year 0), in integer arithmetic every dialect has.

    Howard Hinnant's ``days_from_civil``, with the year moved on by 400 so that no division meets a
    negative number.
    """
    quotient, remainder = terms.quotient, terms.remainder
    year, month, date = quotient(day, "10000"), remainder(quotient(day, "100"), "100"), remainder(day, "100")
    shifted = f"({year} + 400 - (CASE WHEN {month} <= 2 THEN 1 ELSE 0 END))"
    of_era = remainder(shifted, "400")
    march_based = f"153 * (CASE WHEN {month} > 2 THEN {month} - 3 ELSE {month} + 9 END) + 2"
    of_year = f"({quotient(march_based, '5')} + {date} - 1)"
    return (f"({quotient(shifted, '400')} * 146097 + {of_era} * 365 + {quotient(of_era, '4')} - "
            f"{quotient(of_era, '100')} + {of_year})")


class ScanTerms(SqlVocabulary):
    """The kinds' SQL vocabulary over staged rows: each regex, date and shared value computed once per row.

    A computed column goes in the first stage after every column it reads (the fields' text is
    stage 0), as Polars' ``Context.computed`` columns do; working days are joined at the end.
    """

    def __init__(self, types: Mapping[str, FieldType], dialect: Dialect, as_of: dt.date,
                 positions: Mapping[str, int], base: str, calendar: Calendar,
                 calendar_table: str | None = None) -> None:
        super().__init__(types, dialect, as_of)
        self.positions = positions
        self.base = base
        self.calendar = calendar
        self.calendar_table = calendar_table
        """A table of the calendar by day (``checks.interop.calendar_table``) to join instead of the months."""
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
        """Working days before a day: the as-of date's from the calendar here, any other's from the joined months.

        With a calendar table, from its row for that day.
        """
        if day == self.as_of_day():
            assert self.as_of is not None
            return str(_working_before(self.calendar, self.as_of))
        if self.calendar_table is not None:
            table = self.dialect.quoted(self.calendar_table)
            alias = self._joined(day, lambda alias: f"{table}{self.dialect.alias}{alias} ON {alias}.day_number = {day}")
            return f"{alias}.working_before"
        month, named = self.quotient(day, "100"), self.dialect.alias
        alias = self._joined(day, lambda alias: f"{CALENDAR}{named}{alias} ON {alias}.month_number = {month}")
        self.calendar_read = True
        days_before = self.substring(f"{alias}.working_days", 1, f"{self.remainder(day, '100')} - 1")
        working = self.length(f"replace({days_before}, '0', '')")
        return f"({alias}.working_before + {working})"

    def repeated(self, value: str) -> str:
        """Whether the value is on another row too: the values that are, grouped from the rows read again, joined.

        The rows read again have no stages: a value computed in one (a date's day) is written out in full there.
        """
        full = self._written_out(value)
        alias = self._joined(value, lambda alias: (
            f"(SELECT {full} AS repeated FROM ({self.base}){self.dialect.alias}s WHERE {full} IS NOT NULL "
            f"GROUP BY {full} HAVING COUNT(*) > 1){self.dialect.alias}{alias} ON {alias}.repeated = {value}"))
        return f"({alias}.repeated IS NOT NULL)"

    def _written_out(self, expression: str) -> str:
        """The expression with each computed column it reads replaced by what computes it."""
        computing = {column: computed for computed, column in self._computed.items()}
        while _READS.search(expression):
            expression = _READS.sub(lambda found: f"({computing[found.group(0)]})", expression)
        return expression

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


def _months(calendar: Calendar, dialect: Dialect) -> str:
    """The calendar by month as constant rows, a ``VALUES`` list where the dialect has one (``calendar_months``)."""
    rows = [(str(month), str(before), f"'{days}'") for month, before, days in calendar_months(calendar)]
    return dialect.constant_rows(("month_number", "working_before", "working_days"), rows)


def _working_before(calendar: Calendar, day: dt.date) -> int:
    """Working days before a day, clipped to the calendar's years as the engine clips."""
    index = min(max((day - TABLE_START).days, 0), (TABLE_END - TABLE_START).days)
    return int(calendar_frame(calendar)["working_before"][index])

