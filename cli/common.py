"""What every command shares: the one-line errors and their exit codes, safe writes, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from refcheck.cli.exit_codes import ExitCode
from refcheck.reports.files import write_atomically
from refcheck.reports.history import HistoryError
from refcheck.schemas import RefcheckError, SchemaError
from refcheck.schemas.yamldoc import printable


class BadSchema(click.ClickException):
    """An invalid schema: one line on stderr, exit 3."""

    exit_code = ExitCode.BAD_SCHEMA


class BadExtract(click.ClickException):
    """An unreadable or unusable extract: one line on stderr, exit 4."""

    exit_code = ExitCode.BAD_EXTRACT


class BadOutput(click.ClickException):
    """An output or history file that cannot be written or read: one line on stderr, exit 2."""

    exit_code = ExitCode.USAGE


def fail(err: RefcheckError) -> click.ClickException:
    """The click error for a library error: one line, the right exit code."""
    message = printable(str(err))  # one line, whatever a file name or a key held
    if isinstance(err, SchemaError):
        return BadSchema(message)
    if isinstance(err, HistoryError):
        return BadOutput(message)
    return BadExtract(message)


def write(path: Path, content: str | bytes) -> None:
    """Write a whole output file, or fail with exit 2 naming it."""
    try:
        write_atomically(path, content)
    except OSError as err:
        raise BadOutput(f"{path}: cannot be written ({err.strerror})") from None


class AsOfDate(click.ParamType):  # type: ignore[type-arg] # NOTE: generic only in newer click stubs
    """A date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """Parse the date or fail with a usage error."""
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)
