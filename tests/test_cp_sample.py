"""The synthetic folder: referrals unchanged, and plans, visits and reviews that follow them as practice does.

Each CP rule of the standard fails somewhere, yet most records are clean; visits keep their
rhythm with some slippage; the plans are the referrals' children in the referrals' teams; and
``refcheck sample --out DIR`` writes the folder while ``--out FILE.csv`` still writes referrals alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks.synthetic.cp_sample import RECORD_TYPES, generate_folder, write_folder
from tests.conftest import ROOT, SAMPLE_AS_OF, Invoke
from tests.reference_cp import read_records, reference_cp_counts
from tests.reference_standard import parse_datetime, working_days

STANDARD = ROOT / "docs" / "child-protection-standard.md"
SEEDS = [1, 4]


def standard_rule_ids() -> set[str]:
    """Every rule id section 4 names, with a .type rule for each date and datetime field of section 2."""
    sections = re.split(r"\n## ", STANDARD.read_text())
    ids = set(re.findall(r"\b(cp_\w+\.[\w.]+\w)", sections[4]))
    dated = re.findall(r"\| (\w+) \| date(?:time)? \|", sections[2])
    owners = {"start_date": "cp_plans", "first_core_group": "cp_plans", "end_date": "cp_plans",
              "visit_date": "cp_visits", "review_date": "cp_reviews"}
    return ids | {f"{owners[name]}.{name}.type" for name in dated}


@pytest.fixture(scope="module", params=SEEDS)
def folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(f"seed{request.param}")
    write_folder(path, 5000, seed=request.param, as_of=SAMPLE_AS_OF)
    return path


def test_the_standard_is_parsed() -> None:
    assert len(standard_rule_ids()) == 41  # 30 field rules (5 of them .type) and 11 record rules


def test_sample_data_is_what_the_command_writes_for_the_readmes_seed(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("sample", "--rows", "5000", "--seed", "1", "--as-of", "2026-11-20", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in RECORD_TYPES:
        assert (tmp_path / "out" / f"{name}.csv").read_bytes() == (ROOT / "sample_data" / f"{name}.csv").read_bytes()


@pytest.mark.parametrize("seed", [1, 9])
def test_a_folders_referrals_are_the_referrals_file_of_the_same_seed(tmp_path: Path, invoke: Invoke,
                                                                     seed: int) -> None:
    assert invoke("sample", "--rows", "1500", "--seed", seed, "--out", tmp_path / "alone.csv").exit_code == 0
    assert invoke("sample", "--rows", "1500", "--seed", seed, "--out", tmp_path / "folder").exit_code == 0
    assert (tmp_path / "folder" / "referrals.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()


def test_a_csv_out_writes_the_referrals_alone_and_a_folder_all_four(tmp_path: Path, invoke: Invoke) -> None:
    alone = invoke("sample", "--rows", "300", "--out", tmp_path / "one" / "extract.csv")
    assert alone.stderr.splitlines() == [f"wrote 300 synthetic referrals to {tmp_path / 'one' / 'extract.csv'}"]
    assert [path.name for path in (tmp_path / "one").iterdir()] == ["extract.csv"]
    (tmp_path / "two").mkdir()
    both = invoke("sample", "--rows", "3000", "--out", tmp_path / "two")
    assert sorted(path.name for path in (tmp_path / "two").iterdir()) == sorted(f"{n}.csv" for n in RECORD_TYPES)
    heights = {name: pl.read_csv(tmp_path / "two" / f"{name}.csv", infer_schema=False).height for name in RECORD_TYPES}
    assert both.stderr.splitlines() == [
        f"wrote 3,000 synthetic referrals, {heights['cp_plans']} child protection plans, {heights['cp_visits']:,} "
        f"visits and {heights['cp_reviews']} review conferences to {tmp_path / 'two'}"]


def test_the_same_seed_gives_the_same_folder_and_another_seed_another() -> None:
    first, again = generate_folder(2000, seed=3), generate_folder(2000, seed=3)
    other = generate_folder(2000, seed=5)
    for name in RECORD_TYPES:
        assert first[name].equals(again[name]), name
        assert not first[name].equals(other[name]), name


def test_no_referrals_no_records() -> None:
    frames = generate_folder(0, seed=3)
    assert [frames[name].height for name in RECORD_TYPES] == [0, 0, 0, 0]
    assert frames["cp_visits"].columns == ["visit_id", "plan_id", "visit_date", "seen", "seen_alone", "location",
                                           "worker_id"]


def test_every_rule_fails_somewhere_and_most_records_are_clean(folder: Path) -> None:
    counts = reference_cp_counts(folder, SAMPLE_AS_OF)
    assert set(counts) == standard_rule_ids()
    totals = {rule_id: tuple(map(sum, zip(*teams.values(), strict=True))) for rule_id, teams in counts.items()}
    assert not [rule_id for rule_id, (_, failed) in totals.items() if failed == 0]
    for rule_id, (checked, failed) in totals.items():
        if not rule_id.endswith("timely"):
            assert failed / checked < 0.05, rule_id
    on_time = 1 - totals["cp_plans.visits_timely"][1] / totals["cp_plans.visits_timely"][0]
    assert 0.4 < on_time < 0.85  # the inspection found 58-67% of visits on time


def test_plans_are_the_referrals_children_most_registered_at_their_conference(folder: Path) -> None:
    referrals: dict[str, dict[str, str]] = {}
    for row in pl.read_csv(folder / "referrals.csv", infer_schema=False).iter_rows(named=True):
        referrals.setdefault(row["referral_id"], row)
    plans = pl.read_csv(folder / "cp_plans.csv", infer_schema=False)
    assert 0.02 < plans.height / 5000 < 0.06
    with_referral = [plan for plan in plans.iter_rows(named=True) if plan["referral_id"] is not None]
    assert 0.5 * plans.height < len(with_referral) < 0.9 * plans.height  # else registered before the referral
    linked = [(plan, referrals[plan["referral_id"]]) for plan in with_referral if plan["referral_id"] in referrals]
    assert len(linked) > 0.97 * len(with_referral)
    children = {row["child_id"] for row in referrals.values()}
    assert sum(child in children for child in plans["child_id"]) > 0.97 * plans.height
    assert sum(p["child_id"] == r["child_id"] for p, r in linked) > 0.97 * len(linked)
    assert sum(p["team"] == r["team"] for p, r in linked) > 0.95 * len(linked)
    read = [(parse_datetime(p["start_date"] or ""), parse_datetime(r["icpc_date"] or "")) for p, r in linked]
    starts = [(start.date(), icpc.date()) for start, icpc in read if start is not None and icpc is not None]
    assert len(starts) > 0.9 * len(linked)
    assert sum(start == icpc for start, icpc in starts) > 0.97 * len(starts)


def test_visits_keep_a_rhythm_with_some_slippage(folder: Path) -> None:
    visits = read_records(folder / "cp_visits.csv", "cp_visits").rows
    by_plan: dict[object, list[dt.date]] = defaultdict(list)
    for visit in visits:
        if visit["seen"] == "Y" and isinstance(visit["visit_date"], dt.date):
            by_plan[visit["plan_id"]].append(visit["visit_date"])
    gaps = [working_days(a, b) for days in by_plan.values() for a, b in itertools.pairwise(sorted(days))]
    assert 5 <= statistics.median(gaps) <= 10
    assert 0.01 < sum(gap > 10 for gap in gaps) / len(gaps) < 0.1
    places = Counter(visit["location"] for visit in visits)
    assert {"HOME", "SCHOOL", "OFFICE", "OTHER"} <= set(places) and places["HOME"] > 0.6 * len(visits)
    seen = Counter(visit["seen"] for visit in visits)
    assert 0.03 < seen["N"] / len(visits) < 0.12
    alone = Counter(visit["seen_alone"] for visit in visits if visit["seen"] == "Y")
    assert 0.6 < alone["Y"] / sum(alone.values()) < 0.85


def test_reviews_follow_the_conference_and_plans_end_with_reasons(folder: Path) -> None:
    plans = read_records(folder / "cp_plans.csv", "cp_plans").rows
    reviews = read_records(folder / "cp_reviews.csv", "cp_reviews").rows
    starts = {plan["plan_id"]: plan["start_date"] for plan in plans}
    first: dict[object, dt.date] = {}
    for review in reviews:
        if isinstance(review["review_date"], dt.date) and review["plan_id"] in starts:
            first[review["plan_id"]] = min(first.get(review["plan_id"], review["review_date"]), review["review_date"])
    days = [(day - start).days for plan_id, day in first.items() if isinstance(start := starts[plan_id], dt.date)]
    assert 75 <= statistics.median(days) <= 92
    ended = [plan for plan in plans if plan["end_date"] is not None]
    assert 0.2 < len(ended) / len(plans) < 0.7
    assert Counter(plan["end_reason"] for plan in ended).most_common(1)[0][0] == "RISK_REDUCED"
    assert Counter(review["outcome"] for review in reviews)["END"] > 0


@pytest.mark.parametrize("rows", [1, 5, 50])
def test_a_folder_of_a_few_referrals_has_few_or_no_plans(tmp_path: Path, invoke: Invoke, rows: int) -> None:
    result = invoke("sample", "--rows", rows, "--seed", rows, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    plans = pl.read_csv(tmp_path / "cp_plans.csv", infer_schema=False)
    assert plans.columns[0] == "plan_id" and plans.height <= rows
