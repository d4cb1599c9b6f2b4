"""The rule catalogue: every rule of both bundled schemas, true examples, export status, and docs/rules.md."""

from __future__ import annotations

import json
from pathlib import Path

from refcheck.checks import bind_rules
from refcheck.checks.catalogue import DEFAULT_AS_OF, catalogue, evaluate
from refcheck.checks.interop.gx_suite import gx_status
from refcheck.reports.catalogue import rules_md
from refcheck.schemas import load_schema
from tests.conftest import ROOT, Invoke


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    assert (ROOT / "docs" / "rules.md").read_text() == rules_md(), \
        "docs/rules.md is stale: run python -m refcheck.reports.catalogue > docs/rules.md"


def test_every_rule_of_both_bundled_schemas_is_listed_with_a_true_passing_and_failing_example(invoke: Invoke) -> None:
    for name in ("wales-referral", "england-referral"):
        result = invoke("rules", "--schema", name, "--format", "json")
        assert result.exit_code == 0
        listed = json.loads(result.stdout)["rules"]
        schema = load_schema(name)
        assert [entry["id"] for entry in listed] == [rule.id for rule in bind_rules(schema)]
        types = {field.name: field.type for field in schema.fields.values()}
        for rule, entry in zip(bind_rules(schema), listed, strict=True):
            assert entry["fix"] and entry["why"] and entry["checks"], rule.id
            assert entry["gx"]["status"] == gx_status(rule, types).status.value
            for key, outcome in (("passes", "pass"), ("fails", "fail")):
                example = entry[key]
                assert example is not None, (rule.id, key)
                if example["note"]:  # a uniqueness failure needs its twin
                    continue
                as_of = example["as_of"] and __import__("datetime").date.fromisoformat(example["as_of"])
                used = {field: types[field] for field in example["values"]}
                assert evaluate(rule.kind, used, [example["values"]], as_of or DEFAULT_AS_OF,
                                schema.calendar) == [outcome], (rule.id, example)


def test_catalogue_shows_the_assessment_timescale_each_schema_sets() -> None:
    by_schema = {name: {entry.rule.id: entry for entry in catalogue(load_schema(name))}
                 for name in ("wales-referral", "england-referral")}
    assert "days: 42" in by_schema["wales-referral"]["assessment_completed.timely"].checks
    assert "days: 45" in by_schema["england-referral"]["assessment_completed.timely"].checks


def test_rules_for_a_council_schema_and_in_text(invoke: Invoke, tmp_path: Path) -> None:
    council = tmp_path / "council.yaml"
    council.write_text(
        "name: council\nversion: 1\nextends: wales-referral\nrules:\n"
        "  - id: strategy_discussion.prompt\n    kind: within_working_days\n"
        "    params: {start: decision_date, end: strategy_discussion, days: 1}\n"
        "    severity: warning\n    category: timeliness\n"
        "    message: Strategy discussion more than 1 working day after the decision\n"
        "    hint: Hold the strategy discussion the day after an S47 decision\n"
    )
    result = invoke("rules", "--schema", council)
    assert result.exit_code == 0, result.output
    assert "strategy_discussion.prompt  [timeliness, warning]" in result.stdout
    assert "GX:       sql-only (working days need the bank-holiday calendar table)" in result.stdout
    markdown = invoke("rules", "--schema", council, "--format", "markdown").stdout
    assert markdown.startswith("## council (version 1)")
    (tmp_path / "broken.yaml").write_text("name: x\nversion: 1\nextends: wales-referral\nrules: 3\n")
    broken = invoke("rules", "--schema", tmp_path / "broken.yaml")
    assert broken.exit_code == 3 and broken.stderr.startswith("Error: ")
