"""The command line's side of the gates in ``refcheck.checks.gates``: ``--max-unreadable`` and ``--unreadable``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click
import polars as pl

from refcheck.checks import Report, Source
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
               modes: Modes = OWNER_ONLY, label: str | None = None) -> None:
    """Write the unreadable rows if asked, then stop the run if too many were unreadable or too few checked.

    With several record types (``report.several_types``), ``--unreadable`` lists every record type's rows,
    each naming its record type, ``--max-unreadable`` gates each record type and ``--min-rows`` counts the
    rows checked over them all (``label`` names the whole extract; the primary's source by default).
    """
    if report.several_types:
        _pass_gates_per_type(report, unreadable_path, limit, min_rows, label or report.source.path, modes)
        return
    if unreadable_path is not None:
        write(unreadable_path, report.unreadable.write_csv(), modes)
        require_readable(report, limit, listed=f"; see {unreadable_path}")
    else:
        require_readable(report, limit)
    require_rows(report, min_rows)


def _pass_gates_per_type(report: Report, unreadable_path: Path | None, limit: Limit | None, min_rows: int,
                         label: str, modes: Modes) -> None:
    supplied = [(name, record.source, record.unreadable) for name, record in report.sources.items()
                if record.source is not None]
    listed = {}
    if unreadable_path is not None:
        rows = pl.concat([unreadable.select(pl.lit(name).alias("record_type"), "line", "reason")
                          for name, _, unreadable in supplied])
        write(unreadable_path, rows.write_csv(), modes)
        listed["listed"] = f"; see {unreadable_path}"
    for _, source, unreadable in supplied:
        require_readable(dataclasses.replace(report, source=source, unreadable=unreadable), limit, **listed)
    total = Source(path=label, rows_read=sum(source.rows_read for _, source, _ in supplied),
                   rows_checked=sum(source.rows_checked for _, source, _ in supplied),
                   rows_unreadable=sum(source.rows_unreadable for _, source, _ in supplied))
    require_rows(dataclasses.replace(report, source=total), min_rows)
