"""The wheel holds every subpackage and the bundled schemas, and layers import one way."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP_FOLDERS = {"checks": "refcheck.checks", "schemas": "refcheck.schemas",
               "reports": "refcheck.reports", "cli": "refcheck.cli"}
LAYERS = ["schemas", "checks", "reports", "cli"]  # each may import only those before it


def _config() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(_config()["tool"]["setuptools"]["packages"])
    found = set()
    for folder, package in TOP_FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *relative)))
    assert found == listed


def test_package_dirs_map_the_top_level_folders() -> None:
    assert _config()["tool"]["setuptools"]["package-dir"] == {v: k for k, v in TOP_FOLDERS.items()}


def test_bundled_schemas_are_installed() -> None:
    from refcheck.schemas import bundled_schemas

    assert {"wales-referral", "england-referral"} <= set(bundled_schemas())


def test_rule_cases_ship_with_the_package() -> None:
    """``refcheck rules`` takes its examples from them, installed or not."""
    from refcheck.checks import KINDS
    from refcheck.checks.catalogue import rule_cases

    assert set(rule_cases()) == set(KINDS)


@pytest.mark.parametrize("folder", LAYERS)
def test_layers_import_one_way(folder: str) -> None:
    allowed = {f"refcheck.{name}" for name in LAYERS[: LAYERS.index(folder) + 1]}
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("refcheck."):
                    assert ".".join(name.split(".")[:2]) in allowed, f"{path.name} imports {name}"
                if name == "click" or name.startswith("click."):
                    assert folder == "cli", f"{path.name} imports click"


def test_check_path_does_not_import_the_extras() -> None:
    """The extras' libraries load only when a command needs them, so an install without them starts."""
    import subprocess
    import sys

    code = (
        "import sys, refcheck.cli.main, refcheck.checks, refcheck.reports; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pandera', 'great_expectations', 'pandas', 'sqlalchemy', 'psycopg', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_pip_install_refcheck_is_the_nightly_job_alone() -> None:
    """Interop engines, database drivers and NumPy are extras; the test extra installs them all."""
    project = _config()["project"]
    core = {re.split(r"[<>=!~\[ ]", requirement)[0].lower() for requirement in project["dependencies"]}
    assert core == {"polars", "click", "holidays", "pyyaml", "jinja2", "xlsxwriter", "isal", "fastexcel"}
    extras = project["optional-dependencies"]
    others = sorted(set(extras) - {"all", "test"})
    assert others == ["database", "duckdb", "gx", "pandera", "sample"]
    assert extras["all"] == [f"refcheck[{','.join(sorted(others, key=list(extras).index))}]"]
    assert "refcheck[all]" in extras["test"]


def test_every_extra_a_message_names_is_one_pip_knows() -> None:
    from refcheck.checks.extras import DATABASE, DUCKDB, GX, SAMPLE

    extras = _config()["project"]["optional-dependencies"]
    for extra in (GX, DATABASE, SAMPLE, DUCKDB):
        installed = " ".join(extras[extra.name]).lower().replace("-", "_")
        assert all(module in installed for module in extra.libraries), extra.name
