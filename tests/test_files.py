"""Writing outputs: a failed write names the file it was for and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from refcheck.reports.files import safe_cell, safe_cells, write_output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to fill a disk")
def test_a_full_disk_during_a_polars_write_names_the_output_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "worklists" / "bridgend.csv"
    frame = pl.DataFrame({"record_id": [f"R{i}" for i in range(100_000)]})
    with pytest.raises(OSError) as raised:
        write_output(target, lambda _: frame.write_csv("/dev/full"))  # NOTE: Polars' own error, no file named
    assert raised.value.filename == str(target) and "No space left" in str(raised.value.strerror)
    assert list(target.parent.iterdir()) == []


def test_a_failed_write_over_a_file_leaves_the_old_one_whole_and_a_good_one_replaces_it(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("last night\n" * 10_000)

    def fails(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_output(target, fails)
    assert target.read_text() == "last night\n" * 10_000 and list(tmp_path.iterdir()) == [target]
    write_output(target, "tonight\n")
    assert target.read_text() == "tonight\n" and list(tmp_path.iterdir()) == [target]
    write_output(target, [b"to", b"", b"night" * 100_000, b"\n"])  # in pieces, as the workbook is
    assert target.read_bytes() == b"to" + b"night" * 100_000 + b"\n" and list(tmp_path.iterdir()) == [target]


def test_an_output_path_below_missing_folders_is_written(tmp_path: Path) -> None:
    # NOTE: named pipes and devices are written in place: tests/test_output_paths.py
    missing = tmp_path / "new" / "summary.md"
    write_output(missing, "# x")
    assert missing.read_text() == "# x"


def test_a_column_is_made_formula_safe_exactly_as_each_cell_is() -> None:
    values = ["=1+1", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", "ok", "'quoted", "a=b", "", None]
    safe = pl.DataFrame({"v": values}).select(safe_cells(pl.col("v")).alias("v"))["v"].to_list()
    assert safe == [None if value is None else safe_cell(value) for value in values]
    assert safe[:4] == ["'=1+1", "'+44 20", "'-3", "'@SUM(A1)"]


def test_worklist_csv_quotes_text_that_starts_a_formula_and_leaves_numbers_as_numbers(tmp_path: Path) -> None:
    from refcheck.reports.worklists import write_worklist_csv

    frame = pl.DataFrame({"record_id": ["=HYPERLINK(1)", "R2"], "worker": ["W1", None], "message": ["ok", "fine"],
                          "working_days": [-3, 12]})
    write_worklist_csv(frame, "@Team", tmp_path / "team.csv")
    assert (tmp_path / "team.csv").read_text().splitlines() == [
        "Team,Record,Worker,What is wrong,Working days", "'@Team,'=HYPERLINK(1),W1,ok,-3", "'@Team,R2,,fine,12"]
