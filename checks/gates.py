"""The gates a run passes before its findings count: few enough unreadable rows, and enough rows checked.

A run that checked nothing has found nothing wrong only because it looked at nothing: a header-only
extract, an empty table or a file of unreadable rows must not pass a CI gate. The messages name the
command line's options, which is where the limits are usually set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from refcheck.checks.errors import ExtractError
from refcheck.checks.report import Report
from refcheck.checks.wording import counted


@dataclass(frozen=True, slots=True)
class Limit:
    """``--max-unreadable``: a count of rows, or a share (0-100 %) of the rows read."""

    text: str
    amount: float
    share: bool

    @classmethod
    def parse(cls, text: str) -> Limit:
        """A count (0 or more) or a share from 0% to 100%; ``ValueError`` for anything else (nan, inf, -1, 150%)."""
        text = text.strip()
        share = text.endswith("%")
        try:
            amount = float(text[:-1]) if share else int(text)
        except ValueError:
            amount = math.nan
        if not (math.isfinite(amount) and 0 <= amount <= (100 if share else math.inf)):
            raise ValueError("not a count from 0 or a share from 0% to 100%")
        return cls(text, amount, share)

    def allowed(self, rows_read: int) -> float:
        """How many unreadable rows this limit allows out of ``rows_read``."""
        return self.amount / 100 * rows_read if self.share else self.amount


def require_readable(report: Report, limit: Limit | None, *, listed: str = "; --unreadable FILE lists them") -> None:
    """Stop a run with more unreadable rows than ``limit`` allows; ``listed`` says where they can be seen."""
    source = report.source
    if limit is not None and source.rows_unreadable > limit.allowed(source.rows_read):
        raise ExtractError(f"{source.path}: {source.rows_unreadable:,} of {counted(source.rows_read, 'row')} could "
                           f"not be read, more than --max-unreadable {limit.text} allows{listed}")


def require_rows(report: Report, minimum: int) -> None:
    """Stop a run that checked fewer rows than ``minimum`` (``--min-rows``): having looked at nothing is not a pass."""
    source = report.source
    if source.rows_checked >= minimum:
        return
    counts = f"({source.rows_read:,} read, {source.rows_unreadable:,} unreadable)"
    if source.rows_checked == 0:
        message = f"no rows were checked {counts}; pass --min-rows 0 if an empty extract is expected"
    else:
        checked = "1 row was" if source.rows_checked == 1 else f"{source.rows_checked:,} rows were"
        message = f"{checked} checked, fewer than --min-rows {minimum:,} {counts}"
    raise ExtractError(f"{source.path}: {message}")
