"""refcheck profile under hostile values: no personal value shows, in any script, in any output.

Sentinel names and dates written in many scripts (and with marks, emoji, symbols and control
characters) are put in personal fields, in date fields and typed into code fields; every output of
``profile`` (terminal, HTML, JSON) must carry none of them, nor any character of theirs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.checks.profile import profile_extract, shape
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import ExitCode
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE_AS_OF, Invoke

SENTINELS = (
    "Ζωή Παπαδοπούλου", "Иван Петров", "محمد علي", "王小明", "김민준", "דוד כהן", "สมชาย", "Zoë Ångström",
    "Zoe\u0308 Jo\u0301se\u0301", "١٢/٠٣/٢٠١١", "१२/०३/२०११", "１２/０３/２０１１", "𝟏𝟐/𝟎𝟑/𝟐𝟎𝟏𝟏", "Ⅻ/Ⅲ/ⅯⅯⅪ",
    "①②/③④", "👶🏽 Sentinelbaby", "\u202eLENITNES", "\x1b]0;Sentineltitle\x07", "ＳＥＮＴＩＮＥＬ", "𝐒𝐞𝐧𝐭𝐢𝐧𝐞𝐥",
    "SENTINEL-NAME-LONG", "Jo Sentinel", "Sentinel\u200dZwj", "™℠©®", "Ⓢⓔⓝⓣⓘⓝⓔⓛ", "12/03/2011",
)
"""Values that must never come out: names and dates in many scripts, marks, emoji, symbols, controls."""
OUTPUT_ALPHABET = re.compile(r"^[9A !-/:-@\[-`{-~]*$")


def _words(text: str) -> set[str]:
    """The letter runs and dates of a text, folded (NFKC, lower case) so that look-alikes compare equal."""
    folded = unicodedata.normalize("NFKC", "".join(ch for ch in unicodedata.normalize("NFD", text)
                                                    if not unicodedata.category(ch).startswith("M"))).lower()
    return set(re.findall(r"[^\W\d_]{3,}|\d+/\d+/\d+", folded))


def _hostile_extract(tmp_path: Path, rows: int = 260) -> Path:
    """A generated extract whose personal, date and code fields hold the sentinels, each several times."""
    frame = generate(rows, seed=21, as_of=SAMPLE_AS_OF)
    sentinel = pl.Series(SENTINELS)
    row = pl.int_range(0, pl.len())
    pick = sentinel.gather([(index // 2) % len(SENTINELS) for index in range(rows)])
    hostile = row % 2 == 0  # NOTE: half the rows, so that each sentinel is among the most common values
    frame = frame.with_columns(pick.alias("s")).with_columns(
        **{name: pl.when(hostile).then(pl.col("s")).otherwise(pl.col(name))
           for name in ("date_of_birth", "gender", "ethnicity", "referral_received", "child_id", "postcode",
                        "referral_reason", "worker_id")},
    ).drop("s")
    path = tmp_path / "hostile.csv"
    frame.write_csv(path)
    return path


def _outputs(invoke: Invoke, extract: Path, out: Path, *options: str | Path) -> list[str]:
    result = invoke("profile", extract, *options, "--html", out / "p.html", "--json", out / "p.json")
    assert result.exit_code == ExitCode.PASSED, result.output
    piped = invoke("profile", extract, *options, "--json", "-")
    return [result.output, result.stderr, (out / "p.html").read_text(), (out / "p.json").read_text(),
            piped.stdout, piped.stderr]


def _assert_no_sentinel(outputs: list[str], baseline: list[str]) -> None:
    """No word or date of a sentinel that the clean extract's profile lacks, nor any character of one."""
    forbidden = set().union(*(_words(sentinel) for sentinel in SENTINELS)) - set().union(*map(_words, baseline))
    characters = {ch for output in baseline for ch in output if not ch.isascii()}
    for output in outputs:
        assert not forbidden & _words(output)
        assert "sentinel" not in unicodedata.normalize("NFKC", output).lower()
        assert {ch for ch in output if not ch.isascii()} <= characters


def test_no_hostile_value_in_any_script_comes_out_of_any_output(tmp_path: Path, invoke: Invoke) -> None:
    clean = tmp_path / "clean.csv"
    generate(260, seed=21, as_of=SAMPLE_AS_OF).write_csv(clean)
    baseline = _outputs(invoke, clean, tmp_path)
    _assert_no_sentinel(_outputs(invoke, _hostile_extract(tmp_path), tmp_path), baseline)


def test_names_in_a_code_field_are_counted_not_listed_and_codes_still_are(tmp_path: Path) -> None:
    columns = {column.column: column for column in profile_extract(_hostile_extract(tmp_path), load_schema()).columns}
    gender = columns["gender"]
    assert (gender.outside_count, gender.outside_hidden, gender.outside) == (130, 130, ())  # none looks like a code
    assert all(re.fullmatch(r"[A-Za-z0-9._-]{1,12}", value) for value, _ in gender.top), gender.top
    assert {"1", "2"} <= {value for value, _ in gender.top}  # the code list's own codes still show


def test_a_personal_code_field_lists_nothing_but_counts(tmp_path: Path, invoke: Invoke) -> None:
    schema = tmp_path / "council.yaml"
    schema.write_text("name: council\nversion: 1\nextends: wales-referral\nfields:\n  gender: {personal: true}\n")
    frame = generate(40, seed=22, as_of=SAMPLE_AS_OF).with_columns(gender=pl.lit("X9"))
    frame.write_csv(tmp_path / "extract.csv")
    gender = next(column for column in profile_extract(tmp_path / "extract.csv", load_schema(schema)).columns
                  if column.column == "gender")
    assert (gender.outside_count, gender.outside, gender.top) == (40, (), ())
    result = invoke("profile", tmp_path / "extract.csv", "--schema", schema)
    assert "X9" not in result.output and "40 values outside the code list" in result.output


def test_show_values_still_shows_every_value_as_written(tmp_path: Path) -> None:
    found = profile_extract(_hostile_extract(tmp_path), load_schema(), show_values=True, top=50)
    gender = next(column for column in found.columns if column.column == "gender")
    listed = {unicodedata.normalize("NFC", value) for value, _ in gender.outside}
    assert listed == {unicodedata.normalize("NFC", value) for value in SENTINELS}


@pytest.mark.parametrize("value", SENTINELS)
def test_a_date_of_birth_in_any_script_is_shown_only_by_its_shape(tmp_path: Path, value: str) -> None:
    frame = generate(20, seed=23, as_of=SAMPLE_AS_OF).with_columns(date_of_birth=pl.lit(value))
    frame.write_csv(tmp_path / "extract.csv")
    birth = next(column for column in profile_extract(tmp_path / "extract.csv", load_schema()).columns
                 if column.column == "date_of_birth")
    shown = json.dumps([birth.forms, birth.unreadable_forms, birth.unreadable_words, birth.earliest, birth.latest],
                       ensure_ascii=False)
    assert all(OUTPUT_ALPHABET.match(form) for form, _ in birth.forms + birth.unreadable_forms), shown
    assert not _words(value) & _words(shown) and birth.unreadable_words == ()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_shape_is_written_in_nine_a_space_and_ascii_punctuation_only(value: str) -> None:
    [form] = pl.select(shape(pl.lit(value, dtype=pl.String))).to_series().to_list()
    assert OUTPUT_ALPHABET.match(form), repr(form)
