"""Text as Excel can hold it: cells of at most 32,767 characters, valid and distinct sheet names.

Excel counts UTF-16 code units, so a character outside the Basic Multilingual Plane (most emoji)
counts twice; both limits here are counted that way.
"""

from __future__ import annotations

import re

import polars as pl

from refcheck.checks.report import team_label
from refcheck.reports.escapes import CONTROLS

EXCEL_CELL = 32_767
"""Characters (UTF-16 code units) an Excel cell holds."""
TRUNCATED = "… [truncated]"
"""Ends a cell cut to fit; the worklist CSVs keep the whole value."""
SHEET_NAME = 31
"""Characters (UTF-16 code units) of an Excel sheet name."""
RESERVED_SHEETS = ("Summary", "History")
"""The workbook's own sheet, and the name Excel keeps for itself."""

_ASTRAL = r"[\x{10000}-\x{10FFFF}]"
_NOT_IN_SHEET_NAME = re.compile(f"[\\[\\]:*?/\\\\{CONTROLS}]")


def utf16_units(text: str) -> int:
    """The text's length as Excel counts it."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def utf16_head(text: str, units: int) -> str:
    """The longest start of the text that is at most ``units`` long as Excel counts, never half a character."""
    used = 0
    for at, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return text[:at]
    return text


def fit_cell(text: str) -> str:
    """The text, or its start and ``TRUNCATED`` when it is over what a cell holds."""
    if len(text) * 2 <= EXCEL_CELL or utf16_units(text) <= EXCEL_CELL:
        return text
    return utf16_head(text, EXCEL_CELL - len(TRUNCATED)) + TRUNCATED


def fit_cells(text: pl.Expr) -> pl.Expr:
    """``fit_cell`` for a column of text; a text of many astral characters may be cut somewhat sooner.

    NOTE: the head is cut in characters, fewer by the astral characters among the first 32,767, so
    that it holds at most 32,767 - 13 code units (Polars counts no UTF-16 units).
    """
    head = text.str.slice(0, EXCEL_CELL)
    cut = text.str.slice(0, pl.lit(EXCEL_CELL - len(TRUNCATED)) - head.str.count_matches(_ASTRAL))
    too_long = text.str.len_chars() + text.str.count_matches(_ASTRAL) > EXCEL_CELL
    return pl.when(too_long).then(pl.concat_str(cut, pl.lit(TRUNCATED))).otherwise(text)


def sheet_names(teams: list[str]) -> dict[str, str]:
    r"""A valid sheet name for each team, distinct from the others and from ``RESERVED_SHEETS`` as Excel compares them.

    Valid: 1 to 31 code units, none of ``[]:*?/\`` or a control character, no ``'`` at either end.
    Excel ignores case (Unicode's), so names are compared casefolded; a taken name gets `` (2)``, `` (3)``...
    """
    used = {name.casefold() for name in RESERVED_SHEETS}
    result = {}
    for team in teams:
        base = _sheet_text(team_label(team))
        name, number = _sheet_text(utf16_head(base, SHEET_NAME)), 2
        while name.casefold() in used:
            suffix = f" ({number})"
            name, number = _sheet_text(utf16_head(base, SHEET_NAME - len(suffix))) + suffix, number + 1
        used.add(name.casefold())
        result[team] = name
    return result


def _sheet_text(text: str) -> str:
    """The text with the characters a sheet name cannot hold made ``_``, trimmed of spaces and ``'``; or ``Team``."""
    return _NOT_IN_SHEET_NAME.sub("_", text).strip(" '") or "Team"
