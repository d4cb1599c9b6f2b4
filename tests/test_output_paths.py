"""Output paths: a device, a named pipe or '-' is written in place, never replaced by a file."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks.synthetic.sample import generate
from refcheck.reports.files import OutputError, write_output
from tests.conftest import SAMPLE, SAMPLE_AS_OF

NULL_DEVICE = os.makedev(1, 3)  # NOTE: Linux's /dev/null


def _is_char_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


@pytest.fixture
def dev_null() -> Iterator[Path]:
    """The real /dev/null; should a test turn it into a file, it is made a device again (as root)."""
    path = Path("/dev/null")
    yield path
    if not _is_char_device(path) and os.geteuid() == 0:
        path.unlink()
        os.mknod(path, stat.S_IFCHR | 0o666, NULL_DEVICE)
        os.chmod(path, 0o666)


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A device node of our own that behaves as /dev/null (root only): a regression cannot break the machine."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = tmp_path / "null"
    os.mknod(path, stat.S_IFCHR | 0o666, NULL_DEVICE)
    return path


def _refcheck(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "refcheck.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_every_kind_of_content_written_to_a_device_leaves_it_a_device(null_device: Path) -> None:
    frame = pl.DataFrame({"record_id": ["R1", "R2"]})
    for content in ("text", b"bytes", [b"in ", b"pieces"], frame.write_csv):
        write_output(null_device, content)
        assert _is_char_device(null_device), content


def test_check_and_scorecard_outputs_to_dev_null_leave_it_a_device(dev_null: Path, tmp_path: Path) -> None:
    result = _refcheck("check", SAMPLE, "--as-of", SAMPLE_AS_OF, "--json", dev_null, "--junit", dev_null,
                       "--unreadable", dev_null)
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert _is_char_device(dev_null)
    result = _refcheck("scorecard", SAMPLE, "--out", tmp_path / "out", "--as-of", SAMPLE_AS_OF, "--no-history",
                       "--unreadable", dev_null)
    assert result.returncode == 0, result.stderr
    assert _is_char_device(dev_null)


def _read_in_thread(pipe: Path) -> tuple[threading.Thread, list[bytes]]:
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    return reader, received


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_receives_the_output_and_stays_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "report.json"
    os.mkfifo(pipe)
    frame = pl.DataFrame({"record_id": [f"R{i}" for i in range(200_000)]})
    for content, expected in (("x" * 1_000_000, b"x" * 1_000_000), (frame.write_csv, frame.write_csv().encode())):
        reader, received = _read_in_thread(pipe)
        writer = threading.Thread(target=write_output, args=(pipe, content), daemon=True)
        writer.start()
        writer.join(timeout=20)
        reader.join(timeout=20)
        assert not writer.is_alive() and not reader.is_alive()
        assert received == [expected] and stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_the_cli_writes_its_json_report_into_a_named_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "report.json"
    os.mkfifo(pipe)
    reader, received = _read_in_thread(pipe)
    result = _refcheck("check", SAMPLE, "--as-of", SAMPLE_AS_OF, "--json", pipe)
    reader.join(timeout=20)
    assert result.returncode == 1, result.stderr
    assert received and received[0].startswith(b"{") and stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_dash_is_standard_output(capfdbinary: pytest.CaptureFixture[bytes], tmp_path: Path) -> None:
    frame = pl.DataFrame({"record_id": ["R1"]})
    os.chdir(tmp_path)
    try:
        write_output(Path("-"), "text,")
        write_output(Path("-"), frame.write_csv)
    finally:
        os.chdir(Path(__file__).parent)
    assert capfdbinary.readouterr().out == b"text,record_id\nR1\n"
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_is_replaced_and_what_it_points_to_is_left_alone(tmp_path: Path) -> None:
    target, link = tmp_path / "theirs.txt", tmp_path / "summary.md"
    target.write_text("not refcheck's")
    link.symlink_to(target)
    write_output(link, "# summary")
    assert not link.is_symlink() and link.read_text() == "# summary" and target.read_text() == "not refcheck's"


def test_a_folder_in_the_way_is_one_line_naming_the_output(tmp_path: Path) -> None:
    folder = tmp_path / "report.json"
    folder.mkdir()
    with pytest.raises(OutputError) as raised:
        write_output(folder, "{}")
    assert str(raised.value).startswith(f"{folder}: cannot be written (") and "\n" not in str(raised.value)
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


def _files(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*") if path.is_file()}


def _is_wholly_new(files: dict[str, bytes], names: set[str], as_of: str, teams: set[str]) -> bool:
    """Every file of the new run and no other, each of that run: its as-of date, its teams' worklists."""
    if set(files) != names or json.loads(files["report.json"])["as_of"] != as_of:
        return False
    shown = {line.split(b",", 1)[0].decode() for name, text in files.items() if name.startswith("worklists/")
             for line in text.splitlines()[1:]}
    return as_of in files["index.html"].decode() and as_of in files["summary.md"].decode() and shown <= teams


def test_a_scorecard_killed_at_any_moment_leaves_its_folder_wholly_old_or_wholly_new(tmp_path: Path) -> None:
    frame = generate(60_000, seed=3, as_of=SAMPLE_AS_OF)
    frame.write_csv(tmp_path / "monday.csv")
    renamed = frame.with_columns(pl.col("team") + " Tuesday")
    renamed.write_csv(tmp_path / "tuesday.csv")
    out, reference = tmp_path / "site" / "scorecard", tmp_path / "reference"
    monday, tuesday = ["--as-of", "2026-11-20", "--no-history"], ["--as-of", "2026-11-27", "--no-history"]
    assert _refcheck("scorecard", tmp_path / "tuesday.csv", "--out", reference, *tuesday).returncode == 0
    new_names = set(_files(reference))
    teams = {team["team"] for team in json.loads((reference / "report.json").read_text())["teams"]}
    stages = lambda: [*out.parent.glob(".scorecard.refcheck-tmp-*"), *out.glob(".refcheck-tmp-*")]  # noqa: E731
    left_mid_write = 0
    for after_writing_began in (0.0, 0.005, 0.02, 0.05, 0.1, 0.3):
        if not (out / "report.json").exists() or json.loads((out / "report.json").read_text())["as_of"] != "2026-11-20":
            assert _refcheck("scorecard", tmp_path / "monday.csv", "--out", out, *monday).returncode == 0
        old = _files(out)
        run = subprocess.Popen([sys.executable, "-m", "refcheck.cli", "scorecard", str(tmp_path / "tuesday.csv"),
                                "--out", str(out), *tuesday], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while run.poll() is None and not (stages() or [*out.glob("worklists/*-tuesday-*")]):  # NOTE: writing began
            time.sleep(0.001)
        time.sleep(after_writing_began)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        left_mid_write += bool(stages())
        files = _files(out)
        assert files == old or _is_wholly_new(files, new_names, "2026-11-27", teams), sorted(files)
    assert left_mid_write, "no kill landed while the new set was being written"
    assert _refcheck("scorecard", tmp_path / "tuesday.csv", "--out", out, *tuesday).returncode == 0
    assert _is_wholly_new(_files(out), new_names, "2026-11-27", teams) and not stages()
    assert sorted(path.name for path in out.parent.iterdir()) == ["scorecard"]


def test_a_folder_switched_whole_keeps_its_mode_and_a_linked_or_working_folder_stays_in_place(tmp_path: Path) -> None:
    own, target, link, working = tmp_path / "own", tmp_path / "target", tmp_path / "link", tmp_path / "working"
    for folder in (own, target, working):
        folder.mkdir()
    own.chmod(0o750)
    link.symlink_to(target)
    for out, cwd in ((own, tmp_path), (own, tmp_path), (link, tmp_path), (working, working)):
        inode = os.stat(out).st_ino
        done = subprocess.run([sys.executable, "-m", "refcheck.cli", "scorecard", str(SAMPLE), "--as-of",
                               str(SAMPLE_AS_OF), "--no-history", "--team", "Bridgend", "--out",
                               "." if out == cwd else str(out)], cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert (out / "index.html").is_file() and (out / ".refcheck-manifest.json").is_file()
        assert (os.stat(out).st_ino == inode) == (out != own), out  # NOTE: only a folder of its own is exchanged
    assert stat.S_IMODE(os.stat(own).st_mode) == 0o750 and link.is_symlink() and (target / "index.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link", "own", "target", "working"]


def test_a_scorecard_folder_that_is_a_device_or_a_file_is_one_line_and_left_alone(null_device: Path) -> None:
    from refcheck.reports.folder_switch import write_folder

    theirs = null_device.parent / "report.txt"
    theirs.write_text("theirs")
    for out in (null_device, theirs):
        with pytest.raises(OutputError) as raised:
            write_folder(out, lambda folder: [])
        assert str(raised.value) == f"{out}: cannot be written (Not a directory)"
    done = _refcheck("scorecard", SAMPLE, "--out", null_device, "--no-history", "--as-of", SAMPLE_AS_OF)
    assert done.returncode == 2 and done.stderr.startswith(f"Error: {null_device}: cannot be written (")
    assert len(done.stderr.splitlines()) == 1
    assert _is_char_device(null_device) and theirs.read_text() == "theirs"
    assert sorted(path.name for path in null_device.parent.iterdir()) == ["null", "report.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_link_to_a_pipe_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    pipe, link = tmp_path / "pipe", tmp_path / "report.json"
    os.mkfifo(pipe)
    link.symlink_to(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before refcheck opens the pipe
    try:
        write_output(link, "{}")
        received = os.read(reader, 100)
    finally:
        os.close(reader)
    assert received == b"{}" and link.is_symlink() and stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_link_to_a_process_descriptor_such_as_dev_stdout_is_written_through(tmp_path: Path) -> None:
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is: with stdout a file, the link resolves to that file
    with (tmp_path / "captured.txt").open("wb") as captured:
        done = subprocess.run([sys.executable, "-m", "refcheck.cli", "check", str(SAMPLE), "--as-of",
                               str(SAMPLE_AS_OF), "--json", str(link)], stdout=captured, stderr=subprocess.PIPE,
                              timeout=120)
    assert done.returncode == 1, done.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert b'"rows_read"' in (tmp_path / "captured.txt").read_bytes()
