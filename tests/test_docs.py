"""Documentation that shows a schema or a command shows one that works."""

from __future__ import annotations

import re
from pathlib import Path

from refcheck.checks import bind_rules
from refcheck.schemas import load_schema

ROOT = Path(__file__).resolve().parents[1]


def test_the_schema_guide_example_loads_and_binds(tmp_path: Path) -> None:
    block = re.search(r"```yaml\n(.*?)```", (ROOT / "docs" / "schemas.md").read_text(), re.DOTALL)
    assert block is not None
    path = tmp_path / "council.yaml"
    path.write_text(block.group(1))
    schema = load_schema(path)
    rules = {rule.id: rule for rule in bind_rules(schema)}
    assert rules["local.strategy_within_1_day"].kind.days == 1  # type: ignore[attr-defined]
    assert rules["decision_date.timely"].kind.days == 2  # type: ignore[attr-defined]
    assert "date_of_birth.under_18" not in rules
    assert "legal_status.valid" in rules and "legal_status.required" in rules
    assert "X1" in schema.codes["referral_source"].codes


def test_the_schema_guide_lists_every_kind_as_the_kinds_describe_themselves() -> None:
    from refcheck.checks import KINDS
    from refcheck.reports.catalogue import kinds_markdown

    text = (ROOT / "docs" / "schemas.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \| ", text.split("## Rule kinds")[1], re.MULTILINE))
    assert documented == set(KINDS)
    assert kinds_markdown() in text, "regenerate it: python -m refcheck.reports.catalogue --tables docs"


def test_the_export_guide_gives_each_kinds_declared_status() -> None:
    from refcheck.reports.catalogue import export_markdown

    text = (ROOT / "docs" / "exports.md").read_text()
    assert export_markdown() in text, "regenerate it: python -m refcheck.reports.catalogue --tables docs"


def test_refreshing_the_kind_tables_rewrites_only_the_tables(tmp_path: Path) -> None:
    from refcheck.reports.catalogue import export_markdown, kinds_markdown, refresh_tables

    pages = {"schemas.md": kinds_markdown(), "exports.md": export_markdown()}
    for page, table in pages.items():
        stale = table.splitlines()[0] + "\n|---|\n| `gone` | a kind that is no more |\n"
        (tmp_path / page).write_text((ROOT / "docs" / page).read_text().replace(table, stale))
        assert (tmp_path / page).read_text() != (ROOT / "docs" / page).read_text()
    refresh_tables(tmp_path)
    for page in pages:
        assert (tmp_path / page).read_text() == (ROOT / "docs" / page).read_text(), page


def test_the_scorecard_example_loads_in_a_child_schema(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "schemas.md").read_text(), re.DOTALL)
    scorecard = next(block for block in blocks if block.startswith("scorecard:"))
    path = tmp_path / "council.yaml"
    path.write_text("name: council\nextends: wales-referral\n" + scorecard)
    schema = load_schema(path)
    kpis = {kpi.id: kpi for kpi in schema.scorecard.kpis}
    assert kpis["decisions_overdue"].bands.green == 0 and kpis["decisions_overdue"].lower_is_better
    assert "re_referrals" in kpis  # inherited from the standard's scorecard
    assert schema.scorecard.bands_for("timeliness").green == 0.9


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([\w./-]+\.(?:md|json|png|yaml|csv))(?:#[\w-]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def test_exit_codes_page_matches_the_enum() -> None:
    from refcheck.cli import ExitCode

    rows = re.findall(r"^\| (\d) \| ([a-z ]+) \|", (ROOT / "docs" / "exit-codes.md").read_text(), re.MULTILINE)
    assert [int(code) for code, _ in rows] == [code.value for code in ExitCode]
    assert [name.replace(" ", "_").upper() for _, name in rows] == [code.name for code in ExitCode]


def test_the_mapping_guide_examples_load(tmp_path: Path) -> None:
    from refcheck.schemas import load_mapping

    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "mappings.md").read_text(), re.DOTALL)
    mapping_blocks = [block for block in blocks if block.lstrip().startswith(("null_tokens", "#"))]
    assert len(mapping_blocks) == 3
    for block in mapping_blocks:
        path = tmp_path / "mapping.yaml"
        path.write_text(block.replace('{column: "?"}', ""))
        load_mapping(path, load_schema("wales" if "record_types:" in block else "wales-referral"))
    schema_block = next(block for block in blocks if block.startswith("name: our-council"))
    (tmp_path / "council.yaml").write_text(schema_block)
    assert load_schema(tmp_path / "council.yaml").mapping.column("referral_id") == "Referral Ref"


def test_the_record_types_example_runs_a_councils_own_timescales_on_the_sample(tmp_path: Path) -> None:
    import csv
    import datetime as dt
    import shutil

    from refcheck.checks import validate

    blocks = re.findall(r"```yaml\n(# council-cp.yaml.*?)```", (ROOT / "docs" / "schemas.md").read_text(), re.DOTALL)
    assert len(blocks) == 1
    schema = tmp_path / "council-cp.yaml"
    schema.write_text(blocks[0])
    extract = tmp_path / "extract"
    extract.mkdir()
    for name in ("referrals.csv", "cp_plans.csv", "cp_reviews.csv"):
        shutil.copy(ROOT / "sample_data" / name, extract / name)
    with (ROOT / "sample_data" / "cp_visits.csv").open(newline="") as source:
        visits = list(csv.DictReader(source))
    with (extract / "cp_visits.csv").open("w", newline="") as sink:
        writer = csv.DictWriter(sink, [*visits[0], "not_seen_reason"])
        writer.writeheader()
        writer.writerows({**visit, "not_seen_reason": ""} for visit in visits)
    with (ROOT / "sample_data" / "cp_plans.csv").open(newline="") as source:
        plans = list(csv.DictReader(source))
    with (extract / "cp_core_groups.csv").open("w", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(["meeting_id", "plan_id", "meeting_date"])
        writer.writerows([f"M{n}", plan["plan_id"], plan["first_core_group"]] for n, plan in enumerate(plans))

    report = validate(extract, schema, as_of=dt.date(2026, 11, 20))
    assert report.sources["cp_core_groups"].supplied
    core_groups = report.result("cp_plans.core_groups_timely")
    standard = validate(extract, "wales", as_of=dt.date(2026, 11, 20)).result("cp_plans.visits_timely")
    ours = report.result("cp_plans.visits_timely")
    assert core_groups.ran and core_groups.checked > 0 and 0 < core_groups.failed < core_groups.checked
    assert ours.checked == standard.checked and ours.failed > standard.failed  # 5 working days is stricter
    not_seen = report.result("cp_visits.not_seen_reason.required")
    assert 0 < not_seen.checked == sum(visit["seen"].strip() == "N" for visit in visits) == not_seen.failed


def test_the_child_protection_figures_example_loads_in_a_child_of_wales(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "schemas.md").read_text()
    blocks = re.findall(r"```yaml\n(record_types:\n  cp_plans:\n    period.*?)```", text, re.DOTALL)
    assert len(blocks) == 1
    path = tmp_path / "council.yaml"
    path.write_text("name: council\nversion: 1\nextends: wales\n" + blocks[0])
    schema = load_schema(path)
    kpis = {kpi.id: kpi for kpi in schema.scorecard.kpis}
    assert {kpis[name].measure for name in ("cp_plans_open", "cp_visits_overdue", "cp_due", "cp_seen_alone")} == {
        "open", "overdue_now", "due", "share"}
    assert {kpi.section for kpi in kpis.values() if kpi.id.startswith("cp_")} == {"Child protection"}


def test_the_readmes_main_command_writes_the_worklist_and_due_list_rows_it_shows(tmp_path: Path) -> None:
    import shlex

    from click.testing import CliRunner

    from refcheck.cli import cli

    readme = (ROOT / "README.md").read_text()
    [command] = re.findall(r"&& (refcheck scorecard sample_data [^\n]*)", readme)
    args = shlex.split(command)[1:]
    args[1] = str(ROOT / args[1])
    args[args.index("--out") + 1] = str(tmp_path / "scorecard")
    result = CliRunner().invoke(cli, [*args, "--no-history"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    blocks = re.findall(r"\(`(scorecard/(?:worklists|due)/[^`]+\.csv)`.*?```\n(.*?)```", readme, re.DOTALL)
    assert len(blocks) == 2
    for name, shown in blocks:
        written = (tmp_path / name).read_text().splitlines()
        assert shown.splitlines()[0] == written[0]
        assert set(shown.splitlines()[1:]) <= set(written[1:]), name
