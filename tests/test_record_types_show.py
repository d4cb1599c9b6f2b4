"""``refcheck schema show --resolved`` writes every record type, and what it writes loads back as the same schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from refcheck.checks.rules import bind_record_types
from refcheck.schemas import Schema, load_schema
from tests.conftest import Invoke
from tests.test_record_type_mapping import MAPPING
from tests.test_record_types_schema import PLANS_AND_VISITS


def _essence(schema: Schema) -> dict[str, object]:
    """Everything each record type means: its key, team, fields, mapping and bound rules (with their conditions)."""
    bound = bind_record_types(schema)
    return {
        record.record_type: (
            record.label, record.record_id, record.group_by, record.belongs_to, record.worker, record.mapping,
            {name: (f.type, f.label, f.collected, f.personal) for name, f in record.fields.items()},
            [(r.id, r.kind, r.severity, r.category, r.message, r.hint, r.field, r.tolerance, r.when, r.record_type)
             for r in bound[record.record_type]],
        )
        for record in schema.record_types
    }


def _round_trip(invoke: Invoke, schema: str | Path, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    result = invoke("schema", "show", "--schema", schema, "--resolved")
    assert result.exit_code == 0, result.output
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout, encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(result.stdout)
    return document, resolved


def test_the_resolved_schema_lists_record_types_with_their_fields_rules_and_mapping(
        invoke: Invoke, tmp_path: Path) -> None:
    indented = "".join(f"  {line}\n" for line in MAPPING.splitlines())
    text = PLANS_AND_VISITS.replace("      seen: {codes: yes_no, required: warning}\n", (
        "      seen: {codes: yes_no, required: warning}\n      seen_alone: {codes: yes_no}\n"
        "    rules:\n      - id: cp_visits.seen_alone.required\n        kind: required\n"
        "        params: {field: seen_alone}\n        when: {field: seen, in: [Y]}\n"
        "        severity: warning\n        message: m\n        hint: h\n"))
    source = tmp_path / "council.yaml"
    source.write_text(text + "mapping:\n" + indented, encoding="utf-8")
    document, resolved = _round_trip(invoke, source, tmp_path)
    assert list(document["record_types"]) == ["cp_plans", "cp_visits"]
    visits = document["record_types"]["cp_visits"]
    assert (visits["key"], visits["belongs_to"], "group_by" in visits) == (
        "visit_id", {"record_type": "cp_plans", "by": "plan_id"}, False)
    assert list(visits["fields"]) == ["visit_id", "plan_id", "seen", "seen_alone"]
    assert [rule["id"] for rule in visits["rules"]] == [
        "cp_visits.visit_id.required", "cp_visits.plan_id.required", "cp_visits.seen.required",
        "cp_visits.seen.valid", "cp_visits.seen_alone.valid", "cp_visits.seen_alone.required"]
    assert visits["rules"][-1]["when"] == {"field": "seen", "in": ["Y"]}
    assert document["mapping"]["record_types"]["cp_visits"]["source"] == "ssd_cp_visits"
    assert _essence(load_schema(resolved)) == _essence(load_schema(source))


def test_the_bundled_wales_schema_reads_back_from_its_resolved_yaml(invoke: Invoke, tmp_path: Path) -> None:
    document, resolved = _round_trip(invoke, "wales", tmp_path)
    assert list(document["record_types"]) == ["cp_plans", "cp_visits", "cp_reviews"]
    assert _essence(load_schema(resolved)) == _essence(load_schema("wales"))


def test_a_schema_without_record_types_is_shown_as_before(invoke: Invoke, tmp_path: Path) -> None:
    document, _ = _round_trip(invoke, "wales-referral", tmp_path)
    assert "record_types" not in document
