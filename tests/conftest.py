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


@pytest.fixture(scope="session")
def postgres_uri() -> str:
    """A PostgreSQL server to test against: REFCHECK_TEST_POSTGRES, or one started by .ci/postgres.sh."""
    import os
    import subprocess

    if os.environ.get("REFCHECK_TEST_POSTGRES"):
        return os.environ["REFCHECK_TEST_POSTGRES"]
    script = Path(__file__).resolve().parents[1] / ".ci" / "postgres.sh"
    try:
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"no PostgreSQL server could be started ({err})")
    exports = [line for line in done.stdout.splitlines() if line.startswith("export REFCHECK_TEST_POSTGRES=")]
    if done.returncode != 0 or not exports:
        reason = (done.stderr.strip().splitlines() or ["unknown reason"])[-1]
        pytest.skip(f"no PostgreSQL server could be started: {reason}")
    return exports[0].split("=", 1)[1]
