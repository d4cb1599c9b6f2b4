"""Excel workbooks (.xlsx, .xlsm): one sheet read as text, under its header row.

The header is the first row that fills more than half the columns the sheet's first rows use,
so a title above it (as refcheck's own workbook has) is skipped; a column without a name in the
header cannot be a schema's field and is left out. Date cells arrive as ``2015-02-01 00:00:00``
and whole numbers without a fraction, so the same parsing rules apply as for CSV.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from refcheck.checks.errors import ExtractError, refuse_data_header
from refcheck.checks.internal import internal

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls"}


HEADER_SEARCH = 20
"""How many of a sheet's first rows are looked at for its header row."""


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in its order."""
    import fastexcel

    try:
        return list(fastexcel.read_excel(path).sheet_names)
    except Exception:  # noqa: BLE001 - fastexcel raises its own error types for every kind of bad file
        raise ExtractError(f"{path}: not a readable Excel workbook") from None


def read_excel(path: Path, sheet: str | None) -> tuple[pl.DataFrame, list[str], int]:
    """The sheet's rows under its header (trimmed names), every value text; the header; the first row's number."""
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
    try:
        raw = pl.read_excel(path, sheet_name=chosen, has_header=False, infer_schema_length=0, engine="calamine")
    except Exception:  # noqa: BLE001 - as above, for the sheet's own cells
        raise ExtractError(f"{path}: sheet {chosen!r} cannot be read") from None
    if raw.height == 0 or raw.width == 0:
        raise ExtractError(f"{path}: sheet {chosen!r} is empty; expected a header row")
    top = _header_row(raw)
    header = ["" if value is None else str(value).strip() for value in raw.row(top)]
    refuse_data_header(str(path), header, top + 1)
    named = [column for column, name in zip(raw.columns, header, strict=True) if name]
    data = raw.slice(top + 1).select(named)
    header = [name for name in header if name]
    return data.rename(dict(zip(named, _placeholders(header), strict=True))), header, top + 2


def _header_row(raw: pl.DataFrame) -> int:
    """The index of the first row that fills more than half the columns any of the first rows fills."""
    filled = raw.head(HEADER_SEARCH).select(
        pl.sum_horizontal((pl.col(name).str.strip_chars().str.len_bytes() > 0).fill_null(False)
                          for name in raw.columns).alias("filled")).get_column("filled")
    return int((filled * 2 > filled.max()).arg_true()[0])


def _placeholders(header: list[str]) -> list[str]:
    """Distinct column names for Polars, even where the sheet's header repeats or is blank."""
    return [internal("sheet_column", str(index)) for index in range(len(header))]
