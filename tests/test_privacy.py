"""No output shows a record's values: sentinels in every personal column never come out."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from refcheck.checks.synthetic.sample import generate
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE_AS_OF, Invoke

SENTINEL = "SENTINEL"
# The team is what scorecards group by, so it is shown by design; every other column is private.
PRIVATE = [name for name in load_schema("wales-referral").fields if name != "team"]


def _sentinel_extract(tmp_path: Path) -> Path:
    frame = generate(400, seed=3, as_of=SAMPLE_AS_OF)
    row = pl.int_range(0, pl.len())
    frame = frame.with_columns(
        # Every private column: some rows hold a sentinel (invalid, so it fails a rule and is
        # reported on), the rest keep their generated value.
        pl.when(row % 7 == i % 7).then(pl.lit(f"{SENTINEL}-{name}-") + row.cast(pl.String)).otherwise(pl.col(name))
        .alias(name)
        for i, name in enumerate(PRIVATE)
    ).with_columns(
        referral_reason=pl.when(row % 3 == 0).then(pl.lit(f"{SENTINEL} {SENTINEL} free text")).otherwise(
            pl.col("referral_reason")),
        extra_name=pl.lit(f"{SENTINEL}-child-name"),
        address=pl.lit(f"1 {SENTINEL} Street"),
    )
    path = tmp_path / "extract.csv"
    frame.write_csv(path)
    return path


def test_no_sentinel_in_the_terminal_summary_json_or_errors(tmp_path: Path, invoke: Invoke) -> None:
    path = _sentinel_extract(tmp_path)
    out = tmp_path / "report.json"
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", out, "--fail-on", "warning")
    assert result.exit_code == 1, result.output
    assert "type" in out.read_text()  # the sentinels did fail rules (.type among them) ...
    for text in (result.stdout, result.stderr, out.read_text()):
        assert SENTINEL not in text  # ... yet no value reached any output
    to_stdout = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-")
    assert SENTINEL not in to_stdout.stdout + to_stdout.stderr


def test_no_sentinel_in_a_missing_column_error(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(f"referral_id,team\n{SENTINEL}-1,Alpha\n")
    result = invoke("check", path)
    assert result.exit_code == 4 and SENTINEL not in result.output
