"""One set of referrals, written the ways real systems export it, gives one report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks.synthetic.sample import generate
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke


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


def _rules(invoke: Invoke, path: Path, *extra: str) -> dict[str, Any]:
    """The whole JSON report but its source (the file name and the like)."""
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-", *extra)
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    del report["source"]
    return report


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
    assert any(team["team"] == "Tîm Gwynedd" for team in baseline["teams"])


def test_windows_1252_first_seen_deep_in_the_file_is_still_read_as_such(tmp_path: Path, invoke: Invoke,
                                                                         referrals: pl.DataFrame) -> None:
    plain = referrals.with_columns(pl.col("team").str.replace("Tîm ", ""),
                                   pl.col("referral_reason").str.replace(" – .*", ""))
    accented = pl.concat([plain.head(400), referrals.tail(200)])  # NOTE: the first accent is past 64 KiB
    path = _write(accented, tmp_path / "windows.csv", encoding="cp1252")
    assert path.read_bytes()[: 64 * 1024].isascii() and not path.read_bytes().isascii()
    report = _rules(invoke, path)
    assert report == _rules(invoke, _write(accented, tmp_path / "utf8.csv"))
    assert any(team["team"] == "Tîm Gwynedd" for team in report["teams"])


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


def _xlsx(frame: pl.DataFrame, path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Referrals")
    sheet.write_row(0, 0, frame.columns)
    for row, values in enumerate(frame.iter_rows(), start=1):
        for col, value in enumerate(values):
            if value is not None:
                sheet.write_string(row, col, value)
    book.close()
    return path


def _sqlite(frame: pl.DataFrame, path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} TEXT' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.iter_rows())
    return f"sqlite:///{path}"


def test_every_format_gives_the_same_report(tmp_path: Path, invoke: Invoke, referrals: pl.DataFrame) -> None:
    baseline = _rules(invoke, _write(referrals, tmp_path / "utf8.csv"))
    referrals.write_parquet(tmp_path / "extract.parquet")
    assert _rules(invoke, tmp_path / "extract.parquet") == baseline
    assert _rules(invoke, _xlsx(referrals, tmp_path / "extract.xlsx")) == baseline
    uri = _sqlite(referrals, tmp_path / "extract.db")
    assert _rules(invoke, uri, "--table", "referrals") == baseline  # type: ignore[arg-type]
    assert _rules(invoke, uri, "--query", "SELECT * FROM referrals") == baseline  # type: ignore[arg-type]


def test_postgresql_table_gives_the_same_report(tmp_path: Path, invoke: Invoke, referrals: pl.DataFrame,
                                                postgres_uri: str) -> None:
    import psycopg

    uri = postgres_uri

    with psycopg.connect(uri) as db:
        db.execute("DROP TABLE IF EXISTS referrals_test")
        db.execute(f"CREATE TABLE referrals_test ({', '.join(f'{name} TEXT' for name in referrals.columns)})")
        with db.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO referrals_test VALUES ({', '.join('%s' for _ in referrals.columns)})",
                list(referrals.iter_rows()),
            )
    baseline = _rules(invoke, _write(referrals, tmp_path / "utf8.csv"))
    assert _rules(invoke, uri, "--table", "referrals_test") == baseline  # type: ignore[arg-type]


def test_database_and_workbook_mistakes_are_one_line(tmp_path: Path, invoke: Invoke,
                                                     referrals: pl.DataFrame) -> None:
    uri = _sqlite(referrals.head(3), tmp_path / "extract.db")
    cases = [
        ((uri,), f"Error: {uri}: give --table or --query (one of them)"),
        ((uri, "--table", "nope"), f"Error: {uri}: no such table: nope"),
        (("sqlite:///" + str(tmp_path / "missing.db"), "--table", "t"),
         f"Error: sqlite:///{tmp_path / 'missing.db'}: no such database file"),
        ((_xlsx(referrals.head(3), tmp_path / "x.xlsx"), "--sheet", "Sheet9"),
         f"Error: {tmp_path / 'x.xlsx'}: no sheet 'Sheet9'; the workbook has 'Referrals'"),
    ]
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    cases.append(((tmp_path / "bad.xlsx",), f"Error: {tmp_path / 'bad.xlsx'}: not a readable Excel workbook"))
    for args, line in cases:
        result = invoke("check", *args)
        assert result.exit_code == 4, (args, result.output)
        assert result.stderr.splitlines() == [line]


def test_passwords_never_appear(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", "postgresql://clerk:s3cret-pw@127.0.0.1:1/db", "--table", "t", "--json", "-")
    assert result.exit_code == 4
    assert "s3cret-pw" not in result.output and "clerk:***@" in result.stderr


def test_one_bad_byte_late_in_a_utf8_file_makes_only_its_row_unreadable(tmp_path: Path, invoke: Invoke,
                                                                        referrals: pl.DataFrame) -> None:
    path = _write(referrals, tmp_path / "utf8.csv")
    data = path.read_bytes()
    lines = data.split(b"\n")
    late = len(lines) - 10
    assert len(b"\n".join(lines[:late])) > 64 * 1024
    lines[late] = lines[late].replace(b"\xe2\x80\x93", b"\x96", 1)  # an en dash as Windows-1252 writes it
    path.write_bytes(b"\n".join(lines))
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["source"]["unreadable"] == [{"line": late + 1, "reason": "bytes that are not valid UTF-8"}]
    assert any(team["team"] == "Tîm Gwynedd" for team in report["teams"])  # still read as UTF-8
    assert report["source"]["rows_read"] == referrals.height


def _copy_appears(scratch: Path, process: subprocess.Popen[bytes]) -> Path:
    """The transcoded copy a running check makes, once it exists."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        copies = list(scratch.glob("refcheck-*"))
        if copies:
            return copies[0]
        time.sleep(0.005)
    raise AssertionError("the check made no copy")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stopped_run_leaves_no_copy_and_a_killed_one_is_cleaned_up_next_time(
        tmp_path: Path, referrals: pl.DataFrame, stop: signal.Signals) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    big = _write(pl.concat([referrals] * 400), tmp_path / "windows.csv", separator=";", encoding="cp1252")
    command = [sys.executable, "-m", "refcheck.cli", "check", str(big), "--json", str(tmp_path / "r.json")]
    environment = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copy = _copy_appears(scratch, process)
    process.send_signal(stop)
    process.wait(timeout=60)
    assert process.returncode != 0 and not copy.exists()
    assert list(scratch.glob("refcheck-*")) == []  # NOTE: Polars may leave its own folder
    if stop != signal.SIGTERM:
        return
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copy = _copy_appears(scratch, process)
    process.kill()
    process.wait(timeout=60)
    assert copy.exists()  # SIGKILL cannot be caught: the next run removes it
    small = _write(referrals.head(5), tmp_path / "small.csv", encoding="cp1252")
    subprocess.run([*command[:4], str(small)], env=environment, capture_output=True, timeout=120, check=False)
    assert list(scratch.glob("refcheck-*")) == []  # NOTE: Polars may leave its own folder


def _xlsx_rows(rows: list[list[str | None]], path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Referrals")
    for number, values in enumerate(rows):
        for column, value in enumerate(values):
            if value is not None:
                sheet.write_string(number, column, value)
    book.close()
    return path


def test_a_workbook_with_a_title_and_unnamed_columns_reads_as_its_header_says(
        tmp_path: Path, invoke: Invoke, referrals: pl.DataFrame) -> None:
    baseline = _rules(invoke, _write(referrals, tmp_path / "utf8.csv"))
    rows: list[list[str | None]] = [["Referrals, Bridgend, as of today"], [], [*referrals.columns, None, ""]]
    rows += [[*values, "scribble", None] for values in referrals.iter_rows()]
    path = _xlsx_rows(rows, tmp_path / "titled.xlsx")
    assert _rules(invoke, path) == baseline
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-")
    assert json.loads(result.stdout)["source"]["unreadable"] == []


def test_refchecks_own_workbook_as_the_extract_is_one_line(tmp_path: Path, invoke: Invoke,
                                                          referrals: pl.DataFrame) -> None:
    out = tmp_path / "scorecard"
    assert invoke("scorecard", _write(referrals, tmp_path / "utf8.csv"), "--out", out,
                  "--as-of", SAMPLE_AS_OF.isoformat()).exit_code in (0, 1)
    for sheet in ((), ("--sheet", "Bridgend")):
        result = invoke("check", out / "scorecard.xlsx", *sheet)
        assert result.exit_code == 4, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: {out / 'scorecard.xlsx'}: missing columns: referral_id")


def test_parquet_columns_named_like_refchecks_own_are_kept_apart(tmp_path: Path, invoke: Invoke,
                                                                referrals: pl.DataFrame) -> None:
    baseline = _rules(invoke, _write(referrals, tmp_path / "utf8.csv"))
    from refcheck.checks.internal import internal
    from refcheck.checks.parsing import present_name

    hostile = referrals.with_columns(pl.lit(7).alias(internal("index")), pl.lit("1").alias(internal("line")),
                                     pl.lit(3).alias(internal("value_bytes")), pl.lit("x").alias(present_name("team")),
                                     pl.lit("y").alias("team\x00present"))
    hostile.write_parquet(tmp_path / "extract.parquet")
    assert _rules(invoke, tmp_path / "extract.parquet") == baseline
    result = invoke("scorecard", tmp_path / "extract.parquet", "--out", tmp_path / "out",
                    "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code in (0, 1), result.output


def test_standard_input_is_read_and_a_fifo_is_one_line(tmp_path: Path, referrals: pl.DataFrame) -> None:
    path = _write(referrals, tmp_path / "utf8.csv", separator=";", encoding="cp1252")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    environment = {**os.environ, "TMPDIR": str(scratch)}
    reports = []
    for name in ("-", "/dev/stdin"):
        with path.open("rb") as stdin:
            done = subprocess.run([sys.executable, "-m", "refcheck.cli", "check", name, "--as-of",
                                   SAMPLE_AS_OF.isoformat(), "--json", "-"], stdin=stdin, capture_output=True,
                                  env=environment, timeout=120, check=False)
        assert done.returncode in (0, 1), done.stderr
        report = json.loads(done.stdout)
        assert report["source"]["path"] == "<stdin>"
        del report["source"]
        reports.append(report)
    assert reports[0] == reports[1] == _rules_of(path)
    assert list(scratch.glob("refcheck-*")) == []
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "refcheck.cli", "check", str(fifo)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 4
    assert done.stderr.splitlines() == [f"Error: {fifo}: is not a regular file (a FIFO, socket or device); "
                                        "give a file, or - to read standard input"]


def _rules_of(path: Path) -> dict[str, Any]:
    from click.testing import CliRunner

    from refcheck.cli import cli

    result = CliRunner().invoke(cli, ["check", str(path), "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-"])
    report: dict[str, Any] = json.loads(result.stdout)
    del report["source"]
    return report


def test_any_run_removes_a_killed_runs_copy_and_only_refcheck_s_own(tmp_path: Path) -> None:
    import tempfile

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()  # a process that has ended: its pid names no live refcheck
    folder = Path(tempfile.gettempdir())
    stale, lookalike = folder / f"refcheck-{gone}-ab12cd34.csv", folder / f"refcheck-{gone}-user.csv"
    for path in (stale, lookalike):
        path.write_text("a copy of an extract\n")
    try:  # a UTF-8 extract: this run makes no copy of its own, yet the stale one goes
        subprocess.run([sys.executable, "-m", "refcheck.cli", "check", str(SAMPLE), "--as-of", "2026-11-20"],
                       capture_output=True, timeout=120)
        assert not stale.exists() and lookalike.exists()
    finally:
        stale.unlink(missing_ok=True)
        lookalike.unlink(missing_ok=True)
