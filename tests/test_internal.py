"""refcheck's own column names can never be an extract's, whatever its headers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from refcheck.checks.internal import extract_column_name, internal, is_internal
from refcheck.checks.readers.extract import open_extract


@given(st.text(), st.lists(st.text(), max_size=3))
def test_an_internal_name_is_internal_and_an_extracts_column_never_is(what: str, of: list[str]) -> None:
    assert is_internal(internal(what, *of))
    assert not is_internal(extract_column_name(what))


def test_internal_names_of_different_things_differ() -> None:
    names = [internal("team"), internal("key", "a.valid"), internal("days", "a.valid"), internal("present", "team"),
             internal("text", "team"), internal("carry", "team")]
    assert len(set(names)) == len(names)


def test_a_column_name_with_a_nul_is_read_as_an_extracts_column(tmp_path: Path) -> None:
    path = tmp_path / "extract.parquet"
    pl.DataFrame({"team": ["Alpha"], internal("line"): ["1"], "a\x00b": ["2"]}).write_parquet(path)
    extract = open_extract(path)
    try:
        assert list(extract.columns) == ["team", "\u2400line", "a\u2400b"]
        assert not any(is_internal(name) for name in extract.columns)
        assert extract.frame.collect().columns == list(extract.columns)
    finally:
        extract.close()
