"""Findings (record x failed rule) and the re-referral measure, from the same single pass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import validate
from refcheck.checks.rules import Rule
from refcheck.checks.synthetic.sample import write_sample
from tests.conftest import SAMPLE, SAMPLE_AS_OF
from tests.reference_standard import reference_re_referrals


def test_findings_per_team_and_rule_equal_the_failed_counts() -> None:
    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True)
    assert report.findings is not None
    counted = report.findings.group_by("team", "rule_id").len()
    lookup = {(row["team"], row["rule_id"]): row["len"] for row in counted.iter_rows(named=True)}
    for result in report.results:
        for count in result.by_team:
            assert lookup.get((count.team, result.rule.id), 0) == count.failed


def test_findings_carry_working_days_for_timeliness_rules_only() -> None:
    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True)
    assert report.findings is not None
    late = report.findings.filter(pl.col("rule_id") == "decision_date.timely")
    assert late.height > 0 and (late["working_days"] > 1).all()
    overdue = report.findings.filter(pl.col("rule_id") == "decision_date.required_when_due")
    assert overdue.height > 0 and (overdue["working_days"] > 1).all()
    assert report.findings.filter(pl.col("rule_id") == "gender.valid")["working_days"].null_count() == \
        report.findings.filter(pl.col("rule_id") == "gender.valid").height


def test_findings_rows_point_at_the_record(tmp_path: Path) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True)
    assert report.findings is not None
    sample = report.findings.filter(pl.col("record_id").is_not_null()).head(50)
    for row in sample.iter_rows(named=True):
        # a CSV finding's line is the line in the file its record starts on: the header is line 1
        assert frame["referral_id"][row["line"] - 2].strip() == row["record_id"]


def test_findings_are_each_rules_failed_rows_in_the_extracts_order_with_the_columns_asked_for() -> None:
    from refcheck.checks.engine import flag_frame
    from refcheck.checks.internal import internal
    from refcheck.checks.readers.extract import open_extract
    from refcheck.checks.rules import bind_rules
    from refcheck.schemas import DEFAULT_SCHEMA, load_schema

    schema = load_schema(DEFAULT_SCHEMA)
    rules = bind_rules(schema)
    extract = open_extract(SAMPLE)
    flags = flag_frame(extract, schema, rules, SAMPLE_AS_OF, detail=True, carry=("child_id", "postcode"))
    expected = pl.concat([
        flags.filter(pl.col(rule.id)).select(
            pl.col(internal("row")).alias("line"), pl.col(internal("record")).alias("record_id"),
            pl.col(internal("team")).alias("team"), pl.col(internal("worker")).alias("worker"),
            pl.lit(rule.id).alias("rule_id"),
            (pl.col(internal("days", rule.id)) if internal("days", rule.id) in flags.columns else pl.lit(None))
            .cast(pl.Int64).alias("working_days"),
            *_due_columns(flags, rule),
            pl.col(internal("carry", "child_id")).alias("child_id"),
            pl.col(internal("carry", "postcode")).alias("postcode"))
        for rule in rules
    ])
    report = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True, carry=("child_id", "postcode"))
    assert report.findings is not None and report.findings.height > 100
    assert report.findings.equals(expected)
    assert report.findings["working_days"].drop_nulls().len() > 0
    assert report.findings["overdue"].drop_nulls().len() > 0  # decisions overdue now: how far, from when


def _due_columns(flags: pl.DataFrame, rule: Rule) -> list[pl.Expr]:
    """A rule that falls due: the date it runs from, how far overdue and in what; nulls for any other rule."""
    from refcheck.checks.due import LAST, OVERDUE, column, overdue_unit

    falls = column(OVERDUE, rule) in flags.columns
    return [(pl.col(column(LAST, rule)) if falls else pl.lit(None)).cast(pl.Date).alias("last_event"),
            (pl.col(column(OVERDUE, rule)) if falls else pl.lit(None)).cast(pl.Int64).alias("overdue"),
            pl.lit(overdue_unit(rule) if falls else None, pl.String).alias("overdue_unit")]


def test_working_days_shared_by_rules_never_mix_two_rules_counts(tmp_path: Path) -> None:
    """A field may be called ``as_of``: a count to it is not the count to the run's date."""
    schema = tmp_path / "council.yaml"
    schema.write_text(
        "name: council\nextends: wales-referral\nfields:\n  as_of: {type: date, label: Extract date}\nrules:\n"
        "  - id: local.received_by_as_of\n    kind: within_working_days\n"
        "    params: {start: referral_received, end: as_of, days: 400}\n    severity: warning\n"
        "    category: timeliness\n    message: More than {days} working days\n    hint: Record it sooner\n")
    extract = tmp_path / "extract.csv"
    pl.read_csv(SAMPLE, infer_schema=False).with_columns(as_of=pl.lit("2099-01-01")).write_csv(extract)
    report = validate(extract, schema, as_of=SAMPLE_AS_OF, findings=True)
    failed = {result.rule.id: sum(count.failed for count in result.by_team) for result in report.results}
    standard = validate(SAMPLE, as_of=SAMPLE_AS_OF)
    assert failed["decision_date.required_when_due"] == sum(
        count.failed for count in standard.result("decision_date.required_when_due").by_team) > 0
    checked = sum(count.checked for count in report.result("local.received_by_as_of").by_team)
    assert failed["local.received_by_as_of"] == checked > 4000  # decades away: every one is late
    assert report.findings is not None
    days = report.findings.filter(pl.col("rule_id") == "local.received_by_as_of")["working_days"]
    assert days.min() > 18_000  # type: ignore[operator]


def test_counts_are_the_same_with_or_without_findings() -> None:
    plain = validate(SAMPLE, as_of=SAMPLE_AS_OF, measures=True)
    detailed = validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True, measures=True)
    assert plain.results == detailed.results and plain.measures == detailed.measures
    assert validate(SAMPLE, as_of=SAMPLE_AS_OF).measures == {}  # NOTE: measured only when asked for


def test_re_referrals_agree_with_a_plain_count(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    write_sample(path, 700, seed=21, as_of=dt.date(2026, 3, 1))
    report = validate(path, as_of=dt.date(2026, 3, 1), measures=True)
    got = {count.team: (count.checked, count.failed) for count in report.measures["re_referrals"]}
    assert got == reference_re_referrals(path)
    assert sum(failed for _, failed in got.values()) > 0


def test_re_referrals_count_the_latest_strictly_earlier_referral_across_ties(tmp_path: Path) -> None:
    """Two referrals at the same moment are not earlier than each other, but both follow an earlier one."""
    rows = pl.read_csv(SAMPLE, infer_schema=False).head(6).with_columns(
        child_id=pl.Series(["C1", "C1", "C1", "C2", "C2", None]),
        referral_received=pl.Series(["2025-01-06 09:00", "2025-03-03 10:00", "03/03/2025 10:00",
                                     "2025-05-05 12:00", "2025-05-05 12:00", "2025-05-06 12:00"]),
        team=pl.Series(["T"] * 6),
    )
    path = tmp_path / "ties.csv"
    rows.write_csv(path)
    report = validate(path, as_of=SAMPLE_AS_OF, measures=True)
    got = {count.team: (count.checked, count.failed) for count in report.measures["re_referrals"]}
    assert got == reference_re_referrals(path) == {"T": (5, 2)}


def test_a_carried_column_named_like_a_findings_column_is_refused() -> None:
    with pytest.raises(ValueError, match="findings have a column named 'team', 'line' already"):
        validate(SAMPLE, as_of=SAMPLE_AS_OF, findings=True, carry=("team", "line"))
