"""Output paths: a device, a named pipe or '-' is written in place, never replaced by a file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

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
