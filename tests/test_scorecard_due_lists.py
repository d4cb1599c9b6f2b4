"""Due lists as a team leader reads them: per team, soonest first, headed for people, inert; CSV, workbook, page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.reports.due_lists import due_files, team_due_lists, write_due_csv
from refcheck.reports.html import render_html
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists
from refcheck.reports.xlsx import render_xlsx
from tests.conftest import ROOT

AS_OF = dt.date(2026, 3, 2)
HOSTILE = "=HYPERLINK(\"http://x\")\x1b[31m\u202e"


@pytest.fixture(scope="module")
def report() -> Report:
    return validate(ROOT / "sample_data", "wales", as_of=AS_OF, findings=True, measures=True)


def _due(report: Report) -> pl.DataFrame:
    """A due list as the engine gives one: two teams' items, out of order, one record id hostile."""
    first, second = report.teams[0], report.teams[1]
    return pl.DataFrame({
        "team": [first, second, first, first],
        "record_type": ["cp_plans"] * 4,
        "record_id": ["P000001", "P000002", HOSTILE, "P000004"],
        "line": [2, 3, 4, 5],
        "worker": ["W1", "W2", None, "W4"],
        "rule_id": ["cp_plans.visits_timely", "cp_plans.visits_timely", "cp_plans.reviews_timely",
                    "cp_plans.visits_timely"],
        "item": ["Visit", "Visit", "Review conference", "Visit"],
        "due_date": [dt.date(2026, 3, 6), dt.date(2026, 3, 4), dt.date(2026, 3, 3), dt.date(2026, 3, 3)],
        "last": [dt.date(2026, 2, 20), dt.date(2026, 2, 18), None, dt.date(2026, 2, 17)],
    })


def _csv(frame: pl.DataFrame, team: str) -> list[dict[str, str]]:
    sink = io.BytesIO()
    write_due_csv(frame, team, sink)
    return list(csv.DictReader(io.StringIO(sink.getvalue().decode("utf-8"))))


def test_a_teams_due_list_is_soonest_first_headed_for_people_and_inert(report: Report) -> None:
    team = report.teams[0]
    dues = team_due_lists(_due(report), report.schema, report.teams)
    rows = _csv(dues[team], team)
    assert list(rows[0]) == ["Team", "Record type", "Record", "Line", "Worker", "Due", "Due date",
                             "Last visit or review", "Rule"]
    assert [row["Due date"] for row in rows] == ["2026-03-03", "2026-03-03", "2026-03-06"]
    assert [row["Line"] for row in rows] == ["4", "5", "2"], "one day's items by line"
    assert {row["Team"] for row in rows} == {team}
    assert {row["Record type"] for row in rows} == {"Child protection plans"}
    hostile = rows[0]["Record"]
    assert hostile.startswith("'=") and "\x1b" not in hostile and "\u202e" not in hostile
    assert rows[0]["Last visit or review"] == "" and rows[1]["Last visit or review"] == "2026-02-17"
    assert _csv(dues[report.teams[2]], report.teams[2]) == [], "a team with nothing due has an empty list"
    assert _csv(dues[team], "=Team\x1b[31m\u202e")[0]["Team"] == "'=Team[31m", "a team's name inert too"


def test_due_files_are_named_as_the_teams_worklists(report: Report) -> None:
    files = due_files(report.teams)
    assert all(path.startswith("due/") and path.endswith(".csv") for path in files.values())
    assert len(set(files.values())) == len(report.teams)


def _page_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_page_shows_each_teams_due_list_linked_to_its_file_or_says_nothing_is_due(report: Report) -> None:
    dues = team_due_lists(_due(report), report.schema, report.teams)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    html = render_html(inputs, dt.datetime(2026, 3, 2, 9, 0), dues)
    files = due_files(report.teams)
    for team in report.teams[:2]:
        assert f'<a href="{files[team]}">' in html
    text = _page_text(html)
    assert "Due in the next 5 working days: 3 items, soonest first; all of them as a CSV file" in text
    assert "2026-03-06 Visit Child protection plans P000001 2026-02-20 W1" in text
    assert "Due in the next 5 working days: 1 item, soonest first" in text
    assert text.count("Nothing due ( its CSV file is empty).") == len(report.teams) - 2
    assert "\x1b" not in html and "\u202e" not in html


def test_the_workbook_has_one_due_sheet_after_the_summary_team_by_team(report: Report, tmp_path: Path) -> None:
    dues = team_due_lists(_due(report), report.schema, report.teams)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    (tmp_path / "book.xlsx").write_bytes(b"".join(render_xlsx(inputs, team_worklists(report, report.teams),
                                                              dues=dues)))
    book = openpyxl.load_workbook(tmp_path / "book.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["Summary", "Due"]
    rows = [list(row) for row in book["Due"].iter_rows(values_only=True)]
    assert rows[0][0] == "Due in the next 5 working days · wales v1 · as of 2026-03-02"
    assert rows[1][:3] == ["Team", "Record type", "Record"]
    assert [(row[0], row[6]) for row in rows[2:]] == [
        (report.teams[0], "2026-03-03"), (report.teams[0], "2026-03-03"), (report.teams[0], "2026-03-06"),
        (report.teams[1], "2026-03-04")]
    team_sheet = [list(row) for row in book[report.teams[0]].iter_rows(values_only=True)]
    assert team_sheet[1][0] == "Record type", "the worklist sheets follow the Due sheet as before"


def test_a_due_sheet_with_nothing_due_says_so(report: Report, tmp_path: Path) -> None:
    dues = team_due_lists(_due(report).clear(), report.schema, report.teams)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    (tmp_path / "book.xlsx").write_bytes(b"".join(render_xlsx(inputs, team_worklists(report, report.teams),
                                                              dues=dues)))
    rows = [list(row) for row in openpyxl.load_workbook(tmp_path / "book.xlsx", read_only=True)["Due"].iter_rows(
        values_only=True)]
    assert rows[2][0] == "Nothing due"
