"""recurring_within's parameters as a schema writes them: every mistake said at once, at the parameter's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.checks.kinds.recurring import Events
from tests.conftest import ROOT, Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)


def test_events_reads_the_schemas_mapping() -> None:
    events = Events.parse({"record_type": "cp_visits", "by": " plan_id", "date": "visit_date",
                           "where": {"seen": ["Y"], "location": ["HOME", 1]}})
    assert events == Events("cp_visits", "plan_id", "visit_date", (("seen", ("Y",)), ("location", ("HOME", "1"))))
    assert events.fields() == ("plan_id", "visit_date", "seen", "location")
    assert str(events) == ("{record_type: cp_visits, by: plan_id, date: visit_date, "
                           "where: {seen: [Y], location: [HOME, 1]}}")


def test_every_mistake_in_events_is_said_together() -> None:
    with pytest.raises(ValueError) as raised:
        Events.parse({"record_type": "cp_visits", "by": "plan_id", "dat": "visit_date", "where": {"seen": "Y"}})
    assert str(raised.value) == (
        "events has no 'dat' (did you mean 'date'?); it takes record_type, by, date, where; "
        "events needs date (the name of a record type or field); "
        "events' where is a mapping of fields to lists of codes, such as {seen: [Y]}")
    with pytest.raises(ValueError, match="^events is a mapping"):
        Events.parse("cp_visits")


def test_schema_check_reports_a_wrong_events_and_a_wrong_duration_each_at_its_line(invoke: Invoke,
                                                                                    tmp_path: Path) -> None:
    text = (ROOT / "schemas" / "wales.yaml").read_text().replace("name: wales\n", "name: council\n", 1)
    text = text.replace("first: 10 working days", "first: 10 wrking days", 1)
    text = text.replace("date: visit_date, where: {seen: [Y]}}", "dat: visit_date, where: {seen: [Y]}}", 1)
    (tmp_path / "council.yaml").write_text(text)
    lines = text.splitlines()
    events_line = next(n for n, line in enumerate(lines, 1) if "dat: visit_date" in line)
    result = invoke("schema", "check", tmp_path / "council.yaml")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"Error: council.yaml:{events_line}: record_types.cp_plans.rules[5].params.events: events has no 'dat' "
        "(did you mean 'date'?); it takes record_type, by, date, where; events needs date (the name of a record "
        "type or field)",
        f"Error: council.yaml:{events_line + 1}: record_types.cp_plans.rules[5].params.first: a text of 14 "
        'characters is not a duration; write a whole number and a unit, such as "10 working days", '
        '"1 working day", "30 days", "4 weeks" or "3 months"',
    ]
