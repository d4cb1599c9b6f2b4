"""The warehouse benchmark's shape (bench/warehouse.py): what it times, in what order, and how its page reads.

The harness is never run by the tests (it takes minutes and times nothing here); its commands,
its report comparison and its tables are checked on made-up rounds, and its loaders on a small
extract in a real DuckDB file.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def warehouse() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_warehouse", BENCH / "warehouse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_polars_engine_runs_first_and_gx_only_when_asked(warehouse: ModuleType, tmp_path: Path) -> None:
    found = warehouse.commands(Path("x.csv"), "postgresql://u@h/db", "t", tmp_path, "refcheck", gx=False)
    assert list(found) == [warehouse.POLARS, warehouse.SQL], "the Polars report is written before it is compared"
    assert found[warehouse.SQL][:8] == ["refcheck", "check", "--engine", "sql", "--source", "postgresql://u@h/db",
                                        "--table", "t"]
    with_gx = warehouse.commands(Path("x.csv"), "postgresql://u@h/db", "t", tmp_path, "refcheck", gx=True)
    assert list(with_gx) == [warehouse.POLARS, warehouse.SQL, warehouse.GX]


def test_a_report_is_the_polars_engines_when_all_but_the_source_is_equal(warehouse: ModuleType,
                                                                          tmp_path: Path) -> None:
    polars = {"source": {"path": "x.csv"}, "rules": [{"id": "a", "by_team": [{"team": "T", "failed": 1}]}]}
    (tmp_path / "polars.json").write_text(json.dumps(polars))
    (tmp_path / "sql.json").write_text(json.dumps({**polars, "source": {"path": "postgresql://h/db table t"}}))
    assert warehouse.same_report(tmp_path, "sql")
    polars["rules"][0]["by_team"][0]["failed"] = 2
    (tmp_path / "gx.json").write_text(json.dumps({**polars, "source": {}}))
    assert not warehouse.same_report(tmp_path, "gx")


def test_the_table_gives_each_contender_beside_count_and_polars_and_the_verdict_its_rounds(
        warehouse: ModuleType) -> None:
    samples = {warehouse.POLARS: [(1.0, 300.0, 1.5)] * 3,
               warehouse.SQL: [(8.0, 120.0, 1.0), (12.0, 120.0, 1.0), (9.0, 120.0, 1.0)],
               warehouse.GX: [(270.0, 400.0, 20.0)],
               warehouse.COUNT: [(0.04, 0.0, 0.0), (0.05, 0.0, 0.0), (0.03, 0.0, 0.0)]}
    lines = warehouse.table("200,000 rows, PostgreSQL", samples)
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in lines if line.startswith("| ")}
    assert rows[warehouse.SQL][1:4] == ["3", "9.00", "8.00–12.00"]
    assert rows[warehouse.SQL][6:8] == ["225x", "9.00x |"]
    assert rows[warehouse.GX][1:3] == ["1", "270.00"]
    assert rows[warehouse.COUNT][4:6] == ["", ""], "the query alone has no process to measure"
    [verdict, _] = warehouse.verdict(200_000, samples)
    assert "median 9.00 s, met (2 of 3 rounds within it)" in verdict
    assert warehouse.verdict(20_000, samples) == []


def test_the_duckdb_loader_makes_a_table_of_the_extracts_text(warehouse: ModuleType, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    extract = tmp_path / "x.csv"
    extract.write_text("referral_id,team,date\nR1,A,2026-01-02\nR2,,007\n")
    warehouse.load_duckdb(extract, tmp_path / "x.duckdb")
    with duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True) as db:
        assert db.execute("SELECT * FROM referrals ORDER BY referral_id").fetchall() == [
            ("R1", "A", "2026-01-02"), ("R2", None, "007")]
        assert {row[1] for row in db.execute("DESCRIBE referrals").fetchall()} == {"VARCHAR"}
