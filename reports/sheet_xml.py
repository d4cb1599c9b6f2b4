"""Worksheet rows as SpreadsheetML, built column by column with Polars.

XlsxWriter writes a workbook cell by cell in Python: about 20 s for the 300,000 worklist rows of a
million-row extract. Worklist sheets are plain rows (text and numbers, no styles), so their
``<row>`` elements are made here as whole columns of strings and put into the sheets XlsxWriter
wrote with only their title and header rows, widths, filter and print setup. Text that repeats (rules, messages,
hints) goes into the workbook's shared-string table once, as Excel itself stores it. A sheet's printed
header and footer are put in here too (``PrintedPage``): XlsxWriter's own would refuse, with a warning
that shows it, a title that holds its image code ``&G``.
"""

from __future__ import annotations

import errno
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, cast

import polars as pl

from refcheck.checks.internal import internal
from refcheck.reports.escapes import NOT_XML, xml_text
from refcheck.reports.excel_text import EXCEL_CELL, fit_cells, utf16_head, utf16_units
from refcheck.reports.files import safe_cells, starts_formula
from refcheck.reports.zip_parts import Deflater, Part, archive, deflate

_CELLS = internal("cells")
_SHARED_STRINGS = "xl/sharedStrings.xml"
_REPEATS = 4
"""A text column is shared when its values repeat this many times on average."""
_HEADER_FOOTER = 255
"""Characters (UTF-16 code units, codes included) of a printed page's header or footer in Excel."""
_CUT = "…"
"""Ends a title cut to fit a printed page's header."""


@dataclass(frozen=True, slots=True)
class PrintedPage:
    """What every printed page of a sheet shows: ``title`` and ``note`` in its header, its page number in its footer."""

    title: str
    note: str = ""

    def header_footer(self) -> str:
        """The sheet's ``<headerFooter>`` element: the title at the left, the note at the right, "Page 1 of 3" below.

        In Excel's header and footer codes ``&`` starts a code (``&P`` the page number), so the texts'
        own ``&`` are doubled; the title is cut to keep the header within Excel's 255 characters.
        """
        note = _page_text(self.note)
        title = _page_text(_fit_page_text(self.title, _HEADER_FOOTER - len("&L&R") - utf16_units(note)))
        header = f"&L{title}&R{note}" if note else f"&L{title}"
        return (f"<headerFooter><oddHeader>{_escaped(header)}</oddHeader>"
                f"<oddFooter>{_escaped('&CPage &P of &N')}</oddFooter></headerFooter>")


def _page_text(text: str) -> str:
    """Text that Excel's header and footer codes show as it is: each ``&`` doubled."""
    return text.replace("&", "&&")


def _fit_page_text(text: str, units: int) -> str:
    """The text, or its start and an ellipsis, at most ``units`` long once its ``&`` are doubled."""
    if utf16_units(_page_text(text)) <= units:
        return text
    head = utf16_head(text, units - len(_CUT))
    while utf16_units(_page_text(head)) > units - len(_CUT):
        head = head[:-1]
    return head + _CUT


def _escaped(text: str) -> str:
    """Text as XML holds it in an element."""
    return xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letters(index: int) -> str:
    """The A1-style letters of a zero-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def fill_sheets(workbook: bytes, sheets: dict[int, pl.DataFrame], keyed: Sequence[str] = (),
                pages: Mapping[int, PrintedPage] | None = None) -> list[bytes]:
    """Put each frame's rows below the last row (its header) of the sheet at that 1-based position of a workbook.

    The workbook is XlsxWriter's; the filled workbook comes back in pieces, to be written in order
    (``zip_parts.archive``). ``keyed`` are adjacent columns that the first of them determines
    (``_write_rows_xml``). ``pages`` gives some of those sheets a printed header and footer
    (``PrintedPage``), which XlsxWriter's own would refuse for a title holding ``&G``.
    """
    source = zipfile.ZipFile(io.BytesIO(workbook))
    table = source.read(_SHARED_STRINGS).decode("utf-8")  # XlsxWriter writes one: every sheet has a text header
    keys = {position: _key_table(frame, keyed) for position, frame in sheets.items() if frame.height}
    # NOTE: the keyed columns' text is shared, numbered from their few distinct rows, not from every row.
    sources: list[pl.DataFrame] = []
    for position, frame in sheets.items():
        found = keys.get(position)
        if found is not None:
            sources += [frame.drop(keyed), found]
        elif frame.height:
            sources.append(frame)
    repeated = _repeated_columns([frame.drop(keyed, strict=False) for frame in sources]) | frozenset(keyed)
    shared = _numbered(sources, repeated, first=int(_attribute(table, "uniqueCount")))
    uses = sum(frame[name].count() for frame in sheets.values() for name in repeated if name in frame.columns)

    def filled(member: zipfile.ZipInfo, sheet: bytes, frame: pl.DataFrame, keys: pl.DataFrame | None,
               page: PrintedPage | None) -> Part:
        head, tail, first_row = _split_sheet(sheet.decode("utf-8"), frame)
        deflater = Deflater(member.filename, member.date_time)
        deflater.write(head.encode("utf-8"))
        _write_rows_xml(frame, deflater, first_row, shared, repeated, keys)
        deflater.write((_with_page(tail, page) if page else tail).encode("utf-8"))
        return deflater.part()

    finished = []
    for member in source.infolist():
        data = source.read(member)
        position = _sheet_position(member.filename)
        if position in sheets:
            finished.append(filled(member, data, sheets[position], keys.get(position), (pages or {}).get(position)))
        else:
            content = _with_strings(table, shared, uses) if member.filename == _SHARED_STRINGS else data
            finished.append(deflate(member.filename, content, member.date_time))
    try:
        return archive(finished)
    except ValueError:
        raise OSError(errno.EFBIG, "the workbook would be over 4 GiB; use the worklist CSVs, or fewer "
                                   "--include-columns") from None


def _sheet_position(name: str) -> int:
    """The 1-based position of a worksheet part (``xl/worksheets/sheet3.xml`` is 3); 0 for other parts."""
    found = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
    return int(found[1]) if found else 0


def _key_table(frame: pl.DataFrame, keyed: Sequence[str]) -> pl.DataFrame | None:
    """The distinct rows of the ``keyed`` columns, one per value of the first, which determines the others.

    None when the frame does not hold them side by side, in that order, or a key is missing.
    """
    names = frame.columns
    at = names.index(keyed[0]) if keyed and keyed[0] in names else -1
    if at < 0 or names[at:at + len(keyed)] != list(keyed) or frame[keyed[0]].null_count():
        return None
    return frame.select(keyed).unique(subset=keyed[0], maintain_order=True)


def _write_rows_xml(frame: pl.DataFrame, sink: io.IOBase, first_row: int, shared: pl.DataFrame | None = None,
                   repeated: frozenset[str] = frozenset(), keys: pl.DataFrame | None = None) -> None:
    """Write the frame's rows as ``<row>`` elements (UTF-8) from 1-based sheet row ``first_row``; nulls are empty cells.

    Text in the ``repeated`` columns is written as its index in ``shared`` (value, index), the
    workbook's shared strings; other text is inline. ``keys`` (``_key_table``) holds adjacent
    columns that the first of them determines (a worklist's rule columns, by rule id): their cells
    are made once per key and looked up, a third of the cost of making them row by row.

    Polars' CSV writer, quoting nothing and ending no line, writes the rows' XML one after
    another, on all cores and a batch at a time: the sheet's XML is never held whole.
    """
    if frame.height == 0:
        return
    names = frame.columns
    if keys is None:
        cells = _cells(frame, names, shared, repeated)
    else:
        key, at = keys.columns[0], names.index(keys.columns[0])
        looked_up = keys.select(key, pl.concat_str(_cells(keys, keys.columns, shared, repeated)).alias(_CELLS))
        cells = [*_cells(frame, names[:at], shared, repeated),
                 pl.col(key).replace_strict(looked_up[key], looked_up[_CELLS], return_dtype=pl.String),
                 *_cells(frame, names[at + keys.width:], shared, repeated)]
    row = pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).cast(pl.String)
    xml = pl.concat_str(pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>"))
    frame.select(xml).write_csv(cast("IO[bytes]", sink), include_header=False, quote_style="never", line_terminator="")


def _cells(frame: pl.DataFrame, names: list[str], shared: pl.DataFrame | None,
           repeated: frozenset[str]) -> list[pl.Expr]:
    """Each named column's cells, in order.

    Cells go in column order without their own reference (``r`` is optional on ``<c>``, and
    Excel, LibreOffice, openpyxl and calamine place such cells one after another), a fifth less
    XML to make and deflate; a null is an empty ``<c/>``, holding its column's place.
    """
    schema = frame.schema
    plain = _plain_columns(frame, {name for name in names if not schema[name].is_numeric()
                                   and name not in (repeated if shared is not None else ())})
    cells = []
    for name in names:
        value = pl.col(name)
        if schema[name].is_numeric():
            cell = pl.concat_str(pl.lit("<c><v>"), value.cast(pl.String), pl.lit("</v></c>"))
        elif name in repeated and shared is not None:
            number = value.cast(pl.String).replace_strict(shared["value"], shared["index"], return_dtype=pl.String)
            cell = pl.concat_str(pl.lit('<c t="s"><v>'), number, pl.lit("</v></c>"))
        else:
            text = value.cast(pl.String) if name in plain else _text(value.cast(pl.String))
            cell = pl.concat_str(pl.lit('<c t="inlineStr"><is><t>'), text, pl.lit("</t></is></c>"))
        cells.append(cell.fill_null("<c/>"))
    return cells


def _plain_columns(frame: pl.DataFrame, names: set[str]) -> set[str]:
    """The named text columns none of whose cells needs escaping, quoting or cutting: they go into the XML as they are.

    A text of more UTF-8 bytes than a cell holds characters may be too long (never one of fewer).
    """
    if not names:
        return set()
    needs = frame.select(
        (starts_formula(text) | text.str.contains(NOT_XML + "|[&<>]").any()
         | (text.str.len_bytes().max() > EXCEL_CELL)).alias(name)
        for name in names for text in [pl.col(name).cast(pl.String)]
    ).row(0, named=True)
    return {name for name, escape in needs.items() if not escape}


def _text(value: pl.Expr) -> pl.Expr:
    """Escaped for XML, with a leading formula character quoted (as ``safe_cell`` does), cut to what a cell holds."""
    return (fit_cells(safe_cells(value)).str.replace_all(NOT_XML, "\uFFFD").str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True))


def _repeated_columns(frames: list[pl.DataFrame]) -> frozenset[str]:
    """Text columns whose values repeat at least ``_REPEATS`` times on average, over all the sheets."""
    names = {name for frame in frames for name, dtype in frame.schema.items() if dtype == pl.String}
    repeated = set()
    for name in names:
        values = pl.concat([frame[name] for frame in frames if name in frame.columns])
        distinct: int = values.to_frame().select(pl.all().approx_n_unique()).item()  # NOTE: an estimate will do
        if distinct * _REPEATS <= values.len():
            repeated.add(name)
    return frozenset(repeated)


def _numbered(frames: list[pl.DataFrame], names: frozenset[str], first: int) -> pl.DataFrame:
    """The distinct values of the named columns, numbered from ``first``: the strings to share."""
    values = [frame[name].drop_nulls().rename("value") for frame in frames for name in sorted(names)
              if name in frame.columns]
    distinct = pl.concat([pl.Series("value", [], pl.String), *values]).unique(maintain_order=True)
    return pl.DataFrame({"value": distinct,
                         "index": pl.int_range(first, first + distinct.len(), eager=True).cast(pl.String)})


def _attribute(xml: str, name: str) -> str:
    found = re.search(rf'\b{name}="(\d+)"', xml)
    return found[1] if found else "0"


def _with_strings(table: str, shared: pl.DataFrame, uses: int) -> bytes:
    """The shared-string table with ``shared`` appended and its counts raised."""
    if shared.height == 0:
        return table.encode("utf-8")
    entries = shared.select(pl.concat_str(pl.lit('<si><t xml:space="preserve">'), _text(pl.col("value")),
                                          pl.lit("</t></si>")).str.join("")).item()
    table = re.sub(r'\bcount="(\d+)"', lambda m: f'count="{int(m[1]) + uses}"', table, count=1)
    table = re.sub(r'\buniqueCount="(\d+)"', lambda m: f'uniqueCount="{int(m[1]) + shared.height}"', table, count=1)
    return table.replace("</sst>", entries + "</sst>").encode("utf-8")


def _split_sheet(sheet: str, frame: pl.DataFrame) -> tuple[str, str, int]:
    """The sheet's XML before and after the end of its last row, and the 1-based row the frame starts on below it.

    The sheet's dimension is grown to hold the frame.
    """
    last = max((int(number) for number in re.findall(r'<row r="(\d+)"', sheet)), default=0)
    dimension = f"A1:{column_letters(max(frame.width - 1, 0))}{max(last + frame.height, 1)}"
    sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', sheet, count=1)
    if "</sheetData>" in sheet:
        head, tail = sheet.split("</sheetData>", 1)
        return head, "</sheetData>" + tail, last + 1
    head, tail = sheet.split("<sheetData/>", 1)
    return head + "<sheetData>", "</sheetData>" + tail, last + 1


def _with_page(tail: str, page: PrintedPage) -> str:
    """The end of a sheet's XML with the page's header and footer where SpreadsheetML puts them, after its setup."""
    found = re.search(r"<pageSetup\b[^>]*/>", tail) or re.search(r"<pageMargins\b[^>]*/>", tail)
    if found is None or "<headerFooter" in tail:
        raise ValueError("a sheet given a printed page needs page margins and no header or footer of its own")
    return tail[:found.end()] + page.header_footer() + tail[found.end():]
