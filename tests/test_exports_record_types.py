"""A schema of several record types exports to pandera and GX, and agrees with the engine on the sample folder.

``refcheck export pandera --schema wales`` gives one pandera schema per record type and ``export gx``
one suite per record type; run for real on ``sample_data/``'s files, each exported rule gives the
engine's counts (pandera: the very rows). A rule that reads another record type is in neither, and
says so; a rule's ``when:`` travels with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import Report, validate
from refcheck.checks.interop.gx_engine import counts_on_frame, counts_on_table, validate_sql
from refcheck.checks.interop.gx_suite import gx_status
from refcheck.checks.interop.pandera_module import pandera_status
from refcheck.checks.kinds import Export
from refcheck.checks.kinds.relations import READS_ANOTHER
from refcheck.checks.readers.record_sources import SourceChoiceError
from refcheck.checks.rules import bind_record_types
from refcheck.schemas import FieldType, Schema, load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke
from tests.test_exports import _load_module, _sqlite_table, _text_frame

FOLDER = SAMPLE.parent
CROSS_RECORD = {"exists_in", "within_parent", "recurring_within"}
"""The kinds that read another record type: no export can run them, one table at a time."""


@pytest.fixture(scope="module")
def engine() -> Report:
    return validate(FOLDER, "wales", as_of=SAMPLE_AS_OF, findings=True)


@pytest.fixture(scope="module")
def wales() -> Schema:
    return load_schema("wales")


def _types(schema: Schema, record_type: str) -> dict[str, FieldType]:
    return {field.name: field.type for field in schema.record(record_type).fields.values()}


def test_the_pandera_module_of_wales_flags_the_engines_rows_in_every_record_type(
        invoke: Invoke, tmp_path: Path, engine: Report, wales: Schema) -> None:
    out = tmp_path / "wales_schema.py"
    result = invoke("export", "pandera", "--schema", "wales", "--as-of", SAMPLE_AS_OF.isoformat(), "--out", out)
    assert result.exit_code == 0, result.output
    module = _load_module(out)
    assert list(module.schemas) == [record.record_type for record in wales.record_types]
    assert module.schemas["referrals"] is module.schema
    import pandera.errors

    assert engine.findings is not None
    compared = 0
    for record_type, pandera_schema in module.schemas.items():
        with pytest.raises(pandera.errors.SchemaErrors) as raised:
            pandera_schema.validate(pl.read_csv(FOLDER / f"{record_type}.csv", infer_schema=False), lazy=True)
        failures = raised.value.failure_cases.with_columns(pl.col("check").str.split(": ").list.first().alias("rule"))
        for outcome in engine.results:
            if outcome.rule.record_type != record_type:
                continue
            pandera_rows = {index + 2 for index in failures.filter(pl.col("rule") == outcome.rule.id)["index"]}
            status = pandera_status(outcome.rule, wales)
            if outcome.rule.kind_name in CROSS_RECORD:
                assert (status.status, pandera_rows) == (Export.NONE, set()), outcome.rule.id
                continue
            assert status.status is Export.EXACT, outcome.rule.id
            engine_rows = set(engine.findings.filter((pl.col("record_type") == record_type)
                                                     & (pl.col("rule_id") == outcome.rule.id))["line"])
            assert pandera_rows == engine_rows, outcome.rule.id
            assert len(pandera_rows) == outcome.failed
            compared += outcome.failed > 0
    assert compared > 40  # NOTE: most rules fail somewhere in the sample, so rows were compared, not only emptiness
    assert "78 of 84 rules exported exactly" in result.stderr
    assert f"cp_visits.within_plan  not exportable  {READS_ANOTHER}" in result.stderr


def test_a_when_condition_travels_to_pandera_and_gx(engine: Report, wales: Schema) -> None:
    rule = next(rule for rule in bind_record_types(wales)["cp_visits"] if rule.when is not None)
    outcome = next(result for result in engine.results if result.rule.id == rule.id)
    rows = pl.read_csv(FOLDER / "cp_visits.csv", infer_schema=False).height
    assert 0 < outcome.checked < rows  # NOTE: the condition matters on the sample, so carrying it is tested
    counts = counts_on_frame(_text_frame(FOLDER / "cp_visits.csv"), wales.record("cp_visits"), [rule])
    assert (counts[rule.id].checked, counts[rule.id].failed) == (outcome.checked, outcome.failed)


def test_gx_suites_give_the_engines_counts_for_every_exported_rule_of_every_record_type(
        engine: Report, wales: Schema, tmp_path: Path) -> None:
    by_type = bind_record_types(wales)
    url = ""
    for record in wales.record_types:
        url = _sqlite_table(tmp_path / "sample.db", pl.read_csv(FOLDER / f"{record.record_type}.csv",
                                                                 infer_schema=False), record.record_type)
    for record in wales.others.values():
        rules = by_type[record.record_type]
        on_pandas = counts_on_frame(_text_frame(FOLDER / f"{record.record_type}.csv"), record, rules)
        on_sqlite = counts_on_table(url, record.record_type, record, rules, as_of=SAMPLE_AS_OF)
        for outcome in engine.results:
            if outcome.rule.record_type != record.record_type:
                continue
            status = gx_status(outcome.rule, _types(wales, record.record_type)).status
            expected = (outcome.checked, outcome.failed)
            if outcome.rule.kind_name in CROSS_RECORD:
                assert status is Export.NONE and outcome.rule.id not in on_sqlite, outcome.rule.id
                continue
            assert status is not Export.NONE, outcome.rule.id
            on_sql = on_sqlite[outcome.rule.id]
            assert (on_sql.checked, on_sql.failed) == expected, outcome.rule.id
            if status is Export.EXACT:
                assert (on_pandas[outcome.rule.id].checked, on_pandas[outcome.rule.id].failed) == expected
            else:
                assert outcome.rule.id not in on_pandas


def test_export_gx_of_wales_writes_a_suite_per_record_type(invoke: Invoke, tmp_path: Path, wales: Schema) -> None:
    import great_expectations as gx

    folder = tmp_path / "suites"
    result = invoke("export", "gx", "--schema", "wales", "--out", folder)
    assert result.exit_code == 0, result.output
    written = {json.loads(path.read_text())["meta"]["refcheck"]["record_type"]: path for path in folder.iterdir()}
    assert list(sorted(written)) == sorted(record.record_type for record in wales.record_types)
    for record_type, path in written.items():
        suite = gx.ExpectationSuite(**json.loads(path.read_text()))
        assert path.name == f"{suite.name}.json"
        held = {expectation.meta["refcheck"]["rule"] for expectation in suite.expectations}
        for rule in bind_record_types(wales)[record_type]:
            status = gx_status(rule, _types(wales, record_type))
            assert (rule.id in held) == (status.status is not Export.NONE), rule.id
            assert f"{rule.id} " in result.stderr
    assert "cp_visits.plan_id.known" in result.stderr and READS_ANOTHER in result.stderr
    listed = invoke("export", "gx", "--schema", "wales")
    assert [suite["meta"]["refcheck"]["record_type"] for suite in json.loads(listed.stdout)] == list(
        sorted(written, key=[record.record_type for record in wales.record_types].index))
    one = invoke("export", "gx", "--schema", "wales", "--record-type", "cp_visits")
    assert json.loads(one.stdout)["name"] == "refcheck-wales-v1-cp-visits"
    wrong = invoke("export", "gx", "--schema", "wales", "--record-type", "cp_visit")
    assert wrong.exit_code == 2 and "cp_visits" in wrong.output


def test_engine_gx_refuses_a_schema_of_several_record_types_in_one_line(invoke: Invoke, tmp_path: Path) -> None:
    url = _sqlite_table(tmp_path / "referrals.db", pl.read_csv(SAMPLE, infer_schema=False))
    with pytest.raises(SourceChoiceError, match="Polars engine"):
        validate_sql(url, "referrals", load_schema("wales"), as_of=SAMPLE_AS_OF)
    result = invoke("check", "--engine", "gx", "--source", url, "--table", "referrals", "--schema", "wales")
    assert result.exit_code == 2
    assert result.stderr.count("Error:") == 1 and "several record types (wales)" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.output


CONDITIONAL = """\
name: conditional
version: 1
extends: wales-referral
rules:
  - id: closure_reason.given_when_closed
    kind: required
    params: {field: closure_reason}
    when: {field: closure_date, is: present}
    severity: warning
    message: Closed without a reason
    hint: Record it
  - id: decision_outcome.coded_when_decided
    kind: code_list
    params: {field: decision_outcome, codes: [NFA, IAA]}
    when: {field: referral_source, in: ["6"]}
    severity: warning
    message: Not a short outcome
    hint: Record it
  - id: worker_id.given_when_unassessed
    kind: required
    params: {field: worker_id}
    when: {field: assessment_start, is: blank}
    severity: warning
    message: No worker before assessment
    hint: Allocate one
  - id: postcode.given_when_undecided
    kind: required
    params: {field: postcode}
    when: {field: decision_outcome, is: blank}
    severity: warning
    message: No postcode before a decision
    hint: Record it
"""
"""``when:`` of each test (present or blank on a date: SQL in GX; a code list or blank on text) on two kinds."""


def test_when_conditions_agree_in_all_three_engines_on_the_sample(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "conditional.yaml"
    path.write_text(CONDITIONAL)
    schema = load_schema(path)
    added = [rule for rule in bind_record_types(schema)["referrals"] if rule.when is not None]
    assert len(added) == 4
    engine = {result.rule.id: result for result in validate(SAMPLE, schema, as_of=SAMPLE_AS_OF).results}
    rows = pl.read_csv(SAMPLE, infer_schema=False).height
    for rule in added:
        assert 0 < engine[rule.id].checked < rows and engine[rule.id].failed > 0, rule.id  # NOTE: the condition bites
    out = tmp_path / "conditional_schema.py"
    assert invoke("export", "pandera", "--schema", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--out", out
                  ).exit_code == 0
    import pandera.errors

    with pytest.raises(pandera.errors.SchemaErrors) as raised:
        _load_module(out).schema.validate(pl.read_csv(SAMPLE, infer_schema=False), lazy=True)
    failures = raised.value.failure_cases.with_columns(pl.col("check").str.split(": ").list.first().alias("rule"))
    url = _sqlite_table(tmp_path / "referrals.db", pl.read_csv(SAMPLE, infer_schema=False))
    gx_report = validate_sql(url, "referrals", schema, as_of=SAMPLE_AS_OF)
    on_sqlite = {result.rule.id: result for result in gx_report.results}
    types = _types(schema, "referrals")
    assert {rule.id: gx_status(rule, types).status.value for rule in added} == {
        "closure_reason.given_when_closed": "sql-only", "decision_outcome.coded_when_decided": "exact",
        "worker_id.given_when_unassessed": "sql-only", "postcode.given_when_undecided": "exact"}
    for rule in added:
        assert failures.filter(pl.col("rule") == rule.id).height == engine[rule.id].failed, rule.id
        assert on_sqlite[rule.id].by_team == engine[rule.id].by_team, rule.id


TWO_TYPES = """\
name: two
version: 1
extends: wales-referral
record_types:
  contacts:
    label: Contacts
    key: contact_ref
    group_by: team
    fields:
      contact_ref: {label: Contact}
      team: {label: Team}
      decision_date: {label: Decision, codes: yes_no}
      contact_on: {type: date, label: Contact on}
    rules:
      - id: contacts.decision_date.required
        kind: required
        params: {field: decision_date}
        severity: warning
        message: No decision
        hint: Record it
      - id: contacts.contact_on.required
        kind: required
        params: {field: contact_on}
        severity: warning
        message: No date
        hint: Record it
codes:
  yes_no: {Y: "Yes", N: "No"}
"""
"""A record type with a text field named as a date field of the referrals."""


def test_a_field_named_as_another_record_types_field_of_another_type_is_not_exported_to_pandera(
        invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_TYPES)
    schema = load_schema(path)
    rules = {rule.id: rule for rule in bind_record_types(schema)["contacts"]}
    status = pandera_status(rules["contacts.decision_date.required"], schema)
    assert status.status is Export.NONE and "'decision_date' is typed code here but datetime" in status.reason
    assert pandera_status(rules["contacts.contact_on.required"], schema).status is Export.EXACT
    out = tmp_path / "two_schema.py"
    result = invoke("export", "pandera", "--schema", path, "--out", out)
    assert result.exit_code == 0 and "contacts.decision_date.required  not exportable" in result.stderr
    contacts = _load_module(out).schemas["contacts"]
    assert "contacts.contact_on.required" in [check.name for check in contacts.columns["contact_on"].checks]
    assert "contacts.decision_date.required" not in [check.name for check in contacts.columns["decision_date"].checks]
    taken = tmp_path / "taken"
    taken.write_text("")
    refused = invoke("export", "gx", "--schema", path, "--out", taken)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1 and "taken" in refused.stderr
