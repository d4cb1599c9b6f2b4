"""The engine's section-6 measures agree with the plain implementation of the child protection standard.

Plans open now, visits overdue now, the due list (each plan, item and due date) and visits seen alone, per
team, from ``validate`` (``Report.measures`` and ``Report.due``) and from ``tests/reference_cp.py``, on
generated folders at the as-of dates of the rules' agreement test (a bank holiday's effect, Christmas and
New Year, future-dated records).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import validate
from refcheck.checks.report import TeamCount
from refcheck.checks.synthetic.cp_sample import write_folder
from tests.reference_cp import (
    RECURRING,
    all_events,
    anchors,
    due_date,
    longer,
    plan_events,
    read_folder,
    reference_cp_measures,
    stop_of,
)
from tests.reference_standard import working_days
from tests.test_cp_reference_agreement import CASES

ITEMS = {"cp_plans.visits_timely": "visit", "cp_plans.home_visits_timely": "home_visit",
         "cp_plans.reviews_timely": "review", "cp_plans.first_core_group.required_when_due": "first_core_group"}
"""The reference's name for each item of the due list, by the rule it falls due under."""


def _hits(measures: Mapping[str, tuple[TeamCount, ...]], key: str) -> dict[str, int]:
    """The teams a measure counts any row of, and how many."""
    return {count.team: count.failed for count in measures[key] if count.failed}


@pytest.mark.parametrize(("seed", "generated_as_of", "as_of"), CASES)
def test_engine_measures_agree_with_the_plain_implementation(
    tmp_path: Path, seed: int, generated_as_of: dt.date, as_of: dt.date
) -> None:
    write_folder(tmp_path, 5000, seed=seed, as_of=generated_as_of)
    expected = reference_cp_measures(tmp_path, as_of)
    report = validate(tmp_path, "wales", as_of=as_of, findings=True, measures=True)
    assert _hits(report.measures, "open:cp_plans") == {t: n for t, n in expected.open_plans.items() if n}
    assert _hits(report.measures, "overdue_now:cp_plans.visits_timely") == {
        t: n for t, n in expected.visits_overdue.items() if n}
    assert report.due is not None
    got_due = Counter((team, plan, ITEMS[rule], due) for team, plan, rule, due
                      in report.due.select("team", "record_id", "rule_id", "due_date").iter_rows())
    assert got_due == Counter(expected.due)
    assert _hits(report.measures, "due:cp_plans") == dict(Counter(team for team, *_ in expected.due))
    seen = {count.team: (count.checked, count.failed) for count in report.measures["share:cp_seen_alone"]
            if count.checked}
    assert seen == {team: counts for team, counts in expected.seen_alone.items() if counts[0]}
    plain = validate(tmp_path, "wales", as_of=as_of)  # NOTE: the rules' flags come from the same stretches
    assert [(r.rule.id, r.by_team) for r in report.results] == [(r.rule.id, r.by_team) for r in plain.results]
    assert sum(expected.open_plans.values()) > 20 and len(expected.due) > 5  # the data exercises them
    assert sum(expected.visits_overdue.values()) > 0


@pytest.mark.parametrize(("seed", "generated_as_of", "as_of"), CASES[:2])
def test_a_failed_plans_last_event_and_how_far_overdue_are_the_standards(
    tmp_path: Path, seed: int, generated_as_of: dt.date, as_of: dt.date
) -> None:
    write_folder(tmp_path, 3000, seed=seed, as_of=generated_as_of)
    records = read_folder(tmp_path)
    plans, events = records["cp_plans"].rows, all_events(records)
    report = validate(tmp_path, "wales", as_of=as_of, findings=True)
    assert report.findings is not None
    found = report.findings.filter(pl.col("rule_id").is_in(list(RECURRING)))
    assert found.height > 20
    for rule_id, line, last_event, overdue, unit in found.select(
            "rule_id", "line", "last_event", "overdue", "overdue_unit").iter_rows():
        rule, plan = RECURRING[rule_id], plans[line - 2]  # NOTE: line 1 is the header
        start, stop = plan["start_date"], stop_of(plan, as_of)
        assert isinstance(start, dt.date)
        points = anchors(start, stop, plan_events(plan, events[rule_id]))
        limit = rule.first if len(points) == 1 else rule.every
        due = due_date(points[-1], rule.unit, limit)
        late = (working_days(due, stop) if rule.unit == "working days" else (stop - due).days
                ) if longer(points[-1], stop, rule.unit, limit) else None
        assert (last_event, overdue, unit) == (points[-1], late,
                                               "working days" if rule.unit == "working days" else "days")
