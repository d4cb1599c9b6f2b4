"""``check --engine sql``: every rule in one aggregate query inside the database, counting as the Polars engine does.

The sample, with hostile team names (control characters, NFC and NFD spellings of one name, a
literal ``(no team)`` beside blank teams, Unicode spaces around a name), is loaded as text into
SQLite, DuckDB and PostgreSQL; each gives exactly the Polars engine's checked and failed counts,
rule by rule and team by team, from one query that creates nothing.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.interop.sql_rules import ENGINE_DIALECTS, literal, quoted
from refcheck.checks.kinds import Export
from refcheck.checks.rules import Rule
from refcheck.checks.warehouse import validate_in_database
from refcheck.checks.warehouse.connect import create_engine
from refcheck.checks.warehouse.scan import ScanQuery, scan_query
from refcheck.schemas import Calendar, ExtractMapping, FieldType, Severity, load_schema
from refcheck.schemas.model import FieldMapping
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_backend_coverage import CASES, Case

TEAMS = [
    "Ctrl\x01\x02\x08\x0b\x0c\x1f\x7fEnd", "\x1b[31mRed\x1b[0m", "::error::x", "Line1\n::warning::y",
    "Carriage\rReturn", "RTL \u202egnp.exe\u202c", "'quoted'", "Robert'); DROP TABLE referrals;--", ":team :x",
    "100% {batch}", unicodedata.normalize("NFC", "Ynys Môn"), unicodedata.normalize("NFD", "Ynys Môn"),
    "(no team)", "\u3000Ideographic\u2028", "", "   ", None,
]
"""Team names an extract may hold; the NFC and NFD spellings are one team, and the last three none."""


def _hostile_frame() -> pl.DataFrame:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    return frame.with_columns(pl.Series("team", [TEAMS[i % len(TEAMS)] if i % 3 == 0 else value
                                                 for i, value in enumerate(frame["team"])], dtype=pl.String))


@pytest.fixture(scope="module")
def hostile() -> tuple[pl.DataFrame, Report]:
    frame = _hostile_frame()
    return frame, validate(frame, "wales-referral", as_of=SAMPLE_AS_OF)


def _per_team(report: Report) -> dict[str, list[tuple[str, int, int]]]:
    return {result.rule.id: [(count.team, count.checked, count.failed) for count in result.by_team]
            for result in report.results}


def _sqlite(path: Path, frame: pl.DataFrame, table: str = "referrals") -> str:
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {table} ({', '.join(f'{name!r} TEXT' for name in frame.columns)})")
        db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
    return f"sqlite:///{path}"


def _assert_agrees(got: Report, expected: Report) -> None:
    assert all(result.ran for result in got.results), "every rule of the standard runs in SQL"
    assert got.teams == expected.teams
    assert got.team_rows == expected.team_rows
    assert _per_team(got) == _per_team(expected)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement SQLAlchemy sends to a database while the test runs."""
    import sqlalchemy as sa

    sent: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    yield sent
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)


def test_sqlite_gives_the_polars_engines_counts_from_one_query_that_creates_nothing(
        hostile: tuple[pl.DataFrame, Report], tmp_path: Path, statements: list[str]) -> None:
    frame, expected = hostile
    url = _sqlite(tmp_path / "warehouse.db", frame)
    got = validate_in_database(url, load_schema("wales-referral"), table="referrals", as_of=SAMPLE_AS_OF)
    _assert_agrees(got, expected)
    scans = [statement for statement in statements if "GROUP BY team" in statement]
    assert len(scans) == 1
    assert not [statement for statement in statements
                if statement.lstrip().upper().startswith(("CREATE", "INSERT", "DROP", "UPDATE", "DELETE"))]


def test_duckdb_gives_the_polars_engines_counts(hostile: tuple[pl.DataFrame, Report], tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame, expected = hostile
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
    got = validate_in_database(f"duckdb:///{path}", load_schema("wales-referral"), table="referrals",
                               as_of=SAMPLE_AS_OF)
    _assert_agrees(got, expected)


def test_postgresql_gives_the_polars_engines_counts(hostile: tuple[pl.DataFrame, Report], postgres_uri: str) -> None:
    import psycopg

    frame, expected = hostile
    with psycopg.connect(postgres_uri) as db:
        db.execute("DROP TABLE IF EXISTS referrals_sql")
        db.execute(f"CREATE TABLE referrals_sql ({', '.join(f'{name} TEXT' for name in frame.columns)})")
        with db.cursor().copy("COPY referrals_sql FROM STDIN") as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    got = validate_in_database(postgres_uri, load_schema("wales-referral"), table="referrals_sql", as_of=SAMPLE_AS_OF)
    _assert_agrees(got, expected)


def test_check_engine_sql_writes_the_polars_engines_json_and_exit_code(invoke: Invoke, tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "warehouse.db", pl.read_csv(SAMPLE, infer_schema=False))
    as_of = SAMPLE_AS_OF.isoformat()
    sql_run = invoke("check", "--engine", "sql", "--source", url, "--table", "referrals", "--as-of", as_of,
                     "--json", tmp_path / "sql.json", "--junit", tmp_path / "sql.xml")
    polars_run = invoke("check", SAMPLE, "--as-of", as_of, "--json", tmp_path / "polars.json")
    assert sql_run.exit_code == polars_run.exit_code == 1, sql_run.stderr
    sql_json, polars_json = (json.loads((tmp_path / name).read_text()) for name in ("sql.json", "polars.json"))
    assert sql_json.pop("source")["path"] == f"{url} table referrals"
    polars_json.pop("source")
    assert sql_json == polars_json
    from junitparser import JUnitXml

    cases = [case.name for suite in JUnitXml.fromfile(str(tmp_path / "sql.xml")) for case in suite]
    assert len(cases) == len(polars_json["rules"])


def test_a_query_is_checked_as_its_rows_and_a_mapping_may_rename_columns(tmp_path: Path) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    url = _sqlite(tmp_path / "warehouse.db", frame.rename({"team": "Team: name"}))
    schema = dataclasses.replace(load_schema("wales-referral"),
                                 mapping=ExtractMapping(fields={"team": FieldMapping(column="Team: name")}))
    query = "SELECT * FROM referrals WHERE referral_source <> 'Police'"
    got = validate_in_database(url, schema, query=query, as_of=SAMPLE_AS_OF)
    expected = validate(frame.filter(pl.col("referral_source") != "Police"), "wales-referral", as_of=SAMPLE_AS_OF)
    _assert_agrees(got, expected)
    assert got.source.path == f"{url} query"


def test_engine_sql_mistakes_are_one_line(invoke: Invoke, tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "warehouse.db", pl.read_csv(SAMPLE, infer_schema=False).head(5))
    narrow = _sqlite(tmp_path / "narrow.db", pl.DataFrame({"referral_id": ["R1"], "team": ["A"]}))
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("fields:\n  gender: {values: {Male: '1'}}\n")
    missing = f"sqlite:///{tmp_path / 'absent.db'}"
    cases = [
        (("--source", url, "--table", "nope"), 4, f"Error: {url} table nope: no such table"),
        (("--source", narrow, "--table", "referrals"), 4, f"Error: {narrow} table referrals: missing columns: "),
        (("--source", missing, "--table", "referrals"), 4, f"Error: {missing}: no such database file"),
        (("--source", "mysql://u@h/db", "--table", "t"), 4,
         "Error: mysql://u@h/db: no SQL dialect for 'mysql' URLs; refcheck writes SQL for sqlite, postgresql, duckdb"),
        (("--source", url), 2, "Error: --engine sql needs --table or --query"),
        (("--source", url, "--query", "SELEC broken"), 4, f"Error: {url} query: cannot be read ("),
        (("--source", url, "--table", "referrals", "--mapping", mapping), 2,
         "Error: the SQL engine reads columns under other names but translates no values; the mapping's values "
         "need the Polars engine, on an extract"),
        ((), 2, "Error: --engine sql needs the database as --source URI (and no EXTRACT)"),
    ]
    for args, code, line in cases:
        result = invoke("check", "--engine", "sql", *args)
        assert result.exit_code == code, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert line in lines[-1] and (code == 2 or len(lines) == 1), (args, result.stderr)
    assert not (tmp_path / "absent.db").exists(), "a database that is not there is never created"


@pytest.mark.parametrize("dialect_name", ["sqlite", "duckdb", "postgresql"])
@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES
                                  if case.kind.sql_status().status is Export.EXACT])
def test_the_scan_counts_each_rule_case_as_expected(case: Case, dialect_name: str, tmp_path: Path,
                                                    request: pytest.FixtureRequest) -> None:
    """Each kind's rule cases, through the staged query: checked and failed as the case's outcomes say."""
    names = list(case.types)
    rows = [[None if row.get(name) is None else str(row[name]) for name in names] + ["A"] for row in case.rows]
    columns = [*names, "case team"]
    char = ENGINE_DIALECTS[dialect_name].char
    table = f"({' UNION ALL '.join(_row_sql(row, columns, char) for row in rows)}) AS src"
    query = scan_query(table, columns, columns, "case team", [_case_rule(case)],
                       {**case.types, "case team": FieldType.TEXT}, ENGINE_DIALECTS[dialect_name],
                       Calendar("england-and-wales"), case.as_of)
    if dialect_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'case.db'}"
        sqlite3.connect(tmp_path / "case.db").close()
    elif dialect_name == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        url = f"duckdb:///{tmp_path / 'case.duckdb'}"
        duckdb.connect(str(tmp_path / "case.duckdb")).close()
    else:
        url = request.getfixturevalue("postgres_uri")
    engine = create_engine(url, ENGINE_DIALECTS[dialect_name])
    import sqlalchemy as sa

    with engine.connect() as connection:
        [row] = connection.execute(sa.text(query.sql)).mappings().all()
    engine.dispose()
    counted = (row[ScanQuery.checked(0)], row[ScanQuery.failed(0)] or 0)
    assert counted == (sum(outcome != "n/a" for outcome in case.expect), case.expect.count("fail"))


def _row_sql(row: list[str | None], columns: list[str], char: str) -> str:
    values = ("CAST(NULL AS VARCHAR)" if value is None else f"CAST({literal(value, char)} AS VARCHAR)" for value in row)
    return "SELECT " + ", ".join(f"{value} AS {quoted(name)}" for value, name in zip(values, columns, strict=True))


def _case_rule(case: Case) -> Rule:
    where = next(iter(load_schema("wales-referral").fields.values())).where
    return Rule(id="case.rule", kind=case.kind, severity=Severity.ERROR, category=case.kind.category,
                message="the case's rule", hint="", field=case.kind.fields()[0], tolerance=None, where=where)
