"""refcheck scorecard: every file, every team, escaped, self-contained, and counts that add up."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from markupsafe import escape

from refcheck.checks.report import NO_TEAM, NO_TEAM_LABEL
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import ExitCode
from refcheck.reports.files import safe_file_names
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_extract_errors import HEADER, ROW

EVIL_TEAM = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scorecard of the sample plus a team with a hostile name, without history."""
    from click.testing import CliRunner

    from refcheck.cli import cli

    folder = tmp_path_factory.mktemp("scorecard")
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    frame = frame.with_columns(
        team=pl.when(pl.int_range(0, pl.len()) % 50 == 0).then(pl.lit(EVIL_TEAM)).otherwise(pl.col("team")),
        referral_id=pl.when(pl.int_range(0, pl.len()) == 7).then(pl.lit("=HYPERLINK(1)"))
        .when(pl.int_range(0, pl.len()) == 8).then(pl.lit("R<&>\"1\x07"))
        .otherwise(pl.col("referral_id")),
        gender=pl.when(pl.int_range(0, pl.len()).is_in([7, 8])).then(pl.lit("X")).otherwise(pl.col("gender")),
    )
    frame.write_csv(folder / "extract.csv")
    result = CliRunner().invoke(cli, ["scorecard", str(folder / "extract.csv"), "--out", str(folder / "out"),
                                      "--as-of", SAMPLE_AS_OF.isoformat(), "--no-history"])
    assert result.exit_code == 0, result.output
    return folder / "out"


def _report(out: Path) -> dict:  # type: ignore[type-arg]
    report: dict = json.loads((out / "report.json").read_text())  # type: ignore[type-arg]
    return report


def _key(team: str) -> str:
    """A team's key (as worklists are named by it) from its name in the JSON report."""
    return NO_TEAM if team == NO_TEAM_LABEL else team


def _keys(teams: Iterable[str]) -> list[str]:
    return [_key(team) for team in teams]


def _failed_by_team(out: Path) -> dict[str, int]:
    totals: dict[str, int] = {}
    for rule in _report(out)["rules"]:
        for count in rule["by_team"]:
            totals[count["team"]] = totals.get(count["team"], 0) + count["failed"]
    return totals


def test_every_file_is_written(out: Path) -> None:
    teams = [team["team"] for team in _report(out)["teams"]]
    expected = {"index.html", "scorecard.xlsx", "summary.md", "report.json"}
    expected |= {f"worklists/{stem}.csv" for stem in safe_file_names(_keys(teams)).values()}
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == {*expected, ".refcheck-manifest.json"}
    assert set(json.loads((out / ".refcheck-manifest.json").read_text())["files"]) == expected
    assert (out / "worklists" / f"{safe_file_names([NO_TEAM])[NO_TEAM]}.csv").exists()


def test_worklist_rows_per_team_equal_the_failed_counts_in_the_json(out: Path) -> None:
    failed = _failed_by_team(out)
    stems = safe_file_names(_keys(failed))
    for team, total in failed.items():
        rows = pl.read_csv(out / "worklists" / f"{stems[_key(team)]}.csv", infer_schema=False)
        assert rows.height == total, team


def test_worklists_hold_no_personal_columns_and_no_formulas(out: Path) -> None:
    rows = pl.read_csv(out / "worklists" / f"{safe_file_names([EVIL_TEAM])[EVIL_TEAM]}.csv", infer_schema=False)
    assert rows.columns == ["Team", "Record", "Line", "Worker", "Rule", "Category", "Severity", "What is wrong",
                            "How to put it right", "Working days"]
    text = "\n".join((out / "worklists" / f"{safe_file_names([team])[team]}.csv").read_text()
                     for team in ("Bridgend", NO_TEAM))
    for path in (out / "worklists").iterdir():
        for line in path.read_text().splitlines()[1:]:
            assert not re.match(r'^"?[=+\-@\t\r]', line), line
    assert "'=HYPERLINK(1)" in "".join(p.read_text() for p in (out / "worklists").iterdir())
    assert "date_of_birth" not in text.split("\n")[0]


def test_worklists_are_sorted_errors_first_then_most_overdue(out: Path) -> None:
    rows = pl.read_csv(out / "worklists" / f"{safe_file_names(['Bridgend'])['Bridgend']}.csv", infer_schema=False)
    severities = rows["Severity"].to_list()
    assert severities == sorted(severities)  # "error" < "warning"
    warnings = rows.filter(pl.col("Severity") == "warning")["Working days"].cast(pl.Int64).drop_nulls().to_list()
    assert warnings == sorted(warnings, reverse=True)


def test_each_worklist_sheet_holds_its_worklist_csv_cell_for_cell(out: Path) -> None:
    book = openpyxl.load_workbook(out / "scorecard.xlsx")
    teams = [team["team"] for team in _report(out)["teams"]]
    sheets = dict(zip(teams, book.sheetnames[1:], strict=True))
    stems = safe_file_names(_keys(teams))
    for team in teams:
        csv = pl.read_csv(out / "worklists" / f"{stems[_key(team)]}.csv", infer_schema=False).drop("Team")
        rows = list(book[sheets[team]].iter_rows(values_only=True))
        assert list(rows[1]) == csv.columns  # NOTE: under the sheet's title row
        # XML cannot hold control characters: the sheet shows U+FFFD where the CSV has one
        numeric = ("Line", "Working days")
        expected = [tuple(None if v is None else int(v) if name in numeric else v.replace("\x07", "\ufffd")
                          for name, v in zip(csv.columns, row, strict=True)) for row in csv.iter_rows()]
        assert [tuple(row) for row in rows[2:]] == expected, team
    ids = [row[0] for sheet in book.worksheets[1:] for row in sheet.iter_rows(values_only=True)]
    assert "R<&>\"1\ufffd" in ids and "'=HYPERLINK(1)" in ids


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_shows_every_team_and_kpi_escaped_and_self_contained(out: Path) -> None:
    html = (out / "index.html").read_text()
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    for team in _report(out)["teams"]:
        assert team["team"] in text
    for kpi in load_schema().scorecard.kpis:
        assert kpi.label in text
    assert EVIL_TEAM not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert [tag for tag, _ in page.tags if tag == "script"] == []
    anchors = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    for tag, attrs in page.tags:
        for name in ("src", "action"):
            assert not attrs.get(name), (tag, attrs)
        link = attrs.get("href")
        if link:  # NOTE: a link goes to a place on the page or to a worklist beside it, never out
            assert link[1:] in anchors if link.startswith("#") else re.fullmatch(r"worklists/[a-z0-9-]+\.csv", link)
            assert link.startswith("#") or (out / link).is_file()
    assert not re.search(r"https?://|url\(|@import", html)


def test_each_team_section_counts_the_rows_of_its_worklist(out: Path) -> None:
    html = (out / "index.html").read_text()
    sections = dict(re.findall(r'<h2 id="team-\d+">(.*?)</h2>\s*<div class="meta">[\d,]+ records · ([\d,]+) problems',
                               html))
    teams = [team["team"] for team in _report(out)["teams"]]
    stems = {team: safe_file_names([_key(team)])[_key(team)] for team in teams}
    assert len(sections) == len(stems)
    for team, stem in stems.items():
        rows = pl.read_csv(out / "worklists" / f"{stem}.csv", infer_schema=False).height
        assert sections[str(escape(team))] == f"{rows:,}", team  # NOTE: escaped as Jinja escapes


def test_workbook_has_a_summary_and_a_worklist_sheet_per_team(out: Path) -> None:
    book = openpyxl.load_workbook(out / "scorecard.xlsx")
    failed = _failed_by_team(out)
    assert book.sheetnames[0] == "Summary"
    assert len(book.sheetnames) == 1 + len(failed)
    summary = book["Summary"]
    labels = [summary.cell(row=row, column=1).value for row in range(5, 5 + len(load_schema().scorecard.kpis))]
    assert labels == [kpi.label for kpi in load_schema().scorecard.kpis]
    assert summary.conditional_formatting
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref
        assert [cell.value for cell in sheet[2]][:4] == ["Record", "Line", "Worker", "Rule"]
    counts = sorted(book[name].max_row - 2 for name in book.sheetnames[1:])
    assert counts == sorted(failed.values())
    for name in book.sheetnames[1:]:
        for row in book[name].iter_rows(min_row=3, values_only=True):
            assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in row)


def test_summary_markdown_matches_its_golden_file(tmp_path: Path, invoke: Invoke,
                                                   golden: Callable[[str, str], None]) -> None:
    result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--as-of", SAMPLE_AS_OF.isoformat(), "--no-history")
    assert result.exit_code == 0, result.output
    golden("summary.md", (tmp_path / "summary.md").read_text())
    golden("worklist-bridgend.csv", (tmp_path / "worklists" / "bridgend-8e040c.csv").read_text())


def test_include_columns_adds_only_the_named_columns(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--as-of", SAMPLE_AS_OF.isoformat(), "--no-history",
                    "--include-columns", "child_id,date_of_birth", "--team", "Gwynedd")
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(tmp_path / "worklists" / "gwynedd-442862.csv", infer_schema=False)
    assert rows.columns[-2:] == ["child_id", "date_of_birth"]
    assert [p.name for p in (tmp_path / "worklists").iterdir()] == ["gwynedd-442862.csv"]


def test_rule_text_that_starts_a_formula_is_quoted_in_worklists_and_sheets(tmp_path: Path, invoke: Invoke) -> None:
    council = tmp_path / "council.yaml"
    council.write_text("name: council\nversion: 1\nextends: wales-referral\nrules:\n"
                       "  - id: gender.valid\n    message: \"=1+1 gender\"\n    hint: \"@call\"\n")
    result = invoke("scorecard", SAMPLE, "--schema", council, "--out", tmp_path / "out", "--no-history",
                    "--as-of", SAMPLE_AS_OF.isoformat(), "--team", "Bridgend")
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(tmp_path / "out" / "worklists" / "bridgend-8e040c.csv", infer_schema=False)
    gender = rows.filter(pl.col("Rule") == "gender.valid")
    assert gender.height > 0
    shown = gender.select("Category", "What is wrong", "How to put it right").rows()
    assert set(shown) == {("validity", "'=1+1 gender", "'@call")}
    sheet = openpyxl.load_workbook(tmp_path / "out" / "scorecard.xlsx")["Bridgend"]
    cells = {row[3:8] for row in sheet.iter_rows(min_row=3, values_only=True) if row[3] == "gender.valid"}
    assert cells == {("gender.valid", "validity", "error", "'=1+1 gender", "'@call")}


def test_unknown_team_and_unknown_column_are_clear_errors(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--no-history", "--team", "Atlantis")
    assert result.exit_code == ExitCode.USAGE
    assert "no team 'Atlantis' in the extract" in result.stderr
    result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--no-history", "--include-columns", "child_name")
    assert result.exit_code == ExitCode.BAD_EXTRACT
    assert result.stderr.splitlines() == [f"Error: {SAMPLE}: no column 'child_name' to include"]
    for name in ("team", "message", "line"):  # NOTE: an extract may well have columns of these names
        result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--no-history", "--include-columns", f"postcode,{name}")
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.splitlines()[-1] == (f"Error: Invalid value for '--include-columns': '{name}': a worklist "
                                                  "has a column of that name already")


def test_generated_worklists_never_show_sentinel_personal_values(tmp_path: Path, invoke: Invoke) -> None:
    frame = generate(300, seed=9, as_of=SAMPLE_AS_OF).with_columns(
        referral_reason=pl.lit("SENTINEL reason text"), postcode=pl.lit("SENTINEL"),
        date_of_birth=pl.lit("SENTINEL-DOB"), child_name=pl.lit("SENTINEL-NAME"))
    frame.write_csv(tmp_path / "extract.csv")
    result = invoke("scorecard", tmp_path / "extract.csv", "--out", tmp_path / "out", "--no-history",
                    "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file() and path.suffix != ".xlsx":
            assert "SENTINEL" not in path.read_text(), path.name
    book = openpyxl.load_workbook(tmp_path / "out" / "scorecard.xlsx")
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not any("SENTINEL" in str(value) for value in row if value is not None)


def test_column_letters_follow_excel() -> None:
    from refcheck.reports.sheet_xml import column_letters

    assert [column_letters(i) for i in (0, 7, 25, 26, 51, 701, 702)] == ["A", "H", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_a_worklist_longer_than_a_sheet_keeps_its_most_urgent_rows_and_says_so(tmp_path: Path) -> None:
    import io

    from refcheck.checks import validate
    from refcheck.reports.scorecard_inputs import ScorecardInputs
    from refcheck.reports.worklists import team_worklists
    from refcheck.reports.xlsx import render_xlsx

    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    worklists = team_worklists(report, report.teams)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(render_xlsx(inputs, worklists, max_rows=11))))
    for team, name in zip(report.teams, book.sheetnames[1:], strict=True):
        cut = worklists[team].height > 9  # NOTE: 11 rows: a title, a header and 9 rows, or 8 under a note saying so
        rows = [tuple(row) for row in book[name].iter_rows(min_row=4 if cut else 3, values_only=True)]
        assert len(rows) == (8 if cut else worklists[team].height)
        assert [row[3] for row in rows] == worklists[team]["rule_id"].head(len(rows)).to_list()
    assert "hold their first 8 rows; worklists/*.csv hold all" in str(book["Summary"]["A2"].value)


@pytest.mark.parametrize("days_apart", [40, 1 << 62], ids=["days within weeks", "days far apart"])
def test_team_worklists_sort_by_severity_then_days_then_line_then_rule_id(days_apart: int) -> None:
    import dataclasses
    import random

    from refcheck.checks import validate
    from refcheck.checks.engine import FINDINGS_SCHEMA
    from refcheck.reports.worklists import team_worklists

    report = validate(SAMPLE, as_of=SAMPLE_AS_OF)
    rules = {result.rule.id: result.rule for result in report.results}
    pick = random.Random(days_apart)
    # NOTE: as in findings, no (row, rule) pair twice, so that the order is fully determined
    failures = pick.sample([(row, rule) for row in range(2, 40) for rule in sorted(rules)], 400)
    rows = [
        {"line": row, "record_id": f"R{row}", "team": pick.choice(["North", "South", "Hidden"]), "worker": None,
         "rule_id": rule, "working_days": pick.choice([None, 0, 3, days_apart, -days_apart // 2])}
        for row, rule in failures
    ]
    findings = pl.DataFrame(rows, schema=FINDINGS_SCHEMA)
    worklists = team_worklists(dataclasses.replace(report, findings=findings), ["South", "North", "Empty", "North"])

    def urgency(row: dict[str, object]) -> tuple[object, ...]:
        days = row["working_days"]
        assert isinstance(days, int | None)
        return (-rules[str(row["rule_id"])].severity.rank, days is None, -(days or 0), row["line"], row["rule_id"])

    assert list(worklists) == ["South", "North", "Empty"]
    for team, frame in worklists.items():
        expected = sorted((row for row in rows if row["team"] == team), key=urgency)
        assert frame.select("record_id", "rule_id", "working_days").rows() == [
            (row["record_id"], row["rule_id"], row["working_days"]) for row in expected]
    assert worklists["Empty"].is_empty() and worklists["Empty"].columns == worklists["North"].columns


def test_team_no_team_selects_the_rows_with_a_blank_team(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("scorecard", SAMPLE, "--out", tmp_path, "--no-history", "--team", NO_TEAM_LABEL,
                    "--team", "Bridgend", "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    wanted = sorted(f"{stem}.csv" for stem in safe_file_names([NO_TEAM, "Bridgend"]).values())
    assert sorted(path.name for path in (tmp_path / "worklists").iterdir()) == wanted


def test_team_no_team_prefers_a_team_of_that_very_name(tmp_path: Path, invoke: Invoke) -> None:
    rows = [ROW.replace(",Alpha,", f",{team},", 1).replace("R1,", f"R{n},", 1)
            for n, team in enumerate(["(no team)", "", "Alpha"], start=1)]
    extract = tmp_path / "extract.csv"
    extract.write_text("\n".join([HEADER, *rows]) + "\n")
    result = invoke("scorecard", extract, "--out", tmp_path / "out", "--no-history", "--team", NO_TEAM_LABEL,
                    "--as-of", "2025-06-02")
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "out" / "worklists").iterdir()
    assert written.name == f"{safe_file_names([NO_TEAM_LABEL])[NO_TEAM_LABEL]}.csv"
