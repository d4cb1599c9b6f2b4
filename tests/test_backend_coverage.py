"""Every kind renders for every backend or says why not, and where it claims exactness, is exact.

Each kind's rule cases (``checks/rule_cases/<kind>.yml``) run, for real, through the pandera
module refcheck exports and through the kind's SQL on SQLite; wherever the kind declares that
backend exact, the outcome of every row must be the case's expected one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from refcheck.checks import KINDS, RuleKind
from refcheck.checks.catalogue import kind_for, rule_cases, types_for
from refcheck.checks.interop.calendar_table import calendar_sql
from refcheck.checks.interop.gx_suite import expectations
from refcheck.checks.interop.pandera_module import pandera_module
from refcheck.checks.interop.sql_rules import BATCH, DIALECTS, SqlRules, quoted, trimmed_query
from refcheck.checks.kinds import Export
from refcheck.checks.rules import Rule
from refcheck.schemas import Calendar, FieldType, Schema, Severity, load_schema
from refcheck.schemas.model import Field

DEFAULT_AS_OF = dt.date(2025, 6, 30)


@dataclasses.dataclass(frozen=True)
class Case:
    """One rule case: a kind's instance, its fields' types, raw rows and what each row should give."""

    name: str
    kind: RuleKind
    types: Mapping[str, FieldType]
    rows: list[dict[str, Any]]
    expect: list[str]
    as_of: dt.date


def _cases() -> Iterator[Case]:
    for kind_name, specs in rule_cases().items():
        for spec in specs:
            for name, case in spec["cases"].items():
                yield Case(f"{kind_name}-{name}", kind_for(spec, case), types_for(spec, case), case["rows"],
                           case["expect"], case.get("as_of", spec.get("as_of", DEFAULT_AS_OF)))


CASES = list(_cases())


def _params(cases: list[Case]) -> list[Any]:
    return [pytest.param(case, id=case.name) for case in cases]


@pytest.mark.parametrize("case", _params(CASES))
def test_every_kind_renders_for_each_backend_or_says_why_not(case: Case) -> None:
    kind, types = case.kind, case.types
    sql = SqlRules(types, DIALECTS["sqlite"], case.as_of)
    pandera, in_sql, gx = kind.pandera_status(), kind.sql_status(), kind.gx_status(types)
    assert (pandera.status is Export.EXACT) == (kind.pandera(_Terms()) is not None)
    assert (in_sql.status is Export.EXACT) == (sql.condition(kind) is not None)
    assert pandera.status in (Export.EXACT, Export.NONE) and in_sql.status in (Export.EXACT, Export.NONE)
    for status in (pandera, in_sql, gx):
        assert (status.status is Export.EXACT) == (status.reason == "")
    if gx.status is Export.EXACT:
        assert kind.gx(types)
    if gx.status is Export.SQL_ONLY:
        assert in_sql.status is Export.EXACT


def test_every_kind_is_exact_somewhere_beyond_polars() -> None:
    """A kind with no exact form for pandera, SQL or GX would be silently missing from every export.

    A kind that reads another record type is the exception, and each export says so: pandera, and
    the SQL and GX refcheck writes, check one table at a time.
    """
    for case in CASES:
        statuses = (case.kind.pandera_status(), case.kind.sql_status(), case.kind.gx_status(case.types))
        if case.kind.related():
            assert all(status.status is Export.NONE and "another record type" in status.reason
                       for status in statuses), case.name
            continue
        assert any(status.status is Export.EXACT for status in statuses), case.name


class _Terms:
    def value(self, field: str) -> str:
        return field

    text = day = value

    def working_days(self, start: str, end: str) -> str:
        return start + end

    def as_of(self) -> str:
        return "as_of"


def _schema(types: Mapping[str, FieldType]) -> Schema:
    """A schema holding just the case's fields, everything else the standard's."""
    standard = load_schema("wales-referral")
    where = next(iter(standard.fields.values())).where
    fields = {name: Field(name, field_type, name, "", None, True, where) for name, field_type in types.items()}
    return dataclasses.replace(standard, fields=fields, rules=())


def _rule(case: Case, schema: Schema) -> Rule:
    where = next(iter(schema.fields.values())).where
    return Rule(id="case.rule", kind=case.kind, severity=Severity.ERROR, category=case.kind.category,
                message="the case's rule", hint="", field=case.kind.fields()[0], tolerance=None, where=where)


def _raw_frame(case: Case) -> pl.DataFrame:
    return pl.DataFrame({name: [row.get(name) for row in case.rows] for name in case.types},
                        schema=dict.fromkeys(case.types, pl.String))


@pytest.mark.parametrize("case", _params([case for case in CASES if case.kind.pandera_status().status is Export.EXACT]))
def test_the_pandera_module_gives_each_case_its_outcome(case: Case, tmp_path: Path) -> None:
    import pandera.errors

    schema = _schema(case.types)
    path = tmp_path / "case_schema.py"
    path.write_text(pandera_module(schema, [_rule(case, schema)], module="case_schema", refcheck="test",
                                   as_of=case.as_of))
    spec = importlib.util.spec_from_file_location(f"case_schema_{abs(hash(case.name))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.schema.validate(_raw_frame(case), lazy=True)
        failed: set[int] = set()
    except pandera.errors.SchemaErrors as errors:
        failed = set(errors.failure_cases["index"].to_list())
    assert failed == {row for row, outcome in enumerate(case.expect) if outcome == "fail"}


def _sqlite(case: Case) -> sqlite3.Connection:
    """The case's rows as the SQL backend reads them (trimmed text, blanks NULL), and the calendar table."""
    db = sqlite3.connect(":memory:")
    db.create_function("REGEXP", 2, lambda pattern, value: None if value is None else
                       re.search(pattern, value) is not None, deterministic=True)
    db.executescript(calendar_sql(Calendar("england-and-wales")))
    names = list(case.types)
    db.execute(f"CREATE TABLE raw ({', '.join(f'{quoted(name)} TEXT' for name in names)})")
    db.executemany(f"INSERT INTO raw VALUES ({', '.join('?' for _ in names)})",
                   [[None if row.get(name) is None else str(row[name]) for name in names] for row in case.rows])
    db.execute(f"CREATE TABLE extract AS {trimmed_query('raw', names, DIALECTS['sqlite'])} ORDER BY rowid")
    return db


@pytest.mark.parametrize("case", _params([case for case in CASES if case.kind.sql_status().status is Export.EXACT]))
def test_the_sql_gives_each_case_its_outcome(case: Case) -> None:
    condition = SqlRules(case.types, DIALECTS["sqlite"], case.as_of).condition(case.kind)
    assert condition is not None
    applies, fails = condition
    query = (f"SELECT CASE WHEN {applies} THEN (CASE WHEN {fails} THEN 'fail' ELSE 'pass' END) ELSE 'n/a' END "
             f"FROM {BATCH} ORDER BY rowid").format(batch="extract")
    with _sqlite(case) as db:
        outcomes = [outcome for (outcome,) in db.execute(query)]
    assert outcomes == case.expect


def test_the_gx_suite_holds_every_rule_its_kind_exports() -> None:
    """A rule GX takes (exactly, or as SQL) is in the suite, tagged with its id; the others are not."""
    for case in CASES:
        schema = _schema(case.types)
        built = expectations(schema, [_rule(case, schema)], DIALECTS["sqlite"], as_of=case.as_of)
        tagged = [expectation.meta["refcheck"]["rule"] for expectation in built]
        exported = case.kind.gx_status(case.types).status is not Export.NONE
        assert bool(tagged) == exported, case.name


ROOT = Path(__file__).resolve().parents[1]

_NEW_KIND = '''
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.kinds.base import RuleKind, applies, field_param, rule_kind


@rule_kind("not_shouted")
@dataclass(frozen=True, slots=True, kw_only=True)
class NotShouted(RuleKind):
    """A present value must not be written all in capitals."""

    category = "quality"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), value == value.str.to_uppercase())
'''

_ADD_IT = '''
import sys
from pathlib import Path

from refcheck.checks import kinds, validate
from refcheck.checks.catalogue import catalogue
from refcheck.checks.interop.gx_suite import expectations
from refcheck.checks.interop.pandera_module import pandera_module
from refcheck.checks.rules import bind_rules
from refcheck.schemas import load_schema

folder, sample = Path(sys.argv[1]), sys.argv[2]
kinds.__path__.append(str(folder))  # as if the module had been saved in checks/kinds/
kinds.__spec__.loader.exec_module(kinds)  # the package's own code runs again and finds it
schema = load_schema(folder / "council.yaml")
rule = next(rule for rule in bind_rules(schema) if rule.id == "referral_id.not_shouted")
result = next(result for result in validate(sample, schema).results if result.rule.id == rule.id)
entry = next(entry for entry in catalogue(schema) if entry.rule.id == rule.id)
module = pandera_module(schema, [rule], module="m", refcheck="t")
print(result.checked > 0, result.failed > 0, entry.pandera.status.value, entry.gx.status.value,
      bool(entry.pandera.reason and entry.gx.reason and rule.kind.sql_status().reason), rule.id in module,
      expectations(schema, [rule], None))
'''


def test_a_new_kind_is_one_module_and_every_backend_says_what_it_does_with_it(tmp_path: Path) -> None:
    """Saving a kind's module is enough: it registers, binds, runs, and each export gives its reason."""
    import subprocess
    import sys

    (tmp_path / "not_shouted.py").write_text(_NEW_KIND)
    (tmp_path / "council.yaml").write_text(
        "name: council\nextends: wales-referral\nrules:\n  - id: referral_id.not_shouted\n    kind: not_shouted\n"
        "    params: {field: referral_id}\n    severity: warning\n    message: Shouted\n    hint: Write it again\n")
    done = subprocess.run([sys.executable, "-c", _ADD_IT, str(tmp_path), str(ROOT / "sample_data" / "referrals.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "not", "exportable", "not", "exportable", "True", "False", "[]"]


def test_no_backend_or_report_names_a_kind() -> None:
    """What a kind means and how it renders lives in its module: nothing else dispatches on its name or class."""
    sources = [*ROOT.glob("checks/*.py"), *ROOT.glob("checks/interop/*.py"), *ROOT.glob("reports/*.py"),
               *ROOT.glob("cli/*.py")]
    for kind in KINDS.values():
        cls = kind.__name__
        named = re.compile(rf"""kinds\.{cls}\b|import .*\b{cls}\b|isinstance\([^)]*\b{cls}\b|["']{kind.name}["']""")
        for path in sources:
            assert not named.search(path.read_text()), f"{path.relative_to(ROOT)} names the {kind.name} kind"
