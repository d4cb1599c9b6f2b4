"""The command line reads as a person expects: UK dates, a schema file as an argument, whole help, singulars."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from refcheck.cli import ExitCode, cli
from tests.conftest import SAMPLE, Invoke
from tests.test_extract_errors import HEADER, ROW
from tests.test_schema_all_errors import EVERY_MISTAKE, MANY_MISTAKES


def test_as_of_in_uk_form_is_the_same_day_as_in_iso_form(invoke: Invoke) -> None:
    uk = invoke("check", SAMPLE, "--as-of", "20/11/2026", "--json", "-", "--fail-on", "never")
    iso = invoke("check", SAMPLE, "--as-of", "2026-11-20", "--json", "-", "--fail-on", "never")
    assert uk.exit_code == iso.exit_code == ExitCode.PASSED, uk.output
    assert json.loads(uk.stdout)["as_of"] == "2026-11-20"
    assert uk.stdout == iso.stdout


def test_sample_and_export_take_a_uk_date_too(tmp_path: Path, invoke: Invoke) -> None:
    uk = invoke("sample", "--rows", "20", "--as-of", "5/3/2026", "--out", tmp_path / "uk.csv")
    iso = invoke("sample", "--rows", "20", "--as-of", "2026-03-05", "--out", tmp_path / "iso.csv")
    assert uk.exit_code == iso.exit_code == ExitCode.PASSED, uk.output
    assert (tmp_path / "uk.csv").read_bytes() == (tmp_path / "iso.csv").read_bytes()
    exported = invoke("export", "pandera", "--as-of", "20/11/2026", "--out", tmp_path / "schema.py")
    assert exported.exit_code == ExitCode.PASSED, exported.output


@pytest.mark.parametrize("as_of", ["20/11/26", "31/02/2026", "11/20/2026", "20-11-2026", "20/11/2026 09:00", ""])
def test_an_ambiguous_or_impossible_as_of_is_a_usage_error_naming_both_forms(invoke: Invoke, as_of: str) -> None:
    result = invoke("check", SAMPLE, "--as-of", as_of)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--as-of': {as_of!r} is not a date in the form YYYY-MM-DD or DD/MM/YYYY")


def test_schema_show_takes_the_schema_as_an_argument_like_schema_check(invoke: Invoke) -> None:
    argument = invoke("schema", "show", "england-referral", "--resolved")
    option = invoke("schema", "show", "--schema", "england-referral", "--resolved")
    assert argument.exit_code == option.exit_code == ExitCode.PASSED, argument.output
    assert argument.stdout == option.stdout and "england-referral" in argument.stdout
    assert invoke("schema", "show").stdout == invoke("schema", "show", "wales-referral").stdout


def test_schema_show_with_the_schema_twice_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("schema", "show", "england-referral", "--schema", "wales-referral")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[-1] == "Error: give the schema as FILE|NAME or as --schema, not both"


@pytest.mark.parametrize(("rows", "said"), [("1", "1 synthetic referral"), ("1200", "1,200 synthetic referrals")])
def test_sample_says_what_it_wrote_in_one_line(tmp_path: Path, invoke: Invoke, rows: str, said: str) -> None:
    out = tmp_path / "sample.csv"
    result = invoke("sample", "--rows", rows, "--out", out)
    assert result.exit_code == ExitCode.PASSED, result.output
    assert result.stderr.splitlines() == [f"wrote {said} to {out}"]
    assert len(out.read_text().splitlines()) == int(rows) + 1


@pytest.mark.parametrize("group", [[], ["export"], ["schema"]])
def test_help_lists_each_commands_whole_description(invoke: Invoke, group: list[str]) -> None:
    listing = invoke(*group, "--help").stdout.split("Commands:")[1].split("Exit codes:")[0]
    assert "..." not in listing
    words = " ".join(listing.split())
    commands = cli.commands if not group else cli.commands[group[0]].commands  # type: ignore[attr-defined]
    for name, command in commands.items():
        first = re.split(r"(?<=\.)\s", " ".join((command.help or "").split()), maxsplit=1)[0]
        assert f"{name} {first}" in words


def test_one_record_checked_and_one_field_matched_read_in_the_singular(tmp_path: Path, invoke: Invoke) -> None:
    extract = tmp_path / "extract.csv"
    extract.write_text(HEADER + "\n" + ROW + "\n")
    result = invoke("scorecard", extract, "--as-of", "2025-06-30", "--out", tmp_path / "out", "--no-history")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert result.stdout.startswith("1 record checked (0 unreadable) as of 2025-06-30; wrote ")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("referral_id,Something Else\nR1,x\n")
    drafted = invoke("init", "--dir", tmp_path / "council", "--from", theirs)
    assert drafted.exit_code == ExitCode.PASSED, drafted.output
    assert "mapping: 1 field matched; check mapping.yaml" in drafted.stdout


def test_each_of_a_schemas_mistakes_is_an_error_line_of_its_own(tmp_path: Path, invoke: Invoke,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named relative to the current directory when under it
    path = tmp_path / "council.yaml"
    path.write_text(MANY_MISTAKES)
    for command in (["schema", "check", path], ["check", SAMPLE, "--schema", path]):
        result = invoke(*command)
        assert result.exit_code == ExitCode.BAD_SCHEMA
        assert result.stderr.splitlines() == [f"Error: {mistake}" for mistake in EVERY_MISTAKE]
