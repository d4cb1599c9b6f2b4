"""Worklist files: formula-safe however a value is padded, named by their team alone, stating their team."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks.report import NO_TEAM, NO_TEAM_LABEL
from refcheck.reports.files import safe_cell, safe_cells, safe_file_names
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke

PADDED_FORMULAS = ['  =HYPERLINK("http://x","y")', "\u00a0@SUM(A1)", "\u200b=1+1", "\ufeff-2+3", "\u3000+1",
                   " \t=cmd", "\x1f=1"]
BLANK_OR_INVISIBLE = "\\s\u00a0\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\x00-\x1f\x7f-\x9f"


def _starts_a_formula_once_trimmed(value: str) -> bool:
    return bool(re.match(f"^[{BLANK_OR_INVISIBLE}]*[=+\\-@]", value))


def test_a_value_padded_before_a_formula_is_quoted_by_cell_and_by_column_alike() -> None:
    values = [*PADDED_FORMULAS, "  plain", "\u00a0R1", "a = b", ""]
    by_column = pl.DataFrame({"v": values}).select(safe_cells(pl.col("v")).alias("v"))["v"].to_list()
    assert by_column == [safe_cell(value) for value in values]
    assert by_column[:len(PADDED_FORMULAS)] == ["'" + value for value in PADDED_FORMULAS]
    assert by_column[len(PADDED_FORMULAS):] == values[len(PADDED_FORMULAS):]


def test_included_columns_padded_before_a_formula_are_quoted_in_the_worklists(tmp_path: Path, invoke: Invoke) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(300)
    padded = pl.Series(PADDED_FORMULAS * (frame.height // len(PADDED_FORMULAS) + 1)).head(frame.height)
    frame.with_columns(child_id=padded, postcode=padded.reverse()).write_csv(tmp_path / "extract.csv")
    result = invoke("scorecard", tmp_path / "extract.csv", "--out", tmp_path / "out", "--no-history",
                    "--as-of", SAMPLE_AS_OF.isoformat(), "--include-columns", "child_id,postcode")
    assert result.exit_code == 0, result.output
    worklists = [pl.read_csv(path, infer_schema=False) for path in (tmp_path / "out" / "worklists").glob("*.csv")]
    cells = [value for rows in worklists for name in ("child_id", "postcode") for value in rows[name].to_list()]
    assert cells and not [cell for cell in cells if _starts_a_formula_once_trimmed(cell)]
    assert {cell.lstrip("'") for cell in cells} <= set(PADDED_FORMULAS)


def test_an_included_column_named_like_a_formula_is_quoted_in_the_worklist_header(tmp_path: Path,
                                                                                   invoke: Invoke) -> None:
    """The header of worklists/*.csv was written raw: a column named ``=HYPERLINK(...)`` ran in a spreadsheet."""
    named = '=HYPERLINK("http://x")'
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(300).with_columns(pl.col("child_id").alias(named))
    frame.write_csv(tmp_path / "extract.csv")
    _scorecard(invoke, tmp_path / "extract.csv", tmp_path / "out", "--include-columns", named)
    headers = [next(csv.reader(path.read_text(encoding="utf-8").splitlines()))
               for path in (tmp_path / "out" / "worklists").glob("*.csv")]
    assert headers and all(columns[-1] == "'" + named for columns in headers)
    assert not [name for columns in headers for name in columns if _starts_a_formula_once_trimmed(name)]


@pytest.mark.parametrize("value", PADDED_FORMULAS)
def test_trimming_a_quoted_value_leaves_it_quoted(value: str) -> None:
    assert not _starts_a_formula_once_trimmed(safe_cell(value).strip())


def test_a_team_keeps_its_file_name_whatever_other_teams_there_are() -> None:
    teams = ["Bridgend", "Ynys Môn", "(no team)", "Κέρκυρα", "con"]
    alone = {team: safe_file_names([team])[team] for team in teams}
    crowded = safe_file_names(["bridgend", "BRIDGEND", "Bridgend ", "Newport", *reversed(teams)])
    assert {team: crowded[team] for team in teams} == alone
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{6}", stem) for stem in crowded.values())
    assert alone["Bridgend"].startswith("bridgend-") and alone["Ynys Môn"].startswith("ynys-mon-")


def test_names_whose_short_hashes_collide_get_their_whole_hashes() -> None:
    seen: dict[str, str] = {}
    for number in range(1 << 20):
        name = "Bridgend " + format(number, "b").replace("0", "!").replace("1", ".")  # NOTE: one slug for all
        stem = safe_file_names([name])[name]
        if stem in seen:
            break
        seen[stem] = name
    first, second = seen[stem], name
    stems = safe_file_names([first, "Newport", second])
    assert len(set(stems.values())) == 3 and stems["Newport"] == safe_file_names(["Newport"])["Newport"]
    assert [len(stems[name].rsplit("-", 1)[1]) for name in (first, second)] == [32, 32]


def _scorecard(invoke: Invoke, extract: Path, out: Path, *args: str) -> dict[str, pl.DataFrame]:
    result = invoke("scorecard", extract, "--out", out, "--no-history", "--as-of", SAMPLE_AS_OF.isoformat(), *args)
    assert result.exit_code == 0, result.output
    return {path.name: pl.read_csv(path, infer_schema=False) for path in (out / "worklists").glob("*.csv")}


def test_worklists_are_named_by_their_team_alone_and_state_it(tmp_path: Path, invoke: Invoke) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    frame.write_csv(tmp_path / "tonight.csv")
    before = _scorecard(invoke, tmp_path / "tonight.csv", tmp_path / "out")
    newcomer = frame.with_columns(team=pl.when(pl.int_range(pl.len()) % 7 == 0).then(pl.lit("=bridgend"))
                                  .otherwise(pl.col("team")))
    newcomer.write_csv(tmp_path / "tomorrow.csv")
    after = _scorecard(invoke, tmp_path / "tomorrow.csv", tmp_path / "out")
    assert set(after) == set(before) | {f"{safe_file_names(['=bridgend'])['=bridgend']}.csv"}
    teams = {team["team"] for team in json.loads((tmp_path / "out" / "report.json").read_text())["teams"]}
    for name, rows in after.items():
        assert rows.columns[0] == "Team" and rows["Team"].n_unique() <= 1, name
        if rows.height:
            team = rows["Team"][0]
            shown = team[1:] if team.startswith("'=") else team  # NOTE: a team's name is formula-safe too
            key = NO_TEAM if shown == NO_TEAM_LABEL else shown
            assert shown in teams and name == f"{safe_file_names([key])[key]}.csv"


def test_worklists_of_teams_gone_are_removed_and_no_other_file_ever(tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    _scorecard(invoke, SAMPLE, out)
    theirs = [out / "notes.txt", out / "worklists" / "mine.csv", out / "worklists" / "bridgend.csv", tmp_path / "x"]
    for path in theirs:
        path.write_text("not refcheck's")
    manifest = out / ".refcheck-manifest.json"
    listed = json.loads(manifest.read_text())["files"]
    manifest.write_text(json.dumps({"files": [*listed, "../x", "notes.txt", "worklists/mine.csv", "/etc/hostname"]}))
    kept = _scorecard(invoke, SAMPLE, out, "--team", "Gwynedd")
    assert set(kept) == {f"{safe_file_names(['Gwynedd'])['Gwynedd']}.csv", "mine.csv", "bridgend.csv"}
    assert all(path.read_text() == "not refcheck's" for path in theirs)
    assert sorted(path.name for path in out.iterdir()) == [
        ".refcheck-manifest.json", "index.html", "notes.txt", "report.json", "scorecard.xlsx", "summary.md",
        "worklists"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "x"]  # NOTE: no staging folder left


def test_a_manifest_that_is_a_pipe_or_not_a_list_is_ignored_without_waiting(tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "out"
    _scorecard(invoke, SAMPLE, out, "--team", "Gwynedd")
    (out / "notes.txt").write_text("theirs")  # NOTE: a folder shared with a user's file: switched file by file
    manifest = out / ".refcheck-manifest.json"
    for hostile in ('{"files": 7}', '{"files": {"index.html": 1}}', "[", None):
        manifest.unlink()
        if hostile is None:
            os.mkfifo(manifest)
        else:
            manifest.write_text(hostile)
        _scorecard(invoke, SAMPLE, out, "--team", "Gwynedd")
        worklist = f"worklists/{safe_file_names(['Gwynedd'])['Gwynedd']}.csv"
        assert json.loads(manifest.read_text())["files"][-1] == worklist
    assert (out / "notes.txt").read_text() == "theirs"
