"""refcheck init: a council folder that is valid at once, whose commented examples are valid too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from refcheck.schemas import load_schema
from tests.conftest import SAMPLE, Invoke

RENAMED = {"referral_id": "Referral Ref", "child_id": "Person ID", "date_of_birth": "DOB", "team": "Team Name",
           "referral_received": "Contact Date", "decision_date": "Decision Date"}


def _uncomment(text: str, block: str | None) -> str:
    """Uncomment one numbered example block (or all of them) of a scaffolded schema."""
    out, inside = [], False
    for line in text.splitlines():
        heading = re.match(r"# (\d)\. ", line)
        if heading:
            inside = block is None or block in line[:12] or (block in "34" and "3. A changed timescale" in line)
            out.append(line)
            continue
        if inside and line.startswith("# "):
            out.append(line[2:])
        else:
            inside = inside and line != ""
            out.append(line)
    return "\n".join(out) + "\n"


def test_init_from_an_extract_with_other_headers_runs_at_once(invoke: Invoke, tmp_path: Path) -> None:
    extract = tmp_path / "export.csv"
    pl.read_csv(SAMPLE, infer_schema=False).rename(RENAMED).write_csv(extract)
    folder = tmp_path / "Bridgend Council"
    result = invoke("init", "--from", extract, "--dir", folder)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir()) == ["README.md", "mapping.yaml", "schema.yaml"]
    assert invoke("schema", "check", folder / "schema.yaml").exit_code == 0
    assert load_schema(folder / "schema.yaml").name == "bridgend-council"
    readme = (folder / "README.md").read_text()
    assert f"refcheck scorecard {extract} --schema schema.yaml --mapping mapping.yaml" in readme
    mapped = invoke("check", extract, "--schema", folder / "schema.yaml", "--mapping", folder / "mapping.yaml",
                    "--as-of", "2026-11-20", "--json", tmp_path / "mapped.json")
    plain = invoke("check", SAMPLE, "--as-of", "2026-11-20", "--json", tmp_path / "plain.json")
    assert mapped.exit_code == plain.exit_code == 1
    counts = [[(rule["id"], rule["checked"], rule["failed"]) for rule in json.loads((tmp_path / name).read_text())
               ["rules"]] for name in ("mapped.json", "plain.json")]
    assert counts[0] == counts[1]


@pytest.mark.parametrize("block", ["1", "2", "3", "4", None])
def test_each_commented_example_is_valid_when_uncommented(invoke: Invoke, tmp_path: Path, block: str | None) -> None:
    assert invoke("init", "--dir", tmp_path).exit_code == 0
    schema_file = tmp_path / "schema.yaml"
    edited = _uncomment(schema_file.read_text(), block)
    assert edited != schema_file.read_text()
    schema_file.write_text(edited)
    result = invoke("schema", "check", schema_file)
    assert result.exit_code == 0, (block, result.output, edited)
    schema = load_schema(schema_file)
    ids = {rule.id for rule in schema.rules}
    if block in ("1", None):
        assert "X1" in schema.codes["referral_source"].codes
    if block in ("2", None):
        assert "decision_outcome.required" in ids
    if block in ("3", "4", None):
        assert {"local.strategy_within_1_day", "local.strategy_after_s47"} <= ids
    assert invoke("check", SAMPLE, "--schema", schema_file, "--as-of", "2026-11-20").exit_code == 1


def test_init_never_overwrites_without_force(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("init", "--dir", tmp_path, "--extends", "england-referral").exit_code == 0
    assert "extends: england-referral" in (tmp_path / "schema.yaml").read_text()
    assert not (tmp_path / "mapping.yaml").exists()
    again = invoke("init", "--dir", tmp_path)
    assert again.exit_code == 2
    assert again.stderr == f"Error: {tmp_path / 'schema.yaml'}: exists; use --force to overwrite\n"
    assert invoke("init", "--dir", tmp_path, "--force").exit_code == 0


def test_init_extending_a_schema_file_writes_a_path_relative_to_the_new_schema(invoke: Invoke,
                                                                                tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "region.yaml").write_text("name: region\nversion: 1\nextends: wales-referral\n")
    folder = tmp_path / "council"
    assert invoke("init", "--dir", folder, "--extends", tmp_path / "shared" / "region.yaml").exit_code == 0
    assert "extends: ../shared/region.yaml" in (folder / "schema.yaml").read_text()
    assert invoke("schema", "check", folder / "schema.yaml").exit_code == 0


def test_init_from_a_missing_extract_is_one_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", "--dir", tmp_path, "--from", tmp_path / "nope.csv")
    assert result.exit_code == 4
    assert len(result.stderr.splitlines()) == 1 and "nope.csv" in result.stderr
    assert not (tmp_path / "schema.yaml").exists()
