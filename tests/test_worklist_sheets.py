"""Worklists a worker can act on: readable headers, a titled sheet that prints with its team, and a cut said so."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from refcheck.checks import validate
from refcheck.cli import cli
from refcheck.cli.exit_codes import ExitCode
from refcheck.reports.excel_text import sheet_names
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists, worklist_files
from refcheck.reports.xlsx import render_xlsx
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_sheet_xml import MAIN, page_sections

HEADERS = ["Record", "Line", "Worker", "Rule", "Category", "Severity", "What is wrong", "How to put it right",
           "Working days"]
HOSTILE_TEAMS = ['&P &Bold "=1+1"', '=HYPERLINK("x")']


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scorecard of the sample with two teams named to be obeyed, and a record with a blank id in each."""
    folder = tmp_path_factory.mktemp("hostile")
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(400).with_columns(
        team=pl.Series([HOSTILE_TEAMS[n % 2] for n in range(400)]),
        referral_id=pl.when(pl.int_range(pl.len()).is_in([10, 11])).then(None).otherwise(pl.col("referral_id")))
    frame.write_csv(folder / "extract.csv")
    result = CliRunner().invoke(cli, ["scorecard", str(folder / "extract.csv"), "--out", str(folder / "out"),
                                      "--no-history", "--as-of", SAMPLE_AS_OF.isoformat(),
                                      "--include-columns", "postcode"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "out"


def test_worklist_csvs_are_headed_for_people_and_find_a_blank_id_by_its_line(hostile_out: Path) -> None:
    for team, path in worklist_files(HOSTILE_TEAMS).items():
        rows = pl.read_csv(hostile_out / path, infer_schema=False)
        assert rows.columns == ["Team", *HEADERS, "postcode"]
        blank = rows.filter(pl.col("Record").is_null() & (pl.col("Rule") == "referral_id.required"))
        # NOTE: records 10 and 11 (lines 12 and 13: the header is line 1) were given no id; one is each team's
        assert str(12 + HOSTILE_TEAMS.index(team)) in blank["Line"].to_list()
        assert rows["Line"].null_count() == 0 and rows["Line"].str.contains(r"^\d+$").all()


def test_each_worklist_sheet_has_a_title_row_and_prints_with_its_team_and_page_number(hostile_out: Path) -> None:
    book = openpyxl.load_workbook(hostile_out / "scorecard.xlsx")
    names = sheet_names(HOSTILE_TEAMS)
    for team in HOSTILE_TEAMS:
        sheet = book[names[team]]
        title, header = (list(row) for row in sheet.iter_rows(max_row=2, values_only=True))
        assert title[0] == ("'" if team.startswith("=") else "") + f"{team} · wales-referral v1 · as of 2026-11-20"
        assert header == [*HEADERS, "postcode"]
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    with zipfile.ZipFile(hostile_out / "scorecard.xlsx") as archive:
        xml = {name: archive.read(name).decode() for name in archive.namelist() if "worksheets/sheet" in name}
    for position, team in enumerate(HOSTILE_TEAMS, start=2):
        tree = ElementTree.fromstring(xml[f"xl/worksheets/sheet{position}.xml"])
        header = page_sections(tree.findtext(f"{MAIN}headerFooter/{MAIN}oddHeader", ""))
        assert header == {"L": team, "C": "", "R": "wales-referral · as of 2026-11-20"}
        footer = page_sections(tree.findtext(f"{MAIN}headerFooter/{MAIN}oddFooter", ""))
        assert footer["C"] == "Page {P} of {N}"


def test_a_column_named_as_a_worklist_header_cannot_be_included(tmp_path: Path, invoke: Invoke) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(50).with_columns(Record=pl.lit("x"))
    frame.write_csv(tmp_path / "extract.csv")
    result = invoke("scorecard", tmp_path / "extract.csv", "--out", tmp_path / "out", "--no-history",
                    "--include-columns", "postcode,Record")
    assert result.exit_code == ExitCode.USAGE
    assert "'Record': a worklist has a column of that name already" in result.stderr


def test_a_worklist_longer_than_its_sheet_says_how_many_rows_were_left_out_and_where_they_are() -> None:
    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True)
    worklists = team_worklists(report, report.teams)
    heights = sorted({frame.height for frame in worklists.values()})
    assert len(heights) > 2
    fits = heights[1]
    max_rows = fits + 2  # NOTE: title and header; that team's worklist just fits, longer ones are cut
    inputs = ScorecardInputs(report=report, teams=report.teams)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(render_xlsx(inputs, worklists, max_rows=max_rows))))
    names = sheet_names(list(report.teams))
    files = worklist_files(report.teams)
    for team in report.teams:
        sheet = book[names[team]]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        height = worklists[team].height
        assert len(rows) <= max_rows
        if height <= fits:
            assert rows[1][:2] == HEADERS[:2] and len(rows) == 2 + height
            assert [row[3] for row in rows[2:]] == worklists[team]["rule_id"].to_list()
            continue
        kept = max_rows - 3
        left_out = height - kept
        assert rows[1][0] == (f"This sheet holds the {kept:,} most urgent rows; {left_out:,} "
                              f"row{'s' if left_out > 1 else ''} more did not fit in an Excel sheet: "
                              f"{files[team]} holds them all")
        assert rows[2][:2] == HEADERS[:2] and len(rows) == max_rows
        assert [row[3] for row in rows[3:]] == worklists[team]["rule_id"].head(kept).to_list()
        assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert any(frame.height > fits for frame in worklists.values())
    assert f"hold their first {max_rows - 3:,} rows; worklists/*.csv hold all" in str(book["Summary"]["A2"].value)
