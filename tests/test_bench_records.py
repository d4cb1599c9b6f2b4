"""The harness of several record types (bench/records.py) and its floor (bench/records_floor.py), on a tiny folder.

No timing is asserted: the tests check what is run and read, and the arithmetic of the verdicts.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
REFCHECK = str(Path(sys.executable).with_name("refcheck"))
RECORD_TYPES = ["referrals", "cp_plans", "cp_visits", "cp_reviews"]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> ModuleType:
    return _script("records")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("bench") / "records-400"
    subprocess.run([REFCHECK, "sample", "--rows", "400", "--seed", "7", "--out", str(made)], check=True,
                   capture_output=True)
    return made


def test_the_floor_reads_every_record_type_of_the_schema_typed_as_the_one_file_floor_reads_it(
        folder: Path, tmp_path: Path) -> None:
    columns = tmp_path / "columns.json"
    columns.write_text(subprocess.run([sys.executable, str(BENCH / "records_floor.py"), "columns"], check=True,
                                      capture_output=True, text=True).stdout)
    types = json.loads(columns.read_text())
    assert list(types) == RECORD_TYPES  # wales, the primary record type first
    assert types["cp_visits"]["visit_date"] == "datetime" and types["cp_plans"]["start_date"] == "date"
    assert types["referrals"] == _script("floor").columns("wales")  # the referrals as bench/floor.py reads them
    done = subprocess.run([sys.executable, str(BENCH / "records_floor.py"), "read", str(folder), str(columns)],
                          check=True, capture_output=True, text=True)  # as the harness runs it
    read = json.loads(done.stdout)
    expected = {"text": "String", "code": "String", "date": "Date",
                "datetime": "Datetime(time_unit='us', time_zone=None)"}
    for name in RECORD_TYPES:
        text = pl.read_csv(folder / f"{name}.csv", infer_schema=False)
        assert read[name]["rows"] == text.height > 0, name
        assert read[name]["types"] == {column: expected[kind] for column, kind in types[name].items()}, name
    frames = _script("records_floor").read(folder, types)
    one = _script("floor")
    for name in RECORD_TYPES:
        assert frames[name].equals(one.read(str(folder / f"{name}.csv"), types[name])), name


def test_the_check_and_scorecard_timed_are_those_of_the_folder_with_the_wales_schema(
        records: ModuleType, folder: Path, tmp_path: Path) -> None:
    commands = records.contenders(folder, tmp_path, REFCHECK)
    assert list(commands) == [records.FLOOR, records.TEXT, records.CHECK, records.SCORECARD]  # the floor first
    assert commands[records.CHECK][:3] == [REFCHECK, "check", str(folder)]
    assert commands[records.SCORECARD][:3] == [REFCHECK, "scorecard", str(folder)]
    for name in (records.CHECK, records.SCORECARD):
        command = commands[name]
        assert command[command.index("--schema") + 1] == "wales"
        assert command[command.index("--as-of") + 1] == records.AS_OF
    assert "--no-history" in commands[records.SCORECARD]
    python, flag, program, where = commands[records.TEXT]
    text = subprocess.run([python, flag, f"{program}; print(len(frames))", where], check=True, capture_output=True,
                          text=True)
    assert text.stdout.strip() == "4"  # the all-text read reads every file of the folder


def test_the_verdicts_are_the_issues_targets_judged_on_the_ratio_of_medians(records: ModuleType) -> None:
    samples = {
        records.FLOOR: [(2.0, 800.0, 2.5)] * 3,
        records.TEXT: [(1.0, 780.0, 1.3)] * 3,
        records.CHECK: [(4.0, 450.0, 5.0), (5.2, 450.0, 5.5), (6.0, 900.0, 5.2)],
        records.SCORECARD: [(5.0, 580.0, 7.0), (7.0, 580.0, 7.3), (6.5, 580.0, 7.2)],
    }
    rows = {line.split(" | ")[0].lstrip("| "): line for line in records.verdicts("1M", samples)[2:]}
    # median check 5.2 s / floor 2.0 s = 2.6x: not met; per round 2.0, 2.6, 3.0 -> 1 of 3
    assert rows["check time / floor"] == "| check time / floor | <= 2.5x | 2.60x | **no** | 1 of 3 |"
    # CPU 5.2 / 2.5 = 2.08x; per round 2.0, 2.2, 2.08 -> all
    assert rows["check CPU / floor"] == "| check CPU / floor | <= 2.5x | 2.08x | yes | 3 of 3 |"
    # memory 450 / 800; the last round's 900 MiB is over the floor's
    assert rows["check memory / floor"] == "| check memory / floor | <= 1x | 0.56x | yes | 2 of 3 |"
    # scorecard 6.5 / 5.2 = 1.25x; per round 1.25, 1.35, 1.08 -> 2 of 3
    assert rows["scorecard time / check"] == "| scorecard time / check | <= 1.3x | 1.25x | yes | 2 of 3 |"
    # CPU 7.2 / 5.2 = 1.38x; per round 1.4, 1.33, 1.38 -> none
    assert rows["scorecard CPU / check"] == "| scorecard CPU / check | <= 1.3x | 1.38x | **no** | 0 of 3 |"
    table = records.table("1M", samples)
    check = next(line for line in table if line.startswith(f"| {records.CHECK} |"))
    # wall, fastest–slowest, CPU, peak MiB, time / floor, CPU / floor, memory / floor, time / check
    assert check.split(" | ")[1:9] == ["5.20", "4.00–6.00", "5.20", "450", "2.60x", "2.08x", "0.56x", "1.00x |"]


def test_a_run_on_a_tiny_folder_writes_the_page_with_every_contender_the_rows_of_each_record_type_and_the_targets(
        folder: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "records-400").symlink_to(folder, target_is_directory=True)  # made already: the harness keeps it
    page = tmp_path / "records.md"
    subprocess.run([sys.executable, str(BENCH / "records.py"), "--rows", "400", "--runs", "1", "--warm-ups", "0",
                    "--data", str(data), "--write", str(page)], check=True, capture_output=True, text=True)
    written = page.read_text()
    records = _script("records")
    for name in (records.FLOOR, records.TEXT, records.CHECK, records.SCORECARD):
        assert f"| {name} |" in written
    counts = {name: pl.read_csv(folder / f"{name}.csv", infer_schema=False).height for name in RECORD_TYPES}
    assert f"referrals {counts['referrals']:,} rows" in written and f"cp_visits {counts['cp_visits']:,} rows" in written
    assert "| check time / floor | <= 2.5x |" in written and "| scorecard time / check | <= 1.3x |" in written
    assert "python bench/records.py --rows 400 --runs 1" in written and "Load average" in written
    assert json.loads((data / "work" / "records.json").read_text())["sources"].keys() == set(RECORD_TYPES)
