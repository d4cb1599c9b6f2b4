"""A deliberately plain implementation of the referral standard, row by row, for agreement tests.

Written from docs/referral-standard.md alone: the csv module, datetime, and the holidays
package, with no Polars and nothing from refcheck. It is slow and obvious on purpose.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import holidays

from refcheck.checks.report import NO_TEAM  # the key a report groups the rows with a blank team under

DATE_FIELDS = ["date_of_birth", "expected_date_of_birth", "assessment_start", "assessment_completed",
               "assessment_authorised", "strategy_discussion", "icpc_date", "closure_date"]
DATETIME_FIELDS = ["referral_received", "decision_date"]
FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
           "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"]
CODES = {
    "gender": {"0", "1", "2", "9"},
    "ethnicity": set("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE "
                     "OOTH REFU NOBT".split()),
    "referral_source": set("1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10".split()),
    "primary_need": {f"N{i}" for i in range(10)},
    "decision_outcome": {"NFA", "IAA", "ASSESS", "S47"},
    "closure_reason": {f"RC{i}" for i in range(1, 10)},
}
POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
                      r"[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$")
PLACEHOLDERS = {"n/a", "na", "see notes", "tbc", "tba", "none", "-", "."}
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="WLS", years=range(1990, 2060))

Row = dict[str, object]
Outcome = bool | None  # True failed, False passed, None does not apply


def parse_datetime(text: str) -> dt.datetime | None:
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from start inclusive to end exclusive; minus the reverse count when end is earlier."""
    if end < start:
        return -working_days(end, start)
    count, day = 0, start
    while day < end:
        if day.weekday() < 5 and day not in BANK_HOLIDAYS:
            count += 1
        day += dt.timedelta(days=1)
    return count


def nhs_valid(text: str) -> bool:
    digits = text.replace(" ", "")
    if len(digits) != 10 or not all(ch in "0123456789" for ch in digits):
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def read_rows(path: Path) -> tuple[list[Row], dict[str, list[Outcome]]]:
    """Rows with text trimmed (blank -> None) and dates parsed; and the .type outcomes per field."""
    rows: list[Row] = []
    types: dict[str, list[Outcome]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            row: Row = {}
            for name, value in raw.items():
                text = (value or "").strip()
                row[name] = text or None
            for name in DATE_FIELDS + DATETIME_FIELDS:
                text = row[name]
                if text is None:
                    types[name].append(None)
                    continue
                parsed = parse_datetime(str(text))
                types[name].append(parsed is None)
                row[name] = parsed if name in DATETIME_FIELDS else (parsed.date() if parsed else None)
            rows.append(row)
    return rows, types


def day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def reference_counts(path: Path, as_of: dt.date, *, assessment_days: int = 42) -> dict[str, dict[str, tuple[int, int]]]:
    """rule id -> team -> (checked, failed), computed row by row."""
    rows, types = read_rows(path)
    ids = Counter(row["referral_id"] for row in rows if row["referral_id"] is not None)

    def present(*names: str) -> bool:
        return all(current[name] is not None for name in names)

    def required(name: str) -> Callable[[], Outcome]:
        return lambda: current[name] is None

    def code(name: str) -> Callable[[], Outcome]:
        return lambda: (current[name] not in CODES[name]) if present(name) else None

    def within(start: str, end: str, days: int) -> Callable[[], Outcome]:
        def rule() -> Outcome:
            if not present(start, end):
                return None
            return working_days(day(current[start]), day(current[end])) > days  # type: ignore[arg-type]
        return rule

    def when_present(name: str, condition: str) -> Callable[[], Outcome]:
        return lambda: (current[name] is None) if present(condition) else None

    def text_quality() -> Outcome:
        text = current["referral_reason"]
        if text is None:
            return None
        return len(str(text).split()) < 5 or str(text).strip().lower() in PLACEHOLDERS

    def due() -> Outcome:
        received = day(current["referral_received"])
        if received is None or working_days(received, as_of) <= 1:
            return None
        return current["decision_date"] is None

    rules: dict[str, Callable[[], Outcome]] = {
        "referral_id.required": required("referral_id"),
        "referral_id.unique": lambda: ids[current["referral_id"]] > 1 if present("referral_id") else None,
        "child_id.required": required("child_id"),
        "nhs_number.valid": lambda: not nhs_valid(str(current["nhs_number"])) if present("nhs_number") else None,
        "date_of_birth.required": lambda: not present("date_of_birth") and not present("expected_date_of_birth"),
        "date_of_birth.not_after_referral": lambda: (
            current["date_of_birth"] > day(current["referral_received"])  # type: ignore[operator]
            if present("date_of_birth", "referral_received") else None),
        "date_of_birth.under_18": lambda: (
            age_on(current["date_of_birth"], day(current["referral_received"])) >= 18  # type: ignore[arg-type]
            if present("date_of_birth", "referral_received") else None),
        "gender.required": required("gender"),
        "gender.valid": code("gender"),
        "ethnicity.required": required("ethnicity"),
        "ethnicity.valid": code("ethnicity"),
        "postcode.required": required("postcode"),
        "postcode.valid": lambda: (
            POSTCODE.match(str(current["postcode"]).strip().upper()) is None if present("postcode") else None),
        "referral_received.required": required("referral_received"),
        "referral_received.not_future": lambda: (
            day(current["referral_received"]) > as_of if present("referral_received") else None),  # type: ignore[operator]
        "referral_source.required": required("referral_source"),
        "referral_source.valid": code("referral_source"),
        "primary_need.required": required("primary_need"),
        "primary_need.valid": code("primary_need"),
        "referral_reason.required": required("referral_reason"),
        "referral_reason.sufficient": text_quality,
        "team.required": required("team"),
        "worker_id.required": required("worker_id"),
        "decision_date.required_when_due": due,
        "decision_date.timely": within("referral_received", "decision_date", 1),
        "decision_date.not_before_referral": lambda: (
            current["decision_date"] < current["referral_received"]  # type: ignore[operator]
            if present("decision_date", "referral_received") else None),
        "decision_outcome.valid": code("decision_outcome"),
        "assessment_completed.timely": within("referral_received", "assessment_completed", assessment_days),
        "assessment_completed.not_before_start": lambda: (
            current["assessment_completed"] < current["assessment_start"]  # type: ignore[operator]
            if present("assessment_completed", "assessment_start") else None),
        "assessment_authorised.required": when_present("assessment_authorised", "assessment_completed"),
        "icpc_date.timely": within("strategy_discussion", "icpc_date", 15),
        "closure_reason.required": when_present("closure_reason", "closure_date"),
        "closure_reason.valid": code("closure_reason"),
    }
    teams = sorted({str(row["team"]) if row["team"] is not None else NO_TEAM for row in rows})
    counts: dict[str, dict[str, list[int]]] = {
        rule_id: {team: [0, 0] for team in teams} for rule_id in [*rules, *(f"{f}.type" for f in types)]
    }
    for index, current in enumerate(rows):
        team = str(current["team"]) if current["team"] is not None else NO_TEAM
        outcomes = {rule_id: rule() for rule_id, rule in rules.items()}
        outcomes.update({f"{name}.type": flags[index] for name, flags in types.items()})
        for rule_id, outcome in outcomes.items():
            if outcome is not None:
                counts[rule_id][team][0] += 1
                counts[rule_id][team][1] += int(outcome)
    return {rule_id: {team: (c, f) for team, (c, f) in by_team.items()} for rule_id, by_team in counts.items()}


def reference_re_referrals(path: Path, within_days: int = 365) -> dict[str, tuple[int, int]]:
    """team -> (referrals with a child and a date, those whose child had an earlier referral within the days)."""
    rows, _ = read_rows(path)
    by_child: dict[str, list[dt.datetime]] = defaultdict(list)
    for row in rows:
        if row["child_id"] is not None and row["referral_received"] is not None:
            by_child[str(row["child_id"])].append(row["referral_received"])  # type: ignore[arg-type]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        team = str(row["team"]) if row["team"] is not None else NO_TEAM
        counts[team]  # every team appears
        received = row["referral_received"]
        if row["child_id"] is None or not isinstance(received, dt.datetime):
            continue
        earlier = [
            other for other in by_child[str(row["child_id"])]
            if other < received and (received.date() - other.date()).days <= within_days
        ]
        counts[team][0] += 1
        counts[team][1] += int(bool(earlier))
    return {team: (c, f) for team, (c, f) in counts.items()}
