"""Every rule kind, tested by tables of rows that pass, fail and are not applicable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from refcheck.checks import KINDS
from refcheck.checks.catalogue import CASES_DIR
from refcheck.checks.catalogue import evaluate as run_kind
from refcheck.schemas import FieldType


def _specs() -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, yaml.safe_load(path.read_text())) for path in sorted(CASES_DIR.glob("*.yml"))]


def _cases() -> list[Any]:
    return [
        pytest.param(spec, name, case, id=f"{stem}-{name}")
        for stem, spec in _specs()
        for name, case in spec["cases"].items()
    ]


def evaluate(kind: str, params: dict[str, Any], fields: dict[str, str], rows: list[dict[str, Any]],
             as_of: dt.date) -> list[str]:
    """Run one kind over raw text rows through the real reading path; pass/fail/n/a per row."""
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in params.items()}
    types = {name: FieldType(type_name) for name, type_name in fields.items()}
    return run_kind(KINDS[kind](**values), types, rows, as_of)


@pytest.mark.parametrize(("spec", "name", "case"), _cases())
def test_rule_case(spec: dict[str, Any], name: str, case: dict[str, Any]) -> None:
    params = {**spec["params"], **case.get("params", {})}
    as_of = case.get("as_of", spec.get("as_of", dt.date(2025, 6, 30)))
    outcomes = evaluate(spec["kind"], params, case.get("fields", spec["fields"]), case["rows"], as_of)
    assert outcomes == case["expect"], name


def test_every_kind_has_cases_that_pass_fail_and_do_not_apply() -> None:
    seen: dict[str, set[str]] = {}
    for _stem, spec in _specs():
        for case in spec["cases"].values():
            seen.setdefault(spec["kind"], set()).update(case["expect"])
    assert set(seen) == set(KINDS)
    for kind, outcomes in seen.items():
        assert {"pass", "fail"} <= outcomes, kind
        if kind != "required":  # required applies to every row, so it is never n/a
            assert "n/a" in outcomes, kind
