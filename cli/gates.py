"""The command line's side of the gates in ``refcheck.checks.gates``: ``--max-unreadable`` and ``--unreadable``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from refcheck.checks import Report
from refcheck.checks.gates import Limit, require_readable, require_rows
from refcheck.cli.common import write
from refcheck.reports.files import OWNER_ONLY, Modes


class UnreadableLimit(click.ParamType):  # type: ignore[type-arg] # NOTE: generic only in newer click stubs
    """A count (0 or more) or a share from 0% to 100%, refused before any row is read."""

    name = "N|P%"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Limit:
        """Parse the limit, or fail with a usage error."""
        if isinstance(value, Limit):
            return value
        try:
            return Limit.parse(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a count or a share such as 1% (a count from 0, a share from 0% to 100%)",
                      param, ctx)


def pass_gates(report: Report, unreadable_path: Path | None, limit: Limit | None, min_rows: int,
               modes: Modes = OWNER_ONLY) -> None:
    """Write the unreadable rows if asked, then stop the run if too many were unreadable or too few checked."""
    if unreadable_path is not None:
        write(unreadable_path, report.unreadable.write_csv(), modes)
        require_readable(report, limit, listed=f"; see {unreadable_path}")
    else:
        require_readable(report, limit)
    require_rows(report, min_rows)
