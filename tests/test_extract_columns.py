"""``extract_columns``: what ``refcheck map`` and ``init`` need, a CSV's header, without reading on."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.checks.errors import ExtractError
from refcheck.checks.readers.extract import extract_columns, open_extract
from tests.conftest import Invoke


def test_only_the_header_of_a_csv_is_read(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("referral_id;team\nR1;Bridgend\nR2;\"Powys\n" + "R3;Gwynedd\n" * 20_000)
    with pytest.raises(ExtractError, match="a quote here does not close"):
        open_extract(path)  # the rows cannot be told apart, but the header can
    assert extract_columns(path) == (str(path), ["referral_id", "team"])
    result = invoke("map", path)
    assert result.exit_code == 0, result.output
    assert 'referral_id: {column: "referral_id"}' in result.stdout


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_header_beyond_ascii_reads_as_the_check_reads_it(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "extract.csv"
    # NOTE: the header is UTF-8 either way; a Windows-1252 byte past the first 64 KiB makes only its row unreadable
    path.write_bytes("référence,équipe\n".encode() + b"R1,Bridgend\n" * 8_000
                     + "R2,Caerdydd â\n".encode(encoding))
    extract = open_extract(path)
    extract.close()
    assert extract_columns(path)[1] == list(extract.columns)
    assert list(extract.columns) == ["référence", "équipe"]


def test_a_duplicate_or_missing_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("team,team\nA,B\n")
    with pytest.raises(ExtractError, match="duplicate column 'team' in the header"):
        extract_columns(path)
    with pytest.raises(ExtractError, match="no such file"):
        extract_columns(tmp_path / "missing.csv")


def test_other_formats_give_their_columns(tmp_path: Path) -> None:
    import sqlite3

    import polars as pl
    import xlsxwriter

    from refcheck.checks.readers.extract import SourceOptions

    frame = pl.DataFrame({"Referral Ref": ["R1", "R2"], "Team Name": ["Powys", "Gwynedd"]})
    frame.write_parquet(tmp_path / "extract.parquet")
    book = xlsxwriter.Workbook(tmp_path / "extract.xlsx")
    book.add_worksheet("Referrals").write_row(0, 0, frame.columns)
    book.close()
    with sqlite3.connect(tmp_path / "extract.db") as db:
        db.execute('CREATE TABLE referrals ("Referral Ref" TEXT, "Team Name" TEXT)')
    database = f"sqlite:///{tmp_path / 'extract.db'}"
    assert extract_columns(tmp_path / "extract.parquet")[1] == frame.columns
    assert extract_columns(tmp_path / "extract.xlsx")[1] == frame.columns
    assert extract_columns(database, SourceOptions(table="referrals"))[1] == frame.columns
