"""Hostile extracts: whatever the bytes, only documented exit codes and never a traceback."""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.cli import cli
from refcheck.schemas import load_schema

FIELDS = list(load_schema("wales-referral").fields)
EDGE_VALUES = [
    "", " ", "\t", "NA", "NULL", "=1+2", "-", "0", "00/00/0000", "31/02/2025", "2025-02-29", "0201-01-01",
    "2025-04-17T25:61:00", "9999-12-31", "1/1/25", "45762", "R1", "R1 ", "ÿ", "日本", '"', '""', "a\nb",
    "S47", "s47", " 1A ", "943 476 5919", "CF10 1AA", "x" * 2000,
]
# NOTE: derandomized, so that CI runs exactly the examples a developer ran (and no slow surprise shrinking).
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _run(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(path), "--as-of", "2025-06-30", "--json", "-"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_bytes(data)
        code, _ = _run(path)
        assert code in (0, 1, 4)


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(EDGE_VALUES) | st.text(string.printable, max_size=12),
                         min_size=len(FIELDS), max_size=len(FIELDS)), max_size=30))
def test_valid_looking_csvs_full_of_edge_values_are_accounted_for(rows: list[list[str]]) -> None:
    import csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            writer.writerows(rows)
        code, stdout = _run(path)
        assert code in (0, 1), stdout
        source = json.loads(stdout)["source"]
        assert source["rows_read"] == source["rows_checked"] + source["rows_unreadable"]
        non_blank = [row for row in rows if any(value.strip() for value in row)]
        assert source["rows_read"] >= len(non_blank)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from([*FIELDS, "nonsense", ""]),
        st.fixed_dictionaries({}, optional={
            "column": st.sampled_from([*FIELDS, "Missing", "", "x" * 300]),
            "values": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
            "date_format": st.sampled_from(["%d.%m.%Y", "%Y", "dd/mm", "%Q", ""]),
        }),
        max_size=5,
    ),
    st.lists(st.sampled_from(["NULL", "NA", "", " ", "1"]), max_size=3),
)
def test_random_mappings_give_only_documented_exit_codes(fields: dict, tokens: list[str]) -> None:  # type: ignore[type-arg]
    import yaml

    from tests.test_extract_errors import HEADER, ROW

    with tempfile.TemporaryDirectory() as folder:
        extract = Path(folder) / "extract.csv"
        extract.write_text(HEADER + "\n" + ROW + "\n" + ROW.replace("R1,", "R2,", 1) + "\n")
        mapping = Path(folder) / "mapping.yaml"
        mapping.write_text(yaml.safe_dump({"fields": fields, "null_tokens": tokens}))
        result = CliRunner().invoke(cli, ["check", str(extract), "--mapping", str(mapping), "--json", "-"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 3, 4), result.output
        if result.exit_code in (0, 1):
            source = json.loads(result.stdout)["source"]
            assert source["rows_read"] == source["rows_checked"] + source["rows_unreadable"] == 2
        else:
            assert len(result.stderr.splitlines()) == 1
