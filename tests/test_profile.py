"""refcheck profile: counts that agree with the engine, foreign headers, and no personal values by default."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from refcheck.checks import validate
from refcheck.checks.profile import profile_extract
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE, SAMPLE_AS_OF, Invoke


def test_counts_agree_with_a_plain_read_and_with_the_engine() -> None:
    schema = load_schema("wales-referral")
    found = profile_extract(SAMPLE, schema)
    raw = pl.read_csv(SAMPLE, infer_schema=False)
    report = validate(SAMPLE, schema, as_of=SAMPLE_AS_OF)
    failed = {result.rule.id: result.failed for result in report.results}
    assert found.rows == raw.height and found.rows_unreadable == 0 and not found.missing_fields
    assert [column.column for column in found.columns] == raw.columns
    for column in found.columns:
        values = raw[column.column].str.strip_chars()
        present = values.filter(values != "")
        assert (column.present, column.distinct) == (present.len(), present.n_unique()), column.column
        assert (column.shortest, column.longest) == (present.str.len_chars().min(), present.str.len_chars().max())
        field = schema.fields[column.column]
        if field.codes:
            assert column.outside_count == failed[f"{field.name}.valid"], field.name
            assert sum(count for _, count in column.outside) + column.outside_hidden == column.outside_count
        if field.type.is_parsed:
            assert column.unreadable == failed[f"{field.name}.type"], field.name
        if field.type.is_temporal:
            assert sum(count for _, count in column.forms) <= column.present
    gender = next(column for column in found.columns if column.column == "gender")
    counts = dict(gender.top)
    assert counts["1"] == int((raw["gender"].str.strip_chars() == "1").sum())
    assert [count for _, count in gender.top] == sorted((count for _, count in gender.top), reverse=True)


def test_foreign_headers_are_matched_as_map_proposes_and_a_mapping_translates_codes(tmp_path: Path,
                                                                                    invoke: Invoke) -> None:
    frame = generate(300, seed=4, as_of=SAMPLE_AS_OF).rename({"gender": "Sex", "date_of_birth": "DOB",
                                                              "team": "Team Name"})
    frame = frame.with_columns(Sex=pl.col("Sex").replace({"1": "Male", "2": "Female"}))
    frame.write_csv(tmp_path / "theirs.csv")
    guessed = profile_extract(tmp_path / "theirs.csv", load_schema())
    assert guessed.proposed
    by_column = {column.column: column for column in guessed.columns}
    assert (by_column["Sex"].field, by_column["Sex"].matched) == ("gender", "synonym")
    assert dict(by_column["Sex"].outside)["Male"] > 0  # not yet translated: outside the list
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text('fields:\n  gender: {column: Sex, values: {Male: "1", Female: "2"}}\n'
                       '  date_of_birth: {column: DOB}\n  team: {column: Team Name}\n')
    result = invoke("profile", tmp_path / "theirs.csv", "--mapping", mapping, "--json", tmp_path / "p.json")
    assert result.exit_code == ExitCode.PASSED, result.output
    document = json.loads((tmp_path / "p.json").read_text())
    assert not document["proposed"]
    sex = next(column for column in document["columns"] if column["column"] == "Sex")
    assert "Male" not in {item["value"] for item in sex["outside"]}
    assert {item["value"] for item in sex["top"]} >= {"Male", "Female"}  # the source's own values, for mapping


def test_no_personal_or_free_text_value_appears_unless_asked(tmp_path: Path, invoke: Invoke) -> None:
    frame = generate(200, seed=5, as_of=SAMPLE_AS_OF).with_columns(
        referral_reason=pl.lit("SENTINEL free text about a child"), postcode=pl.lit("SENTINEL"),
        child_id=pl.lit("SENTINEL-ID"), date_of_birth=pl.lit("2011-02-03"), child_name=pl.lit("SENTINEL-NAME"),
        worker_id=pl.lit("SENTINEL-WORKER"),
    )
    frame.write_csv(tmp_path / "extract.csv")
    result = invoke("profile", tmp_path / "extract.csv", "--html", tmp_path / "p.html", "--json", tmp_path / "p.json")
    assert result.exit_code == 0
    for text in (result.output, (tmp_path / "p.html").read_text(), (tmp_path / "p.json").read_text()):
        assert "SENTINEL" not in text and "2011-02-03" not in text
    shown = invoke("profile", tmp_path / "extract.csv", "--show-values")
    assert "SENTINEL-NAME" in shown.output and "2011-02-03" in shown.output


def test_html_is_escaped_and_self_contained(tmp_path: Path, invoke: Invoke) -> None:
    frame = generate(50, seed=6, as_of=SAMPLE_AS_OF).with_columns(
        team=pl.lit("<script>alert(1)</script>"), **{"<img src=x>": pl.lit("1")})
    frame.write_csv(tmp_path / "extract.csv")
    assert invoke("profile", tmp_path / "extract.csv", "--html", tmp_path / "p.html").exit_code == 0
    html = (tmp_path / "p.html").read_text()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x&gt;" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_every_row_is_counted_and_bad_input_is_one_line(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "ragged.csv"
    frame = generate(20, seed=7, as_of=SAMPLE_AS_OF)
    frame.write_csv(path)
    with path.open("a") as stream:
        stream.write("R9,too,few\n")
    found = profile_extract(path, load_schema())
    assert (found.rows, found.rows_unreadable) == (20, 1)
    assert "21 rows read: 20 profiled, 1 unreadable" in invoke("profile", path).output
    missing = invoke("profile", tmp_path / "nope.csv")
    assert missing.exit_code == ExitCode.BAD_EXTRACT
    assert missing.stderr.strip() == f"Error: {tmp_path / 'nope.csv'}: no such file"
    bad_schema = invoke("profile", path, "--schema", tmp_path / "missing.yaml")
    assert bad_schema.exit_code == ExitCode.BAD_SCHEMA and "Traceback" not in bad_schema.output


@pytest.mark.parametrize("flag", ["--json", "--html"])
def test_unwritable_output_is_a_usage_error(tmp_path: Path, invoke: Invoke, flag: str) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    result = invoke("profile", SAMPLE, flag, blocked / "x")
    assert result.exit_code == ExitCode.USAGE and result.stderr.startswith(f"Error: {blocked / 'x'}: cannot be written")


def test_the_standard_marks_its_personal_fields_and_extensions_inherit_them() -> None:
    personal = {name for name, field in load_schema("wales-referral").fields.items() if field.personal}
    assert personal == {"child_id", "nhs_number", "date_of_birth", "expected_date_of_birth", "postcode",
                        "referral_reason"}
    assert {name for name, field in load_schema("england-referral").fields.items() if field.personal} == personal


def test_placeholders_and_unreadable_words_show_but_unreadable_dates_only_by_form(tmp_path: Path) -> None:
    frame = generate(120, seed=8, as_of=SAMPLE_AS_OF)
    row = pl.int_range(0, pl.len())
    frame = frame.with_columns(
        worker_id=pl.when(row < 5).then(pl.lit("NULL")).otherwise(pl.lit("W-SECRET")),
        date_of_birth=pl.when(row < 3).then(pl.lit("TBC")).when(row < 5).then(pl.lit("31/02/2011"))
        .otherwise(pl.col("date_of_birth")),
    )
    frame.write_csv(tmp_path / "extract.csv")
    columns = {column.column: column for column in profile_extract(tmp_path / "extract.csv", load_schema()).columns}
    worker, birth = columns["worker_id"], columns["date_of_birth"]
    assert worker.placeholders == (("NULL", 5),) and worker.top == ()
    assert dict(birth.unreadable_words)["TBC"] == 3
    assert dict(birth.unreadable_forms)["99/99/9999"] >= 2
    assert "31/02/2011" not in json.dumps([list(value) for value in birth.unreadable_forms + birth.unreadable_words])


def test_fuzzed_bytes_never_crash_profile(tmp_path: Path, invoke: Invoke) -> None:
    import random

    rng = random.Random(11)
    header = ",".join(load_schema().fields) + "\n"
    for case in range(30):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        path = tmp_path / f"fuzz{case}.csv"
        path.write_bytes(header.encode() + body)
        result = invoke("profile", path)
        assert result.exit_code in (ExitCode.PASSED, ExitCode.BAD_EXTRACT), (case, result.output)
        assert "Traceback" not in result.output
        if result.exit_code == ExitCode.BAD_EXTRACT:
            assert len(result.stderr.strip().splitlines()) == 1


def test_a_name_in_a_date_column_shows_only_by_its_form(tmp_path: Path) -> None:
    frame = generate(60, seed=9, as_of=SAMPLE_AS_OF)
    frame = frame.with_columns(date_of_birth=pl.when(pl.int_range(0, pl.len()) < 4).then(pl.lit("Gwenllian"))
                               .otherwise(pl.col("date_of_birth")))
    frame.write_csv(tmp_path / "extract.csv")
    birth = {c.column: c for c in profile_extract(tmp_path / "extract.csv", load_schema()).columns}["date_of_birth"]
    assert "Gwenllian" not in json.dumps([list(value) for value in birth.unreadable_words + birth.unreadable_forms])
    assert dict(birth.unreadable_forms)["AAAAAAAAA"] == 4
    asked = profile_extract(tmp_path / "extract.csv", load_schema(), show_values=True)
    assert dict({c.column: c for c in asked.columns}["date_of_birth"].unreadable_words)["Gwenllian"] == 4


def test_a_code_column_holding_names_shows_none_of_them(tmp_path: Path) -> None:
    frame = generate(400, seed=10, as_of=SAMPLE_AS_OF)
    frame = frame.with_columns(gender=pl.format("Name{}", pl.int_range(0, pl.len())))  # a mapping mistake
    frame.write_csv(tmp_path / "extract.csv")
    gender = {c.column: c for c in profile_extract(tmp_path / "extract.csv", load_schema()).columns}["gender"]
    assert gender.distinct == 400 and not gender.values_shown
    assert gender.top == () and gender.outside == () and gender.outside_count == 400
