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


@pytest.fixture
def invoke() -> Invoke:
    """Run ``refcheck ARGS`` in-process, keeping stdout and stderr apart."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)

    return run
