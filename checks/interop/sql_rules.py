"""The SQL that rule kinds write their conditions in, over a table of the extract's text, for GX on SQL.

The table holds every field as text, trimmed, with blanks as NULL (``trimmed_query`` reads a raw
table that way). Dates are read by the same regular expression as the export's ``.type`` rules
and turned into ``YYYYMMDD`` numbers, which order like dates; working days come from the calendar
table (``checks.interop.calendar_table``). Each kind's ``sql`` method writes its own conditions
in these terms (``SqlRules`` is the kinds' ``SqlTerms``). Only portable SQL is used, plus each
dialect's regex operator.

The SQL is for SQLAlchemy's ``text()``, which is how GX and refcheck run it: every name and value
a schema or extract supplies goes through ``quoted`` or ``literal``, which also keep each colon
from being read by ``text()`` as the start of a bind parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refcheck.checks.interop.calendar_table import TABLE, day_number
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.portable import READABLE_DATE, readable, whole
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
    enters through ``name`` and ``lit``, quoted and with its braces doubled, so none can place the
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

    def name(self, field: str) -> str:
        """A column (or table), quoted."""
        return _braced(quoted(field))

    def lit(self, text: str) -> str:
        """A string literal."""
        return _braced(literal(text, self.dialect.char))

    def matches(self, value: str, pattern: str) -> str:
        """A condition: ``value`` matches the regular expression."""
        return f"({value} {self.dialect.regex_operator} {self.lit(pattern)})"

    # -- values ---------------------------------------------------------------------------------

    def _is_readable_date(self, field: str) -> str:
        return self.matches(self.name(field), f"^(?:{READABLE_DATE})$")

    def day(self, field: str) -> str:
        """The field's date as a YYYYMMDD number; NULL when blank or unreadable."""
        v, pos = self.name(field), self.dialect.position
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
        v = self.name(field)
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
        return f"(SELECT working_before FROM {self.name(self.calendar)} WHERE day_number = {day})"

    def as_of_day(self) -> str:
        """The run's as-of date as YYYYMMDD (today's date in the database when none is given)."""
        if self.as_of is not None:
            return str(day_number(self.as_of))
        if self.dialect.name == "sqlite":
            return "CAST(strftime('%Y%m%d', 'now', 'localtime') AS INTEGER)"
        return "CAST(to_char(CURRENT_DATE, 'YYYYMMDD') AS INTEGER)"

    # -- presence, and each kind's conditions ---------------------------------------------------

    def present(self, field: str) -> str:
        """Whether a field has a value; for a date, a readable one (the engine's typed value)."""
        if self.types[field].is_parsed:
            readable_value = self.matches(self.name(field), whole(readable(self.types[field])))
            return f"({self.name(field)} IS NOT NULL AND {readable_value})"
        return f"({self.name(field)} IS NOT NULL)"

    def blank(self, field: str) -> str:
        """Whether a field has no (readable) value."""
        return f"(NOT {self.present(field)})"

    def all_rows(self) -> str:
        """Every row: the batch, or the whole table when each batch holds only some (one team)."""
        return BATCH if self.whole_table is None else f"({self.whole_table}) AS everything"

    def condition(self, kind: RuleKind) -> tuple[str, str] | None:
        """(applies, fails) conditions for a rule kind, or None when there is no SQL form."""
        return kind.sql(self)

    def unexpected_rows(self, kind: RuleKind) -> str | None:
        """A query returning the rows that fail the rule (GX's ``UnexpectedRowsExpectation``)."""
        condition = self.condition(kind)
        if condition is None:
            return None
        applies, fails = condition
        return f"SELECT * FROM {BATCH} WHERE {applies} AND {fails}"

    def applicable_rows(self, kind: RuleKind) -> str | None:
        """A query returning the rows the rule applies to (how many were checked)."""
        condition = self.condition(kind)
        return None if condition is None else f"SELECT * FROM {BATCH} WHERE {condition[0]}"


BATCH = "{batch}"
"""Where GX puts its batch of rows: the queries are GX templates, filled by ``str.format``."""


def _braced(sql: str) -> str:
    """SQL as a GX query template: a brace in a name, value or regex is doubled, so it stays itself."""
    return sql.replace("{", "{{").replace("}", "}}")
