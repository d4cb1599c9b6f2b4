"""Rows that could not be read are in no figure, so beyond the schema's limit they warn on every output."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from markupsafe import escape

from refcheck.checks import validate
from refcheck.cli import ExitCode
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke

AS_OF = SAMPLE_AS_OF.isoformat()
ROWS_WARNING = ("400 of 2,000 rows could not be read (20%) — see --unreadable FILE; check the extract's encoding "
                "(--encoding)")


def _windows_1252(path: Path, every: int) -> Path:
    """The sample's first 2,000 rows in Windows-1252, every ``every``-th with an é, and one valid UTF-8 sequence.

    The UTF-8 sequence (a ’ in the second row) makes the file read as UTF-8, so each row with a
    Windows-1252 é cannot be read.
    """
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(2_000).with_row_index("index")
    told = pl.concat_str([pl.col("referral_reason"), pl.lit(" Renée said so.")], ignore_nulls=True)
    reason = (pl.when(pl.col("index") % every == 0).then(told)
              .when(pl.col("index") == 1).then(pl.col("referral_reason") + " QUOTE")
              .otherwise(pl.col("referral_reason")))
    text = frame.with_columns(reason.alias("referral_reason")).drop("index").write_csv()
    path.write_bytes(text.encode("cp1252").replace(b" QUOTE", " ’".encode(), 1))
    return path


@pytest.fixture(scope="module")
def one_in_five(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _windows_1252(tmp_path_factory.mktemp("cp1252") / "export.csv", 5)


def test_a_fifth_of_rows_unreadable_warns_and_strict_fails_the_scorecard(one_in_five: Path, invoke: Invoke,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "scorecard"
    result = invoke("scorecard", one_in_five, "--as-of", AS_OF, "--out", out, "--no-history", "--strict")
    assert result.exit_code == ExitCode.FINDINGS
    lines = result.stdout.splitlines()
    assert f"Warning: {ROWS_WARNING}" in lines
    assert lines[-1] == "FAILED (fail-on never, strict): too many rows could not be read"
    report = json.loads((out / "report.json").read_text())
    assert report["passed"] is False
    assert report["warnings"] == [{"field": None, "column": None, "kind": "unreadable_rows", "share": 0.2,
                                   "message": ROWS_WARNING}]
    jsonschema.validate(report, json.loads((Path(__file__).parents[1] / "docs" / "report.schema.json").read_text()))
    summary = (out / "summary.md").read_text()
    assert "As of 2026-11-20 · 1,600 records checked of 2,000 read · 400 could not be read · " in summary
    assert f"- {ROWS_WARNING}" in summary.replace("\\-", "-")
    page = (out / "index.html").read_text()
    assert "1,600 records checked of 2,000 read · 400 could not be read · " in page
    assert str(escape(ROWS_WARNING)) in page
    # NOTE: every figure stands on the rows read, so every headline figure is marked
    headline = summary.split("## Headline figures")[1].split("## ")[0]
    figures = [line for line in headline.splitlines() if line.startswith("| ") and not line.startswith("| Figure")]
    assert figures and all("rests on partial data" in line for line in figures)
    with zipfile.ZipFile(out / "scorecard.xlsx") as book:
        parts = "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert "Rests on partial data: 400 of 2,000 rows could not be read (20%) — see --unreadable FILE" in parts


def test_the_library_reports_the_rows_warning_and_it_is_first(one_in_five: Path) -> None:
    report = validate(one_in_five, as_of=SAMPLE_AS_OF)
    assert [(warning.kind, warning.field, warning.column) for warning in report.warnings][:1] == [
        ("unreadable_rows", None, None)]
    assert not report.passed(None, strict=True) and report.passed(None)


def test_unreadable_rows_within_the_limit_do_not_warn_but_the_header_counts_them(tmp_path: Path,
                                                                                invoke: Invoke) -> None:
    extract = _windows_1252(tmp_path / "export.csv", 40)  # NOTE: 50 of 2,000 rows, 2.5%, within 5%
    out = tmp_path / "scorecard"
    result = invoke("scorecard", extract, "--as-of", AS_OF, "--out", out, "--no-history", "--strict")
    assert "Warning:" not in result.stdout
    assert json.loads((out / "report.json").read_text())["warnings"] == []
    assert "1,950 records checked of 2,000 read · 50 could not be read · " in (out / "summary.md").read_text()
    assert "1,950 records checked of 2,000 read · 50 could not be read · " in (out / "index.html").read_text()


def test_a_readable_extract_keeps_its_plain_header(tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "scorecard"
    invoke("scorecard", SAMPLE, "--as-of", AS_OF, "--out", out, "--no-history")
    assert "could not be read" not in (out / "summary.md").read_text()
    assert "could not be read" not in (out / "index.html").read_text()
