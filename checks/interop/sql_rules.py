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

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refcheck.checks.interop.calendar_table import TABLE, day_number
from refcheck.checks.kinds import RuleKind
from refcheck.checks.kinds.portable import DATE_SHAPE, WHITESPACE, entire, readable
from refcheck.schemas import FieldType


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the SQL dialects refcheck writes for."""

    name: str
    regex: str
    """A condition: ``{value}`` matches the regular expression ``{pattern}`` (an SQL literal)."""
    position: str
    """The function giving where a text is found in another (1-based, 0 when absent): ``f(text, part)``."""
    trim: str
    text_type: str
    char: str
    """The function from a code point to a character."""
    fence: str = ""
    """What ends a subquery so that the planner computes its columns once, not once per use."""
    setup: tuple[str, ...] = ()
    """Statements each connection runs first, so that the kinds' SQL means the same here."""


DIALECTS = {
    "sqlite": Dialect("sqlite", "({value} REGEXP {pattern})", "instr", "trim({value}, {chars})", "TEXT", "char",
                      fence=" LIMIT -1 OFFSET 0"),
    # NOTE: PostgreSQL's JIT spends seconds compiling the rules' long expressions, more than it saves (200k rows).
    "postgresql": Dialect("postgresql", "({value} ~ {pattern})", "strpos", "btrim({value}, {chars})", "TEXT", "chr",
                          fence=" OFFSET 0", setup=("SET jit = off",)),
}
"""The dialects refcheck writes GX suites for, and runs GX on."""

ENGINE_DIALECTS = {
    **DIALECTS,
    # NOTE: DuckDB divides integers into decimals unless told otherwise; the kinds' SQL divides dates (YYYYMMDD).
    "duckdb": Dialect("duckdb", "regexp_matches({value}, {pattern})", "strpos", "trim({value}, {chars})", "VARCHAR",
                      "chr", fence=" OFFSET 0", setup=("SET integer_division = true",)),
}
"""The dialects ``check --engine sql`` runs its one aggregate query on (each tested for real).

Not yet here: Oracle, whose ``REGEXP_LIKE(value, pattern)`` knows no ``(?:...)`` groups (patterns
need rewriting) and which has no boolean values in ``CASE``; and SQL Server, which matches regexes
only from SQL Server 2025 (``REGEXP_LIKE``, RE2 syntax as DuckDB's) and spells ``substr`` and
``strpos`` its own way. Their URLs are refused, naming the dialects that run.
"""


def dialect_of(url: str, among: Mapping[str, Dialect] = DIALECTS) -> Dialect:
    """The dialect of a database URL (``sqlite:///...``, ``postgresql://...``), if it is ``among`` those given."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "postgres":
        scheme = "postgresql"
    if scheme in among:
        return among[scheme]
    raise ValueError(f"no SQL dialect for {scheme!r} URLs; refcheck writes SQL for {', '.join(among)}")


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


def trimmed_query(table: str, columns: Sequence[str], dialect: Dialect, as_names: Sequence[str] | None = None,
                  *, source: str | None = None) -> str:
    """A query giving a raw table as the rules expect it: text, trimmed, blanks as NULL.

    ``as_names`` renames the columns (a mapping's field names for another system's headers);
    ``source`` reads from that SQL (a query in brackets, with its alias) instead of the table.
    """
    chars = _chars(dialect)
    parts = []
    for column, name in zip(columns, as_names or columns, strict=True):
        text = dialect.trim.format(value=f"CAST({quoted(column)} AS {dialect.text_type})", chars=chars)
        parts.append(f"NULLIF({text}, '') AS {quoted(name)}")
    return f"SELECT {', '.join(parts)} FROM {source or quoted(table)}"


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
        return quoted(field)

    def lit(self, text: str) -> str:
        """A string literal."""
        return literal(text, self.dialect.char)

    def matches(self, value: str, pattern: str) -> str:
        """A condition: ``value`` matches the regular expression."""
        return self.dialect.regex.format(value=value, pattern=self.lit(pattern))

    def shared(self, expression: str) -> str:
        """A value several conditions read (here written out wherever it is read)."""
        return f"({expression})"

    # -- values ---------------------------------------------------------------------------------

    def date_parts(self, field: str) -> tuple[str, str, str]:
        """The year, month and day numbers in a date's text, ISO or UK; only for text of ``DATE_SHAPE``."""
        v, pos = self.name(field), self.dialect.position
        iso_rest, uk_rest = f"substr({v}, 6)", f"substr({v}, {pos}({v}, '/') + 1)"
        uk_parts = (f"substr(substr({uk_rest}, {pos}({uk_rest}, '/') + 1), 1, 4)",
                    f"substr({uk_rest}, 1, {pos}({uk_rest}, '/') - 1)", f"substr({v}, 1, {pos}({v}, '/') - 1)")
        iso_parts = (f"substr({v}, 1, 4)", f"substr({iso_rest}, 1, {pos}({iso_rest}, '-') - 1)",
                     f"substr(substr({iso_rest}, {pos}({iso_rest}, '-') + 1), 1, 2)")
        year, month, day = (
            f"(CASE WHEN {pos}({v}, '/') > 0 THEN CAST({uk} AS INTEGER) ELSE CAST({iso} AS INTEGER) END)"
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
        leap = (f"({year} - {year} / 4 * 4 = 0 AND ({year} - {year} / 100 * 100 <> 0 "
                f"OR {year} - {year} / 400 * 400 = 0))")
        length = (f"(CASE WHEN {month} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) "
                  f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)")
        value = f"(CASE WHEN {day} <= 28 OR {day} <= {length} THEN {year} * 10000 + {month} * 100 + {day} END)"
        return f"(CASE WHEN {self.date_shaped(field)} THEN {value} END)"

    def date_shaped(self, field: str) -> str:
        """Whether the field's text has a date's shape (``DATE_SHAPE``)."""
        return self.matches(self.name(field), entire(DATE_SHAPE))

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
        """Working days before a YYYYMMDD day."""
        raise NotImplementedError

    def as_of_day(self) -> str:
        """The run's as-of date as YYYYMMDD (today's date in the database when none is given)."""
        if self.as_of is not None:
            return str(day_number(self.as_of))
        if self.dialect.name == "sqlite":
            return "CAST(strftime('%Y%m%d', 'now', 'localtime') AS INTEGER)"
        return "CAST(to_char(CURRENT_DATE, 'YYYYMMDD') AS INTEGER)"

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
        return _braced(quoted(field))

    def lit(self, text: str) -> str:
        """A string literal."""
        return _braced(literal(text, self.dialect.char))

    def working_before(self, day: str) -> str:
        """Working days before a YYYYMMDD day, from the calendar table."""
        return f"(SELECT working_before FROM {self.name(self.calendar)} WHERE day_number = {day})"

    def all_rows(self) -> str:
        """Every row: the batch, or the whole table when each batch holds only some (one team)."""
        return BATCH if self.whole_table is None else f"({self.whole_table}) AS everything"

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
