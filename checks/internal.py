"""Names of refcheck's own columns (line numbers, parsed values, flags), which no extract column can take.

Every such name holds a NUL, and a reader shows a NUL in an extract's column name as ␀
(``extract_column_name``), so a name is refcheck's own exactly when ``is_internal`` says so,
whatever headers an extract has.
"""

from __future__ import annotations

_MARK = "\x00"


def internal(what: str, *of: str) -> str:
    """The name of one of refcheck's own columns: ``what`` it holds, and the fields or rules it is ``of``."""
    return _MARK + _MARK.join((what, *of))


def is_internal(name: str) -> bool:
    """Whether a column name is one of refcheck's own rather than an extract's."""
    return _MARK in name


def extract_column_name(name: str) -> str:
    """An extract's column name as refcheck reads it: a NUL in it shown as ␀, so that it is never taken for its own."""
    return name.replace(_MARK, "\u2400")
