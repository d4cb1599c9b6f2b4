"""`--engine sql` and `--engine gx` with what schemas now hold: `when:`, timescales in calendar units, record types.

A rule's ``when:`` limits its rows in both of the SQL engine's queries (the counts and the failing
pairs) as the Polars engine limits them, on SQLite, DuckDB and PostgreSQL; a rule with no exact
SQL form (a timescale in days, weeks or months) is reported not run with its kind's reason instead
of stopping the run; GX, whose suite does not carry ``when:``, reports such rules not run; and a
schema with several record types is refused in one line, never checked as its referrals alone.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.warehouse import validate_in_database
from refcheck.schemas import Schema, load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_sql_engine import _hostile_frame, _per_team, _sqlite

WHEN_RULES = """
  - id: strategy_discussion.required_s47
    kind: required
    params: {field: strategy_discussion}
    when: {field: decision_outcome, in: [S47]}
    severity: warning
    message: Section 47 decision without a strategy discussion
    hint: Record the strategy discussion
  - id: child_id.unique_s47
    kind: unique
    params: {field: child_id}
    when: {field: decision_outcome, in: [S47, ASSESS]}
    severity: warning
    message: Child referred again
    hint: Link the referrals
  - id: decision_date.after_referral_assessed
    kind: date_order
    params: {earlier: referral_received, later: decision_date, compare: datetime}
    when: {field: assessment_start, is: present}
    severity: warning
    message: Decision before the referral
    hint: Check the dates
  - id: decision_outcome.required_open
    kind: required
    params: {field: decision_outcome}
    when: {field: closure_date, is: blank}
    severity: warning
    message: Open referral without a decision
    hint: Record the decision
  - id: icpc_date.overdue_s47
    kind: required_when
    params: {field: icpc_date, overdue_since: strategy_discussion, working_days: 15}
    when: {field: decision_outcome, in: [S47]}
    severity: warning
    message: No conference
    hint: Hold it
"""

DURATION_RULES = """
  - id: assessment_completed.within_month
    kind: within_working_days
    params: {start: referral_received, end: assessment_completed, within: 30 days}
    severity: warning
    message: Assessment completed more than 30 days after the referral
    hint: Record the reason for delay
  - id: decision_date.overdue_weeks
    kind: required_when
    params: {field: decision_date, overdue_since: referral_received, overdue_after: 2 weeks}
    severity: warning
    message: No decision two weeks after the referral
    hint: Decide
"""
DURATIONS = ("assessment_completed.within_month", "decision_date.overdue_weeks")
CALENDAR_SQL = "refcheck writes SQL for timescales in working days only, not calendar days, weeks or months"


def _schema(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "council.yaml"
    path.write_text(f"name: council\nversion: 1\nextends: wales-referral\nrules:\n{rules}")
    return path


def _when_ids(schema: Schema) -> list[str]:
    return [spec.id for spec in schema.rules if spec.when is not None]


@pytest.fixture(scope="module")
def when_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, Schema, Report]:
    frame = _hostile_frame()
    schema = load_schema(_schema(tmp_path_factory.mktemp("when"), WHEN_RULES))
    assert len(_when_ids(schema)) == 5
    expected = validate(frame, schema, as_of=SAMPLE_AS_OF, findings=True)
    counted = {result.rule.id: result for result in expected.results}
    for rule_id in _when_ids(schema):  # NOTE: the condition matters: fewer rows than without it, some failing
        assert 0 < counted[rule_id].failed and counted[rule_id].checked < expected.source.rows_checked, rule_id
    return frame, schema, expected


def _agrees_with_when(url: str, table: str, schema: Schema, expected: Report) -> None:
    got = validate_in_database(url, schema, table=table, as_of=SAMPLE_AS_OF, findings=True)
    assert all(result.ran for result in got.results)
    assert got.teams == expected.teams and got.team_rows == expected.team_rows
    assert _per_team(got) == _per_team(expected)
    assert got.findings is not None and expected.findings is not None
    assert got.findings.equals(expected.findings), (got.findings.head(), expected.findings.head())
    assert set(_when_ids(schema)) <= set(got.findings["rule_id"])


def test_sqlite_limits_a_rule_to_its_when_as_the_polars_engine(
        when_case: tuple[pl.DataFrame, Schema, Report], tmp_path: Path) -> None:
    frame, schema, expected = when_case
    _agrees_with_when(_sqlite(tmp_path / "w.db", frame), "referrals", schema, expected)


def test_duckdb_limits_a_rule_to_its_when_as_the_polars_engine(
        when_case: tuple[pl.DataFrame, Schema, Report], tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame, schema, expected = when_case
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
    _agrees_with_when(f"duckdb:///{path}", "referrals", schema, expected)


def test_postgresql_limits_a_rule_to_its_when_as_the_polars_engine(
        when_case: tuple[pl.DataFrame, Schema, Report], postgres_uri: str) -> None:
    import psycopg

    frame, schema, expected = when_case
    with psycopg.connect(postgres_uri) as db:
        db.execute("DROP TABLE IF EXISTS referrals_when")
        db.execute(f"CREATE TABLE referrals_when ({', '.join(f'{name} TEXT' for name in frame.columns)})")
        with db.cursor().copy("COPY referrals_when FROM STDIN") as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    _agrees_with_when(postgres_uri, "referrals_when", schema, expected)


@pytest.mark.parametrize("dialect_name", ["sqlite", "duckdb"])
def test_a_timescale_in_calendar_units_is_not_run_with_its_reason_and_the_rest_runs(
        dialect_name: str, invoke: Invoke, tmp_path: Path) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    if dialect_name == "sqlite":
        url = _sqlite(tmp_path / "w.db", frame)
    else:
        duckdb = pytest.importorskip("duckdb")
        with duckdb.connect(str(tmp_path / "w.duckdb")) as db:
            db.execute(f"CREATE TABLE referrals ({', '.join(f'{name} VARCHAR' for name in frame.columns)})")
            db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
        url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    schema = _schema(tmp_path, DURATION_RULES)
    run = invoke("check", "--engine", "sql", "--source", url, "--table", "referrals", "--schema", schema,
                 "--as-of", SAMPLE_AS_OF.isoformat(), "--junit", tmp_path / "run.xml")
    assert run.exit_code == 1, run.output
    said = [line for line in run.stdout.splitlines() if line.startswith(f"Not run ({CALENDAR_SQL}): ")]
    assert len(said) == 1 and sorted(said[0].split("): ")[1].split(", ")) == sorted(DURATIONS)
    from junitparser import JUnitXml, Skipped

    skipped = {case.name: [entry.message for entry in case.result if isinstance(entry, Skipped)]
               for suite in JUnitXml.fromfile(str(tmp_path / "run.xml")) for case in suite}
    assert {name: why for name, why in skipped.items() if why} == {name: [CALENDAR_SQL] for name in DURATIONS}
    got = validate_in_database(url, load_schema(schema), table="referrals", as_of=SAMPLE_AS_OF)
    expected = validate(frame, load_schema(schema), as_of=SAMPLE_AS_OF)
    not_run = {result.rule.id: result.reason for result in got.results if not result.ran}
    assert not_run == dict.fromkeys(DURATIONS, CALENDAR_SQL)
    assert {rule_id: counts for rule_id, counts in _per_team(got).items() if rule_id not in DURATIONS} == {
        rule_id: counts for rule_id, counts in _per_team(expected).items() if rule_id not in DURATIONS}


@pytest.mark.parametrize(("command", "engine"), [("check", "sql"), ("check", "gx"), ("scorecard", "sql")])
def test_a_schema_of_several_record_types_is_refused_in_one_line(command: str, engine: str, invoke: Invoke,
                                                                 tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "w.db", pl.read_csv(SAMPLE, infer_schema=False).head(20))
    out = ["--out", tmp_path / "sc"] if command == "scorecard" else []
    run = invoke(command, "--engine", engine, "--source", url, "--table", "referrals", "--schema", "wales", *out)
    assert run.exit_code == 2, run.output
    assert run.stderr.strip().splitlines()[-1] == (
        f"Error: --engine {engine} checks one table; a schema with several record types (wales) runs with the "
        f"Polars engine: refcheck {command} {url} --schema wales reads a table per record type")
    assert not (tmp_path / "sc").exists()


def test_the_sql_engine_refuses_several_record_types_in_the_library_too(tmp_path: Path) -> None:
    url = _sqlite(tmp_path / "w.db", pl.read_csv(SAMPLE, infer_schema=False).head(5))
    with pytest.raises(ValueError, match="several record types"):
        validate_in_database(url, load_schema("wales"), table="referrals", as_of=SAMPLE_AS_OF)


def test_gx_runs_a_when_rule_with_its_condition_never_on_every_row(tmp_path: Path) -> None:
    pytest.importorskip("great_expectations")
    from refcheck.checks.interop.gx_engine import validate_sql

    frame = pl.read_csv(SAMPLE, infer_schema=False).head(300)
    url = _sqlite(tmp_path / "w.db", frame)
    schema = load_schema(_schema(tmp_path, WHEN_RULES + DURATION_RULES))
    got = validate_sql(url, "referrals", schema, as_of=SAMPLE_AS_OF)
    expected = validate(frame, schema, as_of=SAMPLE_AS_OF)
    not_run = {result.rule.id: result.reason for result in got.results if not result.ran}
    assert all(not_run[rule_id] for rule_id in _when_ids(schema) if rule_id in not_run)  # a reason, never silence
    assert set(_when_ids(schema)) - set(not_run), "the suite carries when: as a row condition or SQL"
    assert {rule_id: not_run.get(rule_id) for rule_id in DURATIONS} == dict.fromkeys(DURATIONS, CALENDAR_SQL)
    ran = {rule_id: counts for rule_id, counts in _per_team(got).items() if rule_id not in not_run}
    assert ran and ran == {rule_id: counts for rule_id, counts in _per_team(expected).items() if rule_id in ran}