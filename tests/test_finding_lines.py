"""A finding carries the line its record starts on, so that a record with a blank id can still be found."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from refcheck.checks import validate
from tests.conftest import SAMPLE, SAMPLE_AS_OF


def test_a_record_with_a_blank_id_is_found_by_the_line_it_starts_on(tmp_path: Path) -> None:
    rows = pl.read_csv(SAMPLE, infer_schema=False).head(8).with_columns(
        referral_reason=pl.Series(["Two\nlines", *["One line"] * 7]),
        referral_id=pl.Series([f"R{n}" for n in range(5)] + [None, "R6", "R7"]),
    )
    path = tmp_path / "extract.csv"
    rows.write_csv(path)
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        starts, start = [], reader.line_num + 1
        for _ in reader:
            starts.append(start)
            start = reader.line_num + 1
    report = validate(path, as_of=SAMPLE_AS_OF, findings=True)
    assert report.findings is not None
    blank = report.findings.filter(pl.col("rule_id") == "referral_id.required")
    assert blank.select("line", "record_id").rows() == [(starts[5], None)]
    assert starts[5] == 8  # NOTE: the header is line 1, and the first record takes lines 2 and 3
    named = report.findings.filter(pl.col("record_id").is_not_null()).select("line", "record_id").unique()
    assert {(line, f"R{starts.index(line)}") for line in named["line"]} == set(named.rows())
