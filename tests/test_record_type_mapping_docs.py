"""The mapping guide's several-record-types example, written against docs/mappings.md alone: another
system's table and column names, codes and date form read through it give exactly the counts of the
canonical folder, and a field the system does not hold makes its rules not run, never passed."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import yaml

from refcheck.checks import Report, validate
from refcheck.schemas import load_mapping, load_schema
from refcheck.schemas.mapping import apply_mapping

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)
SEEN = {"Y": "1", "N": "0", "1": "2"}  # the sample's mistaken "1" stays a mistake in their codes
OUTCOME = {"CONTINUE": "Y", "END": "N"}


def _documented_mapping() -> str:
    [block] = re.findall(r"```yaml\n(# cp-mapping.yaml.*?)```", (ROOT / "docs" / "mappings.md").read_text(), re.DOTALL)
    return block


def _rewrite(source: Path, sink: Path, columns: dict[str, str], change: dict[str, dict[str, str]] | None = None,
             dates: tuple[str, ...] = ()) -> None:
    """The sample file as the other system writes it: its column names, its codes, its date form."""
    with source.open(newline="") as file:
        rows = list(csv.DictReader(file))
    with sink.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([columns[name] for name in rows[0]])
        for row in rows:
            cells = []
            for name, value in row.items():
                value = (change or {}).get(name, {}).get(value, value)
                if name in dates and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                    value = dt.date.fromisoformat(value).strftime("%d.%m.%Y")
                cells.append(value)
            writer.writerow(cells)


def _their_extract(tmp_path: Path) -> tuple[Path, Path]:
    text = _documented_mapping()
    mapping = tmp_path / "cp-mapping.yaml"
    mapping.write_text(text)
    spec = yaml.safe_load(text)
    extract = tmp_path / "theirs"
    extract.mkdir()
    (extract / f"{spec['source']}.csv").write_bytes((ROOT / "sample_data" / "referrals.csv").read_bytes())
    for record_type, section in spec["record_types"].items():
        columns = {field: entry["column"] for field, entry in section["fields"].items()}
        change = {"seen": SEEN, "seen_alone": SEEN, "outcome": OUTCOME}
        _rewrite(ROOT / "sample_data" / f"{record_type}.csv", extract / f"{section['source']}.csv", columns, change,
                 dates=("review_date",) if "date_format" in section else ())
    return extract, mapping


def _counts(report: Report) -> dict[str, list[tuple[str, int, int]]]:
    return {result.rule.id: [(c.team, c.checked, c.failed) for c in result.by_team if c.checked or c.failed]
            for result in report.results}


def test_another_systems_names_codes_and_dates_read_through_the_documented_mapping_give_the_standards_counts(
        tmp_path: Path) -> None:
    extract, mapping = _their_extract(tmp_path)
    schema = apply_mapping(load_schema("wales"), load_mapping(mapping, load_schema("wales")))
    theirs = validate(extract, schema, as_of=AS_OF)
    ours = validate(ROOT / "sample_data", "wales", as_of=AS_OF)
    assert all(source.supplied for source in theirs.sources.values())
    assert [s.source.rows_checked for s in theirs.sources.values() if s.source] == [
        s.source.rows_checked for s in ours.sources.values() if s.source]
    assert _counts(theirs) == _counts(ours)
    assert theirs.result("cp_reviews.review_date.type").failed == ours.result("cp_reviews.review_date.type").failed


def test_a_field_the_system_does_not_hold_makes_the_rules_that_need_it_not_run(tmp_path: Path) -> None:
    extract, mapping = _their_extract(tmp_path)
    text = mapping.read_text().replace("      location: {column: cppv_cp_visit_location}\n", "")
    assert text != mapping.read_text()
    mapping.write_text(text)
    schema_file = tmp_path / "ours.yaml"
    schema_file.write_text("name: ours\nversion: 1\nextends: wales\n"
                           "record_types: {cp_visits: {fields: {location: {collected: false}}}}\n")
    schema = load_schema(schema_file)
    report = validate(extract, apply_mapping(schema, load_mapping(mapping, schema)), as_of=AS_OF)
    for rule_id in ("cp_visits.location.valid", "cp_plans.home_visits_timely"):
        assert not report.result(rule_id).ran and report.result(rule_id).checked == 0
    assert report.result("cp_plans.visits_timely").ran
