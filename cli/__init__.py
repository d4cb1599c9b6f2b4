"""The click command line: a thin layer over ``refcheck.checks`` and ``refcheck.reports``."""

from refcheck.cli.exit_codes import ExitCode
from refcheck.cli.main import cli, main

__all__ = ["ExitCode", "cli", "main"]
