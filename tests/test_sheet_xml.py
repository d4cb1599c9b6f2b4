"""The worksheet XML made column-wise: the structure XlsxWriter and Excel use, and the values openpyxl reads back."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from refcheck.reports.excel_text import fit_cell
from refcheck.reports.files import safe_cell
from refcheck.reports.sheet_xml import PrintedPage, column_letters, fill_sheets

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RULES = {"a.valid": ("validity", "=A is wrong"), "b.timely": ("timeliness", "B <late> & slow"),
         "c.complete": ("completeness", "Ll\u0177n \u2014 dim ond")}
ROWS = 60


def _worklist() -> pl.DataFrame:
    """Rows as a worklist has them: unique ids, rule columns keyed by the rule, repeated notes, numbers and blanks."""
    ids = list(RULES)
    notes = ["  padded note ", "-1 day", "plain", "Caf\u00e9 \u00e0 la carte"]
    return pl.DataFrame({
        "record_id": [None if n == 5 else f"R{n:03d}" if n % 7 else f"=HYPERLINK({n})" for n in range(ROWS)],
        "rule_id": [ids[n % 3] for n in range(ROWS)],
        "category": [RULES[ids[n % 3]][0] for n in range(ROWS)],
        "message": [RULES[ids[n % 3]][1] for n in range(ROWS)],
        "note": [notes[n % 4] for n in range(ROWS)],
        "free_text": ["x" * 40_000 if n == 3 else "bell\x07 & <tag>" if n == 4 else f"text {n}" for n in range(ROWS)],
        "working_days": [None if n % 5 == 0 else n - 10 for n in range(ROWS)],
    })


def _workbook(frames: dict[str, pl.DataFrame]) -> bytes:
    """A workbook as ``render_xlsx`` starts one: a Summary sheet, then each sheet with only its header row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Summary").write_string(0, 0, "Summary")
    for name, frame in frames.items():
        sheet = book.add_worksheet(name)
        for col, column in enumerate(frame.columns):
            sheet.write_string(0, col, column)
    book.close()
    return buffer.getvalue()


def _expected(value: object) -> object:
    """What a cell holds once written: text formula-safe, invalid XML characters replaced, cut to fit."""
    if not isinstance(value, str):
        return value
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", fit_cell(safe_cell(value)))


def test_filled_sheets_are_well_formed_spreadsheetml_that_openpyxl_reads_back() -> None:
    frames = {"North": _worklist(), "Empty": _worklist().clear()}
    keyed = ("rule_id", "category", "message")
    data = b"".join(fill_sheets(_workbook(frames), {2: frames["North"], 3: frames["Empty"]}, keyed=keyed))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        parts = {name: ElementTree.fromstring(archive.read(name))
                 for name in archive.namelist() if name.endswith(".xml")}
    strings = parts["xl/sharedStrings.xml"]
    entries = strings.findall(f"{MAIN}si")
    sheet = parts["xl/worksheets/sheet2.xml"]
    rows = sheet.findall(f"{MAIN}sheetData/{MAIN}row")
    assert [row.get("r") for row in rows] == [str(n) for n in range(1, ROWS + 2)]
    assert sheet.find(f"{MAIN}dimension").get("ref") == f"A1:{column_letters(6)}{ROWS + 1}"  # type: ignore[union-attr]
    shared_uses = 0
    for row in rows[1:]:
        cells = row.findall(f"{MAIN}c")
        assert len(cells) == frames["North"].width  # a blank is an empty cell holding its column's place
        for cell in cells:
            kind = cell.get("t")
            if kind == "s":
                shared_uses += 1
                assert 0 <= int(cell.findtext(f"{MAIN}v", "")) < len(entries)
            elif kind == "inlineStr":
                assert cell.find(f"{MAIN}is/{MAIN}t") is not None
            else:
                number = cell.findtext(f"{MAIN}v")
                assert kind is None and (number is None or number.lstrip("-").isdigit())
    every_use = sum(cell.get("t") == "s" for part, tree in parts.items() if part.startswith("xl/worksheets/")
                    for cell in tree.iter(f"{MAIN}c"))
    assert shared_uses >= ROWS * 3  # the keyed rule columns are shared strings
    assert int(strings.get("uniqueCount", "")) == len(entries)
    assert int(strings.get("count", "")) == every_use
    assert len({entry.findtext(f"{MAIN}t") for entry in entries}) == len(entries)
    assert len(parts["xl/worksheets/sheet3.xml"].findall(f"{MAIN}sheetData/{MAIN}row")) == 1  # its header only

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "North", "Empty"]
    got = [tuple(row) for row in book["North"].iter_rows(values_only=True)]
    assert got[0] == tuple(frames["North"].columns)
    assert got[1:] == [tuple(_expected(value) for value in row) for row in frames["North"].rows()]
    assert [tuple(row) for row in book["Empty"].iter_rows(values_only=True)] == [tuple(frames["Empty"].columns)]


def test_rule_columns_not_side_by_side_are_written_cell_by_cell_to_the_same_values() -> None:
    keyed = ("rule_id", "category", "message")
    frame = _worklist().select("rule_id", "record_id", "category", "message", "working_days")
    data = b"".join(fill_sheets(_workbook({"North": frame}), {2: frame}, keyed=keyed))
    got = [tuple(row) for row in openpyxl.load_workbook(io.BytesIO(data))["North"].iter_rows(values_only=True)]
    assert got[1:] == [tuple(_expected(value) for value in row) for row in frame.rows()]


def page_sections(codes: str) -> dict[str, str]:
    """Excel's header or footer codes read back: each section's text, ``&&`` as ``&``, page codes as ``{P}``."""
    sections, at, index = {"L": "", "C": "", "R": ""}, "C", 0
    while index < len(codes):
        if codes[index] != "&":
            sections[at] += codes[index]
            index += 1
            continue
        code = codes[index + 1]
        assert code in "&LCRPN", f"a code Excel would obey: &{code}"
        if code in "LCR":
            at = code
        else:
            sections[at] += "&" if code == "&" else "{" + code + "}"
        index += 2
    return sections


HOSTILE_TITLES = ['&P &Bold "=1+1"', "&G &[Picture] &&", "&12&\"Arial,Bold\"<b>T</b>&", "Ynys Môn 🏴 &"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_printed_page_shows_its_title_as_written_and_obeys_no_code_in_it(title: str) -> None:
    frame = _worklist().head(3)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("North")
    sheet.write_string(0, 0, "title")
    sheet.write_string(1, 0, "header")
    sheet.set_landscape()
    sheet.repeat_rows(1)
    book.close()
    page = PrintedPage(title, "schema & co · as of 2026-11-20")
    data = b"".join(fill_sheets(buffer.getvalue(), {1: frame}, pages={1: page}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tree = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    children = [child.tag.removeprefix(MAIN) for child in tree]
    assert children[children.index("pageSetup") + 1] == "headerFooter"  # NOTE: the order SpreadsheetML requires
    header = tree.findtext(f"{MAIN}headerFooter/{MAIN}oddHeader", "")
    assert page_sections(header) == {"L": title, "C": "", "R": "schema & co · as of 2026-11-20"}
    assert page_sections(tree.findtext(f"{MAIN}headerFooter/{MAIN}oddFooter", "")) == {
        "L": "", "C": "Page {P} of {N}", "R": ""}
    rows = tree.findall(f"{MAIN}sheetData/{MAIN}row")
    assert [row.get("r") for row in rows] == ["1", "2", "3", "4", "5"]  # NOTE: the frame's rows below the header
    assert tree.find(f"{MAIN}dimension").get("ref") == f"A1:{column_letters(frame.width - 1)}5"  # type: ignore[union-attr]
    sheet_read = openpyxl.load_workbook(io.BytesIO(data))["North"]
    assert [row[0] for row in sheet_read.iter_rows(values_only=True)] == ["title", "header", "'=HYPERLINK(0)", "R001",
                                                                         "R002"]


def test_a_title_too_long_for_a_printed_page_is_cut_within_excels_255_characters() -> None:
    title = "&" * 200 + "🏴" * 100
    header = PrintedPage(title, "note &").header_footer()
    codes = ElementTree.fromstring(header).findtext("oddHeader", "")
    assert len(codes.encode("utf-16-le")) // 2 <= 255
    left = page_sections(codes)["L"]
    assert left.endswith("…") and title.startswith(left[:-1]) and len(left) > 100
    assert page_sections(codes)["R"] == "note &"


def test_a_sheet_with_a_header_of_its_own_is_not_given_a_second() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("North")
    sheet.write_string(0, 0, "header")
    sheet.set_footer("&CPage &P")
    book.close()
    with pytest.raises(ValueError, match="no header or footer of its own"):
        fill_sheets(buffer.getvalue(), {1: _worklist()}, pages={1: PrintedPage("North")})
