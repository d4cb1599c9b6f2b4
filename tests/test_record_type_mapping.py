"""A mapping per record type: the top level is the primary's, ``record_types:`` each other record type's."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.schemas import SchemaError, load_mapping, load_schema
from refcheck.schemas.errors import SchemaErrors
from refcheck.schemas.mapping import apply_mapping
from refcheck.schemas.model import NO_MAPPING, ExtractMapping, FieldMapping
from tests.test_record_types_schema import PLANS_AND_VISITS


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

MAPPING = """\
source: ssd_referrals
null_tokens: [NULL, "N/A"]
date_format: "%d.%m.%Y"
fields:
  team: {column: team_name}
record_types:
  cp_plans:
    source: ssd_cp_plans
    fields:
      plan_id: {column: cppl_id}
      start_date: {column: cppl_start, date_format: "%Y%m%d"}
  cp_visits:
    source: ssd_cp_visits
    null_tokens: ["-"]
    date_format: "%d/%m/%Y"
    fields:
      seen: {column: cppv_seen, values: {"Yes": "Y", "No": "N"}}
"""


def _write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _check_types(schema_mappings: dict[str, ExtractMapping]) -> None:
    plans, visits = schema_mappings["cp_plans"], schema_mappings["cp_visits"]
    assert plans == ExtractMapping(
        fields={"plan_id": FieldMapping(column="cppl_id"),
                "start_date": FieldMapping(column="cppl_start", date_format="%Y%m%d"),
                "end_date": FieldMapping(date_format="%d.%m.%Y")},  # the top level's date format
        null_tokens=("NULL", "N/A"),  # the top level's
        source="ssd_cp_plans")
    assert visits == ExtractMapping(
        fields={"seen": FieldMapping(column="cppv_seen", values={"Yes": "Y", "No": "N"})},
        null_tokens=("-",), source="ssd_cp_visits")


def test_a_schemas_mapping_section_gives_every_record_type_its_own(tmp_path: Path) -> None:
    indented = "".join(f"  {line}\n" for line in MAPPING.splitlines())
    schema = load_schema(_write(tmp_path, PLANS_AND_VISITS + "mapping:\n" + indented, "council.yaml"))
    assert schema.mapping.source == "ssd_referrals"
    assert schema.mapping.column("team") == "team_name"
    assert schema.mapping.null_tokens == ("NULL", "N/A")
    _check_types({name: record.mapping for name, record in schema.others.items()})
    assert schema.record("cp_plans").mapping.column("plan_id") == "cppl_id"
    assert schema.record("cp_plans").mapping.column("team") == "team"


def test_a_mapping_file_is_applied_to_every_record_type(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, PLANS_AND_VISITS, "council.yaml"))
    assert schema.record("cp_plans").mapping == NO_MAPPING
    mapping = load_mapping(_write(tmp_path, MAPPING, "mapping.yaml"), schema)
    assert mapping.source == "ssd_referrals"
    _check_types(dict(mapping.record_types))
    mapped = apply_mapping(schema, mapping)
    assert mapped.mapping == mapping
    _check_types({name: record.mapping for name, record in mapped.others.items()})
    only_primary = apply_mapping(mapped, load_mapping(_write(tmp_path, "fields: {}\n", "plain.yaml"), schema))
    assert [record.mapping for record in only_primary.others.values()] == [NO_MAPPING, NO_MAPPING]


def test_every_mistake_in_a_record_types_mapping_is_reported_with_did_you_mean(tmp_path: Path) -> None:
    schema = load_schema(_write(tmp_path, PLANS_AND_VISITS, "council.yaml"))
    text = (MAPPING.replace("  cp_visits:\n", "  cp_visit:\n").replace("plan_id: {column: cppl_id}", "plan_di: {}")
            .replace("    source: ssd_cp_plans\n", "    source: ssd_cp_plans\n    record_types: {}\n")
            + "  referrals: {}\n")
    with pytest.raises(SchemaError) as raised:
        load_mapping(_write(tmp_path, text, "mapping.yaml"), schema)
    assert isinstance(raised.value, SchemaErrors)
    assert list(raised.value.lines) == [
        "mapping.yaml:9: record_types.cp_plans.record_types: unknown key in mapping; expected one of date_format, "
        "fields, null_tokens, source",
        "mapping.yaml:11: record_types.cp_plans.fields.plan_di: unknown field 'plan_di' (did you mean 'plan_id'?)",
        "mapping.yaml:13: record_types.cp_visit: unknown record type 'cp_visit' (did you mean 'cp_visits'?)",
        "mapping.yaml:19: record_types.referrals: unknown record type 'referrals'; the primary's mapping is the "
        "top level",
    ]
