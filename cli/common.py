"""What every command shares: the one-line errors and their exit codes, safe writes, dates."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from refcheck.checks import Report
from refcheck.checks.extras import MissingExtra
from refcheck.checks.readers.record_sources import SourceChoiceError
from refcheck.checks.readers.uri import display, is_uri
from refcheck.cli.exit_codes import ExitCode
from refcheck.reports.files import OWNER_ONLY, Content, Modes, write_output
from refcheck.reports.history import HistoryError
from refcheck.schemas import RefcheckError, SchemaError, SchemaErrors, Severity
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


class AmbiguousSource(click.ClickException):
    """A folder, workbook or database whose parts cannot be matched to record types: one line, exit 2."""

    exit_code = ExitCode.USAGE


class MissingLibrary(click.ClickException):
    """A command needs a library this install left out: one line naming the extra to install, exit 2."""

    exit_code = ExitCode.USAGE


FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
"""``--fail-on``: the lowest severity whose failures make the exit code 1."""



@dataclass(frozen=True, slots=True)
class Gate:
    """What makes the exit code 1: a rule failed at or above ``fail_on``; with ``strict``, a readability warning too."""

    fail_on: Severity | None
    strict: bool = False

    def passed(self, report: Report) -> bool:
        """Whether the run passes this gate."""
        return report.passed(self.fail_on, strict=self.strict)


def gate_options(default: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--fail-on`` (``default`` when not given) and ``--strict``, handed to the command as one ``Gate``, ``gate``."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_gate(**params: Any) -> None:
            command(gate=Gate(FAIL_ON[params.pop("fail_on")], params.pop("strict")), **params)

        strict = click.option(
            "--strict", is_flag=True,
            help="Exit 1 also when a field's values mostly could not be read (a readability warning), so that "
                 "figures resting on partial data fail the gate. Recommended for gates.")
        fail_on = click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default=default, show_default=True,
                               help="The lowest severity whose failures make the exit code 1.")
        return fail_on(strict(with_gate))

    return decorate


def use_color() -> bool:
    """Colour only for a person at a terminal that has it, and never against ``NO_COLOR``."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def fail(err: RefcheckError) -> click.ClickException:
    """The click error for a library error: one line (one a mistake, for a schema's several), the right exit code."""
    message = printable(str(err))  # one line, whatever a file name or a key held
    if isinstance(err, SchemaErrors):
        return BadSchema("\nError: ".join(printable(line) for line in err.lines))
    if isinstance(err, SchemaError):
        return BadSchema(message)
    if isinstance(err, HistoryError):
        return BadOutput(message)
    if isinstance(err, MissingExtra):
        return MissingLibrary(message)
    if isinstance(err, SourceChoiceError):
        return AmbiguousSource(message)
    return BadExtract(message)


def shown(extract: str) -> str:
    """EXTRACT as a message or a written file may show it: a URI without its password, a path as given."""
    return display(extract) if is_uri(extract) else extract


@contextmanager
def reading(label: str) -> Iterator[None]:
    """Read the extract: an operating-system error is one line naming it (a URI without its password), exit 4."""
    try:
        yield
    except OSError as err:
        named = shown(str(err.filename or label))
        raise BadExtract(printable(f"{named}: cannot be read ({_reason(err)})")) from None


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Write an output: an operating-system error is one line naming the output (or the file it failed on), exit 2."""
    try:
        yield
    except OSError as err:
        named = str(err.filename or path)
        where = "standard output" if named == "-" else f"{named}:"
        raise BadOutput(printable(f"{where} cannot be written ({_reason(err)})")) from None


def _reason(err: OSError) -> str:
    """The system's words for why a call failed: never the error's own text, which may quote a value.

    NOTE: Polars' I/O errors carry no errno, only ``... (os error 28)`` at the end of their text.
    """
    if err.strerror:
        return err.strerror
    found = re.search(r"\(os error (\d+)\)", str(err))
    return os.strerror(int(found.group(1))) if found else type(err).__name__


def write(path: Path, content: Content, modes: Modes = OWNER_ONLY) -> None:
    """Write a whole output file (its owner's only, unless ``modes`` say otherwise), or fail with exit 2 naming it."""
    with writing(path):
        write_output(path, content, modes)


def say(text: str, *, nl: bool = True) -> None:
    """Write to standard output: a full disk or a failing device is one line and exit 2, not a traceback."""
    try:
        click.echo(text, nl=nl)
    except BrokenPipeError:
        raise
    except OSError as err:
        raise BadOutput(f"standard output cannot be written ({_reason(err)})") from None


def takes_stdout(outputs: dict[str, Path | str | None]) -> bool:
    """Whether an output option is ``-``: then the command's own lines go to stderr, leaving stdout to it alone.

    Two documents on one stdout could not be told apart: a usage error, before anything is read.
    """
    dashes = [option for option, value in outputs.items() if value is not None and str(value) == "-"]
    if len(dashes) > 1:
        raise click.UsageError(f"{' and '.join(dashes)} are both '-': only one output can be standard output")
    return bool(dashes)


def tell(text: str, *, err: bool, nl: bool = True) -> None:
    """The command's own lines: on stdout, or on stderr when an output has taken stdout."""
    if err:
        click.echo(text, nl=nl, err=True)
    else:
        say(text, nl=nl)


class LocalPath(click.Path):
    """A file or folder path: a URI (``scheme://...``) is refused in one line, its password hidden."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Refuse a URI, else convert as ``click.Path`` does."""
        if isinstance(value, str) and is_uri(value):
            self.fail(f"{display(value.strip())} is a URI, not a file path", param, ctx)
        return super().convert(value, param, ctx)


class AsOfDate(click.ParamType):  # type: ignore[type-arg] # NOTE: generic only in newer click stubs
    """A date written YYYY-MM-DD or, as a UK user writes it, DD/MM/YYYY."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """Parse the date or fail with a usage error; 20/11/26 is refused, as its century would be a guess."""
        if isinstance(value, dt.date):
            return value
        uk = _UK_DATE.fullmatch(str(value))
        try:
            return dt.date(int(uk["year"]), int(uk["month"]), int(uk["day"])) if uk else dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD or DD/MM/YYYY", param, ctx)


_UK_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")
