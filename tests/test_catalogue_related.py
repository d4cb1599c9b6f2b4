"""The catalogue of a schema with record types: every record type's rules, and true examples of cross-record rules.

A rule that reads another record type is judged with that type's rows from its kind's rule
cases; the catalogue shows them, renamed to the council's own record types and fields, and the
example must still be true when judged again the way the engine judges it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from refcheck.checks.catalogue import DEFAULT_AS_OF, Example, catalogue, evaluate
from refcheck.checks.kinds import Export
from refcheck.checks.kinds.relations import READS_ANOTHER
from refcheck.checks.rules import Rule
from refcheck.schemas import Schema, load_schema
from tests.conftest import Invoke

COUNCIL = """\
name: council
version: 1
extends: wales-referral
codes:
  yes_no: {Y: "Yes", N: "No"}
rules:
  - id: closure_reason.given_when_closed
    kind: required
    params: {field: closure_reason}
    when: {field: closure_date, is: present}
    severity: warning
    message: Closed without a reason
    hint: Record it
record_types:
  registrations:
    label: Registrations
    key: registration
    group_by: team
    fields:
      registration: {label: Registration}
      team: {label: Team}
      registered_on: {type: date, label: Registered}
      deregistered_on: {type: date, label: Deregistered}
    rules:
      - id: registrations.seen_often
        kind: recurring_within
        params:
          start: registered_on
          end: deregistered_on
          events: {record_type: contacts, by: registration, date: contact_at, where: {child_seen: [Y]}}
          first: 10 working days
          every: 10 working days
        severity: warning
        message: Not seen often enough
        hint: See the child
  contacts:
    label: Contacts
    key: contact_ref
    belongs_to: {record_type: registrations, by: registration}
    fields:
      contact_ref: {label: Contact}
      registration: {label: Registration}
      contact_at: {type: datetime, label: Contact at}
      child_seen: {label: Child seen, codes: yes_no}
      seen_alone: {label: Seen alone, codes: yes_no}
    rules:
      - id: contacts.seen_alone.required
        kind: required
        params: {field: seen_alone}
        when: {field: child_seen, in: [Y]}
        severity: warning
        message: Seen alone not recorded
        hint: Record it
      - id: contacts.registration.known
        kind: exists_in
        params: {field: registration, record_type: registrations}
        severity: error
        message: Unknown registration
        hint: Correct it
      - id: contacts.within_registration
        kind: within_parent
        params: {parent: registrations, by: registration, date: contact_at, start: registered_on,
                 end: deregistered_on}
        severity: warning
        message: Contact outside its registration
        hint: Check the dates
"""


def _true(rule: Rule, example: Example, outcome: str, schema: Schema) -> None:
    """Judged again with its rows typed as the schema types them, the example gives its outcome."""
    record = schema.record(rule.record_type)
    types = {name: record.fields[name].type for name in example.values}
    related = {name: ({field: schema.record(name).fields[field].type for field in rows[0]} if rows else {}, rows)
               for name, rows in example.related.items()}
    assert evaluate(rule.kind, types, [example.values], example.as_of or DEFAULT_AS_OF, schema.calendar,
                    related, rule.condition) == [outcome], (rule.id, example)


def test_cross_record_rules_have_true_examples_with_the_other_record_types_rows(tmp_path: Path) -> None:
    path = tmp_path / "council.yaml"
    path.write_text(COUNCIL)
    schema = load_schema(path)
    entries = {entry.rule.id: entry for entry in catalogue(schema)}
    expected_types = {"registrations.seen_often": "registrations", "contacts.registration.known": "contacts",
                      "contacts.within_registration": "contacts"}
    for rule_id, record_type in expected_types.items():
        entry = entries[rule_id]
        assert entry.record_type == record_type
        assert entry.pandera.reason == entry.gx.reason == READS_ANOTHER
        for example, outcome in ((entry.passing, "pass"), (entry.failing, "fail")):
            assert example is not None and example.related, (rule_id, outcome)
            assert set(example.related) <= {"registrations", "contacts"}
            _true(entry.rule, example, outcome, schema)
    seen_often = entries["registrations.seen_often"]
    assert seen_often.passing is not None and seen_often.failing is not None
    assert set(seen_often.passing.values) == {"registered_on", "deregistered_on", "registration"}
    assert {field for row in seen_often.passing.related["contacts"] for field in row} == \
        {"registration", "contact_at", "child_seen"}
    assert (seen_often.passing.as_of, seen_often.failing.as_of) == (dt.date(2026, 10, 16), dt.date(2026, 10, 19))


def test_rules_lists_every_record_types_rules_and_shows_the_rows_an_example_needs(invoke: Invoke,
                                                                                  tmp_path: Path) -> None:
    path = tmp_path / "council.yaml"
    path.write_text(COUNCIL)
    listed = json.loads(invoke("rules", "--schema", path, "--format", "json").stdout)["rules"]
    by_id = {rule["id"]: rule for rule in listed}
    assert by_id["referral_id.required"]["record_type"] == "referrals"
    assert by_id["contacts.within_registration"]["record_type"] == "contacts"
    assert by_id["contacts.registration.known"]["fails"]["related"] == {"registrations": [{"registration": "P1"}]}
    assert "related" not in by_id["referral_id.required"]["passes"]
    text = invoke("rules", "--schema", path).stdout
    assert "fails:    registration = 'P3'; with registrations: [registration = 'P1']" in text


def test_a_rule_with_when_says_so_and_its_examples_meet_the_condition(tmp_path: Path) -> None:
    path = tmp_path / "council.yaml"
    path.write_text(COUNCIL)
    schema = load_schema(path)
    entry = next(entry for entry in catalogue(schema) if entry.rule.id == "contacts.seen_alone.required")
    assert entry.checks.endswith("; only where child_seen is Y")
    assert entry.passing is not None and entry.failing is not None
    assert entry.failing.values == {"seen_alone": None, "child_seen": "Y"}
    for example, outcome in ((entry.passing, "pass"), (entry.failing, "fail")):
        _true(entry.rule, example, outcome, schema)
    types = schema.record("contacts").fields
    assert evaluate(entry.rule.kind, {name: types[name].type for name in ("seen_alone", "child_seen")},
                    [{"seen_alone": None, "child_seen": "N"}], DEFAULT_AS_OF, condition=entry.rule.condition) == ["n/a"]


def test_every_rule_of_the_bundled_record_type_schemas_has_a_true_passing_and_failing_example() -> None:
    for name in ("wales", "england"):
        schema = load_schema(name)
        entries = catalogue(schema)
        assert {entry.record_type for entry in entries} == {record.record_type for record in schema.record_types}
        for entry in entries:
            for example, outcome in ((entry.passing, "pass"), (entry.failing, "fail")):
                assert example is not None, (name, entry.rule.id, outcome)
                if example.note:  # a uniqueness failure needs its twin
                    continue
                _true(entry.rule, example, outcome, schema)


def test_the_catalogue_says_the_exports_carry_other_record_types_and_when_but_not_cross_record_rules(
        tmp_path: Path) -> None:
    """The pandera module and GX suites hold every record type's rules with their when: conditions.

    A rule that reads another record type is in neither, and says why; a when: on a date needs SQL in GX.
    """
    path = tmp_path / "council.yaml"
    path.write_text(COUNCIL)
    entries = {entry.rule.id: entry for entry in catalogue(load_schema(path))}
    assert entries["referral_id.required"].pandera.status is Export.EXACT
    for rule_id in ("contacts.seen_alone.required", "closure_reason.given_when_closed"):
        assert entries[rule_id].pandera.status is Export.EXACT, rule_id
    when_on_a_date = entries["closure_reason.given_when_closed"].gx
    assert (when_on_a_date.status, when_on_a_date.reason) == (
        Export.SQL_ONLY, "its when: condition needs a readable date or number, which GX's row conditions cannot test")
    assert entries["contacts.seen_alone.required"].gx.status is Export.EXACT
    cross = [entry for entry in entries.values() if entry.rule.kind_name in ("exists_in", "within_parent")]
    assert cross
    for entry in cross:
        assert (entry.pandera.status, entry.gx.status) == (Export.NONE, Export.NONE)
        assert "another record type" in entry.pandera.reason and "another record type" in entry.gx.reason
