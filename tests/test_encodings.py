"""One set of referrals, written the ways real systems export it, gives one report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks.sample import generate
from tests.conftest import SAMPLE_AS_OF, Invoke


@pytest.fixture(scope="module")
def referrals() -> pl.DataFrame:
    frame = generate(600, seed=17, as_of=SAMPLE_AS_OF)
    # Names real Welsh teams and reasons use: accents, a pound sign and curly quotes.
    return frame.with_columns(
        team=pl.when(pl.col("team") == "Gwynedd").then(pl.lit("Tîm Gwynedd")).otherwise(pl.col("team")),
        referral_reason=pl.col("referral_reason") + pl.lit(" – owes £20, said ‘help’"),
    )


def _write(frame: pl.DataFrame, path: Path, *, separator: str = ",", encoding: str = "utf-8",
           bom: bool = False) -> Path:
    text = frame.write_csv(separator=separator)
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _rules(invoke: Invoke, path: Path, *extra: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-", *extra)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    return report["rules"], report["teams"]


def _uk_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Every ISO date rewritten in the UK form, as a Windows export would have it."""
    iso = r"^(\d{4})-(\d{2})-(\d{2})"
    return frame.with_columns(pl.col(name).str.replace(iso, "${3}/${2}/${1}").str.replace("T", " ")
                              for name in frame.columns if "date" in name or name.endswith(
                                  ("_received", "_start", "_completed", "_authorised", "_discussion")))


def test_every_csv_variant_gives_the_same_report_without_flags(tmp_path: Path, invoke: Invoke,
                                                               referrals: pl.DataFrame) -> None:
    baseline = _rules(invoke, _write(referrals, tmp_path / "utf8.csv"))
    variants = {
        "bom.csv": _write(referrals, tmp_path / "bom.csv", bom=True),
        "windows.csv": _write(_uk_dates(referrals), tmp_path / "windows.csv", separator=";", encoding="cp1252"),
        "tabs.tsv": _write(referrals, tmp_path / "tabs.tsv", separator="\t"),
        "pipes.txt": _write(referrals, tmp_path / "pipes.txt", separator="|", encoding="cp1252"),
    }
    for name, path in variants.items():
        assert _rules(invoke, path) == baseline, name
    assert any(team["team"] == "Tîm Gwynedd" for team in baseline[1])


def test_the_sniffed_choices_can_be_overridden(tmp_path: Path, invoke: Invoke, referrals: pl.DataFrame) -> None:
    path = _write(referrals, tmp_path / "windows.csv", separator=";", encoding="cp1252")
    assert _rules(invoke, path, "--encoding", "windows-1252", "--delimiter", ";") == _rules(invoke, path)
    result = invoke("check", path, "--delimiter", ";;")
    assert result.exit_code == 2 and "';;' is not one character" in result.stderr
    result = invoke("check", path, "--encoding", "ebcdic")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        f"Error: {path}: unknown encoding 'ebcdic'; use one of utf-8, windows-1252, latin-1"]


def test_utf16_is_named_as_such(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes("referral_id,team\r\nR1,A\r\n".encode("utf-16"))
    result = invoke("check", path)
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [f"Error: {path}: is UTF-16 text; save it as UTF-8 or Windows-1252 CSV"]


def test_no_temporary_copy_is_left_behind(tmp_path: Path, invoke: Invoke, referrals: pl.DataFrame,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    _rules(invoke, _write(referrals, tmp_path / "windows.csv", separator=";", encoding="cp1252"))
    assert list(scratch.iterdir()) == []
