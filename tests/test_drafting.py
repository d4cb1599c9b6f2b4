"""Drafts that work first time: `refcheck init --from` on another system's export gives the canonical figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from refcheck.checks.drafting import date_format_for, draft_from_profile, match_label
from refcheck.checks.profile import PLACEHOLDERS, profile_extract
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema, proposal_yaml, propose_mapping
from refcheck.schemas.mapping import Draft
from tests.conftest import SAMPLE_AS_OF, Invoke

HEADERS = {"referral_id": "Referral Ref", "child_id": "Person ID", "date_of_birth": "DOB", "gender": "Sex",
           "referral_received": "Date Received", "referral_reason": "Reason for Referral", "team": "Team Name",
           "decision_date": "Decision Date", "closure_date": "Date Closed"}
LETTERS = {"0": "U", "1": "M", "2": "F", "9": "I"}
SENTINEL = "Zebedee Quillfeather-Sentinel"
ISO_DAY = r"^(\d{4})-(\d{2})-(\d{2})( \d{2}:\d{2})?$"


def _records() -> pl.DataFrame:
    """One list of referrals in the standard's form, with its mistakes, and a name in a free text.

    Placeholders are blanked (they are blanks here) and a wrong gender written in letters, as the other system's
    letters (``U``) or a label (``male``, which that system's drafted mapping reads), becomes ``X``, which is wrong
    in both systems.
    """
    frame = generate(600, seed=31, as_of=SAMPLE_AS_OF)
    frame = frame.with_columns(pl.when(pl.col(column).str.strip_chars().str.to_lowercase().is_in(PLACEHOLDERS))
                               .then(None).otherwise(pl.col(column)).alias(column) for column in frame.columns)
    return frame.with_columns(
        gender=pl.when(pl.col("gender").str.contains(r"^\s*[A-Za-z]+\s*$")).then(pl.lit("X"))
        .otherwise(pl.col("gender")),
        referral_reason=pl.when(pl.int_range(pl.len()) == 3).then(pl.lit(SENTINEL))
        .otherwise(pl.col("referral_reason")),
    )


def _theirs(records: pl.DataFrame) -> pl.DataFrame:
    """The same referrals as another system writes them: its headers, dd.mm.yyyy dates, M/F/U/I, NULL for blank."""
    schema = load_schema()
    dates = [name for name, field in schema.fields.items() if field.type.is_temporal]
    return records.with_columns(
        *(pl.col(name).str.replace(ISO_DAY, "${3}.${2}.${1}${4}") for name in dates),
        gender=pl.col("gender").str.strip_chars().replace(LETTERS),
    ).with_columns(pl.all().fill_null("NULL")).rename(HEADERS)


def _rule_counts(folder: Path) -> list[tuple[str, int, int]]:
    report: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return [(rule["id"], rule["checked"], rule["failed"]) for rule in report["rules"]]


def test_init_from_another_systems_export_drafts_a_mapping_that_gives_the_canonical_counts(
        invoke: Invoke, tmp_path: Path) -> None:
    records = _records()
    records.write_csv(tmp_path / "ours.csv")
    _theirs(records).write_csv(tmp_path / "theirs.csv")
    folder = tmp_path / "council"

    made = invoke("init", "--from", tmp_path / "theirs.csv", "--dir", folder)

    assert made.exit_code == 0, made.output
    assert "values for gender" in made.stdout and "date_format for date_of_birth" in made.stdout
    mapping_text = (folder / "mapping.yaml").read_text()
    drafted = yaml.safe_load(mapping_text)
    assert drafted["null_tokens"] == ["NULL"]
    assert drafted["fields"]["gender"] == {"column": "Sex", "values": {"U": "0", "M": "1", "F": "2", "I": "9"}}
    assert drafted["fields"]["date_of_birth"]["date_format"] == "%d.%m.%Y"
    assert drafted["fields"]["referral_received"]["date_format"] == "%d.%m.%Y %H:%M"
    assert mapping_text.count("# check: drafted from the labels") == 4
    assert invoke("schema", "check", folder / "schema.yaml", "--mapping", folder / "mapping.yaml").exit_code == 0

    theirs = invoke("scorecard", tmp_path / "theirs.csv", "--schema", folder / "schema.yaml", "--mapping",
                    folder / "mapping.yaml", "--as-of", SAMPLE_AS_OF.isoformat(), "--out", tmp_path / "theirs")
    ours = invoke("scorecard", tmp_path / "ours.csv", "--as-of", SAMPLE_AS_OF.isoformat(), "--out", tmp_path / "ours")
    assert theirs.exit_code == ours.exit_code == 0, theirs.output + ours.output
    assert _rule_counts(tmp_path / "theirs") == _rule_counts(tmp_path / "ours")

    mapped = invoke("map", tmp_path / "theirs.csv")
    assert mapped.exit_code == 0
    for text in (mapped.stdout, mapped.stderr, made.output, *(path.read_text() for path in folder.iterdir())):
        assert SENTINEL not in text and "Zebedee" not in text


def test_against_refuses_a_date_format_that_reads_none_of_its_column(invoke: Invoke, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named relative to the current directory when under it
    _theirs(_records()).write_csv(tmp_path / "theirs.csv")
    columns = "".join(f'  {name}: {{column: "{header}"}}\n' for name, header in HEADERS.items()
                      if name != "referral_received")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(f'null_tokens: [NULL]\nfields:\n{columns}  referral_received:\n    column: "Date Received"\n'
                     '    date_format: "%Y/%m/%d %H:%M"\n')
    refused = invoke("schema", "check", "wales-referral", "--mapping", wrong, "--against", tmp_path / "theirs.csv")
    assert refused.exit_code == ExitCode.BAD_SCHEMA, refused.output
    line = len(HEADERS) + 4  # NOTE: the date_format's own line
    assert refused.stderr.splitlines() == [
        f"Error: wrong.yaml:{line}: fields.referral_received.date_format: '%Y/%m/%d %H:%M' reads none of the values of "
        "column 'Date Received'"]
    right = tmp_path / "right.yaml"
    right.write_text(f'null_tokens: [NULL]\ndate_format: "%d.%m.%Y"\nfields:\n{columns}'
                     '  referral_received: {column: "Date Received", date_format: "%d.%m.%Y %H:%M"}\n')
    accepted = invoke("schema", "check", "wales-referral", "--mapping", right, "--against", tmp_path / "theirs.csv")
    assert accepted.exit_code == 0, accepted.output
    said = accepted.stdout.splitlines()
    assert any(line.startswith("right.yaml:2: date_format: '%d.%m.%Y' reads ") and line.endswith(" of column 'DOB'")
               for line in said), said
    assert any(line.startswith("right.yaml:") and "fields.referral_received.date_format: '%d.%m.%Y %H:%M' reads 3"
               in line and line.endswith(" of column 'Date Received'") for line in said), said
    assert SENTINEL not in accepted.output + refused.output


@pytest.mark.parametrize(("value", "code"), [
    ("M", "1"), ("f", "2"), ("U", "0"), ("Unknown", "0"), ("Not known", "0"), ("Indeterminate", "9"),
    ("male", "1"), ("X", None), ("Person", None),
])
def test_a_value_matches_one_label_of_the_gender_list_or_none(value: str, code: str | None) -> None:
    labels = load_schema().codes["gender"].codes
    matched = match_label(value, labels)
    assert (matched[0] if matched else None) == code


def test_an_initial_naming_two_labels_names_none() -> None:
    assert match_label("N", {"0": "Not known", "1": "No", "2": "Yes"}) is None
    assert match_label("Y", {"0": "Not known", "1": "No", "2": "Yes"}) == ("2", "Yes")


@pytest.mark.parametrize(("form", "written"), [
    ("99.99.9999", "%d.%m.%Y"), ("9.9.9999 99:99", "%d.%m.%Y %H:%M"), ("9999/99/99", "%Y/%m/%d"),
    ("99-AAA-9999", "%d-%b-%Y"), ("99 AAAAA 9999", "%d %B %Y"), ("99/99/9999", None), ("9999-99-99", None),
    ("AAAA", None),
])
def test_a_form_gives_the_date_format_that_reads_it(form: str, written: str | None) -> None:
    assert date_format_for(form) == written


def _draft(frame: pl.DataFrame) -> Draft:
    schema = load_schema()
    return draft_from_profile(profile_extract(frame, schema), schema)


def test_mistakes_in_a_column_mostly_in_the_list_are_left_to_fail_and_rare_placeholders_stay_mistakes() -> None:
    gender = ["1", "2"] * 45 + ["M"] * 6 + ["TBC"] * 4
    draft = _draft(pl.DataFrame({"referral_id": [f"R{n}" for n in range(100)], "gender": gender}))
    assert draft.values == {} and draft.unmatched_codes == () and draft.null_tokens == ()


def test_a_rare_value_that_is_a_whole_label_or_an_initial_is_drafted_and_a_rare_other_is_left_to_fail() -> None:
    """A rare value naming a label beyond doubt (``I``, 7 in 1,000: under the 1% cut) was left out of the draft."""
    gender = ["M"] * 500 + ["F"] * 470 + ["U"] * 13 + ["I"] * 7 + ["female"] * 5 + ["X"] * 3 + ["Mal"] * 2
    draft = _draft(pl.DataFrame({"referral_id": [f"R{n}" for n in range(len(gender))], "gender": gender}))
    assert {value: code for value, (code, _) in draft.values["gender"].items()} == {
        "M": "1", "F": "2", "U": "0", "I": "9", "female": "2"}
    assert draft.unmatched_codes == ()


def test_a_column_of_words_not_in_the_labels_is_left_to_map_by_hand() -> None:
    draft = _draft(pl.DataFrame({"gender": ["M", "F", "Boy", "Girl"] * 25, "closure_date": ["N/A"] * 100}))
    assert draft.values == {} and draft.unmatched_codes == ("gender",) and draft.null_tokens == ("N/A",)
    text = proposal_yaml(propose_mapping(["gender", "closure_date"], load_schema()), "x.csv", draft)
    assert "#   values: most are outside the code list" in text and "Boy" not in text
    assert yaml.safe_load(text)["fields"]["gender"] == {"column": "gender"}


def test_a_header_only_draft_when_the_rows_cannot_be_read(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("referral_id;team\nR1;Bridgend\nR2;\"Powys\n" + "R3;Gwynedd\n" * 20_000)
    result = invoke("map", path)
    assert result.exit_code == 0 and "drafted from the header only: the rows cannot be read" in result.stderr


def test_against_tries_the_schemas_own_mapping_at_its_line_in_the_schema(invoke: Invoke, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named relative to the current directory when under it
    _theirs(_records()).write_csv(tmp_path / "theirs.csv")
    columns = "".join(f'      {name}: {{column: "{header}"}}\n' for name, header in HEADERS.items()
                      if name != "date_of_birth")
    schema = tmp_path / "council.yaml"
    schema.write_text(f'name: council\nextends: wales-referral\nmapping:\n  null_tokens: [NULL]\n  fields:\n{columns}'
                      '      date_of_birth: {column: DOB, date_format: "%Y/%m/%d"}\n')
    refused = invoke("schema", "check", schema, "--against", tmp_path / "theirs.csv")
    assert refused.exit_code == ExitCode.BAD_SCHEMA
    assert refused.stderr.splitlines() == [
        f"Error: council.yaml:{len(HEADERS) + 5}: mapping.fields.date_of_birth.date_format: '%Y/%m/%d' reads none "
        "of the values of column 'DOB'"]


def test_a_read_option_without_against_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("schema", "check", "wales-referral", "--delimiter", ";")
    assert result.exit_code == ExitCode.USAGE and "--against EXTRACT" in result.stderr


def test_a_rare_value_that_is_a_long_whole_label_is_listed_and_drafted() -> None:
    """``Indeterminate`` is longer than a code looks, but it is the code list's own label, not a person's word."""
    gender = ["Male"] * 500 + ["Female"] * 480 + ["Unknown"] * 13 + ["Indeterminate"] * 7
    draft = _draft(pl.DataFrame({"referral_id": [f"R{n}" for n in range(len(gender))], "gender": gender}))
    assert draft.values["gender"]["Indeterminate"][0] == "9"
    assert draft.values["gender"]["Male"][0] == "1"
