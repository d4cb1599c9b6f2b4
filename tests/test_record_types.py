"""A schema's several record types, read from a folder or a workbook, each in its own pass, related in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import NO_TEAM, Report, validate
from refcheck.schemas import Schema, load_schema

AS_OF = dt.date(2026, 6, 30)

SCHEMA = """\
name: cp-test
version: 1
record_id: referral_id
group_by: team
fields:
  referral_id: {label: Referral ID, required: error}
  team: {label: Team}
record_types:
  cp_plans:
    label: Child protection plans
    key: plan_id
    group_by: team
    fields:
      plan_id: {label: Plan ID, required: error}
      team: {label: Team}
      start_date: {type: date, label: Start}
      end_date: {type: date, label: End}
    rules:
      - {id: cp_plans.end_date.not_before_start, kind: date_order,
         params: {earlier: start_date, later: end_date, compare: date}, severity: error,
         message: The plan ends before it starts, hint: Check the dates}
  cp_visits:
    label: Child protection visits
    key: visit_id
    belongs_to: {record_type: cp_plans, by: plan_id}
    fields:
      visit_id: {label: Visit ID, required: error}
      plan_id: {label: Plan ID}
      visit_date: {type: datetime, label: Visit date}
      seen: {label: Seen}
    rules:
      - {id: cp_visits.plan_id.known, kind: exists_in, params: {field: plan_id, record_type: cp_plans},
         severity: error, message: No plan has this plan ID, hint: Check the plan ID}
      - {id: cp_visits.within_plan, kind: within_parent,
         params: {parent: cp_plans, by: plan_id, date: visit_date, start: start_date, end: end_date},
         severity: warning, message: The visit is outside its plan, hint: Check the dates}
  cp_reviews:
    label: Child protection reviews
    key: review_id
    belongs_to: {record_type: cp_plans, by: plan_id}
    fields:
      review_id: {label: Review ID, required: error}
      plan_id: {label: Plan ID}
"""

REFERRAL_ROWS = "referral_id,team\nR1,North\nR2,South\nR3,\n"
PLAN_ROWS = """plan_id,team,start_date,end_date
P1,North,2026-01-05,
P2,South,2026-02-01,2026-01-01
P1,East,2026-03-01,
P3,,2026-01-10,
 P4 ,West,2026-01-10,
"""
VISIT_ROWS = """visit_id,plan_id,visit_date,seen
V1,P1,2026-01-06 10:00,Y
V2, P2 ,2026-01-15,
V3,,2026-01-07,Y
V4,P9,2026-01-08,Y
V5,P3,2026-01-11,Y
V6,P4,2026-01-12,N
V7,ragged
"""


def cp_schema(tmp_path: Path) -> Schema:
    """Referrals with plans, and visits and reviews that belong to a plan."""
    path = tmp_path / "cp-test.yaml"
    path.write_text(SCHEMA)
    return load_schema(path)


def folder(tmp_path: Path, **files: str) -> Path:
    """A folder of extracts, one per keyword (``cp_plans="..."`` writes cp_plans.csv)."""
    where = tmp_path / "extracts"
    where.mkdir(exist_ok=True)
    for name, text in files.items():
        (where / (name if "." in name else f"{name}.csv")).write_text(text)
    return where


def by_team(report: Report, rule_id: str) -> dict[str, tuple[int, int]]:
    return {count.team: (count.checked, count.failed) for count in report.result(rule_id).by_team if count.checked}


def test_a_visit_takes_its_plans_team_by_the_first_plan_row_and_blank_or_unknown_keys_have_none(
        tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    report = validate(where, schema, as_of=AS_OF)
    # V1 -> P1's first row (North, not East); V2's key trimmed; V3 blank, V4 unknown, V5's plan has no team
    assert by_team(report, "cp_visits.visit_id.required") == {
        "North": (1, 0), "South": (1, 0), "West": (1, 0), NO_TEAM: (3, 0)}
    assert by_team(report, "cp_plans.plan_id.required") == {
        "East": (1, 0), "North": (1, 0), "South": (1, 0), "West": (1, 0), NO_TEAM: (1, 0)}
    assert report.teams == ("East", "North", "South", "West", NO_TEAM)
    assert report.team_rows == (0, 1, 1, 0, 1)  # the referrals' rows, where a run of one puts them
    known = report.result("cp_visits.plan_id.known")
    assert (known.checked, known.failed) == (5, 1)  # V4's P9 is no plan's
    assert by_team(report, "cp_visits.within_plan") == {"North": (1, 0), "South": (1, 1), "West": (1, 0),
                                                         NO_TEAM: (1, 0)}
    assert by_team(report, "cp_plans.end_date.not_before_start") == {"South": (1, 1)}


def test_each_record_type_has_its_own_row_accounting_and_unreadable_rows(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    report = validate(where, schema, as_of=AS_OF)
    visits = report.sources["cp_visits"]
    assert visits.source is not None
    assert (visits.source.rows_read, visits.source.rows_checked, visits.source.rows_unreadable) == (7, 6, 1)
    assert visits.unreadable.rows() == [(8, "2 fields where the header has 4")]
    assert visits.source.path == str(where / "cp_visits.csv")
    plans = report.sources["cp_plans"].source
    assert plans is not None and (plans.rows_read, plans.rows_checked, plans.rows_unreadable) == (5, 5, 0)
    assert report.source == report.sources["referrals"].source
    assert (report.source.rows_read, report.source.rows_checked) == (3, 3)
    assert report.unreadable.is_empty()
    assert list(report.sources) == ["referrals", "cp_plans", "cp_visits", "cp_reviews"]


def test_a_record_type_not_supplied_and_the_rules_that_read_it_are_not_run(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_visits=VISIT_ROWS)
    report = validate(where, schema, as_of=AS_OF)
    assert not report.sources["cp_plans"].supplied and not report.sources["cp_reviews"].supplied
    not_run = {result.rule.id: result.reason for result in report.results if not result.ran}
    plan_rules = {spec.id for spec in schema.others["cp_plans"].rules}
    assert {"cp_plans.plan_id.required", "cp_plans.end_date.not_before_start"} < plan_rules
    assert not_run == {
        **dict.fromkeys(plan_rules, "cp_plans not supplied"),
        "cp_visits.plan_id.known": "reads cp_plans, not supplied",
        "cp_visits.within_plan": "reads cp_plans, not supplied",
        "cp_reviews.review_id.required": "cp_reviews not supplied",
    }
    assert all(count.checked == 0 for result in report.results if not result.ran for count in result.by_team)
    assert by_team(report, "cp_visits.visit_id.required") == {NO_TEAM: (6, 0)}  # no plans: no team to take


def test_findings_name_their_record_type(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    report = validate(where, schema, as_of=AS_OF, findings=True)
    assert report.findings is not None
    found = report.findings.select("record_type", "rule_id", "record_id", "line", "team").rows()
    assert sorted(found) == sorted([
        ("cp_plans", "cp_plans.end_date.not_before_start", "P2", 3, "South"),
        ("cp_visits", "cp_visits.plan_id.known", "V4", 5, NO_TEAM),
        ("cp_visits", "cp_visits.within_plan", "V2", 3, "South"),
    ])


def test_csv_and_parquet_in_one_folder_read_alike(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    as_csv = validate(folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS),
                      schema, as_of=AS_OF)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "referrals.csv").write_text(REFERRAL_ROWS)
    (mixed / "cp_visits.csv").write_text(VISIT_ROWS)
    (tmp_path / "plans.csv").write_text(PLAN_ROWS)
    pl.read_csv(tmp_path / "plans.csv", infer_schema=False).write_parquet(mixed / "cp_plans.parquet")
    report = validate(mixed, schema, as_of=AS_OF)
    assert [(r.rule.id, r.by_team) for r in report.results] == [(r.rule.id, r.by_team) for r in as_csv.results]
    assert report.sources["cp_plans"].source is not None
    assert report.sources["cp_plans"].source.path == str(mixed / "cp_plans.parquet")


def test_a_workbook_holds_a_sheet_per_record_type(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    as_csv = validate(folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS.replace(
        "V7,ragged\n", "")), schema, as_of=AS_OF)
    book = tmp_path / "extract.xlsx"
    import xlsxwriter

    workbook = xlsxwriter.Workbook(book)
    for sheet, text in (("Notes", "note\nnothing here\n"), ("referrals", REFERRAL_ROWS), ("CP_Plans", PLAN_ROWS),
                        ("cp_visits", VISIT_ROWS.replace("V7,ragged\n", ""))):
        worksheet = workbook.add_worksheet(sheet)
        for row, line in enumerate(text.splitlines()):
            for column, value in enumerate(line.split(",")):
                worksheet.write_string(row, column, value)
    workbook.close()
    report = validate(book, schema, as_of=AS_OF)
    assert [(r.rule.id, r.by_team) for r in report.results] == [(r.rule.id, r.by_team) for r in as_csv.results]
    assert report.ignored == ("Notes",)
    visits = report.sources["cp_visits"].source
    assert visits is not None and visits.path == f"{book}, sheet cp_visits" and visits.rows_checked == 6


def test_a_single_extract_is_the_primary_or_the_record_type_its_name_names(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS)
    alone = validate(where / "referrals.csv", schema, as_of=AS_OF)
    assert [name for name, source in alone.sources.items() if source.supplied] == ["referrals"]
    plans = validate(where / "cp_plans.csv", schema, as_of=AS_OF)
    assert [name for name, source in plans.sources.items() if source.supplied] == ["cp_plans"]
    assert plans.result("cp_plans.end_date.not_before_start").failed == 1
    assert plans.result("referral_id.required").reason == "referrals not supplied"


def test_a_folder_with_two_files_for_one_record_type_or_none_is_refused(tmp_path: Path) -> None:
    from refcheck.checks.readers.record_sources import SourceChoiceError

    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, **{"CP_PLANS.parquet": ""})
    with pytest.raises(SourceChoiceError, match=r"two files for record type cp_plans: CP_PLANS.parquet and "
                                                r"cp_plans.csv; keep one"):
        validate(where, schema, as_of=AS_OF)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x\n")
    with pytest.raises(SourceChoiceError, match="looked for referrals, cp_plans, cp_visits, cp_reviews"):
        validate(empty, schema, as_of=AS_OF)


def test_files_that_name_no_record_type_are_listed_as_ignored(tmp_path: Path) -> None:
    schema = cp_schema(tmp_path)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, **{"notes.txt": "x\n", "old.csv": "a\n"})
    report = validate(where, schema, as_of=AS_OF)
    assert report.ignored == ("notes.txt", "old.csv")


def test_a_database_holds_a_table_per_record_type(tmp_path: Path) -> None:
    import sqlite3

    schema = cp_schema(tmp_path)
    visits = VISIT_ROWS.replace("V7,ragged\n", "")
    as_csv = validate(folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=visits), schema,
                      as_of=AS_OF)
    database = tmp_path / "extract.db"
    with sqlite3.connect(database) as connection:
        for table, text in (("referrals", REFERRAL_ROWS), ("CP_PLANS", PLAN_ROWS), ("cp_visits", visits),
                            ("audit", "at\nx\n")):
            header, *rows = [line.split(",") for line in text.splitlines()]
            connection.execute(f"CREATE TABLE {table} ({', '.join(header)})")
            connection.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(header))})", rows)
    connection.close()
    report = validate(f"sqlite:///{database}", schema, as_of=AS_OF)
    assert [(r.rule.id, r.by_team) for r in report.results] == [(r.rule.id, r.by_team) for r in as_csv.results]
    assert report.ignored == ("audit",)
    plans = report.sources["cp_plans"].source
    assert plans is not None and plans.path == f"sqlite:///{database}, table CP_PLANS" and plans.rows_checked == 5


def test_when_limits_where_a_rule_applies_rules_that_compare_rows_included(tmp_path: Path) -> None:
    conditional = SCHEMA.replace("""  cp_reviews:""", """\
      - {id: cp_visits.seen.required, kind: required, params: {field: seen}, severity: warning,
         message: Seen is blank, hint: Record it, when: {field: plan_id, is: present}}
      - {id: cp_visits.plan_id.known_if_seen, kind: exists_in, params: {field: plan_id, record_type: cp_plans},
         severity: warning, message: No plan has this plan ID, hint: Check it, when: {field: seen, in: [Y]}}
  cp_reviews:""")
    path = tmp_path / "conditional.yaml"
    path.write_text(conditional)
    where = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    report = validate(where, load_schema(path), as_of=AS_OF, findings=True)
    seen = report.result("cp_visits.seen.required")
    assert (seen.checked, seen.failed) == (5, 1)  # V3 has no plan ID; V2 has no seen
    known = report.result("cp_visits.plan_id.known_if_seen")
    assert (known.checked, known.failed) == (3, 1)  # V1, V4 and V5 were seen; V4's plan is unknown
    assert report.findings is not None
    assert report.findings.filter(pl.col("rule_id") == "cp_visits.plan_id.known_if_seen")["record_id"].to_list() == [
        "V4"]


def test_a_mapping_names_each_record_types_file_and_columns(tmp_path: Path) -> None:
    from refcheck.schemas import load_mapping

    schema = cp_schema(tmp_path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("""\
record_types:
  cp_plans: {source: ssd_cp_plans, fields: {plan_id: {column: cppl_id}}}
  cp_visits:
    source: SSD_CP_VISITS
    null_tokens: ["-"]
    fields: {plan_id: {column: cppv_plan}, seen: {column: cppv_seen}}
""")
    plain = folder(tmp_path, referrals=REFERRAL_ROWS, cp_plans=PLAN_ROWS, cp_visits=VISIT_ROWS)
    expected = validate(plain, schema, as_of=AS_OF)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "referrals.csv").write_text(REFERRAL_ROWS)
    (theirs / "ssd_cp_plans.csv").write_text(PLAN_ROWS.replace("plan_id,", "cppl_id,", 1))
    their_visits = VISIT_ROWS.replace("plan_id,visit_date,seen", "cppv_plan,visit_date,cppv_seen", 1)
    (theirs / "ssd_cp_visits.csv").write_text(their_visits.replace("V3,,", "V3,-,"))  # their blank
    report = validate(theirs, schema, as_of=AS_OF, mapping=load_mapping(mapping, schema))
    assert [(r.rule.id, r.by_team) for r in report.results] == [(r.rule.id, r.by_team) for r in expected.results]
    visits = report.sources["cp_visits"].source
    assert visits is not None and visits.path == str(theirs / "ssd_cp_visits.csv")
