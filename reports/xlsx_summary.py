"""The workbook's Summary sheet: headline KPIs, the team x category matrix, named KPI sections, the record types.

Every text cell goes through ``text_cell``: formula-safe, XML-safe and cut to what a cell holds.
"""

from __future__ import annotations

from typing import Any

from refcheck.checks import Report
from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports.escapes import xml_text
from refcheck.reports.excel_text import fit_cell
from refcheck.reports.files import safe_cell
from refcheck.reports.scorecard import category_figure, kpi_status, kpi_target
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.scorecard_sections import KpiSection, headline, named_sections
from refcheck.reports.scorecard_types import (
    kpi_not_run,
    primary_rows,
    record_type_lines,
    record_types_text,
    rules_not_run,
    scorecard_title,
)
from refcheck.schemas import Kpi


def print_setup(sheet: Any, header_row: int) -> None:
    """A4 landscape, one page wide, the header repeated on every printed page."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def text_cell(sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
    """A text cell: formula-safe, XML-safe (``xml_text``) and cut to what a cell holds (``fit_cell``)."""
    sheet.write_string(row, col, fit_cell(xml_text(safe_cell("" if value is None else str(value)))), fmt)


def summary_sheet(book: Any, inputs: ScorecardInputs, formats: dict[str, Any], cut: list[str], kept: int) -> None:
    """The Summary sheet: the headline KPIs, the team x category matrix, each named section, the record types."""
    report = inputs.report
    sheet = book.add_worksheet("Summary")
    title = f"{scorecard_title(report)}: {report.schema.name} v{report.schema.version}"
    text_cell(sheet, 0, 0, title, formats["title"])
    names = ", ".join(team_label(team) for team in cut)
    note = f" · the sheets of {names} hold their first {kept:,} rows; worklists/*.csv hold all" if cut else ""
    checked = (record_types_text(report) if report.several_types
               else f"{counted(report.source.rows_checked, 'record')} checked")
    text_cell(sheet, 1, 0, f"As of {report.as_of.isoformat()} · {checked}{note}")
    for row, warning in enumerate(inputs.warnings, start=2):
        text_cell(sheet, row, 0, f"Rests on partial data: {warning.message}", formats["warning"])
    head = 3 + len(inputs.warnings)
    titles = _kpi_titles(inputs)
    for col, title in enumerate(titles):
        text_cell(sheet, head, col, title, formats["head"])
    row = head + 1
    for kpi in headline(report.schema.scorecard.kpis):
        _kpi_row(sheet, row, inputs, kpi, formats)
        row += 1
    below = _matrix(sheet, row + 1, inputs, formats)
    for section in named_sections(report.schema.scorecard.kpis):
        below = _section(sheet, below + 2, inputs, section, formats)
    _record_types(sheet, below + 2, report, formats)
    sheet.freeze_panes(head + 1, 1)
    print_setup(sheet, head)
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 1 + 2 * len(report.categories()), 16)
    target = titles.index("Target")
    sheet.set_column(target, target, 34)  # NOTE: a KPI's target in words


def _kpi_titles(inputs: ScorecardInputs) -> list[str]:
    """The KPI table's columns: no "Since last run" on a first run, which has nothing to compare with."""
    since = ["Since last run"] if inputs.compared else []
    return ["Figure", "Value", "Status", *since, "Out of", "Of what", "Target"]


def _kpi_row(sheet: Any, row: int, inputs: ScorecardInputs, kpi: Kpi, formats: dict[str, Any],
             team: str | None = None) -> None:
    """A KPI for a team or overall: its value, what it is out of, target, status and change since the last run."""
    figure = inputs.figure(kpi, team)
    counts = kpi.counts
    text_cell(sheet, row, 0, kpi.label)
    if figure.value is None:
        text_cell(sheet, row, 1, figure.text)
    else:
        sheet.write_number(row, 1, figure.value, formats["int" if counts else "pct"])
    status = kpi_status(kpi, figure)
    if inputs.partial(kpi):
        status = f"{status} · rests on partial data"
    why = kpi_not_run(inputs.report, kpi)
    if why:
        status = f"{status} · {why}"
    text_cell(sheet, row, 2, status, formats.get(figure.rag or "", formats["text"]))
    col = _kpi_titles(inputs).index("Out of")
    delta = inputs.delta(kpi, team)
    if inputs.compared and delta is not None:
        shown, number_format = (delta, "delta_count") if counts else (delta * 100, "delta_points")
        sheet.write_number(row, 3, shown, formats[number_format])
    if figure.out_of is not None:
        sheet.write_number(row, col, figure.out_of, formats["int"])
        text_cell(sheet, row, col + 1, figure.noun)
    text_cell(sheet, row, col + 2, kpi_target(kpi))


def _matrix(sheet: Any, top: int, inputs: ScorecardInputs, formats: dict[str, Any]) -> int:
    """Pass rates by team and category, coloured by each category's bands, the checks each is out of, the bands.

    Returns its last row.
    """
    report = inputs.report
    categories = report.categories()
    rows = dict(zip(report.teams, report.team_rows, strict=True))
    checks = 2 + len(categories)  # NOTE: the checks a rate is out of, to the right of the rates, on the team's row
    titles = ["Team", primary_rows(report), *categories, *(f"{category} checks" for category in categories)]
    for col, title in enumerate(titles):
        text_cell(sheet, top, col, title, formats["head"])
    row = top
    for team in inputs.teams:
        row += 1
        text_cell(sheet, row, 0, team_label(team))
        sheet.write_number(row, 1, rows.get(team, 0), formats["int"])
        for col, category in enumerate(categories, start=2):
            figure = category_figure(report, category, team)
            if figure.value is None:
                text_cell(sheet, row, col, "–")
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
        text_cell(sheet, row, 0, title, formats["head"])
        for col, category in enumerate(categories, start=2):
            sheet.write_number(row, col, getattr(report.schema.scorecard.bands_for(category), threshold),
                               formats["pct"])
    return row


def _section(sheet: Any, top: int, inputs: ScorecardInputs, section: KpiSection, formats: dict[str, Any]) -> int:
    """A named section: its title, its KPIs overall, then each team's under its name. Returns its last row."""
    text_cell(sheet, top, 0, section.name, formats["title"])
    for col, title in enumerate(_kpi_titles(inputs)):
        text_cell(sheet, top + 1, col, title, formats["head"])
    row = top + 1
    for team in (None, *inputs.teams):
        if team is not None:
            row += 1
            text_cell(sheet, row, 0, team_label(team), formats["head"])
        for kpi in section.kpis:
            row += 1
            _kpi_row(sheet, row, inputs, kpi, formats, team)
    return row


def _record_types(sheet: Any, top: int, report: Report, formats: dict[str, Any]) -> None:
    """A run of several record types: each one's rows, or that it was not supplied; then the rules not run and why."""
    lines = record_type_lines(report)
    if not lines:
        return
    text_cell(sheet, top, 0, "Record types", formats["title"])
    for col, title in enumerate(("Record type", "Rows read", "Checked", "Could not be read")):
        text_cell(sheet, top + 1, col, title, formats["head"])
    row = top + 1
    for line in lines:
        row += 1
        text_cell(sheet, row, 0, line.label)
        if line.source is None:
            text_cell(sheet, row, 1, line.not_supplied)
            continue
        for col, count in enumerate((line.source.rows_read, line.source.rows_checked, line.source.rows_unreadable),
                                    start=1):
            sheet.write_number(row, col, count, formats["int"])
    not_run = rules_not_run(report)
    if not not_run:
        return
    row += 2
    text_cell(sheet, row, 0, "Rules not run", formats["head"])
    text_cell(sheet, row, 1, "Why", formats["head"])
    for reason, rules in not_run:
        row += 1
        text_cell(sheet, row, 0, ", ".join(rules))
        text_cell(sheet, row, 1, reason)
