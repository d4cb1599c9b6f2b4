"""Every rule kind, tested by tables of rows that pass, fail and are not applicable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from refcheck.checks import KINDS
from refcheck.checks.catalogue import CASES_DIR, evaluate, kind_for, related_for, types_for


def _specs() -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, yaml.safe_load(path.read_text())) for path in sorted(CASES_DIR.glob("*.yml"))]


def _cases() -> list[Any]:
    return [
        pytest.param(spec, name, case, id=f"{stem}-{name}")
        for stem, spec in _specs()
        for name, case in spec["cases"].items()
    ]


@pytest.mark.parametrize(("spec", "name", "case"), _cases())
def test_rule_case(spec: dict[str, Any], name: str, case: dict[str, Any]) -> None:
    as_of = case.get("as_of", spec.get("as_of", dt.date(2025, 6, 30)))
    outcomes = evaluate(kind_for(spec, case), types_for(spec, case), case["rows"], as_of,
                        related=related_for(spec, case))
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
