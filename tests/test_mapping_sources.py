"""A mapping's ``source:`` must name a file, sheet or table no other record type is read from.

A folder's file is matched to one record type only: a source shared by two record types, or naming
another record type, left one of them silently read from elsewhere or reported not supplied.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.cli import ExitCode
from refcheck.schemas import SchemaError, load_mapping, load_schema
from tests.conftest import Invoke

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "line", "message"), [
    ("record_types:\n  cp_visits:\n    source: shared\n  cp_reviews:\n    source: SHARED\n", 5,
     "source 'SHARED' is where record type 'cp_visits' is read from"),
    ("record_types:\n  cp_visits:\n    source: cp_plans\n", 3,
     "source 'cp_plans' is where record type 'cp_plans' is read from"),
    ("source: cp_reviews\n", 1, "source 'cp_reviews' is where record type 'cp_reviews' is read from"),
])
def test_a_source_of_another_record_type_is_refused_at_its_line(tmp_path: Path, text: str, line: int,
                                                               message: str) -> None:
    with pytest.raises(SchemaError) as raised:
        load_mapping(_mapping(tmp_path, text), load_schema("wales"))
    assert f"mapping.yaml:{line}:" in str(raised.value) and message in str(raised.value)


def test_a_source_of_its_own_name_or_a_new_name_is_taken(tmp_path: Path) -> None:
    mapping = load_mapping(_mapping(tmp_path, "source: Referrals\nrecord_types:\n  cp_visits:\n    source: cp_visits\n"
                                    "  cp_reviews:\n    source: ssd_reviews\n"), load_schema("wales"))
    assert mapping.source == "Referrals" and mapping.record_types["cp_reviews"].source == "ssd_reviews"


def test_the_command_line_says_so_in_one_line_and_exit_3(tmp_path: Path, invoke: Invoke,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named by its path from the current directory
    path = _mapping(tmp_path, "record_types:\n  cp_visits:\n    source: cp_plans\n")
    result = invoke("check", SAMPLE, "--schema", "wales", "--mapping", path, "--as-of", "2026-06-01")
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [
        "Error: mapping.yaml:3: record_types.cp_visits.source: source 'cp_plans' is where record type 'cp_plans' is "
        "read from; each record type needs a file, sheet or table of its own"]
