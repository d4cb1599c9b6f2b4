"""The command line: help, version, exit codes, and the installed console script."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from refcheck.cli import ExitCode, cli
from refcheck.reports import refcheck_version
from tests.conftest import ROOT, SAMPLE, SAMPLE_AS_OF, Invoke

HISTORY_MEANINGS = {
    2: "usage error: a bad option, or a --history file that is not a refcheck history or cannot be used",
    4: "the --history file does not exist or cannot be read",
}
"""``history`` reads no extract: its 2 and 4 are about the history file, and its help says so."""


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.stdout == f"refcheck {refcheck_version()}\n"


@pytest.mark.parametrize(("command", "codes"), [
    ([], "012345"), (["check"], "012345"), (["scorecard"], "012345"), (["sample"], "025"), (["history"], "0245"),
    (["init"], "02345"), (["map"], "02345"), (["profile"], "02345"), (["schema", "check"], "02345"),
    (["schema", "show"], "0235"), (["rules"], "0235"), (["export", "pandera"], "0235"), (["export", "gx"], "0235"),
    (["export", "calendar"], "0235"),
])
def test_help_shows_the_exit_codes_the_command_can_give_and_an_example(invoke: Invoke, command: list[str],
                                                                       codes: str) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    listed = re.findall(r"^\s+(\d)  (.+)$", result.stdout.split("Exit codes:")[1], re.MULTILINE)
    assert "".join(code for code, _ in listed) == codes
    own = HISTORY_MEANINGS if command == ["history"] else {}
    for code, meaning in listed:
        gated = "1" in codes or code != "0"
        assert meaning == own.get(int(code), ExitCode(int(code)).meaning if gated else "done")
    if command:
        assert "Example:" in result.stdout


def test_readme_exit_code_table_matches_the_enum() -> None:
    table = re.findall(r"^\| (\d) \| (.+) \|$", (ROOT / "README.md").read_text(), re.MULTILINE)
    assert [(int(code), meaning.replace("`", "")) for code, meaning in table] == [
        (code.value, code.meaning) for code in ExitCode
    ]


def test_unknown_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--fail-on", "sometimes")
    assert result.exit_code == ExitCode.USAGE


def test_summary_lists_failing_rules_and_teams_without_colour_in_a_pipe(invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat())
    assert result.exit_code == ExitCode.FINDINGS
    assert "\x1b[" not in result.stdout
    assert "Failing rules" in result.stdout and "Pass rate by team and category" in result.stdout
    assert "(no team)" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("FAILED (fail-on error)")


def test_json_to_a_file_is_written_whole(tmp_path: Path, invoke: Invoke) -> None:
    out = tmp_path / "deep" / "report.json"
    result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", out)
    assert result.exit_code == ExitCode.FINDINGS
    assert json.loads(out.read_text())["source"]["rows_read"] == 5000
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary left behind


def test_console_script_runs_as_installed() -> None:
    script = Path(sys.executable).with_name("refcheck")
    assert script.exists(), "the refcheck console script is installed beside the interpreter"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [str(script), "check", str(SAMPLE), "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert done.returncode == ExitCode.FINDINGS, done.stderr
    assert json.loads(done.stdout)["schema"]["name"] == "wales-referral"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("args", "code"), [
    (["--version"], ExitCode.PASSED),
    (["check", str(SAMPLE), "--as-of", SAMPLE_AS_OF.isoformat(), "--fail-on", "never"], ExitCode.PASSED),
    (["check", str(SAMPLE), "--as-of", SAMPLE_AS_OF.isoformat()], ExitCode.FINDINGS),
    (["check", str(SAMPLE), "--fail-on", "sometimes"], ExitCode.USAGE),
    (["check", str(SAMPLE), "--schema", "no-such-schema"], ExitCode.BAD_SCHEMA),
    (["check", "no-such-extract.csv"], ExitCode.BAD_EXTRACT),
])
def test_the_process_ends_with_the_commands_status_and_its_whole_output(args: list[str], code: ExitCode) -> None:
    """``main`` flushes and exits with the command's status: every buffered line must come out, and no noise."""
    done = subprocess.run([sys.executable, "-m", "refcheck.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.endswith("\n") or done.stderr.endswith("\n")
    if code == ExitCode.FINDINGS:
        assert done.stdout.rstrip().splitlines()[-1].startswith("FAILED (fail-on error)")


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    done = subprocess.run([sys.executable, "-m", "refcheck.cli", "check", str(SAMPLE), "--json", "-",
                           "--as-of", SAMPLE_AS_OF.isoformat()], stdout=reader.stdin, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT)
    reader.stdin.close()
    reader.wait()
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode != ExitCode.PASSED


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "refcheck.cli", "--version"], capture_output=True, text=True)
    assert done.stdout.strip() == f"refcheck {refcheck_version()}"


@pytest.mark.parametrize("option", ["--junit", "--unreadable", "--json"])
def test_an_output_to_stdout_leaves_stdout_to_it_and_the_summary_to_stderr(invoke: Invoke, option: str) -> None:
    result = invoke("check", SAMPLE, "--as-of", SAMPLE_AS_OF.isoformat(), option, "-")
    assert result.exit_code == ExitCode.FINDINGS, result.stderr
    starts = {"--junit": "<?xml", "--unreadable": "line,", "--json": "{"}[option]
    assert result.stdout.startswith(starts), result.stdout[:200]
    assert "records" not in result.stdout.splitlines()[-1]
    assert "FAILED" in result.stderr or "failed" in result.stderr


def test_two_outputs_to_stdout_are_a_usage_error(invoke: Invoke) -> None:
    result = invoke("check", SAMPLE, "--json", "-", "--junit", "-")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[-1] == ("Error: --json and --junit are both '-': only one output can be "
                                              "standard output")


def test_scorecard_and_profile_say_their_lines_on_stderr_when_an_output_is_stdout(invoke: Invoke,
                                                                                 tmp_path: Path) -> None:
    scorecard = invoke("scorecard", SAMPLE, "--out", tmp_path, "--no-history", "--unreadable", "-",
                       "--fail-on", "error")
    assert scorecard.exit_code == ExitCode.FINDINGS, scorecard.stderr
    assert scorecard.stdout.splitlines()[0].startswith("line,") and "records checked" in scorecard.stderr
    assert "records checked" not in scorecard.stdout
    profile = invoke("profile", SAMPLE, "--html", "-")
    assert profile.exit_code == 0, profile.stderr
    assert profile.stdout.lstrip().lower().startswith("<!doctype html") and profile.stdout.rstrip().endswith("</html>")


def test_no_command_takes_more_than_ten_parameters_the_read_options_are_one() -> None:
    def commands(group: click.Group) -> list[click.Command]:
        found: list[click.Command] = []
        for command in group.commands.values():
            found.extend(commands(command) if isinstance(command, click.Group) else [command])
        return found

    for command in commands(cli):
        assert command.callback is not None
        parameters = inspect.signature(command.callback).parameters
        assert len(parameters) <= 10, command.name
        assert not {"encoding", "delimiter", "sheet", "table", "query", "min_rows"} & set(parameters), command.name
