"""The top-level guard: whatever goes wrong in a command ends as one line on stderr and a documented exit code.

A CI gate reads exit 1 as "rules failed", so a crash must never end with 1 (Python's default for an
uncaught exception) nor print a traceback: an exception's text can quote the data it choked on.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

import click

from refcheck.cli.common import fail
from refcheck.cli.exit_codes import INTERRUPTED, OUTPUT_CLOSED, ExitCode
from refcheck.reports.history import HistoryWarning
from refcheck.schemas import RefcheckError
from refcheck.schemas.yamldoc import printable


class InternalError(click.ClickException):
    """A bug in refcheck: one line naming the command and the exception's type (never its text), exit 5."""

    exit_code = ExitCode.INTERNAL


class Interrupted(click.ClickException):
    """Ctrl-C: one line, exit 130, as a shell reports an interrupted process."""

    exit_code = INTERRUPTED


class OutputClosed(click.ClickException):
    """The reader of standard output went away (``| head``): nothing to say, exit 141."""

    exit_code = OUTPUT_CLOSED

    def show(self, file: Any = None) -> None:
        """Say nothing: the reader asked for no more."""


class GuardedGroup(click.Group):
    """A command group whose commands, subgroups included, end only with a documented exit code."""

    group_class = type  # NOTE: click makes subgroups of this same class, so `schema check` is guarded too

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        """Parse the command line: help or version text meeting a closed pipe ends with 141, as a command's output does.

        Left to click, it would end with 1, which a CI gate reads as "rules failed".
        """
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            raise OutputClosed("") from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn whatever it raises that is not click's own into one line and its exit code."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", HistoryWarning)
                warnings.showwarning = _warning_line(warnings.showwarning)
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except RefcheckError as err:
            raise fail(err) from None
        except KeyboardInterrupt:
            raise Interrupted(f"{_command(ctx)}: interrupted") from None
        except BrokenPipeError:
            raise OutputClosed("") from None
        except Exception as err:
            if ctx.find_root().params.get("debug"):
                traceback.print_exc()
            raise InternalError(f"{_command(ctx)}: internal error ({type(err).__name__}) — please report; "
                                "rerun with --debug for the traceback") from None


    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with the whole first sentence of each, wrapped, never cut short with "..."."""
        listed = ((name, self.get_command(ctx, name)) for name in self.list_commands(ctx))
        rows = [(name, command.get_short_help_str(limit=_WHOLE)) for name, command in listed
                if command is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


_WHOLE = 1_000
"""A limit no command's description reaches: click cuts a short help longer than its limit with "..."."""


def _warning_line(other: Callable[..., None]) -> Callable[..., None]:
    """Show refcheck's own warnings as ``Warning: <text>``, one line on stderr; any other as ``other`` would."""

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, HistoryWarning):
            other(message, category, *args, **kwargs)
            return
        try:
            click.echo(f"Warning: {printable(str(message))}", err=True)
        except OSError:  # NOTE: stderr gone: the run goes on, as it would have without the warning
            pass

    return show


def _command(ctx: click.Context) -> str:
    """The command as typed, such as ``refcheck schema check``."""
    return " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))


def run(group: click.Group) -> NoReturn:
    """Console-script entry point: run the command, make sure its output is out, and exit with its status."""
    try:
        group(prog_name="refcheck")
        code = 0
    except SystemExit as done:
        code = _exit_status(done.code)
    except OSError as err:  # outside a command, only click's help, usage and version text is written
        code = _unwritable_stream(err)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            code = code or OUTPUT_CLOSED
            _silence(stream)
    sys.exit(code)


def _silence(stream: TextIO) -> None:
    """Point a stream that cannot be written at the null device, so that the interpreter's last flush is quiet.

    Python flushes the standard streams once more as it exits; on a closed pipe or a full disk that
    would print "Exception ignored ... BrokenPipeError" and change the status to 120.
    """
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError):  # no descriptor to point anywhere: nothing is left to flush through it
        pass


def _unwritable_stream(err: OSError) -> int:
    """The exit code for click's own text failing to reach its stream."""
    if err.errno == errno.EPIPE:
        return OUTPUT_CLOSED
    try:
        click.echo(f"Error: standard output cannot be written ({err.strerror})", err=True)
    except OSError:
        pass
    return ExitCode.USAGE


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` would end the process with."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return ExitCode.INTERNAL
