"""The SQL that rule kinds write their conditions in, over the extract's text, for GX and the SQL engine.

The rows hold every field as text, trimmed, with blanks as NULL (``trimmed_query`` reads a raw
table that way). Dates are read by the same regular expression as the export's ``.type`` rules
and turned into ``YYYYMMDD`` numbers, which order like dates; working days come from the calendar
(``checks.interop.calendar_table``). Each kind's ``sql`` method writes its own conditions in
these terms (``SqlVocabulary`` implements the kinds' ``SqlTerms``; ``SqlRules`` writes them as GX
query templates, ``checks.warehouse.scan`` as one aggregate query). Only portable SQL is used,
plus what each ``Dialect`` spells its own way (the regex match, trimming, positions).

The SQL is for SQLAlchemy's ``text()``, which is how GX and refcheck run it: every name and value
a schema or extract supplies goes through ``quoted`` or ``literal``, which also keep each colon
from being read by ``text()`` as the start of a bind parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from refcheck.checks.interop.calendar_table import TABLE, day_number
from refcheck.checks.interop.sql_dialects import DIALECTS, ENGINE_DIALECTS, SQLITE, Dialect, dialect_of
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.portable import DATE_SHAPE, WHITESPACE, entire, readable
from refcheck.schemas import FieldType

__all__ = ["DIALECTS", "ENGINE_DIALECTS", "Dialect", "SqlRules", "SqlVocabulary", "dialect_of", "literal", "quoted",
           "trimmed_query"]


def literal(text: str, char: str = "char") -> str:
    """A SQL string literal that no pass of ``text()`` can read a bind parameter in, joined with ``||``.

    Each colon is a piece of its own (``'a ' || ':' || 'b'``), so no name follows it and no
    backslash escapes it. (GX reads a query asset twice: an escape would hold for one pass only.)
    A NUL, which drivers refuse inside SQL text, and a percent sign, which a ``format`` driver
    (psycopg) reads as a parameter unless each pass doubles it, are the dialect's ``char(n)``
    (``char`` is SQLite's; pass ``Dialect.char``). ``Dialect.literal`` writes a dialect's own.
    """
    return dataclasses.replace(SQLITE, char=char).literal(text)


def quoted(name: str) -> str:
    r"""A SQL identifier in double quotes, as ``text()`` reads it (``Dialect.quoted`` quotes a dialect's own)."""
    return SQLITE.quoted(name)


def _chars(dialect: Dialect) -> str:
    return dialect.joined([f"{dialect.char}({ord(c)})" for c in WHITESPACE])


def trimmed_query(table: str, columns: Sequence[str], dialect: Dialect, as_names: Sequence[str] | None = None,
                  *, source: str | None = None, plain: bool = False) -> str:
    """A query giving a raw table as the rules expect it: text, trimmed, blanks as NULL.

    ``as_names`` renames the columns (a mapping's field names for another system's headers);
    ``source`` reads from that SQL (a query in brackets, with its alias) instead of the table.
    ``plain`` names are the query's own identifiers (``f0``...), unquoted as every reference to
    them is: Oracle reads a quoted lower-case name as another name than the same unquoted.
    """
    chars = _chars(dialect)
    parts = []
    for column, name in zip(columns, as_names or columns, strict=True):
        text = dialect.trim.format(value=f"CAST({dialect.quoted(column)} AS {dialect.text_type})", chars=chars)
        parts.append(f"NULLIF({text}, '') AS {name if plain else dialect.quoted(name)}")
    return f"SELECT {', '.join(parts)} FROM {source or dialect.quoted(table)}"


class SqlVocabulary:
    """SQL conditions for rules, in plain SQL: where a rule applies, and where it fails.

    Every name and value enters through ``name`` and ``lit``; subclasses say where the rows and
    the working-day calendar are (``working_before``, ``all_rows``).
    """

    def __init__(self, field_types: Mapping[str, FieldType], dialect: Dialect, as_of: dt.date | None) -> None:
        self.types = field_types
        self.dialect = dialect
        self.as_of = as_of

    # -- names and values -----------------------------------------------------------------------

    def name(self, field: str) -> str:
        """A column (or table), quoted."""
        return self.dialect.quoted(field)

    def lit(self, text: str) -> str:
        """A string literal."""
        return self.dialect.literal(text)

    def matches(self, value: str, pattern: str) -> str:
        """A condition: ``value`` matches the regular expression (as the dialect must be given it)."""
        return self.dialect.regex.format(value=value, pattern=self.lit(self.dialect.pattern(pattern)))

    def quotient(self, a: str, b: str) -> str:
        """Whole-number division of non-negative integers."""
        return self.dialect.quotient.format(a=f"({a})", b=b)

    def remainder(self, a: str, b: str) -> str:
        """What is left of ``a`` after whole-number division by ``b``."""
        return self.dialect.remainder.format(a=f"({a})", b=b)

    def substring(self, text: str, start: int | str, length: int | str | None = None) -> str:
        """Part of a text: from character ``start`` (1-based), ``length`` characters or to its end."""
        if length is None:
            return self.dialect.rest.format(text=text, start=start)
        return self.dialect.substring.format(text=text, start=start, length=length)

    def length(self, text: str) -> str:
        """How many characters a text has (0 for an empty one)."""
        return self.dialect.length.format(text=text)

    def flag(self, condition: str) -> str:
        """A condition as a value: 1 where it holds, 0 where not (no dialect need have boolean values)."""
        return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def shared(self, expression: str) -> str:
        """A value several conditions read (here written out wherever it is read)."""
        return f"({expression})"

    # -- values ---------------------------------------------------------------------------------

    def date_parts(self, field: str) -> tuple[str, str, str]:
        """The year, month and day numbers in a date's text, ISO or UK; only for text of ``DATE_SHAPE``."""
        v, sub, slash, dash = self.name(field), self.substring, "'/'", "'-'"

        def pos(text: str, part: str) -> str:
            return self.dialect.position.format(text=text, part=part)

        iso_rest, uk_rest = sub(v, 6), sub(v, f"{pos(v, slash)} + 1")
        uk_parts = (sub(sub(uk_rest, f"{pos(uk_rest, slash)} + 1"), 1, 4),
                    sub(uk_rest, 1, f"{pos(uk_rest, slash)} - 1"), sub(v, 1, f"{pos(v, slash)} - 1"))
        iso_parts = (sub(v, 1, 4), sub(iso_rest, 1, f"{pos(iso_rest, dash)} - 1"),
                     sub(sub(iso_rest, f"{pos(iso_rest, dash)} + 1"), 1, 2))
        year, month, day = (
            f"(CASE WHEN {pos(v, slash)} > 0 THEN CAST({uk} AS INTEGER) ELSE CAST({iso} AS INTEGER) END)"
            for uk, iso in zip(uk_parts, iso_parts, strict=True)
        )
        return year, month, day

    def day(self, field: str) -> str:
        """The field's date as a YYYYMMDD number; NULL when blank or unreadable.

        The value's shape (``DATE_SHAPE``) is one small regex; whether its day is in its month
        is arithmetic on the numbers read from it, which is several times faster than one regex
        listing every month's days (``READABLE_DATE``).
        """
        year, month, day = self.date_parts(field)
        leap = (f"({self.remainder(year, '4')} = 0 AND ({self.remainder(year, '100')} <> 0 "
                f"OR {self.remainder(year, '400')} = 0))")
        length = (f"(CASE WHEN {month} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) "
                  f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)")
        value = f"(CASE WHEN {day} <= 28 OR {day} <= {length} THEN {year} * 10000 + {month} * 100 + {day} END)"
        return f"(CASE WHEN {self.date_shaped(field)} THEN {value} END)"

    def date_shaped(self, field: str) -> str:
        """Whether the field's text has a date's shape (``DATE_SHAPE``)."""
        return self.matches(self.name(field), entire(DATE_SHAPE))

    def moment(self, field: str) -> str:
        """The field's date and time as a YYYYMMDDhhmmss number (times of a date-only field are 0)."""
        v, day = self.name(field), self.day(field)
        parts = [
            f"COALESCE(CAST(NULLIF({self.substring(v, start, 2)}, '') AS INTEGER), 0) * {scale}"
            for start, scale in ((12, 10000), (15, 100), (18, 1))
        ]
        time = " + ".join(parts)
        if self.types[field] is FieldType.DATE:
            time = "0"
        # NOTE: the time is read only from a readable date-time: another value's characters may be no number.
        return (f"(CAST({day} AS {self.dialect.big_integer}) * 1000000 + "
                f"(CASE WHEN {day} IS NOT NULL AND {self.length(v)} > 10 THEN {time} ELSE 0 END))")

    def typed(self, field: str) -> str:
        """The field's value as the Polars engine compares values: text, a day, a moment, or an integer.

        NULL when blank or unreadable; "2026-01-05" and "05/01/2026" are one day, "007" and "7" one number.
        """
        field_type = self.types[field]
        if field_type is FieldType.DATE:
            return self.day(field)
        if field_type is FieldType.DATETIME:
            return self.moment(field)
        if field_type.is_parsed:
            return f"(CASE WHEN {self.present(field)} THEN CAST({self.name(field)} AS {self.dialect.big_integer}) END)"
        return self.name(field)

    def working_before(self, day: str) -> str:
        """Working days before a YYYYMMDD day."""
        raise NotImplementedError

    def as_of_day(self) -> str:
        """The run's as-of date as YYYYMMDD (today's date in the database when none is given)."""
        if self.as_of is not None:
            return str(day_number(self.as_of))
        return self.dialect.today

    # -- presence, and each kind's conditions ---------------------------------------------------

    def present(self, field: str) -> str:
        """Whether a field has a value; for a date or number, a readable one (the engine's typed value)."""
        if self.types[field] in (FieldType.DATE, FieldType.DATETIME):
            return f"({self.day(field)} IS NOT NULL)"
        if self.types[field].is_parsed:
            readable_value = self.matches(self.name(field), entire(readable(self.types[field])))
            return f"({self.name(field)} IS NOT NULL AND {readable_value})"
        return f"({self.name(field)} IS NOT NULL)"

    def blank(self, field: str) -> str:
        """Whether a field has no (readable) value."""
        return f"(NOT {self.present(field)})"

    def all_rows(self) -> str:
        """Every row of the extract, for kinds that compare rows."""
        raise NotImplementedError

    def repeated(self, value: str) -> str:
        """A condition: the value is on another row too (of all rows, not only the batch's)."""
        return (f"({value} IN (SELECT {value} FROM {self.all_rows()} WHERE {value} IS NOT NULL "
                f"GROUP BY {value} HAVING COUNT(*) > 1))")

    def condition(self, kind: RuleKind) -> tuple[str, str] | None:
        """(applies, fails) conditions for a rule kind, or None when there is no SQL form."""
        return kind.sql(self)


class SqlRules(SqlVocabulary):
    """The conditions as GX query templates (``{batch}`` for the rows).

    Every name and value is quoted with its braces doubled, so none can place the batch or a
    placeholder; working days come from the calendar table.
    """

    def __init__(self, field_types: Mapping[str, FieldType], dialect: Dialect, as_of: dt.date | None,
                 calendar_table: str = TABLE, whole_table: str | None = None) -> None:
        super().__init__(field_types, dialect, as_of)
        self.calendar = calendar_table
        self.whole_table = None if whole_table is None else _braced(whole_table)

    def name(self, field: str) -> str:
        """A column (or table), quoted."""
        return _braced(self.dialect.quoted(field))

    def lit(self, text: str) -> str:
        """A string literal."""
        return _braced(self.dialect.literal(text))

    def working_before(self, day: str) -> str:
        """Working days before a YYYYMMDD day, from the calendar table."""
        return f"(SELECT working_before FROM {self.name(self.calendar)} WHERE day_number = {day})"

    def all_rows(self) -> str:
        """Every row: the batch, or the whole table when each batch holds only some (one team)."""
        return BATCH if self.whole_table is None else f"({self.whole_table}){self.dialect.alias}everything"

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
