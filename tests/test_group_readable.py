"""Output files are their owner's only (0600); ``--group-readable`` lets the owner's group read them (0640, 0750)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _modes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): _mode(path) for path in folder.rglob("*")
            if not path.name.startswith(".")}


def test_scorecard_files_are_the_owners_unless_group_readable(invoke: Invoke, tmp_path: Path) -> None:
    old = os.umask(0o077)  # NOTE: the strictest umask: the option's modes must not depend on it
    try:
        args = ("scorecard", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--no-history")
        private = invoke(*args, "--out", tmp_path / "private")
        shared = invoke(*args, "--out", tmp_path / "team" / "shared", "--group-readable", "--unreadable",
                        tmp_path / "unreadable.csv")
    finally:
        os.umask(old)
    assert private.exit_code == shared.exit_code == 0, shared.stderr
    files = {name: mode for name, mode in _modes(tmp_path / "private").items() if name != "worklists"}
    assert files and set(files.values()) == {0o600}, files
    found = _modes(tmp_path / "team" / "shared")
    assert found.pop("worklists") == 0o750
    assert len(found) == len(files) and set(found.values()) == {0o640}, found
    assert _mode(tmp_path / "team" / "shared") == _mode(tmp_path / "team") == 0o750
    assert _mode(tmp_path / "unreadable.csv") == 0o640


def test_check_json_and_junit_are_group_readable_on_request(invoke: Invoke, tmp_path: Path) -> None:
    args = ("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat())
    invoke(*args, "--json", tmp_path / "own.json", "--junit", tmp_path / "own.xml")
    invoke(*args, "--json", tmp_path / "team.json", "--junit", tmp_path / "team.xml", "--group-readable")
    assert (_mode(tmp_path / "own.json"), _mode(tmp_path / "own.xml")) == (0o600, 0o600)
    assert (_mode(tmp_path / "team.json"), _mode(tmp_path / "team.xml")) == (0o640, 0o640)


def test_an_existing_output_folder_keeps_its_own_mode(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "share"
    out.mkdir()
    out.chmod(0o2770)
    result = invoke("scorecard", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--no-history", "--out", out,
                    "--group-readable")
    assert result.exit_code == 0, result.stderr
    assert _mode(out) == 0o2770
    assert _mode(out / "index.html") == 0o640
