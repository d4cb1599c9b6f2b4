"""History hashes are always keyed: a weak key is refused, a lost or exposed one is warned about.

An empty key file or ``REFCHECK_HISTORY_KEY=`` (what an unset CI secret expands to) once gave
unkeyed BLAKE2b hashes, which anyone can recompute from guessed record ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import validate
from refcheck.cli import ExitCode
from refcheck.reports.history import MIN_KEY_BYTES, History, HistoryError, HistoryWarning
from refcheck.reports.history_key import _new_key, varied
from refcheck.schemas import load_schema
from tests.conftest import Invoke
from tests.test_history import _extract

AS_OF = dt.date(2025, 6, 2)
IDS = ["R7340918", "R5520176", "R1"]


def _record(history: Path, extract: Path, as_of: dt.date = AS_OF) -> None:
    report = validate(extract, load_schema(), as_of=as_of, findings=True)
    store = History(history)
    store.record(report, f"print-{as_of}", dt.datetime(2025, 6, 2, 20, 0))


def _stored_hashes(history: Path) -> set[bytes]:
    with sqlite3.connect(history) as db:
        parquets = [row[0] for row in db.execute("SELECT parquet FROM failure_sets")]
    return {record for parquet in parquets for record in pl.read_parquet(io.BytesIO(parquet))["record"]}


def _keyed(record: str, key: bytes) -> bytes:
    return hashlib.blake2b(record.encode(), key=key[:64], digest_size=12).digest()


@pytest.fixture
def extract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An extract whose first two records fail, with the environment's key unset."""
    monkeypatch.delenv("REFCHECK_HISTORY_KEY", raising=False)
    return _extract(tmp_path / "extract.csv", IDS[:2], IDS)


@pytest.mark.parametrize("key", [b"", b"\n", b" " * 40, b"k" * (MIN_KEY_BYTES - 1), b"\xff\xfe" * 10, b"\x00" * 40,
                                 b"\xff\xfe" * 20, b"a" * 64, b"abcdefg" * 10, bytes(range(16)) + b"z" * 17],
                         ids=["empty", "newline", "spaces", "31 bytes", "short non-UTF-8", "40 NULs", "xff xfe x 20",
                              "a x 64", "7 values", "one value over half"])
def test_a_weak_key_file_is_refused_in_one_line_with_exit_2(tmp_path: Path, extract: Path, invoke: Invoke,
                                                            key: bytes) -> None:
    history = tmp_path / "history.sqlite"
    key_file = tmp_path / "history.sqlite.key"
    key_file.write_bytes(key)
    key_file.chmod(0o600)
    with pytest.raises(HistoryError):
        _record(history, extract)
    result = invoke("scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02", "--history", history)
    assert result.exit_code == ExitCode.USAGE and "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {key_file}: ") and f"{MIN_KEY_BYTES} bytes" in line


@pytest.mark.parametrize("value", ["", "short-secret-S3ntinel", " " * 40, "S3ntinel" * 8])
def test_an_empty_or_short_key_in_the_environment_is_refused_without_showing_it(
        tmp_path: Path, extract: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", value)
    history = tmp_path / "history.sqlite"
    result = invoke("scorecard", extract, "--out", tmp_path / "out", "--as-of", "2025-06-02", "--history", history)
    assert result.exit_code == ExitCode.USAGE
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: REFCHECK_HISTORY_KEY") and "S3ntinel" not in result.output
    assert not (tmp_path / "history.sqlite.key").exists()  # NOTE: never a silent fall-back to a key file


@pytest.mark.parametrize("key", [bytes(range(65, 65 + MIN_KEY_BYTES)), bytes(range(256))[128:] + b"\x00\xff" * 8,
                                 hashlib.blake2b(b"a key of any bytes", digest_size=32).digest(),
                                 secrets.token_hex(32).encode()],
                         ids=["32 bytes", "not UTF-8, longer than BLAKE2b's 64 bytes", "32 random-looking bytes",
                              "64 hex digits"])
def test_a_key_of_any_bytes_keys_every_hash(tmp_path: Path, extract: Path, key: bytes) -> None:
    history = tmp_path / "history.sqlite"
    (tmp_path / "history.sqlite.key").write_bytes(key)
    (tmp_path / "history.sqlite.key").chmod(0o600)
    _record(history, extract)
    assert _stored_hashes(history) == {_keyed(record, key) for record in IDS[:2]}
    unkeyed = {hashlib.blake2b(record.encode(), digest_size=12).digest() for record in IDS[:2]}
    assert not _stored_hashes(history) & unkeyed


def test_a_key_file_made_on_first_use_is_strong_and_its_owners_alone(tmp_path: Path, extract: Path) -> None:
    history = tmp_path / "history.sqlite"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NOTE: the ordinary first and second runs warn of nothing
        _record(history, extract)
        _record(history, extract, AS_OF + dt.timedelta(days=1))
    key_file = tmp_path / "history.sqlite.key"
    key = key_file.read_bytes().strip()
    assert len(key) >= MIN_KEY_BYTES and key_file.stat().st_mode & 0o077 == 0
    assert _stored_hashes(history) == {_keyed(record, key) for record in IDS[:2]}


def test_a_lost_key_file_made_anew_for_a_history_with_runs_is_warned_of(tmp_path: Path, extract: Path) -> None:
    history = tmp_path / "history.sqlite"
    _record(history, extract)
    (tmp_path / "history.sqlite.key").unlink()
    with pytest.warns(HistoryWarning, match="every failure will look new") as caught:
        _record(history, extract, AS_OF + dt.timedelta(days=1))
    assert len(caught) == 1 and str(tmp_path / "history.sqlite.key") in str(caught[0].message)
    assert "\n" not in str(caught[0].message)


def test_a_key_that_changed_since_the_last_run_is_warned_of(tmp_path: Path, extract: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    history = tmp_path / "history.sqlite"
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", secrets.token_hex(32))
    _record(history, extract)
    monkeypatch.setenv("REFCHECK_HISTORY_KEY", secrets.token_hex(32))  # NOTE: a CI secret rotated, or the wrong one
    with pytest.warns(HistoryWarning, match="another key"):
        _record(history, extract, AS_OF + dt.timedelta(days=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _record(history, extract, AS_OF + dt.timedelta(days=2))  # the new key is now the history's


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_warned_of(tmp_path: Path, extract: Path, mode: int) -> None:
    history = tmp_path / "history.sqlite"
    key_file = tmp_path / "history.sqlite.key"
    key_file.write_text(secrets.token_hex(32))
    key_file.chmod(mode)
    with pytest.warns(HistoryWarning, match=f"mode {mode:o}") as caught:
        _record(history, extract)
    assert "chmod 600" in str(caught[0].message)


def test_a_key_file_that_is_not_a_regular_file_is_one_line_and_never_hangs(tmp_path: Path, extract: Path,
                                                                           invoke: Invoke) -> None:
    history = tmp_path / "history.sqlite"
    key_file = tmp_path / "history.sqlite.key"
    for make in (lambda: os.mkfifo(key_file), key_file.mkdir, lambda: key_file.symlink_to("/dev/zero")):
        make()
        result = invoke("scorecard", extract, "--out", tmp_path / "out", "--history", history)
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.splitlines() == [f"Error: {key_file}: the history key is not a regular file"]
        key_file.rmdir() if key_file.is_dir() and not key_file.is_symlink() else key_file.unlink()


def test_the_cli_shows_a_history_warning_as_one_line(tmp_path: Path, extract: Path) -> None:
    history = tmp_path / "his\x1b]0;tory.sqlite"
    args = ["scorecard", str(extract), "--out", str(tmp_path / "out"), "--history", str(history),
            "--as-of", "2025-06-02"]
    first = subprocess.run([sys.executable, "-m", "refcheck.cli", *args], capture_output=True, text=True, check=False)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    Path(f"{history}.key").unlink()
    again = subprocess.run([sys.executable, "-m", "refcheck.cli", *args[:-1], "2025-06-03"], capture_output=True,
                           text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines() == [f"Warning: {tmp_path}/his\\x1b]0;tory.sqlite.key: no key file, so a new key "
                                         f"was made; the runs already in {tmp_path}/his\\x1b]0;tory.sqlite were "
                                         "stored with the lost one, so every failure will look new"]


def test_generated_keys_are_always_varied_enough() -> None:
    assert all(varied(_new_key().encode()) and len(_new_key()) == 64 for _ in range(2000))
