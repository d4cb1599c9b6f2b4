"""``scorecard --engine sql``: the Polars engine's scorecard from two queries, and ``--calendar-table``.

The sample, with hostile team names, is loaded as text into SQLite, DuckDB and PostgreSQL. The
counts (with the scorecard's re-referrals) come from the one aggregate query; the worklists'
rows from a second query that returns only the failing (record, rule) pairs. Both equal the
Polars engine's on the same rows, and nothing is created in the database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.warehouse import validate_in_database
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_sql_engine import _assert_agrees, _hostile_frame, _sqlite

CARRY = ["child_id", "referral_reason"]
WRITES = ("CREATE", "INSERT", "DROP", "UPDATE", "DELETE", "ALTER")


@pytest.fixture(scope="module")
def hostile() -> tuple[pl.DataFrame, Report]:
    frame = _hostile_frame()
    return frame, validate(frame, "wales-referral", as_of=SAMPLE_AS_OF, findings=True, carry=CARRY, measures=True)


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


def _scorecard_run(url: str, table: str, expected: Report, statements: list[str]) -> None:
    """The SQL engine's scorecard figures and findings are the Polars engine's, from two queries that create nothing."""
    got = validate_in_database(url, load_schema("wales-referral"), table=table, as_of=SAMPLE_AS_OF, findings=True,
                               carry=CARRY, measures=True)
    _assert_agrees(got, expected)
    assert got.measures == expected.measures and expected.measures["re_referrals"]
    assert got.findings is not None and expected.findings is not None
    assert got.findings.height == sum(result.failed for result in got.results) > 0
    assert got.findings.equals(expected.findings), (got.findings.head(), expected.findings.head())
    reads = [statement for statement in statements if f'FROM "{table}"' in statement and "WHERE 1 = 0" not in statement]
    assert len(reads) == 2, [statement[:80] for statement in reads]
    assert "GROUP BY team" in reads[0] and "ORDER BY k.rule_index" in reads[1]
    assert not [statement for statement in statements if statement.lstrip().upper().startswith(WRITES)]


def test_sqlite_gives_the_polars_engines_findings_and_measures(hostile: tuple[pl.DataFrame, Report], tmp_path: Path,
                                                              statements: list[str]) -> None:
    frame, expected = hostile
    _scorecard_run(_sqlite(tmp_path / "warehouse.db", frame), "referrals", expected, statements)


def test_duckdb_gives_the_polars_engines_findings_and_measures(hostile: tuple[pl.DataFrame, Report], tmp_path: Path,
                                                              statements: list[str]) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame, expected = hostile
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
    _scorecard_run(f"duckdb:///{path}", "referrals", expected, statements)


def test_postgresql_gives_the_polars_engines_findings_and_measures(
        hostile: tuple[pl.DataFrame, Report], postgres_uri: str, statements: list[str]) -> None:
    import psycopg

    frame, expected = hostile
    with psycopg.connect(postgres_uri) as db:
        db.execute("DROP TABLE IF EXISTS referrals_findings")
        db.execute(f"CREATE TABLE referrals_findings ({', '.join(f'{name} TEXT' for name in frame.columns)})")
        with db.cursor().copy("COPY referrals_findings FROM STDIN") as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    _scorecard_run(postgres_uri, "referrals_findings", expected, statements)


def _json(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text())
    report.pop("source")
    return report


def test_scorecard_engine_sql_writes_the_polars_engines_files_and_keeps_history(invoke: Invoke,
                                                                                tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "warehouse.db", _hostile_frame())
    args = ("--as-of", SAMPLE_AS_OF.isoformat(), "--include-columns", "child_id", "--table", "referrals")
    in_sql = invoke("scorecard", "--engine", "sql", "--source", url, *args, "--out", tmp_path / "sql",
                    "--history", tmp_path / "history.db")
    here = invoke("scorecard", url, *args, "--out", tmp_path / "polars", "--no-history")
    assert in_sql.exit_code == here.exit_code == 0, in_sql.stderr
    assert _json(tmp_path / "sql" / "report.json") == _json(tmp_path / "polars" / "report.json")
    assert (tmp_path / "sql" / "summary.md").read_text() == (tmp_path / "polars" / "summary.md").read_text()
    worklists = sorted(path.name for path in (tmp_path / "polars" / "worklists").iterdir())
    assert worklists == sorted(path.name for path in (tmp_path / "sql" / "worklists").iterdir()) and worklists
    for name in worklists:
        sql_rows = (tmp_path / "sql" / "worklists" / name).read_bytes()
        assert sql_rows == (tmp_path / "polars" / "worklists" / name).read_bytes(), name
    assert "child_id" in (tmp_path / "sql" / "worklists" / worklists[0]).read_text().splitlines()[0]
    again = invoke("scorecard", "--engine", "sql", "--source", url, *args[2:], "--as-of", "2026-11-27",
                   "--out", tmp_path / "sql", "--history", tmp_path / "history.db")
    assert again.exit_code == 0, again.stderr
    listed = invoke("history", "--history", tmp_path / "history.db").stdout
    assert "2026-11-20" in listed and "2026-11-27" in listed, listed
    assert "Since last run" in (tmp_path / "sql" / "summary.md").read_text()


def test_scorecard_engine_sql_reads_a_query_and_keeps_personal_columns_out_unless_asked(
        invoke: Invoke, tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "warehouse.db", pl.read_csv(SAMPLE, infer_schema=False))
    query = "SELECT * FROM referrals WHERE referral_source <> 'Police'"
    result = invoke("scorecard", "--engine", "sql", "--source", url, "--query", query, "--as-of",
                    SAMPLE_AS_OF.isoformat(), "--out", tmp_path / "out", "--no-history")
    assert result.exit_code == 0, result.stderr
    header = next((tmp_path / "out" / "worklists").iterdir()).read_text().splitlines()[0]
    assert header == "Team,Record,Line,Worker,Rule,Category,Severity,What is wrong,How to put it right,Working days"
    expected = validate(pl.read_csv(SAMPLE, infer_schema=False).filter(pl.col("referral_source") != "Police"),
                        "wales-referral", as_of=SAMPLE_AS_OF)
    source = json.loads((tmp_path / "out" / "report.json").read_text())["source"]
    assert source["rows_checked"] == expected.source.rows_checked < 5_000 and source["path"] == f"{url} query"


def test_scorecard_engine_sql_mistakes_are_one_line(invoke: Invoke, tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "warehouse.db", pl.read_csv(SAMPLE, infer_schema=False).head(5))
    cases = [
        (("--table", "referrals", "--include-columns", "nope"), 4,
         f"Error: {url} table referrals: no column 'nope' to include"),
        (("--table", "referrals", "--calendar-table", "nope"), 4,
         "Error: calendar table nope: no such table; make it with `refcheck export calendar --source URI --table "
         "nope`"),
        ((), 2, "Error: --engine sql needs --table or --query"),
    ]
    for args, code, line in cases:
        result = invoke("scorecard", "--engine", "sql", "--source", url, *args, "--out", tmp_path / "out",
                        "--no-history")
        assert result.exit_code == code, (args, result.output)
        assert line in result.stderr.strip().splitlines()[-1], result.stderr
    polars = invoke("scorecard", SAMPLE, "--calendar-table", "cal", "--out", tmp_path / "out", "--no-history")
    assert polars.exit_code == 2 and "--calendar-table is for --engine sql" in polars.stderr, polars.stderr


def test_a_calendar_table_made_by_export_counts_as_the_values_list_does(invoke: Invoke, tmp_path: Path,
                                                                        statements: list[str]) -> None:
    url = _sqlite(tmp_path / "warehouse.db", pl.read_csv(SAMPLE, infer_schema=False))
    made = invoke("export", "calendar", "--source", url, "--table", "working days: cal")
    assert made.exit_code == 0, made.stderr
    assert "73,414 days" in made.stderr
    statements.clear()
    args = ("check", "--engine", "sql", "--source", url, "--table", "referrals", "--as-of", SAMPLE_AS_OF.isoformat())
    with_table = invoke(*args, "--calendar-table", "working days: cal", "--json", tmp_path / "table.json")
    assert not [statement for statement in statements if statement.lstrip().upper().startswith(WRITES)]
    assert any('JOIN "working days\\: cal"' in statement or 'JOIN "working days: cal"' in statement
               for statement in statements)
    sent = invoke(*args, "--json", tmp_path / "values.json")
    assert with_table.exit_code == sent.exit_code == 1, with_table.stderr
    assert json.loads((tmp_path / "table.json").read_text()) == json.loads((tmp_path / "values.json").read_text())
    again = invoke("export", "calendar", "--source", url, "--table", "working days: cal")
    assert again.exit_code == 0, again.stderr
    with sqlite3.connect(tmp_path / "warehouse.db") as db:
        assert db.execute('SELECT COUNT(*) FROM "working days: cal"').fetchone() == (73_414,)
        db.execute('DELETE FROM "working days: cal" WHERE day_number = 20261225')
    stale = invoke(*args, "--calendar-table", "working days: cal")
    assert stale.exit_code == 4 and "holds another calendar than the schema's" in stale.stderr, stale.stderr
    refused = invoke("export", "calendar", "--source", url, "--table", "referrals")
    assert refused.exit_code == 4 and "is not a calendar table" in refused.stderr, refused.stderr
    with sqlite3.connect(tmp_path / "warehouse.db") as db:
        assert db.execute("SELECT COUNT(*) FROM referrals").fetchone() == (5_000,)


@pytest.mark.parametrize("dialect_name", ["sqlite", "duckdb", "postgresql"])
def test_re_referrals_count_as_the_polars_engine_counts_ties_gaps_and_blanks(dialect_name: str, tmp_path: Path,
                                                                           request: pytest.FixtureRequest) -> None:
    """Referrals at the same moment are not earlier than each other; a blank person or time is never a re-referral."""
    people = ["A", "A", "A", "A", "B", "B", None, "C", "C", "D", "D", "D"]
    times = ["2026-01-01 10:00:00", "2026-01-01 10:00:00", "2026-01-02 09:00:00", "2024-12-01 08:00:00",
             "2025-01-01 00:00:00", "2026-01-02 00:00:00", "2026-01-01 10:00:00", None, "2026-03-03 00:00:00",
             "2026-05-05 12:00:00", "2026-05-05 12:00:00", "2025-05-05 12:00:00"]
    frame = pl.read_csv(SAMPLE, infer_schema=False).head(len(people)).with_columns(
        pl.Series("child_id", people, dtype=pl.String), pl.Series("referral_received", times, dtype=pl.String))
    expected = validate(frame, "wales-referral", as_of=SAMPLE_AS_OF, measures=True).measures["re_referrals"]
    assert sum(count.failed for count in expected) >= 3
    table = "referrals"
    if dialect_name == "sqlite":
        url = _sqlite(tmp_path / "ties.db", frame)
    elif dialect_name == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        with duckdb.connect(str(tmp_path / "ties.duckdb")) as db:
            db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in frame.columns)})")
            db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
        url = f"duckdb:///{tmp_path / 'ties.duckdb'}"
    else:
        import psycopg

        url, table = request.getfixturevalue("postgres_uri"), "referrals_ties"
        with psycopg.connect(url) as db:
            db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute(f"CREATE TABLE {table} ({', '.join(f'{name} TEXT' for name in frame.columns)})")
            with db.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                for row in frame.iter_rows():
                    copy.write_row(row)
    got = validate_in_database(url, load_schema("wales-referral"), table=table, as_of=SAMPLE_AS_OF, measures=True)
    assert got.measures["re_referrals"] == expected


@pytest.mark.parametrize("name", ["sqlite", "postgresql", "duckdb", "mssql", "oracle"])
def test_the_scorecards_queries_compile_and_parse_in_each_dialect(name: str) -> None:
    """SQL Server and Oracle are compiled only: the findings query and the re-referrals parse in their SQL."""
    sqlglot = pytest.importorskip("sqlglot")
    from refcheck.checks.interop.sql_dialects import ENGINE_DIALECTS
    from refcheck.checks.rules import bind_rules
    from refcheck.checks.warehouse.findings import findings_query
    from refcheck.checks.warehouse.scan import Source, scan_query
    from tests.test_sql_dialects import COMMON, FUNCTIONS, NAMES, READ, _compiled, _words_before_brackets

    dialect, schema = ENGINE_DIALECTS[name], load_schema("wales-referral")
    fields = tuple(field.name for field in schema.fields.values() if field.collected)
    columns = tuple(f"{field} {NAMES[i % len(NAMES)]}" for i, field in enumerate(fields))
    types = {field.name: field.type for field in schema.fields.values() if field.collected}
    rules = bind_rules(schema)
    source = Source(dialect.quoted(NAMES[4]), columns, fields, types)
    counted = scan_query(source.sql, columns, fields, schema.group_by, rules, types, dialect, schema.calendar,
                         SAMPLE_AS_OF, re_referrals=schema.scorecard.re_referrals).sql
    paired = findings_query(source, schema, rules, dialect, schema.calendar, SAMPLE_AS_OF, carry=[NAMES[0]])
    for sql in (counted, paired):
        text = _compiled(sql, name)
        tree = sqlglot.parse_one(text, read=READ[name])
        names = {identifier.name for identifier in tree.find_all(sqlglot.exp.Identifier) if identifier.quoted}
        assert NAMES[4] in names
        if name in FUNCTIONS:
            used = _words_before_brackets(text, READ[name]) - COMMON - {"ROW_NUMBER", "MAX", "MIN", "REFCHECK_RULES"}
            assert used <= FUNCTIONS[name], used
