"""The plain reference implementation of the child protection standard does what the standard's text says.

Section 5's worked examples, and small hand-made folders for each convention of sections 1 and 4:
the agreement test can only be as right as this reference.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from refcheck.checks.report import NO_TEAM
from tests.reference_cp import FIELDS, add_months, due_date, reference_cp_counts, reference_cp_measures

D = dt.date
PLAN = {"plan_id": "P1", "child_id": "C1", "team": "North", "worker_id": "W1", "start_date": "2026-09-07",
        "category": "NEG"}


def write(folder: Path, record_type: str, rows: list[dict[str, str]]) -> None:
    with (folder / f"{record_type}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS[record_type])
        writer.writeheader()
        writer.writerows(rows)


def visit(date: str, plan_id: str = "P1", visit_id: str = "", **extra: str) -> dict[str, str]:
    row = {"visit_id": visit_id or f"V{date}", "plan_id": plan_id, "visit_date": date, "seen": "Y",
           "seen_alone": "Y", "location": "HOME", "worker_id": "W1"}
    return row | extra


def folder_of(tmp_path: Path, plans: list[dict[str, str]], visits: list[dict[str, str]] | None = None,
              reviews: list[dict[str, str]] | None = None) -> Path:
    write(tmp_path, "cp_plans", plans)
    write(tmp_path, "cp_visits", visits or [])
    write(tmp_path, "cp_reviews", reviews or [])
    return tmp_path


def outcome(folder: Path, as_of: dt.date, rule_id: str, team: str = "North") -> tuple[int, int]:
    return reference_cp_counts(folder, as_of)[rule_id][team]


# Section 5: start Mon 7 Sep 2026, visits Fri 18 Sep and Fri 2 Oct.
@pytest.mark.parametrize(("end", "as_of", "expected"), [
    ("", D(2026, 10, 16), (1, 0)),  # stretches 9, 10, 10
    ("", D(2026, 10, 19), (1, 1)),  # the last stretch is 11
    ("2026-10-14", D(2026, 10, 19), (1, 0)),  # ended: 9, 10, 8
    ("2026-10-14", D(2027, 6, 1), (1, 0)),  # on any later as-of date
])
def test_the_worked_example_of_section_5(tmp_path: Path, end: str, as_of: dt.date, expected: tuple[int, int]) -> None:
    folder = folder_of(tmp_path, [PLAN | {"end_date": end, "end_reason": "MOVED" if end else ""}],
                       [visit("2026-09-18"), visit("02/10/2026 14:30")])
    assert outcome(folder, as_of, "cp_plans.visits_timely") == expected


def test_bank_holidays_are_not_working_days(tmp_path: Path) -> None:
    """From Mon 21 Dec 2026, Christmas, Boxing Day (observed 28 Dec) and New Year's Day are not counted."""
    folder = folder_of(tmp_path, [PLAN | {"start_date": "2026-12-21"}])
    assert outcome(folder, D(2027, 1, 7), "cp_plans.visits_timely") == (1, 0)  # 10 working days
    assert outcome(folder, D(2027, 1, 8), "cp_plans.visits_timely") == (1, 1)  # 11


def test_a_visit_counts_only_when_the_child_was_seen_and_home_visits_only_at_home(tmp_path: Path) -> None:
    visits = [visit("2026-09-14", seen="N"), visit("2026-09-18", location="SCHOOL"), visit("2026-10-02")]
    folder = folder_of(tmp_path, [PLAN], visits)
    # seen: 7 Sep -> 18 Sep (9) -> 2 Oct (10) -> 16 Oct (10); at home: 7 Sep -> 2 Oct is 25 days
    assert outcome(folder, D(2026, 10, 16), "cp_plans.visits_timely") == (1, 0)
    assert outcome(folder, D(2026, 10, 16), "cp_plans.home_visits_timely") == (1, 0)
    assert outcome(folder, D(2026, 10, 31), "cp_plans.home_visits_timely") == (1, 1)  # 29 days since 2 Oct


def test_four_weeks_is_28_days(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, [PLAN | {"start_date": "2026-09-01"}], [visit("2026-09-29", location=" HOME ")])
    assert outcome(folder, D(2026, 10, 27), "cp_plans.home_visits_timely") == (1, 0)  # 28, 28
    assert outcome(folder, D(2026, 10, 28), "cp_plans.home_visits_timely") == (1, 1)  # 28, 29


@pytest.mark.parametrize(("review", "failed"), [("2026-11-30", 0), ("2026-12-01", 1)])
def test_three_months_from_31_august_ends_on_30_november(tmp_path: Path, review: str, failed: int) -> None:
    folder = folder_of(tmp_path, [PLAN | {"start_date": "2026-08-31"}],
                       reviews=[{"review_id": "R1", "plan_id": "P1", "review_date": review, "outcome": "CONTINUE"}])
    assert outcome(folder, D(2027, 1, 15), "cp_plans.reviews_timely") == (1, failed)


def test_later_reviews_are_held_to_six_months_including_the_stretch_to_stop(tmp_path: Path) -> None:
    reviews = [{"review_id": "R1", "plan_id": "P1", "review_date": "2026-11-30", "outcome": "CONTINUE"}]
    folder = folder_of(tmp_path, [PLAN | {"start_date": "2026-08-31"}], reviews=reviews)
    assert outcome(folder, D(2027, 5, 30), "cp_plans.reviews_timely") == (1, 0)
    assert outcome(folder, D(2027, 5, 31), "cp_plans.reviews_timely") == (1, 1)


def test_what_is_not_an_event(tmp_path: Path) -> None:
    """On the start day, before it, after stop, unreadable, or twice on one day: no new stretch."""
    visits = [visit("2026-09-07"), visit("2026-09-01"), visit("2026-09-21 09:00", visit_id="A"),
              visit("2026-09-21 15:00", visit_id="B"), visit("2026-09-31"), visit("2026-10-30")]
    folder = folder_of(tmp_path, [PLAN | {"end_date": "2026-10-05", "end_reason": "MOVED"}], visits)
    # 7 Sep -> 21 Sep is 10, 21 Sep -> 5 Oct is 10: passes; the visit of 30 Oct does not help
    assert outcome(folder, D(2026, 11, 20), "cp_plans.visits_timely") == (1, 0)
    later = folder_of(tmp_path, [PLAN | {"end_date": "2026-10-06", "end_reason": "MOVED"}], visits)
    assert outcome(later, D(2026, 11, 20), "cp_plans.visits_timely") == (1, 1)  # 11 to 6 Oct


def test_recurring_rules_apply_from_the_start_date_on_or_before_the_as_of_date(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, [PLAN | {"start_date": "2026-09-08"}, PLAN | {"plan_id": "P2", "start_date": ""}])
    for rule_id in ("cp_plans.visits_timely", "cp_plans.home_visits_timely", "cp_plans.reviews_timely"):
        assert outcome(folder, D(2026, 9, 7), rule_id) == (0, 0)
        assert outcome(folder, D(2026, 9, 8), rule_id) == (1, 0)


def test_keys_are_trimmed_case_sensitive_and_blank_matches_nothing(tmp_path: Path) -> None:
    plans = [PLAN | {"plan_id": " P1 "}, PLAN | {"plan_id": "P1", "team": "South"}, PLAN | {"plan_id": " "}]
    visits = [visit("2026-09-10", plan_id="P1 ", visit_id="V1"), visit("2026-09-10", plan_id="p1", visit_id="V2"),
              visit("2026-09-10", plan_id="", visit_id="V3"), visit("2026-09-10", plan_id="P9", visit_id=" V3")]
    counts = reference_cp_counts(folder_of(tmp_path, plans, visits), D(2026, 9, 14))
    assert counts["cp_plans.plan_id.unique"] == {"North": (1, 1), "South": (1, 1)}  # the blank one is not checked
    assert counts["cp_plans.plan_id.required"] == {"North": (2, 1), "South": (1, 0)}
    # V1 belongs to the first P1 row (North); p1 and P9 are unknown, the blank plan_id is not checked
    assert counts["cp_visits.plan_id.known"] == {"North": (1, 0), NO_TEAM: (2, 2)}
    assert counts["cp_visits.visit_id.unique"] == {"North": (1, 0), NO_TEAM: (3, 2)}
    assert counts["cp_visits.plan_id.required"] == {"North": (1, 0), NO_TEAM: (3, 1)}


def test_the_first_plan_row_gives_a_visits_dates(tmp_path: Path) -> None:
    plans = [PLAN | {"end_date": "2026-09-30", "end_reason": "MOVED"}, PLAN | {"start_date": "2026-10-05"}]
    visits = [visit("2026-09-10", visit_id="V1"), visit("2026-10-01", visit_id="V2"),
              visit("2026-09-01", visit_id="V3"), visit("not a date", visit_id="V4")]
    counts = reference_cp_counts(folder_of(tmp_path, plans, visits), D(2026, 10, 20))
    assert counts["cp_visits.within_plan"] == {"North": (3, 2)}  # V2 after the end, V3 before the start
    assert counts["cp_visits.visit_date.type"] == {"North": (4, 1)}
    assert counts["cp_visits.visit_date.required"] == {"North": (4, 1)}  # unreadable counts as blank


def test_an_unreadable_date_fails_type_and_counts_as_blank(tmp_path: Path) -> None:
    plans = [PLAN | {"start_date": "31/02/2026", "end_date": "2026-01-01", "end_reason": "NOPE"},
             PLAN | {"plan_id": "P2", "start_date": "2026-12-01"}]
    counts = reference_cp_counts(folder_of(tmp_path, plans), D(2026, 11, 20))
    assert counts["cp_plans.start_date.type"]["North"] == (2, 1)
    assert counts["cp_plans.start_date.required"]["North"] == (2, 1)
    assert counts["cp_plans.start_date.not_future"]["North"] == (1, 1)
    assert counts["cp_plans.end_date.not_before_start"]["North"] == (0, 0)
    assert counts["cp_plans.end_reason.valid"]["North"] == (1, 1)
    assert counts["cp_plans.first_core_group.required_when_due"]["North"] == (0, 0)


def test_codes_are_trimmed_and_case_sensitive(tmp_path: Path) -> None:
    visits = [visit("2026-09-10", visit_id="V1", seen=" Y ", seen_alone=""), visit("2026-09-10", visit_id="V2",
              seen="y", seen_alone=""), visit("2026-09-10", visit_id="V3", seen="N", seen_alone="", location="Home")]
    counts = reference_cp_counts(folder_of(tmp_path, [PLAN], visits), D(2026, 9, 14))
    assert counts["cp_visits.seen.valid"] == {"North": (3, 1)}
    assert counts["cp_visits.location.valid"] == {"North": (3, 1)}
    assert counts["cp_visits.seen_alone.required"] == {"North": (1, 1)}  # only where seen is Y


def test_first_core_group_within_10_working_days_and_due_after_them(tmp_path: Path) -> None:
    plans = [PLAN | {"first_core_group": "2026-09-21"}, PLAN | {"plan_id": "P2", "first_core_group": "22/09/2026"},
             PLAN | {"plan_id": "P3"}]
    counts = reference_cp_counts(folder_of(tmp_path, plans), D(2026, 9, 21))
    assert counts["cp_plans.first_core_group.timely"]["North"] == (2, 1)
    assert counts["cp_plans.first_core_group.required_when_due"]["North"] == (0, 0)  # 10 working days: not yet
    later = reference_cp_counts(folder_of(tmp_path, plans), D(2026, 9, 22))
    assert later["cp_plans.first_core_group.required_when_due"]["North"] == (3, 1)


def test_rules_of_a_record_type_not_supplied_are_not_run(tmp_path: Path) -> None:
    write(tmp_path, "cp_visits", [visit("2026-09-10")])
    counts = reference_cp_counts(tmp_path, D(2026, 9, 14))
    assert "cp_visits.plan_id.known" not in counts and "cp_plans.visits_timely" not in counts
    assert counts["cp_visits.seen_alone.required"] == {NO_TEAM: (1, 0)}


def test_adding_months_keeps_the_day_or_falls_back_to_the_months_end() -> None:
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


def test_a_due_date_is_the_last_day_within_the_limit() -> None:
    assert due_date(D(2026, 9, 7), "working days", 10) == D(2026, 9, 21)  # the 11th working day from Mon 7
    assert due_date(D(2026, 9, 5), "working days", 10) == D(2026, 9, 21)  # from a Saturday
    assert due_date(D(2026, 12, 21), "working days", 10) == D(2027, 1, 7)
    assert due_date(D(2026, 9, 1), "weeks", 4) == D(2026, 9, 29)


def test_section_6_measures(tmp_path: Path) -> None:
    plans = [
        PLAN,  # open, seen 18 Sep at home: visit due 2 Oct, home visit 16 Oct, review 7 Dec, core group 21 Sep
        PLAN | {"plan_id": "P2", "team": "South", "start_date": "2026-09-01", "first_core_group": "2026-09-10"},
        PLAN | {"plan_id": "P3", "end_date": "2026-09-28", "end_reason": "MOVED"},  # ended: not open
        PLAN | {"plan_id": "P4", "start_date": "2026-10-01"},  # not started yet
    ]
    visits = [visit("2026-09-18"), visit("2026-09-18", visit_id="V2", seen_alone="N"),
              visit("2026-09-10", plan_id="P2", location="SCHOOL", seen_alone=""), visit("2026-09-10", plan_id="P9")]
    measures = reference_cp_measures(folder_of(tmp_path, plans, visits), D(2026, 9, 28))
    assert measures.open_plans == {"North": 1, "South": 1}
    assert measures.visits_overdue == {"South": 1}  # P2: 10 Sep to 28 Sep is 12 working days
    # P1's core group (due 21 Sep) is overdue, not due; P2 has had no home visit since 1 Sep
    assert measures.due == [("North", "P1", "visit", D(2026, 10, 2)), ("South", "P2", "home_visit", D(2026, 9, 29))]
    assert measures.seen_alone == {"North": (2, 1), "South": (1, 0), NO_TEAM: (1, 1)}
    earlier = reference_cp_measures(folder_of(tmp_path, plans, visits), D(2026, 9, 16))
    assert sorted(item for _, plan, item, _ in earlier.due if plan == "P1") == ["first_core_group", "visit"]


def test_a_review_on_the_day_of_the_icpc_starts_no_new_stretch(tmp_path: Path) -> None:
    """The first review is still due within 3 months of start_date, not 6."""
    reviews = [{"review_id": "R1", "plan_id": "P1", "review_date": "2026-09-07", "outcome": "CONTINUE"}]
    folder = folder_of(tmp_path, [PLAN], reviews=reviews)
    assert outcome(folder, D(2026, 12, 7), "cp_plans.reviews_timely") == (1, 0)
    assert outcome(folder, D(2026, 12, 8), "cp_plans.reviews_timely") == (1, 1)
    assert [item for *_, item, due in reference_cp_measures(folder, D(2026, 12, 7)).due] == ["review"]
