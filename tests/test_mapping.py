"""Another system's extract, read through a mapping drafted by `refcheck map` and corrected by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from refcheck.checks.synthetic.sample import generate
from refcheck.cli import ExitCode
from refcheck.schemas import load_mapping, load_schema
from tests.conftest import SAMPLE_AS_OF, Invoke


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is named relative to the current directory when under it: these tests run in their files' folder."""
    monkeypatch.chdir(tmp_path)

THEIR_HEADERS = {
    "referral_id": "Referral Ref", "child_id": "Person ID", "nhs_number": "NHS No", "date_of_birth": "DOB",
    "expected_date_of_birth": "EDD", "gender": "Sex", "ethnicity": "Ethnic Origin", "postcode": "Post Code",
    "referral_received": "Date Received", "referral_source": "Source of Referral", "primary_need": "Category of Need",
    "referral_reason": "Reason for Referral", "team": "Team Name", "worker_id": "Allocated Worker",
    "decision_date": "Decision Dte", "decision_outcome": "Outcome", "assessment_start": "Assessment Start Date",
    "assessment_completed": "Assessment End Date", "assessment_authorised": "Authorised Date",
    "strategy_discussion": "Strategy Discussion Date", "icpc_date": "ICPC", "closure_date": "Date Closed",
    "closure_reason": "Reason Closed",
}
SEX = {"1": "Male", "2": "Female", "0": "Unknown", "9": "Indeterminate"}


def _theirs(frame: pl.DataFrame) -> pl.DataFrame:
    """The same referrals as another system exports them: its headers, words for sex, dd.mm.yyyy times, NULL."""
    return frame.with_columns(
        gender=pl.col("gender").replace(SEX),
        referral_received=pl.col("referral_received").str.replace(
            r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})$", "${3}.${2}.${1} ${4}"),
        worker_id=pl.when(pl.col("worker_id").str.strip_chars() == "").then(pl.lit("NULL"))
        .otherwise(pl.col("worker_id")),
    ).rename(THEIR_HEADERS)


def _report(invoke: Invoke, path: Path, *extra: str) -> dict[str, Any]:
    result = invoke("check", path, "--as-of", SAMPLE_AS_OF.isoformat(), "--json", "-", *extra)
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_a_proposed_and_corrected_mapping_gives_the_canonical_report(tmp_path: Path, invoke: Invoke) -> None:
    ours = generate(700, seed=23, as_of=SAMPLE_AS_OF)
    ours.write_csv(tmp_path / "ours.csv")
    _theirs(ours).write_csv(tmp_path / "theirs.csv")

    unmapped = invoke("check", tmp_path / "theirs.csv")
    assert unmapped.exit_code == ExitCode.BAD_EXTRACT and "missing columns: referral_id" in unmapped.stderr

    proposed = invoke("map", tmp_path / "theirs.csv", "--out", tmp_path / "mapping.yaml")
    assert proposed.exit_code == 0, proposed.output
    assert proposed.stderr.startswith("23 of 23 fields matched")
    draft = yaml.safe_load((tmp_path / "mapping.yaml").read_text())
    assert draft["fields"]["decision_date"] == {"column": "Decision Dte"}  # a fuzzy match, flagged in a comment
    assert "# fuzzy match: check it" in (tmp_path / "mapping.yaml").read_text()

    # Corrected by hand: the codes for sex, this system's date format, and its word for blank.
    draft["fields"]["gender"]["values"] = {word: code for code, word in SEX.items()}
    draft["fields"]["referral_received"]["date_format"] = "%d.%m.%Y %H:%M"
    draft["null_tokens"] = ["NULL"]
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(draft))

    canonical = _report(invoke, tmp_path / "ours.csv")
    mapped = _report(invoke, tmp_path / "theirs.csv", "--mapping", str(tmp_path / "mapping.yaml"))
    assert mapped["rules"] == canonical["rules"] and mapped["teams"] == canonical["teams"]


def test_a_schema_can_carry_its_mapping(tmp_path: Path, invoke: Invoke) -> None:
    ours = generate(200, seed=24, as_of=SAMPLE_AS_OF)
    ours.write_csv(tmp_path / "ours.csv")
    ours.rename({"team": "Team Name"}).write_csv(tmp_path / "theirs.csv")
    (tmp_path / "council.yaml").write_text(
        "name: council\nextends: wales-referral\nmapping:\n  fields:\n    team: {column: Team Name}\n")
    mapped = _report(invoke, tmp_path / "theirs.csv", "--schema", str(tmp_path / "council.yaml"))
    assert mapped["rules"] == _report(invoke, tmp_path / "ours.csv")["rules"]


@pytest.mark.parametrize(("text", "line"), [
    ("fields:\n  teem: {column: Team}\n", "mapping.yaml:2: fields.teem: unknown field 'teem' (did you mean 'team'?)"),
    ("fields:\n  team: {column: A}\n  worker_id: {column: A}\n",
     "mapping.yaml:3: fields.worker_id.column: column 'A' is already mapped to 'team'"),
    ("fields:\n  decision_date: {date_format: dd/mm}\n",
     "mapping.yaml:2: fields.decision_date.date_format: a date format uses %d, %m, %Y, %H, %M; got a text "
     "of 5 characters"),
    ('fields:\n  decision_date: {date_format: "%d.%m.%Y %H:%M%z"}\n',
     "mapping.yaml:2: fields.decision_date.date_format: a date format cannot read a time zone (%z, %Z): dates and "
     "times are read as UK local time, as written"),
    ('fields:\n  date_of_birth: {date_format: "%d.%m.%Y %Z"}\n',
     "mapping.yaml:2: fields.date_of_birth.date_format: a date format cannot read a time zone (%z, %Z): dates and "
     "times are read as UK local time, as written"),
    ("colums: {}\n",
     "mapping.yaml:1: colums: unknown key in mapping; expected one of date_format, fields, null_tokens, "
     "record_types, source"),
    ('date_format: "%d.%m.%Y %z"\n',
     "mapping.yaml:1: date_format: a date format cannot read a time zone (%z, %Z): dates and times are read as UK "
     "local time, as written"),
])
def test_mapping_mistakes_name_the_line(tmp_path: Path, invoke: Invoke, text: str, line: str) -> None:
    (tmp_path / "mapping.yaml").write_text(text)
    (tmp_path / "x.csv").write_text("a\n1\n")
    result = invoke("check", tmp_path / "x.csv", "--mapping", tmp_path / "mapping.yaml")
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert result.stderr.splitlines() == [f"Error: {line}"]


def test_null_tokens_are_off_by_default_so_na_is_an_invalid_code(tmp_path: Path, invoke: Invoke) -> None:
    frame = generate(50, seed=2, as_of=SAMPLE_AS_OF).with_columns(gender=pl.lit("NA"))
    frame.write_csv(tmp_path / "x.csv")
    rules = {rule["id"]: rule for rule in _report(invoke, tmp_path / "x.csv")["rules"]}
    assert rules["gender.valid"]["failed"] == 50 and rules["gender.required"]["failed"] == 0
    (tmp_path / "m.yaml").write_text("null_tokens: [NA]\n")
    rules = {rule["id"]: rule for rule in _report(invoke, tmp_path / "x.csv", "--mapping", str(tmp_path / "m.yaml"))
             ["rules"]}
    assert rules["gender.valid"]["checked"] == 0 and rules["gender.required"]["failed"] == 50


def test_one_date_format_serves_every_date_field_and_a_fields_own_wins(tmp_path: Path, invoke: Invoke) -> None:
    dotted = pl.col("date_of_birth").str.contains(r"^\d+\.\d+\.\d+$")  # NOTE: one such mistake is in the sample
    frame = generate(300, seed=5, as_of=SAMPLE_AS_OF).with_columns(date_of_birth=pl.when(~dotted).then("date_of_birth"))
    iso = r"^(\d{4})-(\d{2})-(\d{2})$"
    frame.write_csv(tmp_path / "ours.csv")
    frame.with_columns(pl.col("date_of_birth", "closure_date").str.replace(iso, "${3}.${2}.${1}"),
                       referral_received=pl.col("referral_received").str.replace(
                           r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})$", "${1}/${2}/${3} ${4}"),
                       ).write_csv(tmp_path / "theirs.csv")
    (tmp_path / "m.yaml").write_text('date_format: "%d.%m.%Y"\n'
                                     'fields:\n  referral_received: {date_format: "%Y/%m/%d %H:%M"}\n')
    ours = _report(invoke, tmp_path / "ours.csv")["rules"]
    shared = _report(invoke, tmp_path / "theirs.csv", "--mapping", str(tmp_path / "m.yaml"))["rules"]
    without = {rule["id"]: rule["failed"] for rule in _report(invoke, tmp_path / "theirs.csv")["rules"]}
    assert [(rule["id"], rule["failed"]) for rule in shared] == [(rule["id"], rule["failed"]) for rule in ours]
    assert without["date_of_birth.type"] > 100 and without["referral_received.type"] > 100
    mapping = load_mapping(tmp_path / "m.yaml", load_schema())
    assert mapping.fields["closure_date"].date_format == "%d.%m.%Y" and "gender" not in mapping.fields


@pytest.mark.parametrize("extra", ["", "date_format: '%d.%m.%Y'\n"])
def test_a_mapping_given_as_a_schema_is_told_apart(tmp_path: Path, invoke: Invoke, extra: str) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("fields:\n  gender: Sex\nnull_tokens: [NULL]\n" + extra)
    result = invoke("schema", "check", mapping)
    assert result.exit_code == ExitCode.BAD_SCHEMA
    assert "this is a mapping, not a schema" in result.stderr
