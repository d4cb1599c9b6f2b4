"""Worklist files: formula-safe however a value is padded, named by their team alone, stating their team."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from refcheck.reports.files import safe_cell, safe_cells
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke

PADDED_FORMULAS = ['  =HYPERLINK("http://x","y")', "\u00a0@SUM(A1)", "\u200b=1+1", "\ufeff-2+3", "\u3000+1",
                   " \t=cmd", "\x1f=1"]
BLANK_OR_INVISIBLE = "\\s\u00a0\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\x00-\x1f\x7f-\x9f"


def _starts_a_formula_once_trimmed(value: str) -> bool:
    return bool(re.match(f"^[{BLANK_OR_INVISIBLE}]*[=+\\-@]", value))


def test_a_value_padded_before_a_formula_is_quoted_by_cell_and_by_column_alike() -> None:
    values = [*PADDED_FORMULAS, "  plain", "\u00a0R1", "a = b", ""]
    by_column = pl.DataFrame({"v": values}).select(safe_cells(pl.col("v")).alias("v"))["v"].to_list()
    assert by_column == [safe_cell(value) for value in values]
    assert by_column[:len(PADDED_FORMULAS)] == ["'" + value for value in PADDED_FORMULAS]
    assert by_column[len(PADDED_FORMULAS):] == values[len(PADDED_FORMULAS):]


def test_included_columns_padded_before_a_formula_are_quoted_in_the_worklists(tmp_path: Path, invoke: Invoke) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(300)
    padded = pl.Series(PADDED_FORMULAS * (frame.height // len(PADDED_FORMULAS) + 1)).head(frame.height)
    frame.with_columns(child_id=padded, postcode=padded.reverse()).write_csv(tmp_path / "extract.csv")
    result = invoke("scorecard", tmp_path / "extract.csv", "--out", tmp_path / "out", "--no-history",
                    "--as-of", SAMPLE_AS_OF.isoformat(), "--include-columns", "child_id,postcode")
    assert result.exit_code == 0, result.output
    worklists = [pl.read_csv(path, infer_schema=False) for path in (tmp_path / "out" / "worklists").glob("*.csv")]
    cells = [value for rows in worklists for name in ("child_id", "postcode") for value in rows[name].to_list()]
    assert cells and not [cell for cell in cells if _starts_a_formula_once_trimmed(cell)]
    assert {cell.lstrip("'") for cell in cells} <= set(PADDED_FORMULAS)


@pytest.mark.parametrize("value", PADDED_FORMULAS)
def test_trimming_a_quoted_value_leaves_it_quoted(value: str) -> None:
    assert not _starts_a_formula_once_trimmed(safe_cell(value).strip())
