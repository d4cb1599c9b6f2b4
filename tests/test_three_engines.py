"""Three engines on one warehouse table: Polars on the CSV, ``--engine sql`` and ``--engine gx`` agree rule for rule.

The hostile sample (tests/test_sql_engine.py's team names) is written as a CSV and loaded as
text into PostgreSQL, SQLite and DuckDB. The schema is the standard plus a rule GX has no form
for (``unique`` on a date). Each engine is run as a user runs it, through ``refcheck check
--json``: the SQL engine's JSON is the Polars engine's, every rule and team; GX gives the same
counts for every rule it runs, and reports the one it cannot run as not run, its export status
saying why. GX runs here on PostgreSQL (on SQLite in test_exports.py: each of its 22 teams is a
validation of its own, a minute in all); it does not run on DuckDB, which it refuses in one line.

This is the warehouse half of the agreement tests: test_sql_engine.py proves the SQL engine on
its own (including the rule cases), test_exports.py GX's suite; here the three meet on one table.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from refcheck.checks.interop.gx_suite import gx_status
from refcheck.checks.kinds import Export
from refcheck.checks.rules import bind_rules
from refcheck.schemas import load_schema
from tests.conftest import ROOT, SAMPLE_AS_OF, Invoke
from tests.test_sql_engine import _hostile_frame

ROWS = 1500
"""Rows of the hostile sample loaded: every team, and failures of most rules in most teams."""
NOT_IN_GX = "referral_received.unique"
EXTRA_RULE = f"""
  - id: {NOT_IN_GX}
    kind: unique
    params: {{field: referral_received}}
    severity: warning
    category: integrity
    message: Another referral was received at the same moment
    hint: Check for a referral recorded twice
"""
"""A rule GX has no form for: its uniqueness expectation would compare a date's text, not the date."""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, postgres_uri: str) -> dict[str, Any]:
    """The CSV, the schema, and the same rows as a table in each database."""
    import psycopg

    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("great_expectations")
    folder = tmp_path_factory.mktemp("three")
    frame = _hostile_frame().head(ROWS)
    csv = folder / "referrals.csv"
    frame.write_csv(csv)
    schema = folder / "wales-referral-extra.yaml"
    schema.write_text((ROOT / "schemas" / "wales-referral.yaml").read_text() + EXTRA_RULE)
    columns = frame.columns
    with sqlite3.connect(folder / "warehouse.db") as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} TEXT' for name in columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in columns)})", frame.rows())
    with duckdb.connect(str(folder / "warehouse.duckdb")) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in columns)})", frame.rows())
    with psycopg.connect(postgres_uri) as db:
        db.execute("DROP TABLE IF EXISTS referrals_three")
        db.execute(f"CREATE TABLE referrals_three ({', '.join(f'{name} TEXT' for name in columns)})")
        with db.cursor().copy("COPY referrals_three FROM STDIN") as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    return {"folder": folder, "csv": csv, "schema": schema, "postgresql": (postgres_uri, "referrals_three"),
            "sqlite": (f"sqlite:///{folder / 'warehouse.db'}", "referrals"),
            "duckdb": (f"duckdb:///{folder / 'warehouse.duckdb'}", "referrals")}


def _run(invoke: Invoke, warehouse: dict[str, Any], name: str, *args: str | Path) -> dict[str, Any]:
    """``refcheck check ... --json``: the JSON, without its source (which names the file or table)."""
    out = warehouse["folder"] / f"{name}.json"
    result = invoke("check", *args, "--schema", warehouse["schema"], "--as-of", SAMPLE_AS_OF.isoformat(),
                    "--json", out)
    assert result.exit_code == 1, (name, result.output)
    document: dict[str, Any] = json.loads(out.read_text())
    document.pop("source")
    return document


def _by_rule(document: dict[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    return {rule["id"]: (rule["status"], rule["by_team"]) for rule in document["rules"]}


@pytest.mark.parametrize("database", ["postgresql", "sqlite", "duckdb"])
def test_polars_on_the_csv_the_sql_engine_and_gx_agree_on_every_rule_team_by_team(
        database: str, warehouse: dict[str, Any], invoke: Invoke) -> None:
    url, table = warehouse[database]
    polars = _run(invoke, warehouse, "polars", warehouse["csv"])
    assert all(rule["status"] == "run" for rule in polars["rules"])
    assert _run(invoke, warehouse, f"sql-{database}", "--engine", "sql", "--source", url, "--table", table) == polars
    if database == "duckdb":
        refused = invoke("check", "--engine", "gx", "--source", url, "--table", table, "--schema", warehouse["schema"])
        assert refused.exit_code in (2, 4) and len(refused.stderr.strip().splitlines()) == 1, refused.output
        return
    if database == "sqlite":
        return  # NOTE: GX on SQLite is test_exports.py's (a minute per 20 teams: here the warehouse's only)
    gx = _by_rule(_run(invoke, warehouse, f"gx-{database}", "--engine", "gx", "--source", url, "--table", table))
    expected = _by_rule(polars)
    not_run = {rule_id for rule_id, (status, _) in gx.items() if status == "not_run"}
    assert not_run == {NOT_IN_GX}
    schema = load_schema(warehouse["schema"])
    types = {field.name: field.type for field in schema.fields.values()}
    status = gx_status(next(rule for rule in bind_rules(schema) if rule.id == NOT_IN_GX), types)
    assert status.status is Export.NONE and "date" in status.reason
    assert {rule_id: counts for rule_id, counts in gx.items() if rule_id not in not_run} == \
           {rule_id: counts for rule_id, counts in expected.items() if rule_id not in not_run}
