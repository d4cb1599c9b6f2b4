"""Every figure says what it is out of and what its target is; warnings of partial data reach every format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.report import ReadabilityWarning, team_label
from refcheck.reports.files import safe_file_names
from refcheck.reports.html import render_html
from refcheck.reports.markdown import render_markdown
from refcheck.reports.scorecard import category_figure, kpi_noun, kpi_status, kpi_target, target_text
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.terminal import render_terminal
from refcheck.reports.worklists import team_worklists
from refcheck.reports.xlsx import render_xlsx
from refcheck.schemas import Bands, Kpi
from tests.conftest import SAMPLE, SAMPLE_AS_OF

MADE_AT = dt.datetime(2026, 11, 20, 9, 0)

WARNING = ReadabilityWarning(
    field="decision_date", column="Decision Date", kind="date", share=0.8,
    message="Decision date: 80% of values cannot be read <b>(written like 99.99.9999)</b> — add a date_format",
)


@pytest.fixture(scope="module")
def report() -> Report:
    return validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True, measures=True)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render_html(ScorecardInputs(report=report, teams=report.teams), MADE_AT)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _tiles(page: str) -> list[str]:
    headline = page.split('<div class="tiles">', 1)[1].split('<p class="legend">', 1)[0]
    return headline.split('<div class="tile">')[1:]


def _kpi(label: str, **given: object) -> Kpi:
    fields = {"id": "x", "label": label, "measure": "pass_rate", "rule": "r", "category": None,
              "bands": Bands(0.95, 0.85)} | given
    return Kpi(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("label", "noun"), [
    ("Decisions within 1 working day", "decisions"),
    ("Completed assessments authorised", "completed assessments"),
    ("ICPCs within 15 working days", "ICPCs"),
    ("Referral reasons sufficient", "referral reasons"),
    ("Status recorded", "records"),
    ("Re-referral rate", "records"),
    ("Decisions", "records"),
])
def test_a_kpi_counts_the_plural_its_label_starts_with(label: str, noun: str) -> None:
    assert kpi_noun(_kpi(label)) == noun


def test_a_category_rate_is_out_of_checks_not_records() -> None:
    assert kpi_noun(_kpi("Completeness of referrals", rule=None, category="completeness")) == "checks"


def test_targets_are_written_as_the_schema_means_them() -> None:
    assert target_text(Bands(0.95, 0.85)) == "target 95%, amber from 85%"
    assert target_text(Bands(0.225, 0.25), lower_is_better=True) == "target at most 22.5%, amber up to 25%"
    assert kpi_target(_kpi("Decisions overdue", measure="failed", bands=Bands(0, 10))) == \
        "target at most 0, amber up to 10"
    assert kpi_target(_kpi("Records checked", measure="rows", rule=None)) == ""


def test_every_tile_and_key_figure_row_shows_its_base_and_target(report: Report, page: str) -> None:
    tiles = _tiles(page)
    kpis = report.schema.scorecard.kpis
    assert len(tiles) == len(kpis)
    for kpi, tile in zip(kpis, tiles, strict=True):
        figure = category_figure(report, kpi.category, None) if kpi.category else None
        text = _text(tile)
        if kpi.measure == "rows":
            assert not re.search(r"of [\d,]", text) and "amber" not in text
            continue
        assert kpi_target(kpi) in text
        assert re.search(r"of [\d,]+ \w", text), text
        if figure is not None:
            assert f"of {figure.out_of:,} checks" in text
    decisions = next(tile for tile in tiles if "Decisions within 1 working day" in tile)
    timely = report.result("decision_date.timely")
    assert f"of {timely.checked:,} decisions" in _text(decisions) and "target 90%, amber from 75%" in decisions
    bridgend = _text(page.split('id="team-1"', 1)[1].split("</table>", 1)[0])
    assert "Decisions within 1 working day" in bridgend and "target 90%, amber from 75%" in bridgend
    assert re.search(r"of [\d,]+ decisions", bridgend)


def test_every_heatmap_cell_shows_its_checks_and_status_and_the_legend_its_bands(report: Report, page: str) -> None:
    heat = page.split('<table class="heat">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="rate (\w+)">(.*?)</td>', heat)
    assert len(cells) == len(report.teams) * len(report.categories())
    words = {"green": "on target", "amber": "near target", "red": "off target"}
    for rag, cell in cells:
        assert re.fullmatch(r"[\d.]+%<small>of [\d,]+ checks</small><small>" + words[rag] + "</small>", cell), cell
    legend = _text(page.split('<table class="heat">', 1)[1].split("</section>", 1)[0])
    assert "timeliness: target 90%, amber from 75%" in legend
    assert "completeness, validity, plausibility, integrity, oversight, quality: target 95%, amber from 85%" in legend


def test_the_terminal_colours_a_category_by_the_same_bands_as_the_page(report: Report) -> None:
    """Bridgend's timeliness (90.6%) is on target against timeliness's own 90%; the terminal said amber."""
    figure = category_figure(report, "timeliness", "Bridgend")
    assert figure.text == "90.6%" and figure.rag == "green"
    bridgend = next(line for line in render_terminal(report, None, color=True).splitlines()
                    if line.lstrip().startswith("Bridgend"))
    assert re.search(r"\x1b\[32m +90\.6%\x1b\[0m", bridgend), repr(bridgend)


def test_team_names_link_to_their_sections_which_link_to_their_worklist_and_back(report: Report, page: str) -> None:
    ids = set(re.findall(r' id="([^"]+)"', page))
    heat = page.split('<table class="heat">', 1)[1].split("</table>", 1)[0]
    links = re.findall(r'<th scope="row"><a href="#([^"]+)">([^<]+)</a>', heat)
    assert [unescape(name) for _, name in links] == [team_label(team) for team in report.teams]
    stems = safe_file_names(report.teams)
    for (anchor, _), team in zip(links, report.teams, strict=True):
        assert anchor in ids
        section = page.split(f'<h2 id="{anchor}">', 1)[1].split("</section>", 1)[0]
        assert f'href="worklists/{stems[team]}.csv"' in section and 'href="#top"' in section
    contents = page.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    assert {target for target in re.findall(r'href="#([^"]+)"', contents)} == {"headline", "heat", *ids - {
        "top", "headline", "heat"}}


def test_a_first_run_has_no_empty_trend_columns_and_a_later_run_has_them(report: Report, page: str) -> None:
    assert "Since last run</th>" not in page and ">Trend</th>" not in page
    later = render_html(ScorecardInputs(report=report, teams=report.teams, compared=True), MADE_AT)
    assert later.count("Since last run</th>") == len(report.teams)


def test_without_warnings_nothing_says_partial_data(report: Report, page: str) -> None:
    inputs = ScorecardInputs(report=report, teams=report.teams)
    assert inputs.warnings == ()
    assert "partial data" not in page and "partial data" not in render_markdown(inputs)


def test_a_readability_warning_is_a_banner_and_marks_the_kpis_resting_on_that_field(report: Report) -> None:
    ethnicity = ReadabilityWarning(field="ethnicity", column="Ethnicity", kind="code", share=0.6,
                                   message="Ethnicity: 60% of values are not in its code list")
    inputs = ScorecardInputs(report=report, teams=report.teams, warnings=(WARNING, ethnicity))
    page = render_html(inputs, MADE_AT)
    banner = page.split('<section class="warnings"', 1)[1].split("</section>", 1)[0]
    assert "&lt;b&gt;(written like 99.99.9999)&lt;/b&gt;" in banner and "<b>" not in banner
    assert page.index('class="warnings"') < page.index('id="headline"')
    tiles = _tiles(page)
    marked = {re.search(r'<h3 class="label">(.*?)</h3>', tile).group(1)  # type: ignore[union-attr]
              for tile in tiles if "rests on partial data" in tile}
    # NOTE: decision_date feeds two KPIs' rules; ethnicity a completeness rule, so the Completeness KPI
    assert marked == {"Decisions within 1 working day", "Decisions overdue now", "Completeness"}
    assert inputs.partial(report.schema.scorecard.kpis[0]) is False  # the count of records rests on no field

    summary = render_markdown(inputs)
    assert "## Some figures rest on partial data" in summary and "\\<b\\>" not in summary
    assert "&lt;b&gt;" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| Decisions within 1 working day"))
    assert "rests on partial data" in row

    book = openpyxl.load_workbook(io.BytesIO(b"".join(render_xlsx(inputs, team_worklists(report, report.teams)))))
    sheet = book["Summary"]
    assert str(sheet["A3"].value).startswith("Rests on partial data: Decision date: 80% of values")
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert "rests on partial data" in str(rows["Decisions within 1 working day"][2])
    assert "partial" not in str(rows["Referral reasons sufficient"][2])


def test_the_workbook_summary_shows_bases_targets_and_bands(report: Report) -> None:
    inputs = ScorecardInputs(report=report, teams=report.teams)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(render_xlsx(inputs, team_worklists(report, report.teams)))))
    sheet = book["Summary"]
    assert [cell.value for cell in sheet[4]][:7] == ["Figure", "Value", "Status", "Since last run", "Out of",
                                                     "Of what", "Target"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    timely = report.result("decision_date.timely")
    assert rows["Decisions within 1 working day"][4:7] == (timely.checked, "decisions", "target 90%, amber from 75%")
    categories = report.categories()
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Team")
    assert list(header[2:]) == [*categories, *(f"{category} checks" for category in categories)]
    bridgend = rows["Bridgend"]
    for offset, category in enumerate(categories):
        figure = category_figure(report, category, "Bridgend")
        assert bridgend[2 + offset] == pytest.approx(figure.value)
        assert bridgend[2 + len(categories) + offset] == figure.out_of
    timeliness = 2 + categories.index("timeliness")
    assert rows["On target from"][timeliness] == pytest.approx(0.9)
    assert rows["Amber from"][timeliness] == pytest.approx(0.75)


def test_a_warning_of_an_unknown_field_marks_nothing(report: Report) -> None:
    stray = dataclasses.replace(WARNING, field="no_such_field")
    inputs = ScorecardInputs(report=report, teams=report.teams, warnings=(stray,))
    assert not any(inputs.partial(kpi) for kpi in report.schema.scorecard.kpis)


def test_one_of_anything_reads_in_the_singular() -> None:
    from refcheck.checks.synthetic.sample import generate

    report = validate(generate(1, seed=3, as_of=SAMPLE_AS_OF), as_of=SAMPLE_AS_OF, findings=True, measures=True)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    page = _text(render_html(inputs, MADE_AT))
    assert "1 record · 1 team" in page and "1 records" not in page and "1 teams" not in page
    assert "As of 2026-11-20 · 1 record checked · 1 team" in render_markdown(inputs)
    terminal = render_terminal(report, None)
    assert "1 row checked of 1 read" in terminal and " 1 teams" not in terminal
    assert re.search(r"\bof 1 (record|decision)\b", page) and not re.search(r"\bof 1 (records|decisions)\b", page)


def test_a_count_that_rests_on_no_records_says_nothing_checked_not_on_target(tmp_path: Path) -> None:
    """With decision_date not collected, "Decisions overdue now" counted 0 of 0 and showed green "on target"."""
    schema = tmp_path / "schema.yaml"
    schema.write_text("name: no-decisions\nextends: wales-referral\nfields:\n  decision_date: {collected: false}\n")
    report = validate(SAMPLE, schema, as_of=SAMPLE_AS_OF, findings=True, measures=True)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    overdue = next(kpi for kpi in report.schema.scorecard.kpis if kpi.label == "Decisions overdue now")
    for team in (None, report.teams[0]):
        figure = inputs.figure(overdue, team)
        assert (figure.rag, figure.out_of, figure.text) == (None, 0, "–")
        assert kpi_status(overdue, figure) == "nothing checked"
    page = render_html(inputs, MADE_AT)
    tile = next(tile for tile in _tiles(page) if "Decisions overdue now" in tile)
    assert "nothing checked" in _text(tile) and "green" not in tile and "on target" not in _text(tile)
    section = page.split('id="team-1"', 1)[1].split("</table>", 1)[0]
    row = section.split("Decisions overdue now", 1)[1].split("</tr>", 1)[0]
    assert "nothing checked" in row and "green" not in row
    summary = next(line for line in render_markdown(inputs).splitlines() if line.startswith("| Decisions overdue"))
    assert "| nothing checked |" in summary and "on target" not in summary
    book = openpyxl.load_workbook(io.BytesIO(b"".join(render_xlsx(inputs, team_worklists(report, report.teams)))))
    rows = {row[0].value: row for row in book["Summary"].iter_rows() if row[0].value}
    status = rows["Decisions overdue now"][2]
    assert status.value == "nothing checked" and status.fill.fgColor.rgb in (None, "00000000")
