"""Rules written as SQL conditions over a table of the extract's text, for Great Expectations on SQL.

The table holds every field as text, trimmed, with blanks as NULL (``trimmed_query`` reads a raw
table that way). Dates are read by the same regular expression as the export's ``.type`` rules
and turned into ``YYYYMMDD`` numbers, which order like dates; working days come from the calendar
table (``checks.calendar_table``). Only portable SQL is used, plus each dialect's regex operator.

The SQL is for SQLAlchemy's ``text()``, which is how GX and refcheck run it: every name and value
a schema or extract supplies goes through ``quoted`` or ``literal``, which also keep each colon
from being read by ``text()`` as the start of a bind parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refcheck.checks import kinds
from refcheck.checks.interop.calendar_table import TABLE, day_number
from refcheck.checks.interop.portable import READABLE_DATE, readable, whole
from refcheck.schemas import FieldType

WHITESPACE = " \t\n\r\x0b\x0c\xa0"
"""What trimming removes in SQL (the engine trims any Unicode whitespace; these are the ones seen)."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the SQL dialects refcheck writes for."""

    name: str
    regex_operator: str
    position: str
    trim: str
    text_type: str
    char: str
    """The function from a code point to a character."""


DIALECTS = {
    "sqlite": Dialect("sqlite", "REGEXP", "instr", "trim({value}, {chars})", "TEXT", "char"),
    "postgresql": Dialect("postgresql", "~", "strpos", "btrim({value}, {chars})", "TEXT", "chr"),
}


def dialect_of(url: str) -> Dialect:
    """The dialect of a database URL (``sqlite:///...``, ``postgresql://...``)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme in ("postgres", "postgresql"):
        return DIALECTS["postgresql"]
    if scheme in DIALECTS:
        return DIALECTS[scheme]
    raise ValueError(f"no SQL dialect for {scheme!r} URLs; refcheck writes SQL for {', '.join(DIALECTS)}")


def literal(text: str, char: str = "char") -> str:
    """A SQL string literal that no pass of ``text()`` can read a bind parameter in.

    Each colon is a piece of its own (``'a ' || ':' || 'b'``), so no name follows it and no
    backslash escapes it. (GX reads a query asset twice: an escape would hold for one pass only.)
    A NUL, which drivers refuse inside SQL text, and a percent sign, which a ``format`` driver
    (psycopg) reads as a parameter unless each pass doubles it, are the dialect's ``char(n)``
    (``char`` is SQLite's; pass ``Dialect.char``).
    """
    def piece(part: str) -> str:
        return f"{char}({ord(part)})" if part in "\x00%" else "'" + part.replace("'", "''") + "'"

    pieces = [piece(part) for part in re.split("([:\x00%])", text) if part] or ["''"]
    return pieces[0] if len(pieces) == 1 else f"({' || '.join(pieces)})"


def quoted(name: str) -> str:
    r"""A SQL identifier, as ``text()`` reads it: ``\:`` escapes a colon, so ``:x`` is never a parameter."""
    return '"' + name.replace('"', '""').replace(":", "\\:") + '"'


def _chars(dialect: Dialect) -> str:
    codes = " || ".join(f"{dialect.char}({ord(c)})" for c in WHITESPACE)
    return f"({codes})"


def trimmed_query(table: str, columns: Sequence[str], dialect: Dialect, as_names: Sequence[str] | None = None) -> str:
    """A query giving a raw table as the rules expect it: text, trimmed, blanks as NULL.

    ``as_names`` renames the columns (a mapping's field names for another system's headers).
    """
    chars = _chars(dialect)
    parts = []
    for column, name in zip(columns, as_names or columns, strict=True):
        text = dialect.trim.format(value=f"CAST({quoted(column)} AS {dialect.text_type})", chars=chars)
        parts.append(f"NULLIF({text}, '') AS {quoted(name)}")
    return f"SELECT {', '.join(parts)} FROM {quoted(table)}"


class SqlRules:
    """SQL conditions for rules: where a rule applies, and where it fails.

    Conditions and queries are GX query templates (``{batch}`` for the rows): every name and value
    enters through ``_id`` and ``_lit``, quoted and with its braces doubled, so none can place the
    batch or a placeholder.
    """

    def __init__(self, field_types: Mapping[str, FieldType], dialect: Dialect, as_of: dt.date | None,
                 calendar_table: str = TABLE, whole_table: str | None = None) -> None:
        self.types = field_types
        self.dialect = dialect
        self.as_of = as_of
        self.calendar = calendar_table
        self.whole_table = None if whole_table is None else _braced(whole_table)

    # -- names and values -----------------------------------------------------------------------

    def _id(self, name: str) -> str:
        return _braced(quoted(name))

    def _lit(self, text: str) -> str:
        return _braced(literal(text, self.dialect.char))

    def _matches(self, value: str, pattern: str) -> str:
        """A condition: ``value`` matches the regular expression."""
        return f"({value} {self.dialect.regex_operator} {self._lit(pattern)})"

    # -- values ---------------------------------------------------------------------------------

    def _is_readable_date(self, field: str) -> str:
        return self._matches(self._id(field), f"^(?:{READABLE_DATE})$")

    def day(self, field: str) -> str:
        """The field's date as a YYYYMMDD number; NULL when blank or unreadable."""
        v, pos = self._id(field), self.dialect.position
        iso_rest = f"substr({v}, 6)"
        iso = (
            f"CAST(substr({v}, 1, 4) AS INTEGER) * 10000"
            f" + CAST(substr({iso_rest}, 1, {pos}({iso_rest}, '-') - 1) AS INTEGER) * 100"
            f" + CAST(substr(substr({iso_rest}, {pos}({iso_rest}, '-') + 1), 1, 2) AS INTEGER)"
        )
        uk_rest = f"substr({v}, {pos}({v}, '/') + 1)"
        uk = (
            f"CAST(substr(substr({uk_rest}, {pos}({uk_rest}, '/') + 1), 1, 4) AS INTEGER) * 10000"
            f" + CAST(substr({uk_rest}, 1, {pos}({uk_rest}, '/') - 1) AS INTEGER) * 100"
            f" + CAST(substr({v}, 1, {pos}({v}, '/') - 1) AS INTEGER)"
        )
        value = f"(CASE WHEN {pos}({v}, '/') > 0 THEN {uk} ELSE {iso} END)"
        return f"(CASE WHEN {self._is_readable_date(field)} THEN {value} END)"

    def moment(self, field: str) -> str:
        """The field's date and time as a YYYYMMDDhhmmss number (times of a date-only field are 0)."""
        v = self._id(field)
        parts = [
            f"COALESCE(CAST(NULLIF(substr({v}, {start}, 2), '') AS INTEGER), 0) * {scale}"
            for start, scale in ((12, 10000), (15, 100), (18, 1))
        ]
        time = " + ".join(parts)
        if self.types[field] is FieldType.DATE:
            time = "0"
        return f"(CAST({self.day(field)} AS BIGINT) * 1000000 + (CASE WHEN length({v}) > 10 THEN {time} ELSE 0 END))"

    def working_before(self, day: str) -> str:
        """Working days before a YYYYMMDD day, from the calendar table."""
        return f"(SELECT working_before FROM {self._id(self.calendar)} WHERE day_number = {day})"

    def as_of_day(self) -> str:
        """The run's as-of date as YYYYMMDD (today's date in the database when none is given)."""
        if self.as_of is not None:
            return str(day_number(self.as_of))
        if self.dialect.name == "sqlite":
            return "CAST(strftime('%Y%m%d', 'now', 'localtime') AS INTEGER)"
        return "CAST(to_char(CURRENT_DATE, 'YYYYMMDD') AS INTEGER)"

    # -- rules ----------------------------------------------------------------------------------

    def condition(self, kind: kinds.RuleKind) -> tuple[str, str] | None:
        """(applies, fails) conditions for a rule kind, or None when there is no SQL form."""
        method = getattr(self, "_" + kind.name, None)
        return None if method is None else method(kind)

    def _present(self, field: str) -> str:
        """Whether a field has a value; for a date, a readable one (the engine's typed value)."""
        if self.types[field].is_parsed:
            readable_value = self._matches(self._id(field), whole(readable(self.types[field])))
            return f"({self._id(field)} IS NOT NULL AND {readable_value})"
        return f"({self._id(field)} IS NOT NULL)"

    def _blank(self, field: str) -> str:
        return f"(NOT {self._present(field)})"

    def _required(self, kind: kinds.Required) -> tuple[str, str]:
        blank = " AND ".join(self._blank(f) for f in (kind.field, *kind.alternatives))
        return "(1 = 1)", f"({blank})"

    def _readable(self, kind: kinds.Readable) -> tuple[str, str]:
        pattern = self._matches(self._id(kind.field), whole(readable(self.types[kind.field])))
        return f"({self._id(kind.field)} IS NOT NULL)", f"(NOT {pattern})"

    def _required_when(self, kind: kinds.RequiredWhen) -> tuple[str, str]:
        if kind.present is not None:
            applies = self._present(kind.present)
        elif kind.code_field is not None:
            applies = f"({self._id(kind.code_field)} IN ({', '.join(self._lit(c) for c in kind.codes)}))"
        else:
            assert kind.overdue_since is not None
            since = self.day(kind.overdue_since)
            applies = (
                f"({since} IS NOT NULL AND "
                f"{self.working_before(self.as_of_day())} - {self.working_before(since)} > {kind.working_days})"
            )
        return applies, self._blank(kind.field)

    def _nhs_number(self, kind: kinds.NhsNumber) -> tuple[str, str]:
        digits = f"replace({self._id(kind.field)}, ' ', '')"
        weighted = " + ".join(f"CAST(substr({digits}, {i}, 1) AS INTEGER) * {11 - i}" for i in range(1, 10))
        check = f"(11 - ({weighted}) % 11)"
        check = f"(CASE WHEN {check} = 11 THEN 0 ELSE {check} END)"
        well_formed = self._matches(digits, "^[0-9]{10}$")
        right = f"({check} <> 10 AND CAST(substr({digits}, 10, 1) AS INTEGER) = {check})"
        return self._present(kind.field), f"(CASE WHEN {well_formed} THEN NOT {right} ELSE 1 = 1 END)"

    def _unique(self, kind: kinds.Unique) -> tuple[str, str]:
        v = self._id(kind.field)
        rows = BATCH if self.whole_table is None else f"({self.whole_table}) AS everything"
        shared = f"(SELECT {v} FROM {rows} WHERE {v} IS NOT NULL GROUP BY {v} HAVING COUNT(*) > 1)"
        return self._present(kind.field), f"({v} IN {shared})"

    def _date_order(self, kind: kinds.DateOrder) -> tuple[str, str]:
        value = self.day if kind.compare == "date" else self.moment
        earlier, later = value(kind.earlier), value(kind.later)
        return f"({earlier} IS NOT NULL AND {later} IS NOT NULL)", f"({later} < {earlier})"

    def _not_in_future(self, kind: kinds.NotInFuture) -> tuple[str, str]:
        day = self.day(kind.field)
        return f"({day} IS NOT NULL)", f"({day} > {self.as_of_day()})"

    def _age_under(self, kind: kinds.AgeUnder) -> tuple[str, str]:
        birth, at = self.day(kind.birth), self.day(kind.at)
        age = f"({at} / 10000 - {birth} / 10000 - (CASE WHEN {at} % 10000 < {birth} % 10000 THEN 1 ELSE 0 END))"
        return f"({birth} IS NOT NULL AND {at} IS NOT NULL)", f"({age} >= {kind.years})"

    def _within_working_days(self, kind: kinds.WithinWorkingDays) -> tuple[str, str]:
        start, end = self.day(kind.start), self.day(kind.end)
        taken = f"({self.working_before(end)} - {self.working_before(start)})"
        applies = f"({start} IS NOT NULL AND {end} IS NOT NULL"
        if kind.code_field is not None:
            applies += f" AND {self._id(kind.code_field)} IN ({', '.join(self._lit(c) for c in kind.codes)})"
        return applies + ")", f"({taken} > {kind.days})"

    def unexpected_rows(self, kind: kinds.RuleKind) -> str | None:
        """A query returning the rows that fail the rule (GX's ``UnexpectedRowsExpectation``)."""
        condition = self.condition(kind)
        if condition is None:
            return None
        applies, fails = condition
        return f"SELECT * FROM {BATCH} WHERE {applies} AND {fails}"

    def applicable_rows(self, kind: kinds.RuleKind) -> str | None:
        """A query returning the rows the rule applies to (how many were checked)."""
        condition = self.condition(kind)
        return None if condition is None else f"SELECT * FROM {BATCH} WHERE {condition[0]}"


BATCH = "{batch}"
"""Where GX puts its batch of rows: the queries are GX templates, filled by ``str.format``."""


def _braced(sql: str) -> str:
    """SQL as a GX query template: a brace in a name, value or regex is doubled, so it stays itself."""
    return sql.replace("{", "{{").replace("}", "}}")
