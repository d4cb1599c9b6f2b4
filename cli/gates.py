"""The gates a run passes before its findings count: few enough unreadable rows, and enough rows checked.

A run that checked nothing has found nothing wrong only because it looked at nothing: a header-only
extract, an empty table or a file of unreadable rows must not pass a CI gate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from refcheck.checks import Report
from refcheck.cli.common import BadExtract, write
from refcheck.schemas.yamldoc import printable


@dataclass(frozen=True, slots=True)
class Limit:
    """``--max-unreadable``: a count of rows, or a share (0-100 %) of the rows read."""

    text: str
    amount: float
    share: bool

    def allowed(self, rows_read: int) -> float:
        """How many unreadable rows this limit allows out of ``rows_read``."""
        return self.amount / 100 * rows_read if self.share else self.amount


class UnreadableLimit(click.ParamType):  # type: ignore[type-arg] # NOTE: generic only in newer click stubs
    """A count (0 or more) or a share from 0% to 100%, refused before any row is read."""

    name = "N|P%"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Limit:
        """Parse the limit, or fail with a usage error."""
        if isinstance(value, Limit):
            return value
        text = str(value).strip()
        share = text.endswith("%")
        try:
            amount = float(text[:-1]) if share else int(text)
        except ValueError:
            amount = math.nan
        if not (math.isfinite(amount) and 0 <= amount <= (100 if share else math.inf)):
            self.fail(f"{value!r} is not a count or a share such as 1% (a count from 0, a share from 0% to 100%)",
                      param, ctx)
        return Limit(text, amount, share)


def account_unreadable(report: Report, path: Path | None, limit: Limit | None) -> None:
    """Write the unreadable rows if asked, and stop the run when there are more than allowed."""
    if path is not None:
        write(path, report.unreadable.write_csv())
    source = report.source
    if limit is not None and source.rows_unreadable > limit.allowed(source.rows_read):
        where = f"; see {path}" if path else "; --unreadable FILE lists them"
        raise BadExtract(printable(f"{source.path}: {source.rows_unreadable:,} of {source.rows_read:,} rows could "
                                   f"not be read, more than --max-unreadable {limit.text} allows{where}"))


def require_rows(report: Report, minimum: int) -> None:
    """Stop a run that checked fewer rows than ``--min-rows``: having looked at nothing is not a pass."""
    source = report.source
    if source.rows_checked >= minimum:
        return
    counts = f"({source.rows_read:,} read, {source.rows_unreadable:,} unreadable)"
    if source.rows_checked == 0:
        message = f"no rows were checked {counts}; pass --min-rows 0 if an empty extract is expected"
    else:
        message = f"{source.rows_checked:,} rows were checked, fewer than --min-rows {minimum:,} {counts}"
    raise BadExtract(printable(f"{source.path}: {message}"))
