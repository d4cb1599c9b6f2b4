"""A deliberately plain implementation of the child protection standard, record by record, for agreement tests.

Written from docs/child-protection-standard.md alone: the csv module, datetime and the holidays
package (through tests/reference_standard.py, whose date forms, working-day count and date part
are the conventions the standard takes over unchanged), with no Polars and nothing of refcheck's
engine. It is slow and obvious on purpose.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from refcheck.checks.report import NO_TEAM  # the key a report groups the rows with no team under
from tests.reference_standard import parse_datetime, working_days

TYPES = ("cp_plans", "cp_visits", "cp_reviews")
KEYS = {"cp_plans": "plan_id", "cp_visits": "visit_id", "cp_reviews": "review_id"}
FIELDS = {
    "cp_plans": ("plan_id", "child_id", "referral_id", "team", "worker_id", "start_date", "category",
                 "first_core_group", "end_date", "end_reason"),
    "cp_visits": ("visit_id", "plan_id", "visit_date", "seen", "seen_alone", "location", "worker_id"),
    "cp_reviews": ("review_id", "plan_id", "review_date", "outcome"),
}
DATES = {"cp_plans": ("start_date", "first_core_group", "end_date"), "cp_visits": ("visit_date",),
         "cp_reviews": ("review_date",)}
CODES = {
    "cp_category": {"NEG", "PHY", "EMO", "SAB", "FIN"},
    "cp_end_reason": {"RISK_REDUCED", "LOOKED_AFTER", "MOVED", "AGE_18", "DIED", "OTHER"},
    "yes_no": {"Y", "N"},
    "visit_location": {"HOME", "SCHOOL", "OFFICE", "OTHER"},
    "cp_review_outcome": {"CONTINUE", "END"},
}
CODED = {"cp_plans": {"category": "cp_category", "end_reason": "cp_end_reason"},
         "cp_visits": {"seen": "yes_no", "seen_alone": "yes_no", "location": "visit_location"},
         "cp_reviews": {"outcome": "cp_review_outcome"}}
REQUIRED = {"cp_plans": ("plan_id", "child_id", "team", "start_date", "worker_id", "category"),
            "cp_visits": ("visit_id", "plan_id", "visit_date", "seen"),
            "cp_reviews": ("review_id", "plan_id", "review_date")}
NOT_FUTURE = {"cp_plans": "start_date", "cp_visits": "visit_date", "cp_reviews": "review_date"}
WORKING, WEEKS, MONTHS = "working days", "weeks", "months"
Row = dict[str, object]
Outcome = bool | None  # True failed, False passed, None does not apply


@dataclass(frozen=True)
class Recurring:
    """One of section 5's rules: which child records are events, and the first and every limit."""

    events: str
    qualifies: Callable[[Row], bool]
    unit: str
    first: int
    every: int


RECURRING = {
    "cp_plans.visits_timely": Recurring("cp_visits", lambda row: row["seen"] == "Y", WORKING, 10, 10),
    "cp_plans.home_visits_timely": Recurring(
        "cp_visits", lambda row: row["seen"] == "Y" and row["location"] == "HOME", WEEKS, 4, 4),
    "cp_plans.reviews_timely": Recurring("cp_reviews", lambda row: True, MONTHS, 3, 6),
}
DUE_ITEMS = {"cp_plans.visits_timely": "visit", "cp_plans.home_visits_timely": "home_visit",
             "cp_plans.reviews_timely": "review"}


@dataclass
class Records:
    """The rows of one record type: text trimmed (blank -> None), dates as date parts, and .type outcomes."""

    rows: list[Row]
    types: dict[str, list[Outcome]]


@dataclass
class Measures:
    """Section 6, per team: plans open now, visits overdue now, the due list, and visits seen alone."""

    open_plans: Counter[str] = field(default_factory=Counter)
    visits_overdue: Counter[str] = field(default_factory=Counter)
    due: list[tuple[str, str | None, str, dt.date]] = field(default_factory=list)  # team, plan_id, item, due date
    seen_alone: dict[str, tuple[int, int]] = field(default_factory=dict)  # team -> (seen, of which seen alone)


def read_records(path: Path, record_type: str) -> Records:
    """Every field of the standard trimmed, blank as None; a date that cannot be read is None and fails .type."""
    rows: list[Row] = []
    types: dict[str, list[Outcome]] = {name: [] for name in DATES[record_type]}
    with path.open(newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            row: Row = {name: (raw.get(name) or "").strip() or None for name in FIELDS[record_type]}
            for name in DATES[record_type]:
                text = row[name]
                parsed = parse_datetime(str(text)) if text is not None else None
                types[name].append(None if text is None else parsed is None)
                row[name] = parsed.date() if parsed is not None else None  # every CP rule reads the date part
            rows.append(row)
    return Records(rows, types)


def read_folder(folder: Path) -> dict[str, Records]:
    """The record types supplied in the folder, as ``<record type>.csv``."""
    return {name: read_records(folder / f"{name}.csv", name) for name in TYPES if (folder / f"{name}.csv").exists()}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, or that month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def longer(start: dt.date, end: dt.date, unit: str, limit: int) -> bool:
    """Whether the stretch from start to end is longer than the limit (section 5)."""
    if unit == WORKING:
        return working_days(start, end) > limit
    if unit == WEEKS:
        return (end - start).days > 7 * limit
    return end > add_months(start, limit)


def due_date(anchor: dt.date, unit: str, limit: int) -> dt.date:
    """The last day on which a stretch from the anchor is not longer than the limit."""
    if unit == WEEKS:
        return anchor + dt.timedelta(days=7 * limit)
    if unit == MONTHS:
        return add_months(anchor, limit)
    day = anchor
    while not longer(anchor, day + dt.timedelta(days=1), unit, limit):
        day += dt.timedelta(days=1)
    return day


def stop_of(plan: Row, as_of: dt.date) -> dt.date:
    """The plan's end_date when present and not after the as-of date, else the as-of date."""
    end = plan["end_date"]
    return end if isinstance(end, dt.date) and end <= as_of else as_of


def anchors(start: dt.date, stop: dt.date, events: list[dt.date]) -> list[dt.date]:
    """start_date, then each distinct event date after it and on or before stop, in order."""
    return [start, *sorted({day for day in events if start < day <= stop})]


def recurring_fails(plan: Row, events: list[dt.date], rule: Recurring, as_of: dt.date) -> bool:
    """Whether any stretch, the last one to stop included, is longer than its limit."""
    start = plan["start_date"]
    assert isinstance(start, dt.date)
    stop = stop_of(plan, as_of)
    points = anchors(start, stop, events)
    ends = [*points[1:], stop]
    return any(longer(a, b, rule.unit, rule.first if i == 0 else rule.every)
               for i, (a, b) in enumerate(zip(points, ends, strict=True)))


def team_of(row: Row) -> str:
    return str(row["team"]) if row["team"] is not None else NO_TEAM


def first_plans(plans: list[Row]) -> dict[str, Row]:
    """The first plan row of each present plan_id, in extract order."""
    first: dict[str, Row] = {}
    for row in plans:
        if row["plan_id"] is not None:
            first.setdefault(str(row["plan_id"]), row)
    return first


def events_by_plan(children: list[Row], date: str, qualifies: Callable[[Row], bool]) -> dict[str, list[dt.date]]:
    """The readable dates of the qualifying child rows of each present plan_id."""
    events: dict[str, list[dt.date]] = defaultdict(list)
    for row in children:
        if row["plan_id"] is not None and isinstance(row[date], dt.date) and qualifies(row):
            events[str(row["plan_id"])].append(row[date])  # type: ignore[arg-type]
    return events


def _field_rules(record_type: str, row: Row, keys: Counter[object], as_of: dt.date) -> dict[str, Outcome]:
    """Section 4's field rules for one row (the .type rules are read with the row)."""
    outcomes: dict[str, Outcome] = {}
    for name in REQUIRED[record_type]:
        outcomes[f"{record_type}.{name}.required"] = row[name] is None
    key = KEYS[record_type]
    outcomes[f"{record_type}.{key}.unique"] = keys[row[key]] > 1 if row[key] is not None else None
    for name, codes in CODED[record_type].items():
        outcomes[f"{record_type}.{name}.valid"] = row[name] not in CODES[codes] if row[name] is not None else None
    date = row[NOT_FUTURE[record_type]]
    outcomes[f"{record_type}.{NOT_FUTURE[record_type]}.not_future"] = (
        date > as_of if isinstance(date, dt.date) else None)
    return outcomes


def all_events(records: dict[str, Records]) -> dict[str, dict[str, list[dt.date]]]:
    """rule id -> plan_id -> event dates, for each recurring rule whose events' record type was supplied."""
    return {
        rule_id: events_by_plan(records[rule.events].rows, DATES[rule.events][0], rule.qualifies)
        for rule_id, rule in RECURRING.items() if rule.events in records
    }


def plan_events(plan: Row, events: dict[str, list[dt.date]]) -> list[dt.date]:
    """The events of a plan row: those of its trimmed plan_id (a blank one matches nothing)."""
    return events.get(str(plan["plan_id"]), []) if plan["plan_id"] is not None else []


def _plan_rules(row: Row, events: dict[str, dict[str, list[dt.date]]], as_of: dt.date) -> dict[str, Outcome]:
    """Section 4's record rules on a plan row, the recurring ones when the events' record type was supplied."""
    start, core, end = row["start_date"], row["first_core_group"], row["end_date"]
    outcomes: dict[str, Outcome] = {
        "cp_plans.end_date.not_before_start": (
            end < start if isinstance(end, dt.date) and isinstance(start, dt.date) else None),
        "cp_plans.end_reason.required": row["end_reason"] is None if end is not None else None,
        "cp_plans.first_core_group.timely": (
            working_days(start, core) > 10 if isinstance(start, dt.date) and isinstance(core, dt.date) else None),
        "cp_plans.first_core_group.required_when_due": (
            core is None if isinstance(start, dt.date) and working_days(start, as_of) > 10 else None),
    }
    for rule_id, by_plan in events.items():
        applies = isinstance(start, dt.date) and start <= as_of
        rule = RECURRING[rule_id]
        outcomes[rule_id] = recurring_fails(row, plan_events(row, by_plan), rule, as_of) if applies else None
    return outcomes


def _child_rules(record_type: str, row: Row, plans: dict[str, Row] | None) -> dict[str, Outcome]:
    """Section 4's record rules on a visit or review row (those reading plans only when plans were supplied)."""
    outcomes: dict[str, Outcome] = {}
    if record_type == "cp_visits":
        outcomes["cp_visits.seen_alone.required"] = row["seen_alone"] is None if row["seen"] == "Y" else None
    if plans is None:
        return outcomes
    plan = plans.get(str(row["plan_id"])) if row["plan_id"] is not None else None
    outcomes[f"{record_type}.plan_id.known"] = plan is None if row["plan_id"] is not None else None
    if record_type == "cp_visits":
        visit, start = row["visit_date"], plan["start_date"] if plan else None
        end = plan["end_date"] if plan else None
        outcomes["cp_visits.within_plan"] = (
            visit < start or (isinstance(end, dt.date) and visit > end)
            if isinstance(visit, dt.date) and isinstance(start, dt.date) else None)
    return outcomes


def child_team(row: Row, plans: dict[str, Row] | None) -> str:
    """The team of a visit or review: its plan's (the first plan row with its plan_id), else (no team)."""
    plan = plans.get(str(row["plan_id"])) if plans is not None and row["plan_id"] is not None else None
    return team_of(plan) if plan is not None else NO_TEAM


def reference_cp_counts(folder: Path, as_of: dt.date) -> dict[str, dict[str, tuple[int, int]]]:
    """rule id -> team -> (checked, failed), for every CP rule whose record types were supplied.

    Every team of a record type's rows appears under each of its rules, with (0, 0) when none was checked.
    """
    records = read_folder(folder)
    plans = first_plans(records["cp_plans"].rows) if "cp_plans" in records else None
    events = all_events(records)
    counts: dict[str, dict[str, list[int]]] = {}
    for record_type, found in records.items():
        keys = Counter(row[KEYS[record_type]] for row in found.rows)
        rows_teams: list[tuple[dict[str, Outcome], str]] = []
        for index, row in enumerate(found.rows):
            outcomes = _field_rules(record_type, row, keys, as_of)
            outcomes.update({f"{record_type}.{name}.type": flags[index] for name, flags in found.types.items()})
            if record_type == "cp_plans":
                outcomes.update(_plan_rules(row, events, as_of))
                team = team_of(row)
            else:
                outcomes.update(_child_rules(record_type, row, plans))
                team = child_team(row, plans)
            rows_teams.append((outcomes, team))
        teams = {team for _, team in rows_teams}
        for outcomes, team in rows_teams:
            for rule_id, outcome in outcomes.items():
                by_team = counts.setdefault(rule_id, {name: [0, 0] for name in teams})
                if outcome is not None:
                    by_team[team][0] += 1
                    by_team[team][1] += int(outcome)
    return {rule_id: {team: (c, f) for team, (c, f) in by_team.items()} for rule_id, by_team in counts.items()}


def is_open(plan: Row, as_of: dt.date) -> bool:
    """start_date present and not after the as-of date, and no end_date on or before it."""
    start, end = plan["start_date"], plan["end_date"]
    return (isinstance(start, dt.date) and start <= as_of
            and not (isinstance(end, dt.date) and end <= as_of))


def reference_cp_measures(folder: Path, as_of: dt.date) -> Measures:
    """Section 6's measures that are not a rule's pass rate, from plans, visits and reviews all supplied."""
    records = read_folder(folder)
    plan_rows = records["cp_plans"].rows
    plans = first_plans(plan_rows)
    events = all_events(records)
    measures = Measures()
    for plan in plan_rows:
        if not is_open(plan, as_of):
            continue
        team, start = team_of(plan), plan["start_date"]
        assert isinstance(start, dt.date)
        measures.open_plans[team] += 1
        for rule_id, rule in RECURRING.items():
            points = anchors(start, as_of, plan_events(plan, events[rule_id]))
            limit = rule.first if len(points) == 1 else rule.every
            if rule_id == "cp_plans.visits_timely" and longer(points[-1], as_of, rule.unit, limit):
                measures.visits_overdue[team] += 1
            _add_due(measures, plan, DUE_ITEMS[rule_id], due_date(points[-1], rule.unit, limit), as_of)
        if plan["first_core_group"] is None:
            _add_due(measures, plan, "first_core_group", due_date(start, WORKING, 10), as_of)
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for visit in records["cp_visits"].rows:
        if visit["seen"] == "Y":
            counts = seen[child_team(visit, plans)]
            counts[0] += 1
            counts[1] += int(visit["seen_alone"] == "Y")
    measures.seen_alone = {team: (s, a) for team, (s, a) in seen.items()}
    return measures


def _add_due(measures: Measures, plan: Row, item: str, due: dt.date, as_of: dt.date) -> None:
    """A due-list row when the due date is on or after the as-of date and within 5 working days of it."""
    if due >= as_of and working_days(as_of, due) <= 5:
        plan_id = str(plan["plan_id"]) if plan["plan_id"] is not None else None
        measures.due.append((team_of(plan), plan_id, item, due))
