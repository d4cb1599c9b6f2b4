"""Excel workbooks (.xlsx, .xlsm): one sheet read as text, the first row as the header.

Date cells arrive as ``2015-02-01 00:00:00`` and whole numbers without a fraction, so the same
parsing rules apply as for CSV.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls"}


def read_excel(path: Path, sheet: str | None) -> tuple[pl.DataFrame, list[str]]:
    """The sheet's rows under its header (trimmed names), every value text; and the header."""
    import fastexcel

    try:
        workbook = fastexcel.read_excel(path)
    except Exception:  # noqa: BLE001 - fastexcel raises its own error types for every kind of bad file
        raise ExtractError(f"{path}: not a readable Excel workbook") from None
    names = list(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        raise ExtractError(f"{path}: no sheet {sheet!r}; the workbook has {', '.join(repr(n) for n in names)}")
    if not names:
        raise ExtractError(f"{path}: the workbook has no sheets")
    chosen = sheet if sheet is not None else names[0]
    raw = pl.read_excel(path, sheet_name=chosen, has_header=False, infer_schema_length=0, engine="calamine")
    if raw.height == 0:
        raise ExtractError(f"{path}: sheet {chosen!r} is empty; expected a header row")
    header = ["" if value is None else str(value).strip() for value in raw.row(0)]
    return raw.slice(1).rename(dict(zip(raw.columns, _placeholders(header), strict=True))), header


def _placeholders(header: list[str]) -> list[str]:
    """Distinct column names for Polars, even where the sheet's header repeats or is blank."""
    return [f"{name}\x00{index}" for index, name in enumerate(header)]
