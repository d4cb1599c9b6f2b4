"""The ZIP writer behind the workbook: what it writes, zipfile (and so Excel's readers) read back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from refcheck.reports import zip_parts
from refcheck.reports.zip_parts import Deflater, archive, deflate
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke


def test_parts_deflated_apart_read_back_as_one_archive() -> None:
    members = {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"<row>" * 100_000,
               "xl/Ysgol Gymraeg \u0175.xml": "Ll\u0177n".encode(), "empty.xml": b""}
    when = (2026, 12, 1, 9, 30, 14)
    parts = [deflate(name, content, when) for name, content in members.items()]
    parts[1] = deflate("xl/worksheets/sheet1.xml", [b"<row>" * 40_000, b"", b"<row>" * 60_000], when)  # in pieces
    data = b"".join(archive(parts))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        assert book.namelist() == list(members)
        assert {name: book.read(name) for name in members} == members
        info = book.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size // 100
        assert info.date_time == (2026, 12, 1, 9, 30, 14)


def test_a_member_written_as_a_stream_reads_back_as_written() -> None:
    rows = pl.DataFrame({"xml": [f"<row r=\"{n}\"><c><v>{n}</v></c></row>" for n in range(300_000)]})  # several writes
    deflater = Deflater("xl/worksheets/sheet2.xml")
    deflater.write(b"<sheetData>")
    rows.write_csv(deflater, include_header=False, quote_style="never", line_terminator="")  # type: ignore[arg-type]
    deflater.write(b"</sheetData>")
    with zipfile.ZipFile(io.BytesIO(b"".join(archive([deflater.part()])))) as book:
        assert book.read("xl/worksheets/sheet2.xml") == ("<sheetData>" + "".join(rows["xml"]) + "</sheetData>").encode()
    assert deflater.closed


def test_a_part_too_large_for_a_plain_zip_is_refused() -> None:
    part = deflate("big.xml", b"x")
    too_big = type(part)(part.name, part.deflated, part.crc, 0x1_0000_0000)
    with pytest.raises(ValueError, match="big.xml: too large"):
        archive([too_big])


def test_parts_that_fit_but_end_beyond_4_gib_together_are_refused() -> None:
    block = bytes(1 << 27)  # NOTE: one block, repeated: 2.1 GiB per part without holding it
    parts = [zip_parts.Part(name, (block,) * 17, 0, 17 << 27) for name in ("a.xml", "b.xml")]
    with pytest.raises(ValueError, match="b.xml: ends beyond what a ZIP archive without ZIP64 can hold"):
        archive(parts)


def test_a_workbook_too_large_for_a_plain_zip_is_one_line_and_exit_2(tmp_path: Path, invoke: Invoke,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # NOTE: a real 4 GiB workbook is too slow to make here; the limit is lowered to below a small one's size.
    monkeypatch.setattr(zip_parts, "_LIMIT", 1_000)
    out = tmp_path / "out"
    result = invoke("scorecard", SAMPLE, "--out", out, "--no-history", "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {out}: cannot be written (the workbook would be over 4 GiB; use the worklist CSVs, or fewer "
        "--include-columns)"]
    assert not (out / "scorecard.xlsx").exists()
