"""The bundled schemas implement the referral standard (docs/referral-standard.md) exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from refcheck.checks import bind_rules
from refcheck.schemas import FieldType, load_schema

STANDARD = Path(__file__).resolve().parents[1] / "docs" / "referral-standard.md"


def _section(number: int) -> str:
    text = STANDARD.read_text()
    return re.split(r"\n## ", text)[number]


def standard_rules() -> dict[str, tuple[str, str]]:
    """id -> (category, severity) from the section 4 table."""
    rules = {}
    for line in _section(4).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and "." in cells[0] and cells[0] != "id":
            rules[cells[0]] = (cells[1], cells[2])
    return rules


def standard_fields() -> dict[str, str]:
    fields = {}
    for line in _section(2).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("field", "---") and not cells[0].startswith("-"):
            fields[cells[0]] = cells[1]
    return fields


def standard_codes() -> dict[str, str]:
    lists: dict[str, str] = {}
    current = None
    for line in _section(3).splitlines():
        match = re.match(r"- `(\w+)`: (.*)", line.strip())
        if match:
            current = match.group(1)
            lists[current] = match.group(2)
        elif current and line.startswith("  "):
            lists[current] += " " + line.strip()
    return lists


def test_the_standard_table_is_parsed() -> None:
    assert len(standard_rules()) == 33
    assert len(standard_fields()) == 23


@pytest.mark.parametrize("name", ["wales-referral", "england-referral"])
def test_every_rule_of_the_standard_has_the_same_category_and_severity(name: str) -> None:
    schema = load_schema(name)
    ids = {rule.id: rule for rule in bind_rules(schema)}
    for rule_id, (category, severity) in standard_rules().items():
        assert rule_id in ids, rule_id
        assert (ids[rule_id].category, ids[rule_id].severity.value) == (category, severity), rule_id


@pytest.mark.parametrize("name", ["wales-referral", "england-referral"])
def test_the_only_other_rules_are_one_type_rule_per_date_field(name: str) -> None:
    schema = load_schema(name)
    extra = {rule.id for rule in bind_rules(schema)} - set(standard_rules())
    dated = {f"{f.name}.type" for f in schema.fields.values() if f.type.is_parsed}
    assert extra == dated
    for rule in bind_rules(schema):
        if rule.id in dated:
            assert (rule.category, rule.severity.value, rule.kind_name) == ("validity", "error", "readable")


def test_fields_and_types_match_the_standard() -> None:
    schema = load_schema("wales-referral")
    assert list(schema.fields) == list(standard_fields())
    for name, type_name in standard_fields().items():
        assert schema.fields[name].type is FieldType(type_name), name


def test_code_lists_match_the_standard() -> None:
    schema = load_schema("wales-referral")
    for name, text in standard_codes().items():
        listed = schema.codes[name].codes
        if name == "closure_reason":
            expected = [f"RC{i}" for i in range(1, 10)]
        elif name in ("gender",):
            expected = re.findall(r"`(\d)`", text)
        elif name in ("primary_need", "decision_outcome"):
            expected = re.findall(r"\b(N\d|NFA|IAA|ASSESS|S47)\b", text)
        else:
            expected = [code.strip().rstrip(".") for code in text.split(",")]
        assert list(listed) == expected, name


def test_england_differs_only_in_the_assessment_timescale() -> None:
    wales = {rule.id: rule for rule in bind_rules(load_schema("wales-referral"))}
    england = {rule.id: rule for rule in bind_rules(load_schema("england-referral"))}
    assert wales.keys() == england.keys()
    different = [rule_id for rule_id in wales if wales[rule_id] != england[rule_id]]
    assert different == ["assessment_completed.timely"]
    assert england["assessment_completed.timely"].kind.days == 45  # type: ignore[attr-defined]
    assert wales["assessment_completed.timely"].kind.days == 42  # type: ignore[attr-defined]


def test_messages_name_no_placeholder_left_unfilled() -> None:
    for rule in bind_rules(load_schema("wales-referral")):
        assert "{" not in rule.message and "{" not in rule.hint, rule.id
        assert rule.message and rule.hint
