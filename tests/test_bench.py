"""The benchmark harness's arithmetic, its floor and its other shapes.

The harness itself (timing processes) is never run by the tests; its tables are checked here: the
verdict is the ratio of medians, and the rounds say how firm it is. The floor it times
(bench/floor.py) is run as the harness runs it, and its typed values checked against Python's own
date parsing; the other shapes (bench/shapes.py) are checked against the extract they are made from.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
REFCHECK = str(Path(sys.executable).with_name("refcheck"))


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _script("run")


def _samples(bench: ModuleType) -> dict[str, list[tuple[float, float, float]]]:
    # Five rounds of (wall s, peak MiB, CPU s). The check's wall falls into two levels while its CPU
    # time holds (others' load); GX is steady and has no target.
    return {
        bench.FLOOR: [(0.6, 800.0, 1.0)] * 5,
        bench.TEXT: [(0.25, 780.0, 0.5)] * 5,
        bench.CHECK: [(1.0, 500.0, 2.0), (1.0, 500.0, 2.0), (1.5, 500.0, 2.1), (1.5, 500.0, 2.1), (1.1, 900.0, 2.0)],
        bench.SCORECARD: [(1.2, 600.0, 2.5), (1.2, 600.0, 2.5), (1.2, 600.0, 2.5), (2.0, 600.0, 2.6),
                          (2.0, 600.0, 2.6)],
        bench.GX: [(22.0, 2000.0, 25.0)] * 5,
    }


def test_verdict_is_the_ratio_of_medians_and_rounds_count_each_rounds_own_ratio(bench: ModuleType) -> None:
    lines = bench.verdicts("1,000,000 rows", _samples(bench))
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    # median check 1.1 s / floor 0.6 s = 1.83x, met (within 2x); per round 1.67, 1.67, 2.5, 2.5, 1.83 -> 3 of 5
    assert rows["check time / floor"] == "| check time / floor | <= 2x | 1.83x | yes | 3 of 5 |"
    # median scorecard 1.2 s / 1.1 s = 1.09x, met; per round 1.2, 1.2, 0.8, 1.33, 1.82 -> 3 of 5
    assert rows["scorecard time / check"] == "| scorecard time / check | <= 1.3x | 1.09x | yes | 3 of 5 |"
    # memory: median 500 / 800; the last round's 900 MiB is over the floor's 800
    assert rows["check memory / floor"] == "| check memory / floor | <= 1x | 0.62x | yes | 4 of 5 |"
    assert "pandera time / check" not in rows  # not run at this size
    assert "GX time / check" not in rows  # an anchor in the table, not a target


def test_with_an_install_from_before_the_check_and_scorecard_are_judged_against_their_own_earlier_times(
        bench: ModuleType) -> None:
    samples = _samples(bench)
    rows = {line.split(" | ")[0].lstrip("| ") for line in bench.verdicts("1M", samples)[2:]}
    assert "check time / before" not in rows  # no --before: no such targets
    samples[bench.CHECK_BEFORE] = [(1.0, 450.0, 2.0)] * 5
    samples[bench.SCORECARD_BEFORE] = [(1.2, 600.0, 2.2)] * 5
    lines = {line.split(" | ")[0].lstrip("| "): line for line in bench.verdicts("1M", samples)[2:]}
    # median check 1.1 s against 1.0 s before: 1.10x, met (within 1.1x); per round 1, 1, 1.5, 1.5, 1.1 -> 3 of 5
    assert lines["check time / before"] == "| check time / before | <= 1.1x | 1.10x | yes | 3 of 5 |"
    # CPU: median 2.0 s against 2.0 s before; per round 1, 1, 1.05, 1.05, 1 -> all 5
    assert lines["check CPU / before"] == "| check CPU / before | <= 1.1x | 1.00x | yes | 5 of 5 |"
    # scorecard CPU 2.5 s against 2.2 s: 1.14x, not met; per round 1.14, 1.14, 1.14, 1.18, 1.18 -> none
    assert lines["scorecard CPU / before"] == "| scorecard CPU / before | <= 1.1x | 1.14x | **no** | 0 of 5 |"
    # 500 MiB against 450 before: higher, not met
    assert lines["check memory / before"] == "| check memory / before | <= 1x | 1.11x | **no** | 0 of 5 |"
    assert lines["scorecard time / before"] == "| scorecard time / before | <= 1.1x | 1.00x | yes | 3 of 5 |"
    before = bench.contenders(Path("x.csv"), Path("work"), "refcheck", heavy=False, before="/old/bin/refcheck")
    assert before[bench.CHECK_BEFORE][:2] == ["/old/bin/refcheck", "check"]
    assert before[bench.SCORECARD_BEFORE][:2] == ["/old/bin/refcheck", "scorecard"]


def test_table_shows_each_contenders_fastest_and_slowest_round(bench: ModuleType) -> None:
    lines = bench.table("1,000,000 rows (240 MiB CSV)", _samples(bench))
    check = next(line for line in lines if line.startswith(f"| {bench.CHECK} |"))
    # wall, fastest–slowest, CPU, peak MiB, time / floor (0.6 s), time / text read (0.25 s), memory / floor (800 MiB)
    assert check.split(" | ")[1:8] == ["1.10", "1.00–1.50", "2.00", "500", "1.83x", "4.40x", "0.62x"]
    assert lines[0] == "### 1,000,000 rows (240 MiB CSV), median of 5 runs"


def test_other_shapes_are_the_same_records_quoted_over_two_lines_or_with_windows_line_ends(
        bench: ModuleType, tmp_path: Path) -> None:
    made = bench.other_shapes(400, tmp_path, str(Path(sys.executable).with_name("refcheck")))  # bench/shapes.py
    base, quoted, two_lines, crlf = (pl.read_csv(path, infer_schema=False) for path in made.values())
    reasons = base["referral_reason"].to_list()

    def changed(low: int, high: int, into: str) -> list[str | None]:
        return [reason.replace(" ", into, 1) if reason is not None and low <= index * 37 % 100 < high else reason
                for index, reason in enumerate(reasons)]

    assert quoted["referral_reason"].to_list() == changed(0, 30, ", ")
    assert two_lines["referral_reason"].to_list() == changed(30, 31, "\n")
    assert quoted.drop("referral_reason").equals(base.drop("referral_reason"))
    assert two_lines.drop("referral_reason").equals(base.drop("referral_reason"))
    assert crlf.equals(base)
    written = list(made.values())[3].read_bytes()
    assert written.count(b"\r\n") == base.height + 1 and b"\n" not in written.replace(b"\r\n", b"")


def test_the_floor_reads_the_schemas_collected_fields_with_their_types_and_the_files_date_formats(
        tmp_path: Path) -> None:
    extract = tmp_path / "referrals.csv"
    subprocess.run([REFCHECK, "sample", "--rows", "2000", "--seed", "7", "--out", str(extract)], check=True,
                   capture_output=True)
    columns = tmp_path / "columns.json"
    columns.write_text(subprocess.run([sys.executable, str(BENCH / "floor.py"), "columns"], check=True,
                                      capture_output=True, text=True).stdout)
    types = json.loads(columns.read_text())
    assert types["referral_id"] == "text" and types["date_of_birth"] == "date"
    assert types["referral_received"] == "datetime" and types["gender"] == "code"
    done = subprocess.run([sys.executable, str(BENCH / "floor.py"), "read", str(extract), str(columns)],
                          check=True, capture_output=True, text=True)  # as the harness runs it
    read = json.loads(done.stdout)
    assert read["rows"] == 2000
    expected = {"text": "String", "code": "String", "date": "Date",
                "datetime": "Datetime(time_unit='us', time_zone=None)"}
    assert read["types"] == {name: expected[kind] for name, kind in types.items()}

    floor = _script("floor")
    frame = floor.read(str(extract), types)
    text = pl.read_csv(extract, infer_schema=False)
    for name, kind in types.items():
        if kind not in ("date", "datetime"):
            assert frame[name].equals(text[name])
            continue
        forms = floor.DATE_FORMATS if kind == "date" else floor.DATETIME_FORMATS
        wanted = [_parsed(value, forms, date_only=kind == "date") for value in text[name].to_list()]
        assert frame[name].to_list() == wanted, name
    # the sample writes every style, and some values no format reads
    assert frame["date_of_birth"].null_count() > text["date_of_birth"].null_count()


def _parsed(value: str | None, forms: tuple[str, ...], date_only: bool) -> dt.date | dt.datetime | None:
    """What a value means in the first of the formats that reads it, by Python's own parser; None if none does."""
    for form in forms:
        try:
            parsed = dt.datetime.strptime(value or "", form)
        except ValueError:
            continue
        return parsed.date() if date_only else parsed
    return None


def test_the_floor_reads_an_integer_field_as_a_number_and_a_value_that_is_not_one_as_null(tmp_path: Path) -> None:
    extract = tmp_path / "counts.csv"
    extract.write_text("visits,seen\n3,2025-01-02\nthree,02/01/2025\n,\n")
    frame = _script("floor").read(str(extract), {"visits": "integer", "seen": "date"})
    assert frame.schema == pl.Schema({"visits": pl.Int64, "seen": pl.Date})
    assert frame.rows() == [(3, dt.date(2025, 1, 2)), (None, dt.date(2025, 1, 2)), (None, None)]


def test_the_page_takes_the_number_of_rules_gx_runs_from_the_exports_own_summary(
        bench: ModuleType, tmp_path: Path) -> None:
    done = subprocess.run([REFCHECK, "export", "gx", "--dialect", "none", "--out", str(tmp_path / "suite.json")],
                          check=True, capture_output=True, text=True)
    exact, total = (int(n) for n in re.findall(r"\d+", bench.gx_rules(done.stderr)))
    assert 0 < exact < total  # some rules need SQL, so pandas runs fewer than all
    assert bench.gx_rules("no summary") == "the rules GX can run on pandas"


def test_the_polars_files_warmed_for_another_install_are_those_of_the_venv_its_refcheck_lives_in(
        bench: ModuleType) -> None:
    own = bench.polars_files()
    assert any(path.name.endswith(".so") or path.suffix == ".pyd" for path in own)  # the compiled library
    assert set(bench.polars_files(REFCHECK)) == set(own)  # this venv's console script: this venv's Polars
    assert bench.polars_files("/nowhere/bin/refcheck") == []


def test_the_harness_times_the_refcheck_of_its_own_venv_not_the_first_on_path(
        bench: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = tmp_path / "refcheck"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))  # another install's refcheck first on PATH
    assert bench.own_refcheck() == REFCHECK
