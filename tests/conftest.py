"""Shared fixtures: a small generated extract, and running the CLI as a user would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refcheck.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "referrals.csv"
SAMPLE_AS_OF = dt.date(2026, 11, 20)

Invoke = Callable[..., Result]
GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME; ``--update-golden`` rewrites it on purpose."""
    update = request.config.getoption("--update-golden")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(actual)
        assert actual == path.read_text(), f"{name} changed; rerun with --update-golden if that was intended"

    return check


@pytest.fixture
def invoke() -> Invoke:
    """Run ``refcheck ARGS`` in-process, keeping stdout and stderr apart."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)

    return run
