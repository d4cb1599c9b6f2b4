"""``scorecard.xlsx``: a Summary sheet (KPIs, team x category matrix) and one worklist sheet per team.

Every text cell is written as a string and formula-neutralised, so no value can run in Excel. XlsxWriter
writes the workbook; the worklist rows, many and plain, are put in as XML made column-wise (``sheet_xml``).
A worklist sheet opens with a title row (team, schema, as-of date) and prints with its team at the top of
each page and the page number at the foot.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import xlsxwriter

from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports.escapes import xml_text
from refcheck.reports.excel_text import fit_cell, sheet_names
from refcheck.reports.files import safe_cell
from refcheck.reports.scorecard import category_figure, kpi_status, kpi_target
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.sheet_xml import PrintedPage, fill_sheets
from refcheck.reports.worklists import RULE_COLUMNS, headed, worklist_files
from refcheck.schemas import Kpi

_FILLS = {"green": ("#DFF3E4", "#0F5323"), "amber": ("#FFF1C2", "#5C4100"), "red": ("#FBE0E0", "#7A1616")}


EXCEL_ROWS = 1_048_576
"""Rows in an Excel sheet: a longer worklist's sheet holds its most urgent rows, its CSV all of them."""
_ABOVE_ROWS = 3
"""Rows above a cut worklist's first: its title, the note saying it was cut, its header."""


def render_xlsx(inputs: ScorecardInputs, worklists: dict[str, pl.DataFrame],
                max_rows: int = EXCEL_ROWS) -> list[bytes]:
    """The workbook's bytes, in pieces to write in order.

    ``worklists`` holds each shown team's worklist (``team_worklists``). A sheet holds at most
    ``max_rows`` rows (Excel's limit): a longer worklist's sheet says how many rows it left out.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = _formats(book)
    kept = max_rows - _ABOVE_ROWS
    # NOTE: a worklist that fits below its title and header alone is whole; a longer one loses a row to the note.
    sheets = {team: worklists[team] if worklists[team].height <= kept + 1 else worklists[team].head(kept)
              for team in inputs.teams}
    cut = [team for team in inputs.teams if sheets[team].height < worklists[team].height]
    _summary(book, inputs, formats, cut, kept)
    names = sheet_names(list(inputs.teams))
    files = worklist_files(inputs.teams)
    for team in inputs.teams:
        above = [_title(inputs, team)]
        left_out = worklists[team].height - sheets[team].height
        if left_out:
            above.append(_cut_note(sheets[team].height, left_out, files[team]))
        _team_sheet(book, names[team], sheets[team], formats, above)
    book.close()
    positions = {position: sheets[team] for position, team in enumerate(inputs.teams, start=2)}
    report = inputs.report
    pages = {position: PrintedPage(team_label(team), f"{report.schema.name} · as of {report.as_of.isoformat()}")
             for position, team in enumerate(inputs.teams, start=2)}
    return fill_sheets(buffer.getvalue(), positions, keyed=RULE_COLUMNS, pages=pages)


def _title(inputs: ScorecardInputs, team: str) -> str:
    """A worklist sheet's title: whose it is, against which schema, as of when."""
    schema = inputs.report.schema
    return f"{team_label(team)} · {schema.name} v{schema.version} · as of {inputs.report.as_of.isoformat()}"


def _cut_note(kept: int, left_out: int, file: str) -> str:
    """What a sheet cut to Excel's rows says: how many rows it holds and left out, and where they all are."""
    return (f"This sheet holds the {kept:,} most urgent rows; {counted(left_out, 'row')} more did not fit "
            f"in an Excel sheet: {file} holds them all")


def _formats(book: Any) -> dict[str, Any]:
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "warning": book.add_format({"bold": True, "font_color": "#7A1616"}),
        "head": book.add_format({"bold": True, "bg_color": "#F6F8FA", "bottom": 1}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "text": book.add_format({}),
        "delta_count": book.add_format({"num_format": "+#,##0;-#,##0;0"}),
        "delta_points": book.add_format({"num_format": '+0.0" pts";-0.0" pts";0.0" pts"'}),
    }
    for rag, (fill, ink) in _FILLS.items():
        formats[rag] = book.add_format({"bg_color": fill, "font_color": ink})
    return formats


def _print_setup(sheet: Any, header_row: int) -> None:
    """A4 landscape, one page wide, the header repeated on every printed page."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def _text(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """A text cell: formula-safe, XML-safe (``xml_text``) and cut to what a cell holds (``fit_cell``)."""
    sheet.write_string(row, col, fit_cell(xml_text(safe_cell("" if value is None else str(value)))), fmt)


def _summary(book: Any, inputs: ScorecardInputs, formats: dict[str, Any], cut: list[str], kept: int) -> None:
    report = inputs.report
    sheet = book.add_worksheet("Summary")
    _text(sheet, 0, 0, f"Referral records scorecard: {report.schema.name} v{report.schema.version}", formats["title"])
    names = ", ".join(team_label(team) for team in cut)
    note = f" · the sheets of {names} hold their first {kept:,} rows; worklists/*.csv hold all" if cut else ""
    checked = counted(report.source.rows_checked, "record")
    _text(sheet, 1, 0, f"As of {report.as_of.isoformat()} · {checked} checked{note}")
    for row, warning in enumerate(inputs.warnings, start=2):
        _text(sheet, row, 0, f"Rests on partial data: {warning.message}", formats["warning"])
    head = 3 + len(inputs.warnings)
    for col, title in enumerate(["Figure", "Value", "Status", "Since last run", "Out of", "Of what", "Target"]):
        _text(sheet, head, col, title, formats["head"])
    row = head + 1
    for kpi in report.schema.scorecard.kpis:
        _kpi_row(sheet, row, inputs, kpi, formats)
        row += 1
    _matrix(sheet, row + 1, inputs, formats)
    sheet.freeze_panes(head + 1, 1)
    _print_setup(sheet, head)
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 1 + 2 * len(report.categories()), 16)
    sheet.set_column(6, 6, 34)  # NOTE: a KPI's target in words


def _kpi_row(sheet: Any, row: int, inputs: ScorecardInputs, kpi: Kpi, formats: dict[str, Any]) -> None:
    """A KPI: its value, what it is out of, its target, its status, and its change since the last run."""
    figure = inputs.figure(kpi)
    counts = kpi.measure in ("rows", "failed")
    _text(sheet, row, 0, kpi.label)
    if figure.value is None:
        _text(sheet, row, 1, figure.text)
    else:
        sheet.write_number(row, 1, figure.value, formats["int" if counts else "pct"])
    status = kpi_status(kpi, figure)
    if inputs.partial(kpi):
        status = f"{status} · rests on partial data"
    _text(sheet, row, 2, status, formats.get(figure.rag or "", formats["text"]))
    delta = inputs.delta(kpi)
    if delta is not None:
        shown, number_format = (delta, "delta_count") if counts else (delta * 100, "delta_points")
        sheet.write_number(row, 3, shown, formats[number_format])
    if figure.out_of is not None:
        sheet.write_number(row, 4, figure.out_of, formats["int"])
        _text(sheet, row, 5, figure.noun)
    _text(sheet, row, 6, kpi_target(kpi))


def _matrix(sheet: Any, top: int, inputs: ScorecardInputs, formats: dict[str, Any]) -> None:
    """Pass rates by team and category, coloured by each category's bands, the checks each is out of, the bands."""
    report = inputs.report
    categories = report.categories()
    rows = dict(zip(report.teams, report.team_rows, strict=True))
    checks = 2 + len(categories)  # NOTE: the checks a rate is out of, to the right of the rates, on the team's row
    titles = ["Team", "Records", *categories, *(f"{category} checks" for category in categories)]
    for col, title in enumerate(titles):
        _text(sheet, top, col, title, formats["head"])
    row = top
    for team in inputs.teams:
        row += 1
        _text(sheet, row, 0, team_label(team))
        sheet.write_number(row, 1, rows.get(team, 0), formats["int"])
        for col, category in enumerate(categories, start=2):
            figure = category_figure(report, category, team)
            if figure.value is None:
                _text(sheet, row, col, "–")
            else:
                sheet.write_number(row, col, figure.value, formats["pct"])
            sheet.write_number(row, col + len(categories), figure.out_of or 0, formats["int"])
    for col, category in enumerate(categories, start=2):
        bands = report.schema.scorecard.bands_for(category)
        cells = (top + 1, col, row, col)
        sheet.conditional_format(*cells, {"type": "cell", "criteria": ">=", "value": bands.green,
                                          "format": formats["green"], "stop_if_true": True})
        sheet.conditional_format(*cells, {"type": "cell", "criteria": ">=", "value": bands.amber,
                                          "format": formats["amber"], "stop_if_true": True})
        sheet.conditional_format(*cells, {"type": "cell", "criteria": "<", "value": bands.amber,
                                          "format": formats["red"]})
    sheet.autofilter(top, 0, max(row, top), checks + len(categories) - 1)
    row += 1
    for title, threshold in (("On target from", "green"), ("Amber from", "amber")):
        row += 1
        _text(sheet, row, 0, title, formats["head"])
        for col, category in enumerate(categories, start=2):
            sheet.write_number(row, col, getattr(report.schema.scorecard.bands_for(category), threshold),
                               formats["pct"])


def _team_sheet(book: Any, name: str, frame: pl.DataFrame, formats: dict[str, Any], above: list[str]) -> None:
    """The sheet's title and note (``above``), header, widths, filter and print setup; ``fill_sheets`` adds its rows."""
    sheet = book.add_worksheet(name)
    for row, text in enumerate(above):
        _text(sheet, row, 0, text, formats["title" if row == 0 else "warning"])
    head = len(above)
    widths = {"record_id": 14, "line": 8, "worker": 10, "rule_id": 36, "category": 13, "severity": 9, "message": 60,
              "hint": 70, "working_days": 13}
    for col, (column, header) in enumerate(zip(frame.columns, headed(frame.columns), strict=True)):
        _text(sheet, head, col, header, formats["head"])
        sheet.set_column(col, col, widths.get(column, 18))
    sheet.freeze_panes(head + 1, 0)
    sheet.autofilter(head, 0, head + max(frame.height, 1), max(len(frame.columns) - 1, 0))
    _print_setup(sheet, head)
