"""What each SQL dialect refcheck writes for spells its own way: names, strings, regexes, numbers, constant rows.

The kinds' SQL (``sql_rules``) is portable SQL plus what a ``Dialect`` writes: every name and
string literal goes through ``Dialect.quoted`` and ``Dialect.literal``, quoted as the dialect's
own compiler quotes them (SQLAlchemy's, checked by the tests). SQL Server's forms need SQL Server
2025 or later (``REGEXP_LIKE``); Oracle's have no ``VALUES`` rows, booleans as values or
``(?:...)`` groups, so constant rows are ``SELECT ... FROM dual`` and patterns are rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


def same(pattern: str) -> str:
    """A regular expression the dialect reads as Python's ``re`` does (as far as refcheck's patterns go)."""
    return pattern


_ORACLE_ESCAPES = frozenset("dDwWsSAZz")
"""The letter escapes Oracle's regular expressions know (their meaning is Perl's)."""


def posix_groups(pattern: str) -> str:
    """The regex for Oracle's ``REGEXP_LIKE``: each ``(?:...)`` a plain group, which matches the same.

    Oracle reads POSIX extended regexes with Perl's class escapes: no other ``(?...)`` construct,
    no back-reference (a group added here would renumber them), no escape inside brackets (where
    a backslash is itself). A pattern needing one is refused rather than silently read otherwise.
    """
    out, index, bracket = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if bracket:
            if char == "\\":
                raise ValueError(f"Oracle reads a backslash inside [...] as itself: {pattern!r}")
            bracket = char != "]"
            out.append(char)
            index += 1
        elif char == "\\":
            escaped = pattern[index + 1:index + 2]
            if escaped.isdigit() or (escaped.isalpha() and escaped not in _ORACLE_ESCAPES):
                raise ValueError(f"Oracle's regular expressions have no \\{escaped}: {pattern!r}")
            out.append(pattern[index:index + 2])
            index += 2
        elif char == "[":
            bracket = True
            out.append(char)
            index += 1
            for opening in ("^", "]"):  # a "]" first (after any "^") is a member, not the end
                if pattern[index:index + 1] == opening:
                    out.append(opening)
                    index += 1
        elif pattern.startswith("(?:", index):
            out.append("(")
            index += 3
        elif pattern.startswith("(?", index):
            raise ValueError(f"Oracle's regular expressions have no (?...) constructs but (?:...): {pattern!r}")
        else:
            out.append(char)
            index += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the SQL dialects refcheck writes for: templates filled with SQL, and a few words."""

    name: str
    regex: str
    """A condition: ``{value}`` matches the regular expression ``{pattern}`` (an SQL literal)."""
    position: str
    """Where ``{part}`` is first found in ``{text}`` (1-based, 0 when absent)."""
    trim: str
    """``{value}`` without the characters in ``{chars}`` at either end."""
    text_type: str
    char: str
    """The function from a code point to a character."""
    fence: str = ""
    """What ends a subquery so that the planner computes its columns once, not once per use."""
    setup: tuple[str, ...] = ()
    """Statements each connection runs first, so that the kinds' SQL means the same here."""
    quotes: str = '""'
    """The characters an identifier is quoted between (the closing one doubled inside)."""
    string_prefix: str = ""
    """Before a string literal's quote: ``N`` for SQL Server's Unicode strings."""
    concat: str = "({})"
    """Strings joined: ``{}`` is the pieces, with ``concat_separator`` between them."""
    concat_separator: str = " || "
    substring: str = "substr({text}, {start}, {length})"
    rest: str = "substr({text}, {start})"
    """``{text}`` from character ``{start}`` to its end."""
    length: str = "length({text})"
    """Characters in ``{text}``, 0 for an empty one (Oracle's empty text is NULL)."""
    quotient: str = "({a} / {b})"
    """Whole-number division of non-negative integers."""
    remainder: str = "({a} % {b})"
    big_integer: str = "BIGINT"
    today: str = "CAST(to_char(CURRENT_DATE, 'YYYYMMDD') AS INTEGER)"
    """The database's date as a ``YYYYMMDD`` number."""
    alias: str = " AS "
    """Between a subquery and its name (Oracle allows no ``AS`` there)."""
    rows: str = "values"
    """How constant rows are written: ``values`` lists, ``derived`` (a ``VALUES`` table in ``FROM``) or ``dual``."""
    pattern: Callable[[str], str] = same
    """A regex as this dialect must be given it (``posix_groups`` for Oracle)."""
    row_number: str = "ROW_NUMBER() OVER ()"
    """Each row's number, in the order the rows come (SQL Server and Oracle want an ``ORDER BY``)."""

    def quoted(self, name: str) -> str:
        r"""An identifier, as ``text()`` reads it: ``\:`` escapes a colon, so ``:x`` is never a parameter."""
        opening, closing = self.quotes[0], self.quotes[-1]
        return opening + name.replace(closing, closing * 2).replace(":", "\\:") + closing

    def literal(self, text: str) -> str:
        """A string literal that no pass of ``text()`` can read a bind parameter in (``literal``)."""
        return _literal(text, self)

    def joined(self, pieces: Sequence[str]) -> str:
        """Strings joined end to end."""
        return pieces[0] if len(pieces) == 1 else self.concat.format(self.concat_separator.join(pieces))

    def constant_rows(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        """A query of constant rows (SQL for each value), with the columns named."""
        if self.rows == "dual":
            first = ", ".join(f"{value} AS {name}" for value, name in zip(rows[0], columns, strict=True))
            rest = [f"SELECT {', '.join(row)} FROM dual" for row in rows[1:]]
            return " UNION ALL ".join([f"SELECT {first} FROM dual", *rest])
        listed = "VALUES " + ", ".join(f"({', '.join(row)})" for row in rows)
        if self.rows == "derived":
            return f"SELECT * FROM ({listed}){self.alias}v ({', '.join(columns)})"
        return listed


def _literal(text: str, dialect: Dialect) -> str:
    def piece(part: str) -> str:
        if part in "\x00%":
            return f"{dialect.char}({ord(part)})"
        return dialect.string_prefix + "'" + part.replace("'", "''") + "'"

    return dialect.joined([piece(part) for part in re.split("([:\x00%])", text) if part] or ["''"])


SQLITE = Dialect("sqlite", "({value} REGEXP {pattern})", "instr({text}, {part})", "trim({value}, {chars})", "TEXT",
                 "char", fence=" LIMIT -1 OFFSET 0",
                 today="CAST(strftime('%Y%m%d', 'now', 'localtime') AS INTEGER)")
# NOTE: PostgreSQL's JIT spends seconds compiling the rules' long expressions, more than it saves (200k rows).
POSTGRESQL = Dialect("postgresql", "({value} ~ {pattern})", "strpos({text}, {part})", "btrim({value}, {chars})",
                     "TEXT", "chr", fence=" OFFSET 0", setup=("SET jit = off",))
# NOTE: DuckDB divides integers into decimals unless told otherwise; the kinds' SQL divides dates (YYYYMMDD).
DUCKDB = Dialect("duckdb", "regexp_matches({value}, {pattern})", "strpos({text}, {part})", "trim({value}, {chars})",
                 "VARCHAR", "chr", fence=" OFFSET 0", setup=("SET integer_division = true",),
                 today="CAST(strftime(current_date, '%Y%m%d') AS INTEGER)")
# SQL Server 2025 (compatibility level 170) matches regexes (REGEXP_LIKE, RE2's syntax, as DuckDB's) and
# joins strings with ||; CONCAT and brackets are older and what SQLAlchemy's compiler writes.
# NOTE: a binary collation, for SQL Server's default is case-insensitive: codes, teams and repeated values would merge.
MSSQL = Dialect("mssql", "REGEXP_LIKE({value}, {pattern})", "CHARINDEX({part}, {text})",
                "(TRIM({chars} FROM {value}) COLLATE Latin1_General_100_BIN2)",
                "NVARCHAR(MAX)", "NCHAR", quotes="[]", string_prefix="N", concat="CONCAT({})", concat_separator=", ",
                substring="SUBSTRING({text}, {start}, {length})", rest="SUBSTRING({text}, {start}, LEN({text}))",
                length="LEN({text})", today="CAST(CONVERT(CHAR(8), GETDATE(), 112) AS INT)", rows="derived",
                row_number="ROW_NUMBER() OVER (ORDER BY (SELECT NULL))")
# NOTE: Oracle's CHR reads a number as the database character set's bytes; NCHR reads a code point (UTF-16).
ORACLE = Dialect("oracle", "REGEXP_LIKE({value}, {pattern})", "INSTR({text}, {part})",
                 "LTRIM(RTRIM({value}, {chars}), {chars})", "VARCHAR2(4000)", "NCHR",
                 length="COALESCE(LENGTH({text}), 0)", quotient="TRUNC({a} / {b})", remainder="MOD({a}, {b})",
                 big_integer="NUMBER(19)", today="CAST(TO_CHAR(SYSDATE, 'YYYYMMDD') AS INTEGER)", alias=" ",
                 rows="dual", pattern=posix_groups, row_number="ROW_NUMBER() OVER (ORDER BY NULL)")

DIALECTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
"""The dialects refcheck writes GX suites for, and runs GX on."""

ENGINE_DIALECTS = {**DIALECTS, "duckdb": DUCKDB, "mssql": MSSQL, "oracle": ORACLE}
"""The dialects ``check --engine sql`` writes its one aggregate query for.

SQLite, DuckDB and PostgreSQL run it in the tests; SQL Server's (2025 or later) and Oracle's are
compiled by SQLAlchemy's compilers and parsed by sqlglot in the tests, not run (``RUN_IN_TESTS``).
"""

RUN_IN_TESTS = ("sqlite", "postgresql", "duckdb")
"""The dialects whose query the tests run on a real database; the others' are compiled and parsed only."""


def dialect_of(url: str, among: Mapping[str, Dialect] = DIALECTS) -> Dialect:
    """The dialect of a database URL (``sqlite:///...``, ``postgresql://...``), if it is ``among`` those given."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "postgres":
        scheme = "postgresql"
    if scheme in among:
        return among[scheme]
    raise ValueError(f"no SQL dialect for {scheme!r} URLs; refcheck writes SQL for {', '.join(among)}")
