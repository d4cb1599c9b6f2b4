"""``scorecard.xlsx``: a Summary sheet (KPIs, team x category matrix) and one worklist sheet per team.

Every text cell is written as a string and formula-neutralised, so no value can run in Excel. XlsxWriter
writes the workbook; the worklist rows, many and plain, are put in as XML made column-wise (``sheet_xml``).
A worklist sheet opens with a title row (team, schema, as-of date) and prints with its team at the top of
each page and the page number at the foot.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import polars as pl
import xlsxwriter

from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports.due_lists import HEADERS as DUE_HEADERS
from refcheck.reports.due_lists import due_title, run_due_lists
from refcheck.reports.excel_text import RESERVED_SHEETS, sheet_names
from refcheck.reports.files import safe_cell
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.sheet_xml import PrintedPage, fill_sheets
from refcheck.reports.worklists import RULE_COLUMNS, headed, worklist_files
from refcheck.reports.xlsx_summary import print_setup, summary_sheet, text_cell

_FILLS = {"green": ("#DFF3E4", "#0F5323"), "amber": ("#FFF1C2", "#5C4100"), "red": ("#FBE0E0", "#7A1616")}


EXCEL_ROWS = 1_048_576
"""Rows in an Excel sheet: a longer worklist's sheet holds its most urgent rows, its CSV all of them."""
_ABOVE_ROWS = 3
"""Rows above a cut worklist's first: its title, the note saying it was cut, its header."""


def render_xlsx(inputs: ScorecardInputs, worklists: dict[str, pl.DataFrame],
                max_rows: int = EXCEL_ROWS, dues: dict[str, pl.DataFrame] | None = None) -> list[bytes]:
    """The workbook's bytes, in pieces to write in order.

    ``worklists`` holds each shown team's worklist (``team_worklists``). A sheet holds at most
    ``max_rows`` rows (Excel's limit): a longer worklist's sheet says how many rows it left out.
    ``dues`` holds each shown team's due list (``team_due_lists``; the run's unless given) when the run made
    them: one Due sheet, after the Summary, lists them all, team by team.
    """
    dues = dues if dues is not None else run_due_lists(inputs.report, inputs.teams)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = _formats(book)
    kept = max_rows - _ABOVE_ROWS
    # NOTE: a worklist that fits below its title and header alone is whole; a longer one loses a row to the note.
    sheets = {team: worklists[team] if worklists[team].height <= kept + 1 else worklists[team].head(kept)
              for team in inputs.teams}
    cut = [team for team in inputs.teams if sheets[team].height < worklists[team].height]
    summary_sheet(book, inputs, formats, cut, kept)
    names = sheet_names(list(inputs.teams))
    due = None if dues is None else _due_frame(inputs, dues).head(kept)
    if due is not None:
        _due_sheet(book, _free_name("Due", names.values()), due, formats, _due_title(inputs))
    files = worklist_files(inputs.teams)
    for team in inputs.teams:
        above = [_title(inputs, team)]
        left_out = worklists[team].height - sheets[team].height
        if left_out:
            above.append(_cut_note(sheets[team].height, left_out, files[team]))
        _team_sheet(book, names[team], sheets[team], formats, above)
    book.close()
    first = 2 if due is None else 3
    positions = {position: sheets[team] for position, team in enumerate(inputs.teams, start=first)}
    report = inputs.report
    note = f"{report.schema.name} · as of {report.as_of.isoformat()}"
    pages = {position: PrintedPage(team_label(team), note) for position, team in enumerate(inputs.teams, start=first)}
    if due is not None:
        positions[2], pages[2] = due, PrintedPage(due_title(report), note)
    return fill_sheets(buffer.getvalue(), positions, keyed=RULE_COLUMNS, pages=pages)


def _due_frame(inputs: ScorecardInputs, dues: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every shown team's due list in one frame, team by team, each row naming its team first."""
    frames = [dues[team].select(pl.lit(safe_cell(team_label(team)), pl.String).alias("team"), pl.all())
              for team in inputs.teams]
    return pl.concat(frames) if frames else pl.DataFrame(schema={"team": pl.String})


def _due_title(inputs: ScorecardInputs) -> str:
    """The Due sheet's title: what it lists, against which schema, as of when."""
    schema = inputs.report.schema
    return f"{due_title(inputs.report)} · {schema.name} v{schema.version} · as of {inputs.report.as_of.isoformat()}"


def _free_name(wanted: str, taken: Iterable[str]) -> str:
    """A sheet name no team's sheet has (compared as Excel does, ignoring case): ``Due``, else ``Due (2)``..."""
    used = {name.casefold() for name in (*taken, *RESERVED_SHEETS)}
    name, number = wanted, 2
    while name.casefold() in used:
        name, number = f"{wanted} ({number})", number + 1
    return name


def _due_sheet(book: Any, name: str, frame: pl.DataFrame, formats: dict[str, Any], title: str) -> None:
    """The Due sheet: title, header (or that nothing is due), widths, filter, print setup; ``fill_sheets`` adds rows."""
    sheet = book.add_worksheet(name)
    text_cell(sheet, 0, 0, title, formats["title"])
    widths = {"team": 18, "record_type": 24, "record_id": 14, "line": 8, "worker": 10, "item": 20, "due_date": 12,
              "last": 20, "rule_id": 34}
    for col, column in enumerate(frame.columns):
        text_cell(sheet, 1, col, DUE_HEADERS[column], formats["head"])
        sheet.set_column(col, col, widths.get(column, 18))
    if frame.height == 0:
        text_cell(sheet, 2, 0, "Nothing due")
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, 1 + max(frame.height, 1), max(len(frame.columns) - 1, 0))
    print_setup(sheet, 1)


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


def _team_sheet(book: Any, name: str, frame: pl.DataFrame, formats: dict[str, Any], above: list[str]) -> None:
    """The sheet's title and note (``above``), header, widths, filter and print setup; ``fill_sheets`` adds its rows."""
    sheet = book.add_worksheet(name)
    for row, text in enumerate(above):
        text_cell(sheet, row, 0, text, formats["title" if row == 0 else "warning"])
    head = len(above)
    widths = {"record_type": 24, "record_id": 14, "line": 8, "worker": 10, "rule_id": 36, "category": 13, "severity": 9,
              "message": 60, "hint": 70, "working_days": 13, "last_event": 20, "overdue": 16}
    for col, (column, header) in enumerate(zip(frame.columns, headed(frame.columns), strict=True)):
        text_cell(sheet, head, col, header, formats["head"])
        sheet.set_column(col, col, widths.get(column, 18))
    sheet.freeze_panes(head + 1, 0)
    sheet.autofilter(head, 0, head + max(frame.height, 1), max(len(frame.columns) - 1, 0))
    print_setup(sheet, head)
