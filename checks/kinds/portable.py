"""Rule semantics as plain regular expressions, for engines that cannot run Polars expressions.

The pandera and Great Expectations exports, and the SQL forms, must agree with the engine row for
row. Where a rule can be decided by looking at one value, it is written here once as a regular
expression that accepts exactly what the engine accepts: surrounding whitespace is tolerated,
because the engine trims before it looks.
"""

from __future__ import annotations

from collections.abc import Iterable

from refcheck.schemas import FieldType

WHITESPACE = (" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
              "\u200a\u2028\u2029\u202f\u205f\u3000")
"""Every character with Unicode's White_Space property: what the engine trims, and its regexes' whitespace."""

_YEAR = r"(?:19[0-9]{2}|20[0-9]{2}|2100)"
"""The years the engine reads (1900 to 2100)."""

_LEAP_YEAR = r"(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))"
"""Leap years from 1900 to 2100 (neither 1900 nor 2100 is one; 2000 is)."""


def _month_day(pad: str, separator: str, day_first: bool) -> str:
    """A real month and day of a common year; ``pad`` is ``0`` or ``0?`` (zero padding optional)."""
    long, short, february = f"(?:{pad}[13578]|1[02])", f"(?:{pad}[469]|11)", f"{pad}2"
    day31, day30, day28 = (
        f"(?:{pad}[1-9]|[12][0-9]|3[01])",
        f"(?:{pad}[1-9]|[12][0-9]|30)",
        f"(?:{pad}[1-9]|1[0-9]|2[0-8])",
    )
    pairs = ((long, day31), (short, day30), (february, day28))
    if day_first:
        return "(?:" + "|".join(f"{day}{separator}{month}" for month, day in pairs) + ")"
    return "(?:" + "|".join(f"{month}{separator}{day}" for month, day in pairs) + ")"


def _date(pad: str) -> str:
    iso = f"{_YEAR}-{_month_day(pad, '-', day_first=False)}|{_LEAP_YEAR}-{pad}2-29"
    uk = f"{_month_day(pad, '/', day_first=True)}/{_YEAR}|29/{pad}2/{_LEAP_YEAR}"
    return f"(?:{iso}|{uk})"


TIME_OF_DAY = r"[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
"""A time of day after the date part, as ``checks.parsing`` reads it."""

READABLE_DATE = rf"(?:{_date('0?')}|{_date('0')}{TIME_OF_DAY})"
"""A value the engine reads as a date or date-time.

The engine parses the first ten characters as the date; a date written without zero padding
is shorter than ten, so it is readable only when nothing follows it.
"""



def _date_shape(pad: str) -> str:
    month, day = f"(?:{pad}[1-9]|1[0-2])", f"(?:{pad}[1-9]|[12][0-9]|3[01])"
    return f"(?:{_YEAR}-{month}-{day}|{day}/{month}/{_YEAR})"


DATE_SHAPE = rf"(?:{_date_shape('0?')}|{_date_shape('0')}{TIME_OF_DAY})"
"""``READABLE_DATE`` but for the length of each month: days 29 to 31 pass in every month here.

A far smaller regex, which SQL engines match several times faster; SQL then checks the day
against its month's length with arithmetic (``SqlVocabulary.day``).
"""

READABLE_INTEGER = r"[+-]?0*[0-9]{1,18}"
"""A value the engine reads as an integer (up to 18 significant digits; 19 may overflow)."""


def whole(pattern: str, *, ignore_case: bool = False) -> str:
    """A regex matching a whole value that, trimmed, matches ``pattern``, or a blank value.

    Blank values are not checked by any rule that uses this, so they must never be reported.
    """
    flags = "(?i)" if ignore_case else ""
    return rf"{flags}^\s*(?:{pattern})?\s*$"


def entire(pattern: str, *, ignore_case: bool = False) -> str:
    """A regex matching a value that is ``pattern`` from end to end, for text already trimmed (SQL's rows).

    Unlike ``whole`` it tolerates no whitespace around the value: each regex dialect's idea of
    whitespace differs, and the rows were trimmed of exactly the engine's.
    """
    flags = "(?i)" if ignore_case else ""
    return rf"{flags}^(?:{pattern})$"


def spaced_words(count: int) -> str:
    """A regex matching text that starts with at least ``count`` words (runs of non-whitespace), ``count`` >= 1.

    Whitespace is spelt out as ``WHITESPACE`` rather than a class escape, which each regex dialect
    reads as a different set.
    """
    space, word = f"[{WHITESPACE}]", f"[^{WHITESPACE}]"
    return f"^{space}*{word}+(?:{space}+{word}+){{{count - 1}}}"


def alternatives(values: Iterable[str]) -> str:
    """A regex alternation matching exactly the given literal values."""
    return "|".join(_escape(value) for value in values)


def _escape(value: str) -> str:
    """Escape a literal's metacharacters; the Python, Rust and PostgreSQL dialects agree on these."""
    return "".join("\\" + char if char in r".^$*+?()[]{}|\\" else char for char in value)


def readable(field_type: FieldType) -> str:
    """The regex of values a field's type accepts."""
    if field_type is FieldType.INTEGER:
        return READABLE_INTEGER
    return READABLE_DATE


def fewer_words(count: int) -> str:
    """A regex matching text of at least one but fewer than ``count`` words (runs of non-space)."""
    if count <= 1:
        return r"[^\s\S]"
    return rf"^\s*\S+(?:\s+\S+){{0,{count - 2}}}\s*$"
