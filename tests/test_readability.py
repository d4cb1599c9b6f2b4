"""The readability guard: a field whose values mostly could not be read warns on every output, never quietly."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import polars as pl
import pytest
from markupsafe import escape

from refcheck.checks.readability import share_text
from refcheck.cli import ExitCode
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke

AS_OF = SAMPLE_AS_OF.isoformat()
DATES = ["date_of_birth", "expected_date_of_birth", "referral_received", "decision_date", "assessment_start",
         "assessment_completed", "assessment_authorised", "strategy_discussion", "icpc_date", "closure_date"]
DOTTED = [pl.col(name).str.replace(r"^(\d{4})-(\d{2})-(\d{2})", "$3.$2.$1")
          .str.replace(r"^(\d{2})/(\d{2})/(\d{4})", "$1.$2.$3") for name in DATES]
"""Every date of the sample written dd.mm.yyyy, a form refcheck reads only with a date_format."""
SEXES = {"1": "M", "2": "F", "0": "U", "9": "I"}
SENTINEL = "Zebediah Quillfeather"
MANY = 300
"""More distinct values than ``refcheck profile`` lists of a code column (200)."""


def _sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, infer_schema=False)


@pytest.fixture(scope="module")
def dotted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample with every date written dd.mm.yyyy and the date received under another header, and its mapping."""
    folder = tmp_path_factory.mktemp("dotted")
    extract, mapping = folder / "export.csv", folder / "mapping.yaml"
    _sample().with_columns(DOTTED).rename({"referral_received": "Date Received"}).write_csv(extract)
    mapping.write_text('fields:\n  referral_received: {column: "Date Received"}\n')
    return extract, mapping


def test_dates_in_an_unread_form_warn_on_the_terminal_and_in_the_json(dotted: tuple[Path, Path], invoke: Invoke,
                                                                      tmp_path: Path) -> None:
    extract, mapping = dotted
    result = invoke("check", extract, "--mapping", mapping, "--as-of", AS_OF, "--fail-on", "never",
                    "--json", tmp_path / "report.json")
    assert result.exit_code == ExitCode.PASSED  # a warning alone does not fail without --strict
    line = ('Warning: Referral received (column "Date Received"): 100% of values cannot be read '
            "(written like 99.99.9999 99:99) — add a date_format to the mapping")
    assert line in result.stdout.splitlines()
    assert result.stdout.index(line) < result.stdout.index("Failing rules")  # before the results
    assert result.stdout.splitlines()[-1] == ("PASSED (fail-on never; worst severity error) — but 10 fields could not "
                                              "be read well enough to trust; --strict fails on this")
    report = json.loads((tmp_path / "report.json").read_text())
    received = next(warning for warning in report["warnings"] if warning["field"] == "referral_received")
    assert received == {"field": "referral_received", "column": "Date Received", "kind": "unreadable", "share": 1.0,
                        "message": line.removeprefix("Warning: ")}
    assert {warning["field"] for warning in report["warnings"]} == set(DATES)
    assert report["passed"] is True and report["strict"] is False


def test_strict_makes_a_warning_fail_check_and_scorecard(dotted: tuple[Path, Path], invoke: Invoke,
                                                         tmp_path: Path) -> None:
    extract, mapping = dotted
    checked = invoke("check", extract, "--mapping", mapping, "--as-of", AS_OF, "--fail-on", "never", "--strict",
                     "--json", tmp_path / "report.json")
    assert checked.exit_code == ExitCode.FINDINGS
    assert "FAILED (fail-on never, strict): 10 fields could not be read well enough to trust" in checked.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["passed"] is False and report["strict"] is True
    scored = invoke("scorecard", extract, "--mapping", mapping, "--as-of", AS_OF, "--out", tmp_path / "out",
                    "--no-history", "--strict")
    assert scored.exit_code == ExitCode.FINDINGS
    assert "FAILED (fail-on never, strict)" in scored.stdout
    written = json.loads((tmp_path / "out" / "report.json").read_text())
    assert written["passed"] is False and written["strict"] is True


def test_the_scorecard_warns_on_the_terminal_and_marks_the_page_and_its_figures(dotted: tuple[Path, Path],
                                                                                invoke: Invoke, tmp_path: Path) -> None:
    extract, mapping = dotted
    out = tmp_path / "out"
    result = invoke("scorecard", extract, "--mapping", mapping, "--as-of", AS_OF, "--out", out, "--no-history")
    assert result.exit_code == ExitCode.PASSED
    assert 'Warning: Decision date (column "decision_date"): 100% of values cannot be read' in result.stdout
    page = (out / "index.html").read_text()
    assert "Some figures rest on partial data" in page
    assert "Referral received (column &#34;Date Received&#34;): 100% of values cannot be read" in page
    summary = (out / "summary.md").read_text()
    decisions = next(line for line in summary.splitlines() if "Decisions within 1 working day" in line)
    records = next(line for line in summary.splitlines() if "Records checked" in line)
    assert "rests on partial data" in decisions and "rests on partial data" not in records
    assert [warning["field"] for warning in json.loads((out / "report.json").read_text())["warnings"]] == [
        name for name in DATES]
    with zipfile.ZipFile(out / "scorecard.xlsx") as book:
        parts = "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert 'Rests on partial data: Referral received (column "Date Received"): 100% of values' in parts


def test_m_and_f_where_1_and_2_are_expected_warn_outside_codes(tmp_path: Path, invoke: Invoke) -> None:
    extract = tmp_path / "export.csv"
    frame = _sample().with_columns(pl.col("gender").replace(SEXES))
    frame.write_csv(extract)
    present = frame["gender"].str.strip_chars().replace("", None).drop_nulls()
    outside = present.filter(~present.is_in(list(SEXES)))
    result = invoke("check", extract, "--as-of", AS_OF, "--json", "-", "--fail-on", "never")
    [warning] = json.loads(result.stdout)["warnings"]
    share = outside.len() / present.len()
    assert warning == {"field": "gender", "column": "gender", "kind": "outside_codes", "share": round(share, 6),
                       "message": f'Gender (column "gender"): {share_text(share)} of values are outside its code list '
                                  "(written like A) — add values: to the mapping"}
    assert f"Warning: {warning['message']}" in result.stderr.splitlines()


def test_the_sample_reads_cleanly_and_warns_of_nothing(invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--as-of", AS_OF, "--strict", "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED
    assert "Warning" not in result.stdout


@pytest.mark.parametrize(("unreadable", "warns"), [(24, False), (25, False), (26, True)])
def test_a_field_warns_only_beyond_five_percent_of_its_present_values(tmp_path: Path, invoke: Invoke,
                                                                      unreadable: int, warns: bool) -> None:
    frame = _sample().head(500).with_columns(
        pl.when(pl.int_range(pl.len()) < unreadable).then(pl.lit("31.12.2024")).otherwise(pl.lit("2024-12-31"))
        .alias("closure_date"))
    frame.write_csv(tmp_path / "export.csv")
    report = json.loads(invoke("check", tmp_path / "export.csv", "--as-of", AS_OF, "--json", "-").stdout)
    assert [warning["field"] for warning in report["warnings"]] == (["closure_date"] if warns else [])
    if warns:
        assert "5.2% of values cannot be read" in report["warnings"][0]["message"]


def test_share_text_never_rounds_into_the_limit_or_to_all() -> None:
    assert [share_text(share) for share in (0.052, 0.8, 0.996, 1.0)] == ["5.2%", "80%", "99%", "100%"]


def test_no_warning_shows_a_value_that_is_not_a_code(tmp_path: Path, invoke: Invoke) -> None:
    names = [f"Name{number:04d}" for number in range(MANY)]  # code-like, but too many to be codes: names
    frame = _sample().head(MANY).with_columns(
        pl.lit(SENTINEL).alias("closure_date"), pl.Series("ethnicity", names), pl.lit(SENTINEL).alias("gender"))
    extract = tmp_path / "export.csv"
    frame.write_csv(extract)
    result = invoke("check", extract, "--as-of", AS_OF, "--json", tmp_path / "report.json", "--fail-on", "never")
    written = {warning["field"]: warning["message"] for warning in
               json.loads((tmp_path / "report.json").read_text())["warnings"]
               if warning["field"] in ("gender", "ethnicity", "closure_date")}
    assert written == {
        "gender": 'Gender (column "gender"): 100% of values are outside its code list (written like AAAAAAAA '
                  "AAAAAAAAAAAA) — add values: to the mapping",
        "ethnicity": 'Ethnicity (column "ethnicity"): 100% of values are outside its code list (written like '
                     "AAAA9999) — add values: to the mapping",
        "closure_date": 'Closure date (column "closure_date"): 100% of values cannot be read (written like '
                        "AAAAAAAA AAAAAAAAAAAA) — if such values mean blank, add them to null_tokens in the mapping",
    }
    out = tmp_path / "out"
    assert invoke("scorecard", extract, "--as-of", AS_OF, "--out", out, "--no-history").exit_code == 0
    shown = [result.stdout, (tmp_path / "report.json").read_text(),
             *(path.read_text() for path in out.iterdir() if path.suffix in (".html", ".md", ".json"))]
    with zipfile.ZipFile(out / "scorecard.xlsx") as book:
        shown += [book.read(name).decode() for name in book.namelist() if name.endswith(".xml")]
    for text in shown:
        assert SENTINEL not in text and "Quillfeather" not in text
        assert not re.search(r"Name\d{4}", text)


def test_no_warning_shows_a_surname_in_a_code_column_even_one_that_looks_like_a_code(tmp_path: Path,
                                                                                     invoke: Invoke) -> None:
    """A first small extract whose gender column holds surnames: few distinct, code-like, and never shown."""
    frame = _sample().head(150).with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("Quaxworth"))
        .otherwise(pl.format("Surname{}", pl.int_range(pl.len()))).alias("gender"))
    extract, out = tmp_path / "export.csv", tmp_path / "out"
    frame.write_csv(extract)
    result = invoke("scorecard", extract, "--as-of", AS_OF, "--out", out, "--no-history")
    [warning] = [warning for warning in json.loads((out / "report.json").read_text())["warnings"]
                 if warning["field"] == "gender"]
    assert warning["message"] == ('Gender (column "gender"): 100% of values are outside its code list (written like '
                                  "AAAAAAA99) — add values: to the mapping")
    assert f"Warning: {warning['message']}" in result.stdout.splitlines()
    shown = [result.stdout, result.stderr]
    shown += [path.read_text() for path in out.iterdir() if path.suffix in (".html", ".md", ".json")]
    with zipfile.ZipFile(out / "scorecard.xlsx") as book:
        shown += [book.read(name).decode() for name in book.namelist() if name.endswith(".xml")]
    for text in shown:
        assert "Quaxworth" not in text and not re.search(r"Surname\d", text)


def test_the_newcomer_path_gives_a_correct_scorecard_or_warns_loudly(tmp_path: Path, invoke: Invoke) -> None:
    """profile, init --from, scorecard on another system's export: never a quiet, healthy-looking page."""
    extract = tmp_path / "their-export.csv"
    _sample().with_columns(*DOTTED, pl.col("gender").replace(SEXES)).rename(
        {"referral_id": "Referral Ref", "child_id": "Person ID", "date_of_birth": "DOB", "team": "Team Name",
         "referral_received": "Contact Date", "decision_date": "Decision Date", "gender": "Sex"}).write_csv(extract)
    assert invoke("profile", extract).exit_code == ExitCode.PASSED
    folder = tmp_path / "council"
    assert invoke("init", "--from", extract, "--dir", folder).exit_code == ExitCode.PASSED
    out = tmp_path / "scorecard"
    result = invoke("scorecard", extract, "--schema", folder / "schema.yaml", "--mapping", folder / "mapping.yaml",
                    "--as-of", AS_OF, "--out", out, "--no-history")
    assert result.exit_code == ExitCode.PASSED, result.output
    report = json.loads((out / "report.json").read_text())
    page = (out / "index.html").read_text()
    warned = {warning["field"]: warning for warning in report["warnings"]}
    for rule in report["rules"]:
        field, kind = rule["field"], rule["kind"]
        if kind == "readable" and rule["pass_rate"] < 0.95 or kind == "code_list" and rule["pass_rate"] < 0.5:
            warning = warned[field]  # read badly: so it must say so, on the terminal, in the JSON and on the page
            assert f"Warning: {warning['message']}" in result.stdout
            assert str(escape(warning["message"])) in page
    if not warned:
        assert all(rule["pass_rate"] >= 0.95 for rule in report["rules"] if rule["kind"] == "readable")
    else:
        assert "Some figures rest on partial data" in page


def test_the_gx_engine_warns_from_its_counts_and_strict_fails(tmp_path: Path, invoke: Invoke) -> None:
    """Inside a database the shares come from the rules' counts; no form is shown, since the rows stay there."""
    path = tmp_path / "warehouse.db"
    frame = _sample().head(60).with_columns(DOTTED)
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name!r} TEXT' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})",
                       [tuple(value or None for value in row) for row in frame.rows()])
    result = invoke("check", "--engine", "gx", "--source", f"sqlite:///{path}", "--table", "referrals",
                    "--as-of", AS_OF, "--fail-on", "never", "--strict")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    # NOTE: GX refuses a mapping's date_format, so the advice is one a GX run can follow
    assert ('Warning: Referral received (column "referral_received"): 100% of values cannot be read — the GX engine '
            "reads only dates written YYYY-MM-DD or DD/MM/YYYY: store them so in the table, or check an export of it "
            "with a date_format in the mapping") in result.stdout.splitlines()


def _council(tmp_path: Path, readability: str) -> Path:
    schema = tmp_path / "council.yaml"
    schema.write_text(f"name: council\nextends: wales-referral\nreadability: {readability}\n")
    return schema


@pytest.mark.parametrize(("readability", "unreadable", "warns"), [
    ("{unreadable: 1%}", 24, True), ("{unreadable: 10%}", 26, False), ("{unreadable: 0.05}", 26, True),
])
def test_the_schema_sets_the_share_of_unreadable_values_that_warns(tmp_path: Path, invoke: Invoke, readability: str,
                                                                   unreadable: int, warns: bool) -> None:
    frame = _sample().head(500).with_columns(
        pl.when(pl.int_range(pl.len()) < unreadable).then(pl.lit("31.12.2024")).otherwise(pl.lit("2024-12-31"))
        .alias("closure_date"))
    frame.write_csv(tmp_path / "export.csv")
    report = json.loads(invoke("check", tmp_path / "export.csv", "--schema", _council(tmp_path, readability),
                               "--as-of", AS_OF, "--json", "-").stdout)
    assert ("closure_date" in [warning["field"] for warning in report["warnings"]]) is warns


def test_the_schema_sets_the_share_of_codes_outside_the_list_that_warns(tmp_path: Path, invoke: Invoke) -> None:
    _sample().with_columns(pl.col("gender").replace(SEXES)).write_csv(tmp_path / "export.csv")
    schema = _council(tmp_path, "{outside_codes: 100%}")
    report = json.loads(invoke("check", tmp_path / "export.csv", "--schema", schema, "--as-of", AS_OF,
                               "--json", "-").stdout)
    assert report["warnings"] == []
    shown = invoke("schema", "show", schema, "--resolved")
    assert shown.exit_code == 0 and "readability:\n  unreadable: 5%\n  outside_codes: 100%\n" in shown.stdout


@pytest.mark.parametrize(("readability", "problem"), [
    ("{unreadable: 5}", "readability.unreadable: '5' is not a share: write 5% or 0.05"),
    ("{outside: 50%}", "readability.outside: unknown key in readability (did you mean 'outside_codes'?)"),
])
def test_a_readability_limit_that_is_not_a_share_is_refused_at_its_line(tmp_path: Path, invoke: Invoke,
                                                                        readability: str, problem: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named relative to the current directory when under it
    schema = _council(tmp_path, readability)
    result = invoke("schema", "check", schema)
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.startswith(f"Error: council.yaml:3: {problem}")
