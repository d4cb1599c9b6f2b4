"""``refcheck scorecard DIR`` of several record types passes the same gates as ``check``: per record type.

The scorecard used the single-table gates, so another record type's unreadable rows were left out of
``--unreadable``, escaped ``--max-unreadable``, and a folder without referrals failed ``--min-rows``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from tests.conftest import Invoke
from tests.test_record_types import PLAN_ROWS, REFERRAL_ROWS, SCHEMA, VISIT_ROWS, folder


@pytest.fixture
def schema_path(tmp_path: Path) -> Path:
    path = tmp_path / "cp-test.yaml"
    path.write_text(SCHEMA)
    return path


@pytest.mark.parametrize("command", ["check", "scorecard"])
def test_every_record_types_unreadable_rows_are_listed_and_gated(tmp_path: Path, schema_path: Path, invoke: Invoke,
                                                                 command: str) -> None:
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    listed = tmp_path / "unreadable.csv"
    out = ("--out", tmp_path / "out") if command == "scorecard" else ()
    result = invoke(command, where, "--schema", schema_path, "--as-of", "2026-06-30", "--fail-on", "never",
                    "--unreadable", listed, *out)
    assert result.exit_code == ExitCode.PASSED, result.output
    assert listed.read_text().splitlines() == ["record_type,line,reason",
                                               "cp_visits,8,2 fields where the header has 4"]
    gated = invoke(command, where, "--schema", schema_path, "--as-of", "2026-06-30", "--max-unreadable", "0", *out)
    assert gated.exit_code == ExitCode.BAD_EXTRACT, gated.output
    assert gated.stderr.splitlines()[-1] == (
        f"Error: {where / 'cp_visits.csv'}: 1 of 7 rows could not be read, more than --max-unreadable 0 allows; "
        "--unreadable FILE lists them")


def test_a_scorecard_of_a_folder_without_referrals_counts_the_rows_of_the_others(
        tmp_path: Path, schema_path: Path, invoke: Invoke) -> None:
    where = folder(tmp_path, cp_plans=PLAN_ROWS)
    result = invoke("scorecard", where, "--schema", schema_path, "--as-of", "2026-06-30", "--out", tmp_path / "out",
                    "--fail-on", "never")
    assert result.exit_code == ExitCode.PASSED, result.output
    assert (tmp_path / "out" / "report.json").exists()
    too_few = invoke("scorecard", where, "--schema", schema_path, "--as-of", "2026-06-30", "--out", tmp_path / "out",
                     "--min-rows", "6")
    assert too_few.exit_code == ExitCode.BAD_EXTRACT
    assert too_few.stderr.splitlines()[-1].endswith("5 rows were checked, fewer than --min-rows 6 "
                                                    "(5 read, 0 unreadable)")


@pytest.mark.parametrize("command", ["check", "scorecard"])
def test_with_group_readable_every_record_types_unreadable_list_and_folder_files_are_the_groups(
        tmp_path: Path, schema_path: Path, invoke: Invoke, command: str) -> None:
    import os
    import stat

    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    listed, out = tmp_path / "unreadable.csv", tmp_path / "out"
    old = os.umask(0o077)  # NOTE: the strictest umask: the option's modes must not depend on it
    try:
        result = invoke(command, where, "--schema", schema_path, "--as-of", "2026-06-30", "--fail-on", "never",
                        "--unreadable", listed, "--group-readable",
                        *(("--out", out) if command == "scorecard" else ()))
    finally:
        os.umask(old)
    assert result.exit_code == ExitCode.PASSED, result.output
    assert listed.read_text().splitlines()[1:] == ["cp_visits,8,2 fields where the header has 4"]
    written = [listed, *(path for path in out.rglob("*") if not path.name.startswith("."))]
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in written}
    assert {name: mode for name, mode in modes.items() if mode != (0o750 if name in ("worklists", "due") else 0o640)
            } == {}
    assert len(written) > (5 if command == "scorecard" else 0)
