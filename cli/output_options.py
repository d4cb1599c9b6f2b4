"""Where a command writes its outputs, and who may read them, as one decorator passing one ``OutputSettings``.

Outputs are their owner's only by default (files 0600): worklists and reports carry record ids.
``--group-readable`` makes them readable by the owner's group (files 0640, the folders refcheck
makes 0750), for a team share whose group is the team leaders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from refcheck.cli.common import LocalPath
from refcheck.reports.files import GROUP_READABLE, OWNER_ONLY, Modes
from refcheck.reports.history import DEFAULT_HISTORY

Decorator = Callable[[Callable[..., None]], Callable[..., None]]


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """The outputs the command line asked for, passed to a command as its one ``outputs`` parameter."""

    out: Path | None = None
    json_path: str | None = None
    junit_path: Path | None = None
    history_path: Path = DEFAULT_HISTORY
    no_history: bool = False
    group_readable: bool = False

    @property
    def modes(self) -> Modes:
        """The permissions the outputs are written with."""
        return GROUP_READABLE if self.group_readable else OWNER_ONLY


_OPTIONS = {
    "out": click.option("--out", type=LocalPath(file_okay=False, path_type=Path), required=True,
                        help="The folder to write index.html, scorecard.xlsx, summary.md, worklists/, due/ (for "
                             "record types that fall due) and report.json to."),
    "json_path": click.option("--json", "json_path", metavar="PATH|-", default=None,
                              type=LocalPath(dir_okay=False, allow_dash=True),
                              help="Write the JSON report to PATH, or to stdout with '-'."),
    "junit_path": click.option("--junit", "junit_path", type=LocalPath(dir_okay=False, path_type=Path), default=None,
                               help="Write JUnit XML for CI: a testsuite per category, a testcase per rule."),
    "history_path": click.option("--history", "history_path", type=LocalPath(dir_okay=False, path_type=Path),
                                 default=DEFAULT_HISTORY, show_default=True,
                                 help="The SQLite file that keeps every run's figures."),
    "no_history": click.option("--no-history", is_flag=True, help="Neither read nor write the history file."),
}
_GROUP_READABLE = click.option(
    "--group-readable", is_flag=True,
    help="Let the owner's group read the files written (mode 0640; folders refcheck makes 0750), for a team "
         "share.  [default: the owner's only, 0600]")


def output_options(*names: str) -> Decorator:
    """The named output options and ``--group-readable``, handed to the command as one ``OutputSettings``, ``outputs``.

    Names are ``OutputSettings``' fields: ``out``, ``json_path``, ``junit_path``, ``history_path``, ``no_history``.
    """
    options = [_OPTIONS[name] for name in names]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_outputs(**params: Any) -> None:
            given = {name: params.pop(name) for name in (*names, "group_readable")}
            command(outputs=OutputSettings(**given), **params)

        decorated: Callable[..., None] = _GROUP_READABLE(with_outputs)
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate
