"""Hostile extracts: whatever the bytes, only documented exit codes and never a traceback."""

from __future__ import annotations

import json
import os
import stat
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.cli import cli
from refcheck.schemas import load_schema
from tests.conftest import ROOT
from tests.test_extract_errors import HEADER, ROW

FIELDS = list(load_schema("wales-referral").fields)
EDGE_VALUES = [
    "", " ", "\t", "NA", "NULL", "=1+2", "-", "0", "00/00/0000", "31/02/2025", "2025-02-29", "0201-01-01",
    "2025-04-17T25:61:00", "9999-12-31", "1/1/25", "45762", "R1", "R1 ", "ÿ", "日本", '"', '""', "a\nb",
    "S47", "s47", " 1A ", "943 476 5919", "CF10 1AA", "x" * 2000,
]
# NOTE: derandomized, so that CI runs exactly the examples a developer ran (and no slow surprise shrinking).
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _run(path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(path), "--as-of", "2025-06-30", "--json", "-", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(data)
        code, _ = _run(path)
        assert code in (0, 1, 4)


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(EDGE_VALUES) | st.text(string.printable, max_size=12),
                         min_size=len(FIELDS), max_size=len(FIELDS)), max_size=30))
def test_valid_looking_csvs_full_of_edge_values_are_accounted_for(rows: list[list[str]]) -> None:
    import csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            writer.writerows(rows)
        code, stdout = _run(path, "--min-rows", "0")  # no rows at all is one of the cases
        assert code in (0, 1), stdout
        source = json.loads(stdout)["source"]
        assert source["rows_read"] == source["rows_checked"] + source["rows_unreadable"]
        non_blank = [row for row in rows if any(value.strip() for value in row)]
        assert source["rows_read"] >= len(non_blank)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from([*FIELDS, "nonsense", ""]),
        st.fixed_dictionaries({}, optional={
            "column": st.sampled_from([*FIELDS, "Missing", "", "x" * 300]),
            "values": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
            "date_format": st.sampled_from(["%d.%m.%Y", "%Y", "dd/mm", "%Q", ""]),
        }),
        max_size=5,
    ),
    st.lists(st.sampled_from(["NULL", "NA", "", " ", "1"]), max_size=3),
)
def test_random_mappings_give_only_documented_exit_codes(fields: dict, tokens: list[str]) -> None:  # type: ignore[type-arg]
    import yaml

    with tempfile.TemporaryDirectory() as folder:
        extract = Path(folder) / "extract.csv"
        extract.write_text(HEADER + "\n" + ROW + "\n" + ROW.replace("R1,", "R2,", 1) + "\n")
        mapping = Path(folder) / "mapping.yaml"
        mapping.write_text(yaml.safe_dump({"fields": fields, "null_tokens": tokens}))
        result = CliRunner().invoke(cli, ["check", str(extract), "--mapping", str(mapping), "--json", "-"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 3, 4), result.output
        if result.exit_code in (0, 1):
            source = json.loads(result.stdout)["source"]
            assert source["rows_read"] == source["rows_checked"] + source["rows_unreadable"] == 2
        else:
            assert result.stderr.splitlines() and all(line.startswith("Error: ") for line in result.stderr.splitlines())


# -- every command and every option that takes a path, a URI or a schema ---------------------------

PASSWORD = "Pw0rdFuzzSecret"
HOSTILE = "\x00hostile"
"""Where a case's hostile value goes."""
DOCUMENTED = {0, 2, 3, 4}
"""With --fail-on never, 1 is never right (a crash must not look like findings), and 5 is a bug to fix."""
USAGE_LINES = ("Usage: ", "Try '")
OPTIONS: dict[str, tuple[str, list[str]]] = {
    # case: ("in" for a value read, "out" for one written, the command with HOSTILE where the value goes)
    "check EXTRACT": ("in", ["check", HOSTILE, "--fail-on", "never"]),
    "check --schema": ("in", ["check", "{extract}", "--schema", HOSTILE, "--fail-on", "never"]),
    "check --mapping": ("in", ["check", "{extract}", "--mapping", HOSTILE, "--fail-on", "never"]),
    "check --unreadable": ("out", ["check", "{extract}", "--unreadable", HOSTILE, "--fail-on", "never"]),
    "check --json": ("out", ["check", "{extract}", "--json", HOSTILE, "--fail-on", "never"]),
    "check --junit": ("out", ["check", "{extract}", "--junit", HOSTILE, "--fail-on", "never"]),
    "check --engine gx --source": ("in", ["check", "--engine", "gx", "--source", HOSTILE, "--table", "referrals",
                                          "--fail-on", "never"]),
    "scorecard EXTRACT": ("in", ["scorecard", HOSTILE, "--out", "{folder}/out", "--no-history"]),
    "scorecard --out": ("out", ["scorecard", "{extract}", "--out", HOSTILE, "--no-history"]),
    "scorecard --schema": ("in", ["scorecard", "{extract}", "--out", "{folder}/out", "--no-history", "--schema",
                                  HOSTILE]),
    "scorecard --mapping": ("in", ["scorecard", "{extract}", "--out", "{folder}/out", "--no-history", "--mapping",
                                   HOSTILE]),
    "scorecard --unreadable": ("out", ["scorecard", "{extract}", "--out", "{folder}/out", "--no-history",
                                       "--unreadable", HOSTILE]),
    "scorecard --history": ("out", ["scorecard", "{extract}", "--out", "{folder}/out", "--history", HOSTILE]),
    "sample --out": ("out", ["sample", "--rows", "5", "--out", HOSTILE]),
    "history --history": ("in", ["history", "--history", HOSTILE]),
    "map EXTRACT": ("in", ["map", HOSTILE]),
    "map --schema": ("in", ["map", "{extract}", "--schema", HOSTILE]),
    "map --out": ("out", ["map", "{extract}", "--out", HOSTILE]),
    "profile EXTRACT": ("in", ["profile", HOSTILE]),
    "profile --schema": ("in", ["profile", "{extract}", "--schema", HOSTILE]),
    "profile --mapping": ("in", ["profile", "{extract}", "--mapping", HOSTILE]),
    "profile --html": ("out", ["profile", "{extract}", "--html", HOSTILE]),
    "profile --json": ("out", ["profile", "{extract}", "--json", HOSTILE]),
    "init --extends": ("in", ["init", "--dir", "{folder}/council", "--extends", HOSTILE]),
    "init --from": ("in", ["init", "--dir", "{folder}/council", "--from", HOSTILE]),
    "init --dir": ("out", ["init", "--dir", HOSTILE]),
    "schema check FILE": ("in", ["schema", "check", HOSTILE]),
    "schema check --mapping": ("in", ["schema", "check", "wales-referral", "--mapping", HOSTILE]),
    "schema show --schema": ("in", ["schema", "show", "--schema", HOSTILE]),
    "rules --schema": ("in", ["rules", "--schema", HOSTILE]),
    **{f"export {what} --schema": ("in", ["export", what, "--schema", HOSTILE]) for what in ("pandera", "gx",
                                                                                              "calendar")},
    **{f"export {what} --out": ("out", ["export", what, "--out", HOSTILE]) for what in ("pandera", "gx", "calendar")},
}
IN_PROCESS = ["a directory", "a missing file", "a path below a file", "a file with NUL bytes",
              "control characters and emoji in the name", "a full device", "a URI with a password",
              "a dash (standard input or output)", "an empty name", "a name too long", "a relative name too long"]
IN_A_PROCESS_OF_THEIR_OWN = ["a FIFO", "an endless device"]
"""Values that could hang or fill memory: run in a process with a time limit."""


def _device(path: Path, minor: int) -> str:
    """A character device like /dev/full (7) or /dev/zero (5), made in a scratch folder: no run can replace /dev's."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        if os.geteuid() == 0:
            raise
        return f"/dev/{'full' if minor == 7 else 'zero'}"  # NOTE: only root could replace these
    return str(path)


def _hostile(kind: str, folder: Path, extract: Path) -> str:
    """Make the hostile value of this kind in ``folder`` and return it as it is typed."""
    if kind == "a directory":
        (folder / "a folder").mkdir()
        return str(folder / "a folder")
    if kind == "a missing file":
        return str(folder / "missing.csv")
    if kind == "a path below a file":
        (folder / "file.txt").write_text("x")
        return str(folder / "file.txt" / "x.csv")
    if kind == "a file with NUL bytes":
        (folder / "nul.csv").write_bytes(extract.read_bytes().replace(b",", b"\x00,", 5) + b"\x00" * 64)
        return str(folder / "nul.csv")
    if kind == "control characters and emoji in the name":
        odd = folder / "e\x1b]0;title\x07\U0001f600\u202e\r.csv"
        odd.write_bytes(extract.read_bytes())
        return str(odd)
    if kind == "a full device":
        return _device(folder / "full", 7)
    if kind == "an endless device":
        return _device(folder / "zero", 5)
    if kind == "a FIFO":
        os.mkfifo(folder / "pipe")
        return str(folder / "pipe")
    if kind == "a dash (standard input or output)":
        return "-"
    if kind == "an empty name":
        return ""
    if kind == "a name too long":
        return str(folder / ("x" * 5000))
    if kind == "a relative name too long":
        return "x" * 5000
    assert kind == "a URI with a password"
    return f"postgresql://fuzz:{PASSWORD}@127.0.0.1:9/db?connect_timeout=2&password={PASSWORD}"


def _run_case(case: str, kind: str, folder: Path) -> dict[str, object]:
    """Run one command with one hostile value in ``folder``; what came out, for ``_assert_promises``."""
    extract = folder / "extract.csv"
    extract.write_text(HEADER + "\n" + ROW + "\n" + ROW.replace("R1,", "R2,", 1) + "\n")
    value = _hostile(kind, folder, extract)
    args = [value if arg == HOSTILE else arg.format(extract=extract, folder=folder) for arg in OPTIONS[case][1]]
    result = CliRunner().invoke(cli, args)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    return {"case": case, "kind": kind, "code": result.exit_code, "stdout": result.stdout,
            "stderr": result.stderr, "escaped": repr(escaped) if escaped else None}


def _assert_promises(run: dict[str, object]) -> None:
    where = f"{run['case']} given {run['kind']}: {run['stderr']!r}"
    assert run["escaped"] is None, f"{where}: {run['escaped']}"
    assert run["code"] in DOCUMENTED, where
    stderr, stdout = str(run["stderr"]), str(run["stdout"])
    assert "Traceback" not in stderr, where
    assert PASSWORD not in stderr + stdout, where
    assert not {"\x1b", "\x07", "\r", "\u202e"} & set(stderr), where
    if run["code"] != 0:
        errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, where
        assert all(line in errors or not line or line.startswith(USAGE_LINES) for line in stderr.splitlines()), where


def _cases(kinds: list[str], way: str | None = None) -> list[tuple[str, str]]:
    """Each option with each kind of value, of one way or both.

    A URI goes only where a value is read; a full device only where one is written (read, it is
    as endless as /dev/zero, which the endless device covers in a process with a time limit).
    """
    return [(case, kind) for kind in kinds for case, (its_way, _) in OPTIONS.items()
            if its_way == {"a URI with a password": "in", "a full device": "out"}.get(kind, its_way)
            and way in (None, its_way)]


@pytest.mark.parametrize(("case", "kind"), _cases(IN_PROCESS))
def test_every_path_option_given_a_hostile_value_keeps_the_promises(case: str, kind: str, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative value (a URI taken as a path) lands here
    _assert_promises(_run_case(case, kind, tmp_path))


def drive(kind: str, way: str, folder: str) -> None:
    """Run every case with one kind of value, one JSON line each (``started`` first, to name a hang).

    A case blocked on a FIFO (or still running after ``CASE_SECONDS``) is marked hung, and the FIFO
    is opened at both ends and closed until the case ends, so that one hang does not hide what the
    other cases do. An endless device cannot be unjammed: the caller's time limit names that case.
    """
    for number, (case, _) in enumerate(_cases([kind], way)):
        scratch = Path(folder) / str(number)
        scratch.mkdir()
        os.chdir(scratch)
        print(json.dumps({"started": case}), flush=True)
        done: list[dict[str, object]] = []
        worker = threading.Thread(target=_run_into, args=(done, case, kind, scratch), daemon=True)
        began, hung = time.monotonic(), False
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
            if kind == "a FIFO" and worker.is_alive() and (
                    _blocked_on_a_pipe() or time.monotonic() - began > CASE_SECONDS):
                hung = True
                _unjam(scratch / "pipe")
        print(json.dumps({**done[0], "hung": hung}), flush=True)


CASE_SECONDS = 30


def _blocked_on_a_pipe() -> bool:
    """Whether a thread of this process waits to open, read or write a pipe (Linux's /proc; else never)."""
    for task in Path("/proc/self/task").glob("*"):
        try:
            waiting = (task / "wchan").read_text()
        except OSError:
            continue
        if waiting == "wait_for_partner" or "pipe_read" in waiting or "pipe_write" in waiting:
            return True
    return False


def _run_into(done: list[dict[str, object]], case: str, kind: str, folder: Path) -> None:
    done.append(_run_case(case, kind, folder))


def _unjam(pipe: Path) -> None:
    """Open a FIFO at both ends and close them: a reader waiting on it sees its end, a writer its reader leave."""
    for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
        try:
            os.close(os.open(pipe, flags))
        except OSError:
            pass


@pytest.mark.parametrize(("kind", "way"), [("a FIFO", "in"), ("a FIFO", "out"),
                                         ("an endless device", "in"), ("an endless device", "out")])
def test_fifos_and_endless_devices_never_hang_and_keep_the_promises(kind: str, way: str, tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; from tests.test_fuzz import drive; drive(*sys.argv[1:])", kind,
               way, str(tmp_path)]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            out, err = child.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
    lines = [json.loads(line) for line in out.splitlines()]
    stuck = [line["started"] for line in lines[-1:] if "started" in line]
    assert not stuck, f"{stuck[0]} given {kind} never finished"
    assert child.returncode == 0, err
    runs = [line for line in lines if "code" in line]
    assert len(runs) == len(_cases([kind], way))
    hung = [run["case"] for run in runs if run["hung"]]
    assert not hung, f"given {kind}, these waited more than {CASE_SECONDS} s: {', '.join(hung)}"
    for run in runs:
        _assert_promises(run)
