"""The scorecard of a run of several record types: which record types it had, every record type's worklist rows."""

from __future__ import annotations

import csv
import json
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from refcheck.cli import cli
from tests.conftest import ROOT

FOLDER = ROOT / "sample_data"
AS_OF = "2026-03-02"
LABELS = {"referrals": "Referrals", "cp_plans": "Child protection plans", "cp_visits": "Child protection visits",
          "cp_reviews": "Child protection review conferences"}
KEYS = {"referrals": "referral_id", "cp_plans": "plan_id", "cp_visits": "visit_id", "cp_reviews": "review_id"}


def _scorecard(source: Path, out: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["scorecard", str(source), "--schema", "wales", "--out", str(out),
                                      "--as-of", AS_OF, "--no-history", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return out


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample folder's four record types."""
    return _scorecard(FOLDER, tmp_path_factory.mktemp("whole") / "out")


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Referrals and plans only: visits and reviews not supplied."""
    folder = tmp_path_factory.mktemp("partial")
    for name in ("referrals", "cp_plans"):
        shutil.copy(FOLDER / f"{name}.csv", folder / f"{name}.csv")
    return _scorecard(folder, folder / "out")


def _worklists(out: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((out / "worklists").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            rows += list(csv.DictReader(stream))
    return rows


def test_worklists_hold_every_record_types_records_each_named_by_its_record_type_and_key(whole: Path) -> None:
    rows = _worklists(whole)
    assert list(rows[0])[:3] == ["Team", "Record type", "Record"]
    by_label = {label: name for name, label in LABELS.items()}
    seen = {row["Record type"] for row in rows}
    assert seen == set(LABELS.values()), "every record type of the sample fails some rule"
    for label in seen:
        name = by_label[label]
        keys = set(pl.read_csv(FOLDER / f"{name}.csv", infer_schema=False)[KEYS[name]].drop_nulls().to_list())
        ids = {row["Record"] for row in rows if row["Record type"] == label and row["Record"]}
        assert ids and ids <= keys, f"{label}: a worklist row's record id is that record type's key"
        assert all(row["Rule"].startswith(f"{name}.") or name == "referrals" for row in rows
                   if row["Record type"] == label)


def test_a_worklist_is_errors_first(whole: Path) -> None:
    for path in (whole / "worklists").glob("*.csv"):
        severities = pl.read_csv(path, infer_schema=False)["Severity"].to_list()
        assert severities == sorted(severities, key=lambda severity: severity != "error")


def _report_json(out: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return loaded


def _text(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed, as a reader sees it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_page_says_which_record_types_were_read_and_which_were_not_supplied(partial: Path) -> None:
    sources = _report_json(partial)["sources"]
    page = _text((partial / "index.html").read_text(encoding="utf-8"))
    rows = {name: sources[name]["rows_read"] for name in ("referrals", "cp_plans")}
    assert (f"Record types: Referrals ({rows['referrals']:,} rows), "
            f"Child protection plans ({rows['cp_plans']:,} rows); "
            "not supplied: Child protection visits, Child protection review conferences") in page
    for name in ("cp_visits", "cp_reviews"):
        assert f"{LABELS[name]} not supplied: its {len(sources[name]['rules'])} rules were not run" in page
    assert f"Child protection plans {rows['cp_plans']:,} {rows['cp_plans']:,} 0" in page
    assert page.startswith("Records scorecard")


def test_the_page_lists_the_rules_not_run_of_the_record_types_read_with_their_reason(partial: Path) -> None:
    not_run = _report_json(partial)["sources"]["cp_plans"]["not_run"]
    assert not_run, "the plans' rules reading visits or reviews cannot run without them"
    page = _text((partial / "index.html").read_text(encoding="utf-8"))
    section = page[page.index("Rules not run"):]
    for rule_id, reason in not_run.items():
        assert rule_id in section and reason in section
    assert "cp_visits.visit_id.required" not in section, "a record type not supplied is counted, not listed"


def test_a_run_of_every_record_type_has_no_rules_not_run_and_counts_each_one(whole: Path) -> None:
    sources = _report_json(whole)["sources"]
    page = _text((whole / "index.html").read_text(encoding="utf-8"))
    assert "not supplied" not in page and "Rules not run" not in page
    for name, label in LABELS.items():
        rows = sources[name]["rows_read"]
        assert f"{label} {rows:,} {rows:,} 0" in page


def test_summary_md_says_which_record_types_were_read_and_the_rules_not_run(partial: Path) -> None:
    sources = _report_json(partial)["sources"]
    summary = (partial / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Records scorecard: wales v1\n")
    rows = sources["cp_plans"]["rows_read"]
    assert f"| Child protection plans | {rows:,} | {rows:,} | 0 |" in summary
    visits = len(sources["cp_visits"]["rules"])
    assert f"| Child protection visits | not supplied: its {visits} rules were not run | | |" in summary
    for rule_id, reason in sources["cp_plans"]["not_run"].items():
        line = next(line for line in summary.splitlines() if f"`{rule_id}`" in line)
        assert line.startswith(f"Not run ({reason.replace('_', chr(92) + '_')}): ")


def _sheet_rows(out: Path, name: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(out / "scorecard.xlsx", read_only=True)
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_the_workbooks_summary_says_which_record_types_were_read_and_the_rules_not_run(partial: Path) -> None:
    sources = _report_json(partial)["sources"]
    rows = _sheet_rows(partial, "Summary")
    assert rows[0][0] == "Records scorecard: wales v1"
    assert "not supplied: Child protection visits, Child protection review conferences" in rows[1][0]
    top = next(at for at, row in enumerate(rows) if row[0] == "Record types")
    assert rows[top + 1][:4] == ["Record type", "Rows read", "Checked", "Could not be read"]
    plans = sources["cp_plans"]["rows_read"]
    assert rows[top + 3][:4] == ["Child protection plans", plans, plans, 0]
    assert rows[top + 4][:2] == ["Child protection visits",
                                 f"not supplied: its {len(sources['cp_visits']['rules'])} rules were not run"]
    below = [row for row in rows[top:] if row[1] and str(row[1]).startswith("reads ")]
    assert {rule for row in below for rule in str(row[0]).split(", ")} == set(sources["cp_plans"]["not_run"])


def test_the_workbooks_worklist_sheets_name_each_rows_record_type(whole: Path) -> None:
    book = openpyxl.load_workbook(whole / "scorecard.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["Summary", "Due"]
    labels = set()
    for name in book.sheetnames[2:]:
        rows = [list(row) for row in book[name].iter_rows(values_only=True)]
        assert rows[1][:3] == ["Record type", "Record", "Line"]
        labels |= {row[0] for row in rows[2:]}
    assert labels == set(LABELS.values())


def _overdue_days(text: str) -> float:
    """``12 working days`` as days (a working day as 7/5 of one), as the worklist orders them; -1 when blank."""
    if not text:
        return -1
    count, unit = text.split(" ", 1)
    return int(count) * (7 / 5 if unit.startswith("working") else 1)


def test_worklists_show_the_last_visit_or_review_and_how_far_overdue_most_overdue_first(whole: Path) -> None:
    rows = _worklists(whole)
    assert list(rows[0])[-2:] == ["Last visit or review", "Overdue by"]
    overdue = [row for row in rows if row["Overdue by"]]
    assert overdue and {row["Overdue by"].split(" ", 1)[1] for row in overdue} <= {
        "working days", "working day", "days", "day"}
    assert any(row["Rule"] == "cp_plans.visits_timely" and row["Last visit or review"] for row in rows)
    for path in (whole / "worklists").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as stream:
            team = list(csv.DictReader(stream))
        for severity in ("error", "warning"):
            days = [_overdue_days(row["Overdue by"]) for row in team if row["Severity"] == severity]
            assert days == sorted(days, reverse=True), f"{path.name}: {severity}s most overdue first"


def test_a_run_of_one_record_type_writes_no_due_lists_and_its_worklists_as_before(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scorecard", str(FOLDER / "referrals.csv"), "--out", str(tmp_path / "out"),
                                      "--as-of", AS_OF, "--no-history"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert not (tmp_path / "out" / "due").exists()
    header = (tmp_path / "out" / "worklists" / "bridgend-8e040c.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "Team,Record,Line,Worker,Rule,Category,Severity,What is wrong,How to put it right,Working days"
    assert "Due in the next" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_each_team_has_a_due_list_file_soonest_first_and_the_page_links_it(whole: Path) -> None:
    files = sorted((whole / "due").glob("*.csv"))
    assert {path.name for path in files} == {path.name for path in (whole / "worklists").glob("*.csv")}
    page = (whole / "index.html").read_text(encoding="utf-8")
    items = 0
    for path in files:
        rows = pl.read_csv(path, infer_schema=False)
        assert rows.columns == ["Team", "Record type", "Record", "Line", "Worker", "Due", "Due date",
                                "Last visit or review", "Rule"]
        dates = rows["Due date"].to_list()
        assert dates == sorted(dates) and all(date >= AS_OF for date in dates)
        assert f'href="due/{path.name}"' in page
        items += rows.height
    due = next(line for line in (whole / "summary.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| Due in the next 5 working days |"))
    assert due.split(" | ")[1] == f"{items:,}", "the due KPI counts the rows of the due lists"


def test_the_child_protection_section_is_in_every_format_overall_and_per_team(whole: Path) -> None:
    summary = (whole / "summary.md").read_text(encoding="utf-8")
    section = summary[summary.index("## Child protection\n"):summary.index("## Pass rate by team")]
    assert "### Child protection by team" in section
    assert "| Plans open now | " in section and "no target" in section
    by_team = section[section.index("### Child protection by team"):].splitlines()
    teams = [line for line in by_team if line.startswith("| ") and not line.startswith(("| Team", "|---"))]
    assert len(teams) == len(list((whole / "worklists").glob("*.csv")))
    page = _text((whole / "index.html").read_text(encoding="utf-8"))
    assert "Child protection by team. Each cell: the figure, what it is out of, and its status." in page
    rows = _sheet_rows(whole, "Summary")
    top = next(at for at, row in enumerate(rows) if row[0] == "Child protection")
    assert rows[top + 1][:3] == ["Figure", "Value", "Status"]
    assert rows[top + 2][:3] == ["Plans open now", int(rows[top + 2][1]), "no target"]


def test_a_second_run_into_the_folder_replaces_the_due_lists_and_leaves_no_staging_folder(tmp_path: Path) -> None:
    """The due lists' folder was not refcheck's own: a second run left a staging folder holding them."""
    out = tmp_path / "out"
    _scorecard(FOLDER, out)
    _scorecard(FOLDER, out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]
    assert not [path.name for path in out.iterdir() if path.name.startswith(".refcheck-tmp-")]
    _scorecard(FOLDER, out, "--team", "Bridgend")
    assert [path.name for path in (out / "due").iterdir()] == ["bridgend-8e040c.csv"]
    assert [path.name for path in (out / "worklists").iterdir()] == ["bridgend-8e040c.csv"]


def test_the_command_says_which_record_types_it_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("referrals", "cp_plans"):
        shutil.copy(FOLDER / f"{name}.csv", folder / f"{name}.csv")
    result = CliRunner().invoke(cli, ["scorecard", str(folder), "--schema", "wales", "--out", str(tmp_path / "out"),
                                      "--as-of", AS_OF, "--no-history"], catch_exceptions=False)
    plans = pl.read_csv(FOLDER / "cp_plans.csv", infer_schema=False).height
    assert result.output.startswith(f"Record types: Referrals (5,000 rows), Child protection plans ({plans:,} rows); "
                                    "not supplied: Child protection visits, Child protection review conferences · "
                                    f"as of {AS_OF}; wrote ")


def test_a_team_named_due_keeps_its_sheet_and_the_due_sheet_takes_another_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("referrals", "cp_plans", "cp_visits", "cp_reviews"):
        text = (FOLDER / f"{name}.csv").read_text(encoding="utf-8")
        (folder / f"{name}.csv").write_text(text.replace(",Bridgend,", ",DUE,"), encoding="utf-8")
    out = _scorecard(folder, tmp_path / "out")
    names = openpyxl.load_workbook(out / "scorecard.xlsx", read_only=True).sheetnames
    assert names[:2] == ["Summary", "Due (2)"] and "DUE" in names
    due = _sheet_rows(out, "Due (2)")
    assert due[0][0].startswith("Due in the next 5 working days") and "DUE" in {row[0] for row in due[2:]}
