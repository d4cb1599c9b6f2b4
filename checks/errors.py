"""Errors about the data being checked (schema errors live in ``refcheck.schemas``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from refcheck.schemas.errors import RefcheckError

if TYPE_CHECKING:
    import polars as pl


class ExtractError(RefcheckError):
    """The extract cannot be read or used; the message starts with the file's name."""


def is_utf8_error(err: Exception) -> bool:
    """Whether a Polars error says the text read is not UTF-8."""
    text = str(err).lower()
    return "utf-8" in text or "utf8" in text


def is_malformed(err: Exception) -> bool:
    """Whether Polars found that the rows it counted and the rows it parsed differ (quotes that do not close)."""
    return "csv malformed" in str(err).lower()


def polars_reason(err: pl.exceptions.PolarsError) -> str:
    """A short reason for a read failure that never repeats the data Polars may quote."""
    text = str(err).lower()
    if "more fields" in text or "ragged" in text:
        return "a row has more fields than the header"
    if is_malformed(err):
        return "a quote does not close the way CSV expects"
    if is_utf8_error(err):
        return "it is not UTF-8 text"
    return f"Polars {type(err).__name__}"


_DATA_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?|\d{1,2}/\d{1,2}/\d{2,4}(?: .*)?|\d[\d ]{5,}\d")
"""A date (ISO or UK) or a long number such as an NHS number: what a record holds and no column is named."""


def refuse_data_header(label: str, header: list[str], line: int = 1) -> None:
    """Refuse a header row that holds a date or a long number: the file has lost its header.

    Its first record would otherwise be shown everywhere as column names (a child's name, date of birth, text).
    """
    found = next((number for number, name in enumerate(header, 1) if _DATA_LIKE.fullmatch(name)), None)
    if found is not None:
        raise ExtractError(f"{label}:{line}: the header row holds a date or a long number (column {found}), so it "
                           "looks like a record, not column names; put the header row first")
