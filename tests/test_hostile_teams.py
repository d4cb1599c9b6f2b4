"""Every output stays well-formed and inert whatever a team is called (issue 25, classes 9, 10 and 15).

One extract whose team column holds control characters, terminal escape sequences, GitHub workflow
commands, newlines, emoji, bidi overrides, a name in NFC and NFD, a literal ``(no team)`` beside blank
teams, characters XML forbids and a 40,000-character name goes through ``check`` (captured stdout, a
pty with colour, ``--json``, ``--junit``) and ``scorecard`` (page, workbook, summary.md).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pty
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from refcheck.checks import validate
from refcheck.checks.report import team_label
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import cli
from refcheck.reports.excel_text import fit_cell, fit_cells, sheet_names
from refcheck.reports.html import render_html
from refcheck.reports.markdown import render_markdown
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists
from refcheck.reports.xlsx import render_xlsx
from tests.conftest import SAMPLE_AS_OF

NFC = unicodedata.normalize("NFC", "Ynys Môn")
NFD = unicodedata.normalize("NFD", "Ynys Môn")
LONG = "L" * 40_000
HOSTILE = [
    "Ctrl\x01\x02\x08\x0b\x0c\x1f\x7fEnd",
    "\x1b]0;pwned\x07Title",
    "\x1b[31mRed\x1b[0m",
    "::error::x",
    "##[error]old style",
    "Line1\n::warning::y",
    "Carriage\rReturn",
    "C1 \x85next \x9b31m",
    "RTL \u202egnp.exe\u202c and \u2066iso\u2069",
    "Non\ufffechar\uffff",
    "🦄 Emoji team whose name runs past thirty-one units 🦄 one",
    "🦄 Emoji team whose name runs past thirty-one units 🦄 two",
    "Sheet[1]:*?/\\",
    "'quoted'",
    "summary",
    "`code` | pipe *bold* [link](http://example.org) @someone",
    NFC,
    NFD,
    "(no team)",
    LONG,
]
BLANKS = ["", "   "]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
"""Characters no output may hold raw (newline, tab and the ANSI colours of a terminal aside)."""
COMMAND = re.compile(r"^[^\S\n]*(::|##\w*\[)", re.MULTILINE)
"""A line a CI runner would take as a workflow command."""
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TRUNCATED = "… [truncated]"


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's records, with the hostile names and the blanks as their teams in turn."""
    frame = generate(600, seed=3, as_of=SAMPLE_AS_OF)
    names = HOSTILE + BLANKS
    teams = [names[i % len(names)] for i in range(frame.height)]
    frame = frame.with_columns(team=pl.Series(teams), referral_reason=pl.lit("Long reason " + LONG))
    path = tmp_path_factory.mktemp("hostile") / "extract.csv"
    frame.write_csv(path)
    return path


def _rows_with(team: str) -> int:
    names = HOSTILE + BLANKS
    return sum(1 for i in range(600) if names[i % len(names)] == team)


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def _inert(text: str) -> None:
    """No raw control character and no line a CI runner would run."""
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    assert not COMMAND.search(text), repr(COMMAND.search(text))


def test_terminal_summary_shows_control_characters_escaped_and_runs_no_workflow_command(extract: Path) -> None:
    result = _run("check", extract, "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code == 1, result.stderr
    _inert(result.stdout)
    assert "\\x1b]0;pwned\\x07Title" in result.stdout
    assert "RTL \\u202egnp.exe\\u202c" in result.stdout


def test_terminal_with_colour_on_a_pty_holds_only_its_own_escape_sequences(extract: Path) -> None:
    primary, secondary = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"} | {"TERM": "xterm"}
    process = subprocess.Popen([str(Path(sys.executable).parent / "refcheck"), "check", str(extract),
                                "--as-of", SAMPLE_AS_OF.isoformat()], stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=120) == 1
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert "\x1b[" in text  # colour is on
    _inert(re.sub(r"\x1b\[[0-9;]*m", "", text))


def test_json_report_merges_nfc_variants_and_keeps_a_literal_no_team_apart(extract: Path, tmp_path: Path) -> None:
    result = _run("check", extract, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", tmp_path / "report.json")
    assert result.exit_code == 1, result.stderr
    text = (tmp_path / "report.json").read_text()
    _inert(text)
    teams = json.loads(text)["teams"]
    rows = {team["team"]: team["rows"] for team in teams if team["team"] != "(no team)"}
    assert rows[NFC] == _rows_with(NFC) + _rows_with(NFD)
    assert NFD not in rows
    no_team = [team["rows"] for team in teams if team["team"] == "(no team)"]
    assert no_team == [_rows_with("(no team)"), sum(_rows_with(blank) for blank in BLANKS)]  # blanks last
    assert "\x1b]0;pwned\x07Title" in rows  # the JSON keeps each name exactly, JSON-escaped
    assert len(teams) == len(HOSTILE)  # NFD merged into NFC, blanks into one


def test_junit_is_well_formed_and_inert(extract: Path, tmp_path: Path) -> None:
    result = _run("check", extract, "--as-of", SAMPLE_AS_OF.isoformat(), "--junit", tmp_path / "junit.xml")
    assert result.exit_code == 1, result.stderr
    text = (tmp_path / "junit.xml").read_text()
    ET.fromstring(text.encode("utf-8"))
    _inert(text)
    assert "\\x1b]0;pwned\\x07Title" in text


@pytest.fixture(scope="module")
def scorecard(extract: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scorecard of the extract, with --include-columns referral_reason (40,000 characters a row).

    NOTE: the 40,000-character team is cut to 100 characters here, for the worklist's file name
    (issue 25's class 11 names worklist files by a slug and a hash); the workbook test below takes it whole.
    """
    folder = tmp_path_factory.mktemp("scorecard")
    frame = pl.read_csv(extract, infer_schema=False).with_columns(pl.col("team").str.replace(LONG, LONG[:100]))
    frame.write_csv(folder / "extract.csv")
    out = folder / "out"
    result = _run("scorecard", folder / "extract.csv", "--out", out, "--as-of", SAMPLE_AS_OF.isoformat(),
                  "--no-history", "--include-columns", "referral_reason")
    assert result.exit_code == 0, result.stderr
    _inert(result.stdout)
    return out


def test_scorecard_page_is_inert_html(scorecard: Path) -> None:
    text = (scorecard / "index.html").read_text()
    _inert(text)
    parser = HTMLParser()
    parser.feed(text)
    parser.close()
    assert "\\x1b]0;pwned\\x07Title" in text
    assert "<script" not in text.lower()


def test_summary_markdown_is_inert_and_each_team_is_one_table_row(scorecard: Path) -> None:
    text = (scorecard / "summary.md").read_text()
    _inert(text)
    table = text.split("\n## Pass rate by team and category\n")[1].split("\n## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    header_cells = len(re.split(r"(?<!\\)\|", rows[0]))
    assert len(rows) == 2 + len(HOSTILE)  # header, rule, one per team (NFD merged, blanks one)
    assert all(len(re.split(r"(?<!\\)\|", row)) == header_cells for row in rows)
    assert "\\`code\\`" in text and "\\[link\\]" in text


def test_workbook_parts_are_well_formed_and_sheet_names_valid_and_distinct(scorecard: Path) -> None:
    path = scorecard / "scorecard.xlsx"
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))
    book = openpyxl.load_workbook(path, read_only=True)
    names = book.sheetnames
    assert len(names) == 1 + len(HOSTILE)
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert 0 < len(name.encode("utf-16-le")) // 2 <= 31, name
        assert not re.search(r"[\[\]:*?/\\]", name) and not name.startswith("'") and not name.endswith("'"), name
        assert not CONTROL.search(name), repr(name)


def test_workbook_cells_over_excels_limit_are_truncated_with_a_marker(scorecard: Path) -> None:
    book = openpyxl.load_workbook(scorecard / "scorecard.xlsx", read_only=True)
    long_cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert len(value.encode("utf-16-le")) // 2 <= 32_767
                    assert not NOT_XML.search(value), repr(value[:40])
                    if value.endswith(TRUNCATED):
                        long_cells.append(value)
    assert long_cells and all(value.startswith("Long reason ") for value in long_cells)


def test_a_team_name_over_excels_limit_is_cut_in_the_summary_and_names_a_valid_sheet() -> None:
    frame = generate(60, seed=4, as_of=SAMPLE_AS_OF).with_columns(
        team=pl.Series(["🦄" + LONG, "Bridgend", ""] * 20))
    report = validate(frame, as_of=SAMPLE_AS_OF, findings=True)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    workbook = b"".join(render_xlsx(inputs, team_worklists(report, report.teams)))
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        for name in archive.namelist():
            ET.fromstring(archive.read(name))
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    assert book.sheetnames == ["Summary", "Bridgend", "🦄" + "L" * 29, "(no team)"]
    cells = [value for row in book["Summary"].iter_rows(values_only=True) for value in row if isinstance(value, str)]
    [cut] = [value for value in cells if value.startswith("🦄")]
    assert cut == "🦄" + "L" * (32_767 - 2 - len(TRUNCATED)) + TRUNCATED


@pytest.mark.parametrize("teams", [
    HOSTILE,
    ["🦄" * 40, "🦄" * 41, "🦄" * 30 + "x"],
    ["a" * 40, "A" * 40, "a" * 31, "a" * 32],
    ["'", "''", "[]", "History", "Summary", " ", ""],
])
def test_sheet_names_are_always_valid_and_distinct(teams: list[str]) -> None:
    names = sheet_names(teams)
    assert list(names) == teams
    chosen = list(names.values())
    assert len({name.casefold() for name in [*chosen, "Summary"]}) == len(chosen) + 1
    for name in chosen:
        assert 0 < len(name.encode("utf-16-le")) // 2 <= 31, name
        assert not re.search(r"[\[\]:*?/\\]", name) and not name.startswith("'") and not name.endswith("'"), name
        assert not CONTROL.search(name) and name.casefold() != "history", repr(name)


def test_validate_merges_nfc_variants_and_keeps_a_literal_no_team_apart_from_blank_teams() -> None:
    frame = generate(40, seed=5, as_of=SAMPLE_AS_OF).with_columns(
        team=pl.Series([NFC, NFD, "(no team)", "", None] * 8, dtype=pl.String))
    report = validate(frame, as_of=SAMPLE_AS_OF)
    assert [team_label(team) for team in report.teams] == ["(no team)", NFC, "(no team)"]
    assert report.team_rows == (8, 16, 16)
    assert report.teams[0] == "(no team)" != report.teams[2]


def test_page_and_summary_show_a_hostile_team_name_escaped() -> None:
    frame = generate(20, seed=6, as_of=SAMPLE_AS_OF).with_columns(team=pl.lit("\x1b]0;pwned\x07 | `x` \u202e"))
    inputs = ScorecardInputs(report=(report := validate(frame, as_of=SAMPLE_AS_OF)), teams=report.teams)
    page = render_html(inputs, dt.datetime(2026, 11, 20, 9, 0))
    summary = render_markdown(inputs)
    _inert(page)
    _inert(summary)
    assert "\\x1b]0;pwned\\x07 | `x` \\u202e" in page
    assert "| \\\\x1b\\]0;pwned\\\\x07 \\| \\`x\\` \\\\u202e |" in summary


HOSTILE_SCHEMA = r'''
name: "council \e]0;pwned\a \u202eevil"
version: "3\n::error::version"
extends: wales-referral
fields:
  gender: {label: "Gen\nder ::error::label \x9b31m"}
rules:
  - id: decision_date.timely
    message: "Late\n::error file=x::pwned \e[2J \u2066"
    hint: "Fix it\r\n##[error]hint \x85"
'''


def test_text_from_a_councils_schema_reaches_no_output_raw(extract: Path, tmp_path: Path) -> None:
    schema = tmp_path / "council.yaml"
    schema.write_text(HOSTILE_SCHEMA)
    common = ["--schema", schema, "--as-of", SAMPLE_AS_OF.isoformat()]
    checked = _run("check", extract, *common, "--json", tmp_path / "r.json", "--junit", tmp_path / "j.xml")
    assert checked.exit_code == 1, checked.stderr
    out = tmp_path / "out"
    scored = _run("scorecard", extract.parent / "extract.csv", *common, "--out", out, "--no-history",
                  "--team", "summary")
    assert scored.exit_code == 0, scored.stderr
    ET.fromstring((tmp_path / "j.xml").read_bytes())
    with zipfile.ZipFile(out / "scorecard.xlsx") as archive:
        for name in archive.namelist():
            ET.fromstring(archive.read(name))
    for text in [checked.stdout, (tmp_path / "r.json").read_text(), (tmp_path / "j.xml").read_text(),
                 (out / "index.html").read_text(), (out / "summary.md").read_text(), scored.stdout]:
        _inert(text)
    assert "Late\\n::error file=x::pwned \\x1b[2J \\u2066" in (tmp_path / "j.xml").read_text()


@pytest.mark.parametrize("text", ["🦄" * 20_000, "a" + "🦄" * 16_383, "a" * 32_767, "a" * 32_768, "é" * 40_000])
def test_cells_are_cut_to_excels_limit_in_utf16_units_never_half_a_character(text: str) -> None:
    one = fit_cell(text)
    [column] = pl.DataFrame({"v": [text]}).select(fit_cells(pl.col("v")))["v"].to_list()
    for cut in (one, column):
        assert len(cut.encode("utf-16-le")) // 2 <= 32_767
        assert cut == text or (cut.endswith(TRUNCATED) and text.startswith(cut.removesuffix(TRUNCATED)))
    assert (one == text) == (len(text.encode("utf-16-le")) // 2 <= 32_767) == (column == text)
