"""The bundled ``wales`` and ``england`` schemas implement the child protection standard exactly.

``wales`` is wales-referral plus the standard's three record types (docs/child-protection-standard.md:
their keys and relations, fields, code lists and every rule's category and severity); ``england``
has england-referral's referral part and wales's child protection part.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from refcheck.checks.rules import Rule, bind_record_types
from refcheck.schemas import PRIMARY, FieldType, Relation, load_schema
from tests.conftest import ROOT

STANDARD = ROOT / "docs" / "child-protection-standard.md"
CP_TYPES = ("cp_plans", "cp_visits", "cp_reviews")


def _section(number: int) -> str:
    return re.split(r"\n## ", STANDARD.read_text())[number]


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]


def standard_fields() -> dict[str, dict[str, str]]:
    """record type -> field -> type, from section 2's tables, in order."""
    fields: dict[str, dict[str, str]] = {}
    current = ""
    for line in _section(2).splitlines():
        heading = re.fullmatch(r"\*\*(\w+)\*\*", line.strip())
        if heading:
            current = heading.group(1)
            fields[current] = {}
        elif line.startswith("| ") and current and not line.startswith("| field"):
            name, type_name, _ = _cells(line)
            fields[current][name] = type_name
    return fields


def standard_rules() -> dict[str, tuple[str, str]]:
    """rule id -> (category, severity), from both of section 4's tables; a .type rule per date field."""
    rules: dict[str, tuple[str, str]] = {}
    for line in _section(4).splitlines():
        cells = _cells(line)
        if len(cells) < 3 or not cells[0].startswith("cp_"):
            continue
        for rule_id in re.findall(r"cp_\w+\.[\w.]+\w", cells[0].split(" (")[0]):
            rules[rule_id] = (cells[1], cells[2])
    for record_type, fields in standard_fields().items():
        for name, type_name in fields.items():
            if type_name in ("date", "datetime"):
                rules[f"{record_type}.{name}.type"] = ("validity", "error")
    return rules


def standard_codes() -> dict[str, list[str]]:
    """code list -> its codes, from section 3 (DIED is the one code written without backticks)."""
    lists: dict[str, str] = {}
    current = ""
    for line in _section(3).splitlines():
        match = re.match(r"- `(\w+)`: (.*)", line.strip())
        if match:
            current = match.group(1)
            lists[current] = match.group(2)
        elif current and line.startswith("  "):
            lists[current] += " " + line.strip()
    return {name: [code or word for code, word in re.findall(r"`(\w+)`|\b(DIED)\b", text)]
            for name, text in lists.items()}


def _report(rule: Rule) -> tuple[object, ...]:
    """Everything about a bound rule but where in which file it was written."""
    return (rule.id, rule.kind, rule.severity, rule.category, rule.message, rule.hint, rule.field, rule.tolerance,
            rule.record_type, rule.when)


def _rules(name: str) -> dict[str, list[tuple[object, ...]]]:
    return {record_type: [_report(rule) for rule in rules]
            for record_type, rules in bind_record_types(load_schema(name)).items()}


def test_the_standard_is_parsed() -> None:
    assert [len(fields) for fields in standard_fields().values()] == [10, 7, 4]
    assert len(standard_rules()) == 41
    assert standard_codes()["cp_end_reason"] == ["RISK_REDUCED", "LOOKED_AFTER", "MOVED", "AGE_18", "DIED", "OTHER"]


@pytest.mark.parametrize("name", ["wales", "england"])
def test_every_cp_rule_of_the_standard_and_no_other_with_its_category_and_severity(name: str) -> None:
    bound = bind_record_types(load_schema(name))
    assert list(bound) == [PRIMARY, *CP_TYPES]
    got = {rule.id: (rule.category, rule.severity.value) for t in CP_TYPES for rule in bound[t]}
    assert got == standard_rules()
    for record_type in CP_TYPES:
        assert all(rule.id.startswith(f"{record_type}.") and rule.record_type == record_type
                   for rule in bound[record_type])


def test_record_types_keys_relations_and_fields_are_the_standards() -> None:
    schema = load_schema("wales")
    plans, visits, reviews = (schema.record(name) for name in CP_TYPES)
    assert (plans.record_id, plans.group_by, plans.belongs_to) == ("plan_id", "team", None)
    assert (visits.record_id, visits.belongs_to) == ("visit_id", Relation("cp_plans", "plan_id"))
    assert (reviews.record_id, reviews.belongs_to) == ("review_id", Relation("cp_plans", "plan_id"))
    for record_type, fields in standard_fields().items():
        record = schema.record(record_type)
        assert list(record.fields) == list(fields), record_type
        for name, type_name in fields.items():
            assert record.fields[name].type is FieldType(type_name), (record_type, name)


def test_code_lists_are_the_standards() -> None:
    schema = load_schema("wales")
    for name, codes in standard_codes().items():
        assert list(schema.codes[name].codes) == codes, name


def test_the_recurring_rules_have_the_standards_limits_and_events() -> None:
    plans = {rule.id: rule.kind for rule in bind_record_types(load_schema("wales"))["cp_plans"]}
    limits = {rule_id: (kind.first, kind.every, kind.events.record_type)  # type: ignore[attr-defined]
              for rule_id, kind in plans.items() if rule_id.endswith("s_timely")}
    assert limits == {
        "cp_plans.visits_timely": ("10 working days", "10 working days", "cp_visits"),
        "cp_plans.home_visits_timely": ("4 weeks", "4 weeks", "cp_visits"),
        "cp_plans.reviews_timely": ("3 months", "6 months", "cp_reviews"),
    }


def test_wales_referral_part_is_wales_referral_exactly() -> None:
    assert _rules("wales")[PRIMARY] == _rules("wales-referral")[PRIMARY]
    wales, referral = load_schema("wales"), load_schema("wales-referral")
    assert wales.fields == referral.fields
    assert {name: wales.codes[name] for name in referral.codes} == referral.codes
    assert (wales.calendar, wales.record_id, wales.group_by) == (
        referral.calendar, referral.record_id, referral.group_by)
    headline = tuple(kpi for kpi in wales.scorecard.kpis if kpi.section is None)
    assert dataclasses.replace(wales.scorecard, kpis=headline) == referral.scorecard
    assert {kpi.section for kpi in wales.scorecard.kpis} == {None, "Child protection"}  # the CP part adds its own


def test_englands_referral_part_is_england_referrals_and_its_cp_part_is_wales() -> None:
    england, wales, referral = _rules("england"), _rules("wales"), _rules("england-referral")
    assert england[PRIMARY] == referral[PRIMARY]
    assert england[PRIMARY] != wales[PRIMARY]  # assessments: 45 working days, not 42
    assert {t: england[t] for t in CP_TYPES} == {t: wales[t] for t in CP_TYPES}
    assert load_schema("england").calendar == load_schema("england-referral").calendar


@pytest.mark.parametrize("name", ["wales", "england"])
def test_every_cp_rule_says_what_is_wrong_and_what_to_do(name: str) -> None:
    for record_type in CP_TYPES:
        for rule in bind_record_types(load_schema(name))[record_type]:
            assert rule.message and rule.hint, rule.id
            assert "{" not in rule.message + rule.hint, rule.id
