"""Due lists: per team, the open records whose next visit, review or other item falls due soon, soonest first.

The engine gives them (``Report.due``: team, record_type, record_id, line, worker, rule_id, item, due_date, last);
this module shapes them for people: each record type by its label, headed columns, each team's slice, its file
``due/<team>.csv``. Only ids, the worker's id, the item and its dates appear: the due date and the date of the
last visit or review are the point of the list, and nothing else of a record is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import polars as pl

from refcheck.checks import Report
from refcheck.checks.report import team_label
from refcheck.reports.escapes import CONTROLS
from refcheck.reports.files import safe_cell, safe_cells, safe_file_names
from refcheck.schemas import Schema

COLUMNS = ["record_type", "record_id", "line", "worker", "item", "due_date", "last", "rule_id"]
HEADERS = {"team": "Team", "record_type": "Record type", "record_id": "Record", "line": "Line", "worker": "Worker",
           "item": "Due", "due_date": "Due date", "last": "Last visit or review", "rule_id": "Rule"}
"""The header a person reads above each column of a due list (CSV, sheet and page)."""
_CONTROLS = r"[\x00-\x1f\x7f-\x9f\x{061c}\x{200e}\x{200f}\x{2028}\x{2029}\x{202a}-\x{202e}\x{2066}-\x{2069}]"
"""Characters a reader must never get raw (``escapes.CONTROLS`` as Polars' regex writes them): dropped."""
_CONTROL = re.compile(f"[{CONTROLS}]")
_TEXTS = ("record_type", "record_id", "worker", "item", "rule_id")


def due_title(report: Report) -> str:
    """``Due in the next 5 working days``."""
    window = report.due_window
    return f"Due in the next {window} working day" if window == 1 else f"Due in the next {window} working days"


def run_due(report: Report) -> pl.DataFrame | None:
    """The run's due list (``Report.due``), or None when it has none to show.

    A schema none of whose record types has a period has nothing that falls due: its outputs show no due lists.
    """
    if not any(record.period is not None for record in report.schema.record_types):
        return None
    return report.due


def run_due_lists(report: Report, teams: Sequence[str]) -> dict[str, pl.DataFrame] | None:
    """Each team's due list from the run (``team_due_lists``), or None when it has none to show (``run_due``)."""
    due = run_due(report)
    return None if due is None else team_due_lists(due, report.schema, teams)


def team_due_lists(due: pl.DataFrame | None, schema: Schema, teams: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Each team's due list, soonest first, in ``COLUMNS`` order: record types by label, text inert and formula-safe.

    Empty for a team with nothing due; empty for every team when the run made none.
    """
    if due is None:
        return {team: _empty() for team in teams}
    records = schema.record_types
    kinds = pl.col("record_type").replace_strict([record.record_type for record in records],
                                                 [record.label for record in records], default=pl.col("record_type"),
                                                 return_dtype=pl.String)
    shaped = due.with_columns(kinds).with_columns(
        safe_cells(pl.col(name).cast(pl.String).str.replace_all(_CONTROLS, "")).alias(name) for name in _TEXTS)
    place = {record.label: number for number, record in enumerate(records)}
    ordered = shaped.sort(["due_date", pl.col("record_type").replace_strict(place, default=len(place),
                                                                            return_dtype=pl.UInt32), "line", "item"],
                          nulls_last=True)
    return {team: ordered.filter(pl.col("team") == team).select(COLUMNS) for team in teams}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"record_type": pl.String, "record_id": pl.String, "line": pl.Int64,
                                "worker": pl.String, "item": pl.String, "due_date": pl.Date, "last": pl.Date,
                                "rule_id": pl.String})


def due_files(teams: Sequence[str]) -> dict[str, str]:
    """Each team's due list CSV, as a path inside the scorecard folder, named by its team alone (as its worklist)."""
    return {team: f"due/{stem}.csv" for team, stem in safe_file_names(teams).items()}


def headed(names: Sequence[str]) -> list[str]:
    """The headers of a due list's columns, in order."""
    return [HEADERS[name] for name in names]


def write_due_csv(frame: pl.DataFrame, team: str, sink: Path | BinaryIO) -> None:
    """A team's due list as a UTF-8 CSV that states its team on every row, headed for people; dates as YYYY-MM-DD."""
    frame.select(pl.lit(safe_cell(_CONTROL.sub("", team_label(team))), pl.String).alias(HEADERS["team"]),
                 *(pl.col(name).alias(header) for name, header in zip(frame.columns, headed(frame.columns),
                                                                      strict=True))).write_csv(sink)
