"""Without an extra, each command that needs it says which to install, in one line, exit 2; the rest still run.

The CLI runs in a subprocess whose ``sitecustomize`` makes the named top-level modules unimportable,
as if they were never installed, so the real import paths are exercised, not a mock of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, SAMPLE_AS_OF

ABSENT = '''
import os
import sys

ABSENT = set(os.environ["REFCHECK_TEST_ABSENT"].split(","))


class NotInstalled:
    """Finds the absent modules first, and says they are not there: import them and ModuleNotFoundError."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled)
'''

EXTRAS = ("great_expectations", "pandera", "pandas", "sqlalchemy", "psycopg", "numpy", "scipy")
"""Every top-level module the extras install that refcheck could import."""


def _run(tmp_path: Path, absent: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(ABSENT)
    env = {**os.environ, "PYTHONPATH": str(site), "REFCHECK_TEST_ABSENT": ",".join(absent)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)


def _refcheck(tmp_path: Path, absent: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(tmp_path, absent, "-m", "refcheck.cli", *args)


def test_the_blocker_makes_a_module_absent(tmp_path: Path) -> None:
    """Guards the harness: an absent module cannot be imported, and polars still starts."""
    result = _run(tmp_path, ("numpy",), "-c", "import polars; import numpy")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("ModuleNotFoundError: No module named 'numpy'")


@pytest.mark.parametrize(("absent", "args", "line"), [
    (("great_expectations",), ("export", "gx"),
     "refcheck export gx needs Great Expectations: pip install 'refcheck[gx]'"),
    (("great_expectations",), ("check", "--engine", "gx", "--source", "sqlite:///warehouse.db", "--table", "referrals"),
     "the GX engine needs Great Expectations: pip install 'refcheck[gx]'"),
    (("sqlalchemy",), ("check", "--engine", "gx", "--source", "sqlite:///warehouse.db", "--table", "referrals"),
     "the GX engine needs SQLAlchemy: pip install 'refcheck[gx]'"),
    (("sqlalchemy",), ("check", "sqlite:///warehouse.db", "--table", "referrals"),
     "reading a database needs SQLAlchemy: pip install 'refcheck[database]'"),
    (("sqlalchemy",), ("scorecard", "sqlite:///warehouse.db", "--table", "referrals", "--out", "cards"),
     "reading a database needs SQLAlchemy: pip install 'refcheck[database]'"),
    (("sqlalchemy",), ("profile", "sqlite:///warehouse.db", "--table", "referrals"),
     "reading a database needs SQLAlchemy: pip install 'refcheck[database]'"),
    (("psycopg",), ("check", "postgresql://reader:s3cret@127.0.0.1:1/cs", "--table", "referrals"),
     "reading PostgreSQL needs psycopg: pip install 'refcheck[database]'"),
    (("numpy",), ("sample", "--rows", "10", "--out", "sample.csv"),
     "refcheck sample needs NumPy: pip install 'refcheck[sample]'"),
    (("duckdb_engine",), ("check", "--engine", "sql", "--source", "duckdb:///warehouse.duckdb", "--table", "referrals"),
     "check --engine sql on DuckDB needs duckdb-engine: pip install 'refcheck[duckdb]'"),
], ids=["export-gx", "check-engine-gx", "check-engine-gx-sqlalchemy", "check-sqlite", "scorecard-sqlite",
        "profile-sqlite", "check-postgresql", "sample", "check-engine-sql-duckdb"])
def test_a_command_names_the_extra_it_needs(tmp_path: Path, absent: tuple[str, ...], args: tuple[str, ...],
                                            line: str) -> None:
    result = _refcheck(tmp_path, absent, *args)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [f"Error: {line}"], "")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # nothing written


def test_export_pandera_needs_no_extra(tmp_path: Path) -> None:
    """The module is written as text; only running it needs pandera."""
    result = _refcheck(tmp_path, EXTRAS, "export", "pandera", "--out", "referral_schema.py")
    assert result.returncode == 0, result.stderr
    assert "import pandera.polars as pa" in (tmp_path / "referral_schema.py").read_text()


@pytest.mark.parametrize("command", ["check", "scorecard"])
def test_the_main_commands_run_without_any_extra(tmp_path: Path, command: str) -> None:
    args = ["--out", "cards"] if command == "scorecard" else []
    result = _refcheck(tmp_path, EXTRAS, command, str(SAMPLE), "--as-of", SAMPLE_AS_OF.isoformat(), *args)
    assert result.returncode == (1 if command == "check" else 0), result.stderr
    assert "Error" not in result.stderr


def test_the_sample_generator_names_its_extra_to_a_library_user(tmp_path: Path) -> None:
    code = ("from refcheck.checks.extras import MissingExtra\n"
            "try:\n    import refcheck.checks.synthetic.sample\n"
            "except MissingExtra as err:\n    print(err, err.extra.name)\n")
    result = _run(tmp_path, ("numpy",), "-c", code)
    assert result.stdout == "the synthetic sample needs NumPy: pip install 'refcheck[sample]' sample\n", result.stderr
