"""Never a traceback, never exit 1 for a crash: the top-level guard and the CLI's own known tracebacks.

Exit 1 means "rules failed" to a CI gate, so whatever goes wrong must end as one line on stderr and
a documented code: 2 for a bad option or an output that cannot be written, 5 for a bug in refcheck.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from refcheck.cli import ExitCode, cli
from refcheck.cli.exit_codes import INTERRUPTED, OUTPUT_CLOSED
from refcheck.cli.guard import GuardedGroup
from tests.conftest import ROOT, SAMPLE, SAMPLE_AS_OF, Invoke

SECRET = "Jane Doe 2015-02-01"
"""A value an exception's text might quote: it must never reach the terminal."""


def refcheck(*args: str | Path, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run refcheck as a separate process, as a shell or a CI job would."""
    return subprocess.run([sys.executable, "-m", "refcheck.cli", *map(str, args)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300, cwd=ROOT)


@pytest.fixture
def full_device(tmp_path: Path) -> Path:
    """A device like /dev/full (every write fails: no space), made in tmp_path so that no test can replace /dev's."""
    path = tmp_path / "full"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        if os.geteuid() == 0:
            pytest.skip("no permission to make a device node")
        return Path("/dev/full")  # NOTE: a user other than root cannot replace /dev/full
    return path


def _guarded_group(error: BaseException) -> click.Group:
    """A group of the CLI's class with one real command that raises ``error``, and the global --debug flag."""

    @click.group(name="refcheck", cls=GuardedGroup)
    @click.option("--debug", is_flag=True)
    def group(debug: bool) -> None:
        """Test group."""

    @group.group(name="outer")
    def outer() -> None:
        """A subgroup, as ``schema`` and ``export`` are."""

    @outer.command(name="boom")
    def boom() -> None:
        """Raise the error."""
        raise error

    return group


def test_an_unexpected_error_is_one_line_naming_the_command_and_exit_5_never_its_text() -> None:
    result = CliRunner().invoke(_guarded_group(KeyError(SECRET)), ["outer", "boom"])
    assert result.exit_code == ExitCode.INTERNAL
    assert result.stderr.splitlines() == [
        "Error: refcheck outer boom: internal error (KeyError) — please report; rerun with --debug for the traceback"
    ]
    assert SECRET not in result.output and "Traceback" not in result.output


def test_debug_shows_the_traceback_and_still_exits_5() -> None:
    result = CliRunner().invoke(_guarded_group(ValueError(SECRET)), ["--debug", "outer", "boom"])
    assert result.exit_code == ExitCode.INTERNAL
    assert "Traceback (most recent call last)" in result.stderr and SECRET in result.stderr  # asked for
    assert result.stderr.splitlines()[-1].startswith("Error: refcheck outer boom: internal error (ValueError)")


def test_ctrl_c_is_one_line_and_exit_130() -> None:
    result = CliRunner().invoke(_guarded_group(KeyboardInterrupt()), ["outer", "boom"])
    assert result.exit_code == INTERRUPTED == 130
    assert result.stderr.splitlines() == ["Error: refcheck outer boom: interrupted"]


def test_every_group_of_the_cli_is_guarded_and_has_the_debug_flag() -> None:
    def groups(group: click.Group) -> Iterator[click.Group]:
        yield group
        for command in group.commands.values():
            if isinstance(command, click.Group):
                yield from groups(command)

    assert all(isinstance(group, GuardedGroup) for group in groups(cli))
    assert "--debug" in [opt for param in cli.params for opt in param.opts]


@pytest.mark.parametrize("args", [["rules"], ["--help"], ["--version"], ["check", "--help"]])
def test_a_reader_that_closed_standard_output_ends_it_quietly_with_141(args: list[str]) -> None:
    """Help and version text included: click alone ends those with 1, which a CI gate reads as findings."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, as under `| head` once head has left
    try:
        done = refcheck(*args, stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == OUTPUT_CLOSED == 141
    assert done.stderr == ""


@pytest.mark.parametrize("args", [["rules"], ["check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat()],
                                  ["check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-"],
                                  ["--help"]])
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(full_device: Path, args: list[str]) -> None:
    with full_device.open("w") as full:
        done = refcheck(*args, stdout=full.fileno())
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert done.stderr.splitlines()[-1] == "Error: standard output cannot be written (No space left on device)"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_sample_to_a_full_disk_or_below_a_file_is_one_line_and_exit_2(tmp_path: Path, full_device: Path,
                                                                      invoke: Invoke) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for out, expected in ((blocker / "sample.csv", f"{blocker / 'sample.csv'}: cannot be written (Not a directory)"),
                          (full_device, f"{full_device}: cannot be written (No space left on device)")):
        result = invoke("sample", "--rows", "10", "--out", out)
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.splitlines() == [f"Error: {expected}"]
    assert stat.S_ISCHR(full_device.stat().st_mode)  # written in place, never replaced


def test_init_below_a_file_is_one_line_and_exit_2(tmp_path: Path, invoke: Invoke) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("init", "--dir", blocker / "council")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines() == [f"Error: {blocker / 'council'}: cannot be written (Not a directory)"]


@pytest.mark.parametrize(("command", "option", "expected"), [
    (["check"], ["--sheet", "Referrals"], "--sheet is for an Excel workbook, and EXTRACT is read as a CSV file"),
    (["check"], ["--table", "referrals"], "--table is for a database URI, and EXTRACT is read as a CSV file"),
    (["check"], ["--query", "select 1"], "--query is for a database URI, and EXTRACT is read as a CSV file"),
    (["scorecard", "--out", "out"], ["--sheet", "x"], "--sheet is for an Excel workbook"),
    (["profile"], ["--table", "x"], "--table is for a database URI"),
    (["map"], ["--sheet", "x"], "--sheet is for an Excel workbook"),
])
def test_a_read_option_that_does_not_apply_to_a_csv_is_a_usage_error(tmp_path: Path, invoke: Invoke,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   command: list[str], option: list[str],
                                                                   expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(command[0], SAMPLE, *command[1:], *option)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert f"Error: {expected}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_read_option_that_does_not_apply_to_a_workbook_or_a_database_is_a_usage_error(tmp_path: Path,
                                                                                      invoke: Invoke) -> None:
    result = invoke("init", "--dir", tmp_path, "--from", "sqlite:///referrals.db", "--sheet", "x")
    assert result.exit_code == ExitCode.USAGE
    assert "Error: --sheet is for an Excel workbook, and EXTRACT is read as a database URI" in result.stderr
    result = invoke("check", tmp_path / "referrals.xlsx", "--delimiter", ";")
    assert result.exit_code == ExitCode.USAGE
    assert "Error: --delimiter is for a CSV file, and EXTRACT is read as an Excel workbook" in result.stderr


@pytest.mark.parametrize("limit", ["nan%", "nan", "inf", "inf%", "-1", "-0.5%", "150%", "1e400%", "ten", "%", ""])
def test_a_max_unreadable_that_is_not_a_count_or_a_share_is_a_usage_error(invoke: Invoke, limit: str) -> None:
    result = invoke("check", SAMPLE, "--max-unreadable", limit)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Error: Invalid value for '--max-unreadable'" in result.stderr


@pytest.mark.parametrize("limit", ["0", "12", "0%", "2.5%", "100%"])
def test_a_max_unreadable_count_or_share_is_taken(invoke: Invoke, limit: str) -> None:
    result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--max-unreadable", limit,
                    "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED, result.output


def test_a_bad_scorecard_folder_leaves_the_history_without_the_run(tmp_path: Path, invoke: Invoke) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    history = tmp_path / "history.sqlite"
    result = invoke("scorecard", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--out", blocker / "out",
                    "--history", history)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines() == [f"Error: {blocker / 'out'}: cannot be written (Not a directory)"]
    assert not history.exists() or invoke("history", "--history", history).stdout == "No runs stored yet.\n"


@pytest.mark.parametrize("args", [["history", "--history"], ["sample", "--out"], ["export", "gx", "--out"],
                                  ["check", SAMPLE, "--junit"], ["init", "--dir"]])
def test_a_uri_given_as_a_file_path_is_refused_with_its_password_hidden(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args, "postgresql://clerk:Hunter2pw@db.council.example/cases")
    assert result.exit_code == ExitCode.USAGE
    assert "postgresql://clerk:***@db.council.example/cases is a URI, not a file path" in result.stderr
    assert "Hunter2pw" not in result.output


def test_ctrl_c_in_a_real_run_is_one_line_and_exit_130() -> None:
    import signal
    import time

    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux's /proc to see that the command is running")
    with subprocess.Popen([sys.executable, "-m", "refcheck.cli", "check", "-"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as child:
        deadline = time.monotonic() + 120
        while not _reading_a_pipe(child.pid):  # NOTE: the command is running: it waits for the extract on stdin
            assert time.monotonic() < deadline and child.poll() is None, "refcheck never waited on its stdin"
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    assert child.returncode == INTERRUPTED
    assert stderr.splitlines() == ["Error: refcheck check: interrupted"]


def _reading_a_pipe(pid: int) -> bool:
    """Whether a thread of the process waits to read a pipe (Linux's /proc)."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            if "pipe_read" in (task / "wchan").read_text():
                return True
        except OSError:
            continue
    return False


def test_an_os_error_is_named_in_the_systems_words_even_when_polars_raised_it(tmp_path: Path,
                                                                             invoke: Invoke) -> None:
    long_name = tmp_path / ("x" * 300)
    for args in (["sample", "--rows", "5", "--out", long_name], ["history", "--history", long_name],
                 ["init", "--dir", long_name]):
        result = invoke(*args)
        assert result.exit_code in (ExitCode.USAGE, ExitCode.BAD_EXTRACT), result.output
        [line] = result.stderr.splitlines()
        assert line.endswith(": cannot be written (File name too long)") or line.endswith(
            ": cannot be read (File name too long)"), line
