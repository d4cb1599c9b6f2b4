"""The SQL engine's query in every dialect it writes: quoted by the dialect, compiled, parsed, and meaning the same.

SQLite, DuckDB and PostgreSQL run the query in tests/test_sql_engine.py. SQL Server (2025 or
later) and Oracle have no server here: their query is compiled by SQLAlchemy's own dialect
compilers (no bind parameter may appear), parsed by sqlglot in that dialect (a syntax error
fails), checked for what the dialect lacks (Oracle: ``AS`` before a subquery's name, ``VALUES``
rows, ``(?:`` in a regex, boolean values; both: functions of another dialect), and finally
translated by sqlglot into DuckDB's SQL and run on the hostile sample, where it must give the
Polars engine's counts team by team: the arithmetic, positions and substrings mean what they do
in Polars, as far as sqlglot's translation of each function is faithful.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.interop.sql_dialects import ENGINE_DIALECTS, RUN_IN_TESTS, Dialect, posix_groups
from refcheck.checks.kinds import KINDS
from refcheck.checks.kinds.codes import UK_POSTCODE
from refcheck.checks.kinds.portable import DATE_SHAPE, READABLE_INTEGER, entire, spaced_words
from refcheck.checks.report import NO_TEAM
from refcheck.checks.rules import Rule, bind_rules
from refcheck.checks.warehouse.scan import ROWS, ScanQuery, scan_query
from refcheck.schemas import FieldType, Severity, load_schema
from tests.conftest import SAMPLE_AS_OF, Invoke
from tests.test_sql_engine import _hostile_frame

sa = pytest.importorskip("sqlalchemy")
sqlglot = pytest.importorskip("sqlglot")
exp = sqlglot.exp

NAMES = ['a"b', "x]y[z", "it's", ":team :x", 'Robert"); DROP TABLE referrals;--', "100% {batch}",
         unicodedata.normalize("NFD", "Ynys Môn"), "\u3000wide\u3000", "sp ace", "UPPER"]
"""Table and column names a warehouse may hold."""
CODES = ("it's", 'a"b', "x]y", "100%", "Môn", "a:b", "\u00a0nbsp", "';--")
"""Codes a schema may list."""
READ = {"sqlite": "sqlite", "postgresql": "postgres", "duckdb": "duckdb", "mssql": "tsql", "oracle": "oracle"}
"""sqlglot's name for each dialect."""
Expected = dict[str, list[tuple[str, int, int]]]
"""Checked and failed counts per rule, team by team."""
COMMON = {"CAST", "COALESCE", "COUNT", "LOWER", "NULLIF", "SUM", "UPPER", "TRIM", "REFCHECK_CALENDAR", "REFCHECK_RULES",
          "V"}
"""Functions every dialect has, and the names of constant rows' columns, before a bracket."""
FUNCTIONS = {
    "mssql": {"REGEXP_LIKE", "CHARINDEX", "SUBSTRING", "LEN", "CONCAT"},
    "oracle": {"REGEXP_LIKE", "INSTR", "SUBSTR", "LENGTH", "LTRIM", "RTRIM", "NCHR", "MOD", "TRUNC"},
}
"""The dialect's own functions: no other dialect's (``substr``, ``strpos``, ``btrim``, ``chr``...) may be called."""


def _sqlalchemy_dialect(name: str) -> Any:
    if name == "duckdb":
        from duckdb_engine import Dialect as DuckDBDialect

        return DuckDBDialect()
    return importlib.import_module(f"sqlalchemy.dialects.{name}").dialect()


def _rule(rule_id: str, kind: Any) -> Rule:
    where = next(iter(load_schema("wales-referral").fields.values())).where
    return Rule(id=rule_id, kind=kind, severity=Severity.ERROR, category=kind.category, message="m", hint="",
                field=kind.fields()[0], tolerance=None, where=where)


def _scan(dialect: Dialect, columns: list[str] | None = None, table: str = "referrals") -> ScanQuery:
    """Every rule of the standard, and hostile codes and a pattern, over ``table``'s ``columns`` (the fields')."""
    schema = load_schema("wales-referral")
    fields = [field.name for field in schema.fields.values() if field.collected]
    types = {field.name: field.type for field in schema.fields.values() if field.collected}
    rules = [*bind_rules(schema),
             _rule("hostile.codes", KINDS["code_list"](field="referral_source", codes=CODES)),
             _rule("hostile.pattern", KINDS["pattern"](field="child_id", pattern=r"(?:it's|a\"b|x\]y)[0-9]{2}:?")),
             _rule("hostile.words", KINDS["text_quality"](field="referral_source", min_words=2, placeholders=CODES))]
    return scan_query(dialect.quoted(table), columns or fields, fields, schema.group_by, rules, types, dialect,
                      schema.calendar, SAMPLE_AS_OF)


def _compiled(sql: str, name: str) -> str:
    compiler = _sqlalchemy_dialect(name)
    compiled = sa.text(sql).compile(dialect=compiler)
    assert not compiled.params, "no name or value of a schema may be read as a bind parameter"
    # NOTE: a format driver's compiler doubles each % (the driver reads it back as one).
    return str(compiled).replace("%%", "%") if compiler.paramstyle in ("format", "pyformat") else str(compiled)


@pytest.mark.parametrize("name", list(ENGINE_DIALECTS))
def test_names_are_quoted_as_the_dialects_own_compiler_quotes_them(name: str) -> None:
    dialect, compiler = ENGINE_DIALECTS[name], _sqlalchemy_dialect(name)
    for hostile in NAMES:
        ours = sa.text(f"SELECT * FROM {dialect.quoted(hostile)}").compile(dialect=compiler)
        theirs = sa.select(sa.text("*")).select_from(sa.table(sa.sql.quoted_name(hostile, quote=True)))
        assert str(ours).split("FROM ")[1] == str(theirs.compile(dialect=compiler)).split("FROM ")[1], hostile


@pytest.mark.parametrize("name", list(ENGINE_DIALECTS))
def test_the_scan_compiles_and_parses_in_each_dialect_with_hostile_names_and_codes(name: str) -> None:
    dialect = ENGINE_DIALECTS[name]
    schema = load_schema("wales-referral")
    columns = [f"{field.name} {NAMES[i % len(NAMES)]}" for i, field in enumerate(
        field for field in schema.fields.values() if field.collected)]
    text = _compiled(_scan(dialect, columns, table=NAMES[4]).sql, name)
    tree = sqlglot.parse_one(text, read=READ[name])
    names = {identifier.name for identifier in tree.find_all(exp.Identifier) if identifier.quoted}
    assert {*columns, NAMES[4]} <= names, "each column and the table are one quoted name"
    strings = {node.name for node in tree.find_all(exp.Literal, exp.National)
               if isinstance(node, exp.National) or node.is_string}
    assert {code for code in CODES if ":" not in code and "%" not in code} <= strings
    for case in tree.find_all(exp.Case):
        values = [branch.args["true"] for branch in case.args["ifs"]] + [case.args.get("default")]
        assert not [value for value in values if isinstance(value, (exp.Predicate, exp.Connector, exp.Not))], \
            "no CASE gives a boolean value (Oracle and SQL Server have none)"
    if name in FUNCTIONS:
        assert _words_before_brackets(text, READ[name]) - COMMON <= FUNCTIONS[name]


def _words_before_brackets(text: str, read: str) -> set[str]:
    """Words followed by ``(`` that sqlglot's tokenizer knows as no keyword: other functions and types."""
    tokens = sqlglot.tokenize(text, read=read)
    kinds = sqlglot.tokens.TokenType
    return {token.text.upper() for token, after in zip(tokens, tokens[1:], strict=False)
            if token.token_type is kinds.VAR and after.token_type is kinds.L_PAREN}


def test_oracles_query_has_no_as_before_a_subquerys_name_no_values_rows_and_posix_patterns() -> None:
    text = _compiled(_scan(ENGINE_DIALECTS["oracle"]).sql, "oracle")
    assert not _named_with_as(text), "Oracle names a subquery without AS"
    tree = sqlglot.parse_one(text, read="oracle")
    fields = {field.name for field in load_schema("wales-referral").fields.values() if field.collected}
    assert {identifier.name for identifier in tree.find_all(exp.Identifier) if identifier.quoted} == \
           {*fields, "referrals"}, "the query's own names are unquoted everywhere (a quoted f0 is not f0 to Oracle)"
    assert not list(tree.find_all(exp.Values)), "Oracle before 23ai has no VALUES rows"
    assert "FROM dual UNION ALL SELECT" in text
    assert not re.search(r"\b(LIMIT|OFFSET|BIGINT)\b", text)
    patterns = [like.expression for like in tree.find_all(exp.RegexpLike)]
    assert patterns
    for pattern in patterns:
        pieces = "".join(node.name for node in pattern.find_all(exp.Literal) if node.is_string)
        assert "(?" not in pieces and len(pieces.encode()) <= 512, pieces


@pytest.mark.parametrize("name", [name for name in ENGINE_DIALECTS if name not in RUN_IN_TESTS])
def test_the_scorecards_queries_compile_and_parse_too(name: str) -> None:
    """``scorecard --engine sql``: the counts with re-referrals, and the failing (record, rule) pairs."""
    from refcheck.checks.warehouse.findings import findings_query
    from refcheck.checks.warehouse.scan import Source

    dialect, schema = ENGINE_DIALECTS[name], load_schema("wales-referral")
    fields = tuple(field.name for field in schema.fields.values() if field.collected)
    types = {field.name: field.type for field in schema.fields.values() if field.collected}
    rules = bind_rules(schema)
    counts = scan_query(dialect.quoted("referrals"), fields, fields, schema.group_by, rules, types, dialect,
                        schema.calendar, SAMPLE_AS_OF, re_referrals=schema.scorecard.re_referrals)
    source = Source(dialect.quoted("referrals"), fields, fields, types)
    pairs = findings_query(source, schema, rules, dialect, schema.calendar, SAMPLE_AS_OF, carry=("postcode",))
    for sql in (counts.sql, pairs):
        text = _compiled(sql, name)
        tree = sqlglot.parse_one(text, read=READ[name])
        assert {identifier.name for identifier in tree.find_all(exp.Identifier) if identifier.quoted} <= \
               {*fields, "referrals"}
        assert _words_before_brackets(text, READ[name]) - COMMON <= FUNCTIONS[name] | {"ROW_NUMBER", "MIN", "MAX"}
        if name == "oracle":
            assert not list(tree.find_all(exp.Values)) and not _named_with_as(text)


def _named_with_as(text: str) -> list[str]:
    """The subqueries named after ``AS`` (which Oracle refuses): ``) AS s`` and the like."""
    tokens = [*sqlglot.tokenize(text, read="oracle"), None]
    kinds = sqlglot.tokens.TokenType
    return [name.text for before, alias, name, then in zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False)
            if before and alias and name and before.token_type is kinds.R_PAREN and alias.token_type is kinds.ALIAS
            and name.token_type is kinds.VAR and (then is None or then.token_type not in (kinds.COMMA, kinds.FROM))]


def test_sql_servers_query_has_unicode_literals_and_no_dialects_functions_but_its_own() -> None:
    text = _compiled(_scan(ENGINE_DIALECTS["mssql"]).sql, "mssql")
    assert "N'it''s'" in text and "NCHAR(12288)" in text
    assert text.count("COLLATE Latin1_General_100_BIN2") == text.count("TRIM(") > 0, \
        "each field compared code point by code point, not case-insensitively as SQL Server's default collation does"
    assert not re.search(r"\|\||\bsubstr\(|\blength\(|\bstrpos\(", text)


def _duckdb_sql(text: str, read: str) -> str:
    """SQL Server's or Oracle's SQL as DuckDB's: sqlglot translates the functions; types become VARCHAR."""
    def plain(node: Any) -> Any:
        if isinstance(node, exp.DataType) and node.is_type(*exp.DataType.TEXT_TYPES):
            return exp.DataType.build("VARCHAR")
        if isinstance(node, exp.DataType) and node.is_type("decimal"):
            return exp.DataType.build("BIGINT")
        if isinstance(node, exp.Anonymous) and node.name.upper() in ("NCHAR", "NCHR"):
            return exp.Chr(expressions=node.expressions)
        if isinstance(node, exp.Collate):
            return node.this.transform(plain)
        if isinstance(node, exp.National):
            return exp.Literal.string(node.name)
        return node

    return str(sqlglot.parse_one(text, read=read).transform(plain).sql(dialect="duckdb"))


def _per_team(report: Report) -> dict[str, list[tuple[str, int, int]]]:
    return {result.rule.id: [(count.team, count.checked, count.failed) for count in result.by_team]
            for result in report.results}


@pytest.fixture(scope="module")
def translated_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Expected, int]]:
    """A DuckDB database holding the hostile sample (and Oracle's ``dual``), and the Polars engine's counts of it."""
    duckdb = pytest.importorskip("duckdb")
    pandas = pytest.importorskip("pandas")
    frame = _hostile_frame()
    db = duckdb.connect(str(tmp_path_factory.mktemp("translated") / "translated.duckdb"))
    for setting in ("SET integer_division = true", "SET enable_progress_bar = false",
                    "CREATE TABLE dual AS SELECT 'X' AS dummy"):
        db.execute(setting)
    rows = pandas.DataFrame({name: frame[name].to_list() for name in frame.columns}, dtype=object)
    db.register("loaded", rows)
    db.execute("CREATE TABLE referrals AS SELECT * FROM loaded")
    yield db, _per_team(validate(frame, "wales-referral", as_of=SAMPLE_AS_OF)), frame.height
    db.close()


@pytest.mark.parametrize("name", [name for name in ENGINE_DIALECTS if name not in RUN_IN_TESTS])
def test_the_query_compiled_only_gives_the_polars_counts_translated_to_duckdb(
        name: str, translated_db: tuple[Any, Expected, int]) -> None:
    db, expected, height = translated_db
    built = _scan(ENGINE_DIALECTS[name])
    cursor = db.execute(_duckdb_sql(_compiled(built.sql, name), READ[name]))
    keys = [column[0] for column in cursor.description]
    rows = [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]
    counted: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        team = NO_TEAM if row["team"] is None else unicodedata.normalize("NFC", row["team"])
        for index, rule in enumerate(built.rules):
            got = counted.setdefault(rule.id, {}).setdefault(team, [0, 0])
            got[0] += row[ScanQuery.checked(index)]
            got[1] += row[ScanQuery.failed(index)] or 0
    assert sum(row[ROWS] for row in rows) == height
    for rule_id, teams in expected.items():
        assert [(team, *counted[rule_id].get(team, [0, 0])) for team, _, _ in teams] == teams, rule_id


def test_oracles_patterns_are_posix_groups_matching_what_pythons_match() -> None:
    assert posix_groups(r"^(?:a|b(?:c))$") == "^(a|b(c))$"
    assert posix_groups(r"[(?:]\(?:x") == r"[(?:]\(?:x"
    assert posix_groups(r"[]?(]x[^](?:]") == r"[]?(]x[^](?:]"
    for refused in (r"(?i)abc", r"(?=a)b", r"(a)\1", r"[\d]", r"\bword", r"(?P<n>x)"):
        with pytest.raises(ValueError, match="Oracle"):
            posix_groups(refused)
    values = ["2026-01-31", "31/1/2026", "2026-02-30 10:00", "1/13/2026", "CF10 1AA", "cf10 1aa", "GIR 0AA",
              "+0012", "two words here", "one", "", "2026-1-1T23:59:59.5"]
    for pattern in (DATE_SHAPE, UK_POSTCODE, READABLE_INTEGER, spaced_words(3)):
        rewritten = posix_groups(entire(pattern))
        assert [bool(re.search(entire(pattern), v)) for v in values] == \
               [bool(re.search(rewritten, v)) for v in values], pattern


def test_a_time_is_read_only_from_a_readable_date_time(tmp_path: Path, postgres_uri: str) -> None:
    """A date-time field holding text longer than a date once made PostgreSQL fail to cast its "time" to a number."""
    duckdb = pytest.importorskip("duckdb")
    frame = pl.DataFrame({"team": ["A", "A", "A"], "start": ["2026-01-01", "2026-01-01", "2026-01-02 09:00"],
                          "end": ["2026-01-01 at noon", "2026-01-01 10:00", "2026-01-02 08:00"]})
    kind = KINDS["date_order"](earlier="start", later="end", compare="datetime")
    types = {"team": FieldType.TEXT, "start": FieldType.DATETIME, "end": FieldType.DATETIME}
    for name in ("duckdb", "postgresql"):
        dialect = ENGINE_DIALECTS[name]
        rows = " UNION ALL ".join(
            "SELECT " + ", ".join(f"CAST({dialect.literal(value)} AS VARCHAR) AS {dialect.quoted(column)}"
                                  for column, value in zip(frame.columns, row, strict=True))
            for row in frame.rows())
        built = scan_query(f"({rows}) AS src", frame.columns, frame.columns, "team", [_rule("t.order", kind)],
                           types, dialect, load_schema("wales-referral").calendar, dt.date(2026, 11, 20))
        if name == "duckdb":
            with duckdb.connect(str(tmp_path / "t.duckdb")) as db:
                db.execute("SET integer_division = true")
                found = db.execute(built.sql).fetchall()[0]
        else:
            import psycopg

            with psycopg.connect(postgres_uri) as db:
                found = db.execute(built.sql).fetchone() or ()
        assert found[1:] == (3, 2, 1), name


def test_sql_server_and_oracle_uris_name_their_missing_driver_in_one_line_without_the_password(
        invoke: Invoke) -> None:
    for url, module in (("mssql+pyodbc://reader:s3cret@warehouse/cs", "pyodbc"),
                        ("oracle+oracledb://reader:s3cret@warehouse/cs", "oracledb")):
        pytest.importorskip("sqlalchemy")
        try:
            __import__(module)
        except ImportError:
            pass
        else:
            pytest.skip(f"{module} is installed here")
        result = invoke("check", "--engine", "sql", "--source", url, "--table", "referrals", "--as-of", "2026-11-20")
        assert result.exit_code == 4, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and module in lines[0] and "s3cret" not in result.output, lines
