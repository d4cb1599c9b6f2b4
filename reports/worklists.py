"""Worklists: one row per (record, failed rule) for a team to put right, most urgent first.

Only the record id (and the extract line the record starts on, for a record with a blank id), worker,
rule and how to fix it are shown, plus the working days taken or overdue for timeliness rules. A run of
several record types lists every record type's records, each row naming its record type (its label) first,
its record id being that record type's key. Personal columns appear only when the user asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import polars as pl

from refcheck.checks import Report
from refcheck.checks.engine import FINDINGS_SCHEMA
from refcheck.checks.internal import internal
from refcheck.checks.outcome import RECORD_TYPE
from refcheck.checks.report import RuleResult, team_label
from refcheck.reports.escapes import visible
from refcheck.reports.files import safe_cell, safe_cells, safe_file_names, starts_formula

COLUMNS = ["record_id", "line", "worker", "rule_id", "category", "severity", "message", "hint", "working_days"]
HEADERS = {"team": "Team", RECORD_TYPE: "Record type", "record_id": "Record", "line": "Line", "worker": "Worker",
           "rule_id": "Rule", "category": "Category", "severity": "Severity", "message": "What is wrong",
           "hint": "How to put it right", "working_days": "Working days", "last_event": "Last visit or review",
           "overdue": "Overdue by"}
"""The header a person reads above each of a worklist's own columns (CSV and sheet); columns included on
request keep their extract's names."""
TAKEN = frozenset({*FINDINGS_SCHEMA, *COLUMNS, *HEADERS, *HEADERS.values(), "severity_rank"})
"""Names that findings or worklists use already: no column included on request may have one of them."""
RULE_COLUMNS = ("rule_id", "category", "severity", "message", "hint")
"""A worklist's columns that come from the schema's rules, in order and determined by the rule id; formula-safe
once per rule: ids, categories and severities by their formats, messages and hints made so by ``_with_rules``."""
RULE_ORDER = internal("rule_order")
TEAM_INDEX = internal("team_index")
URGENCY = ["severity_rank", "working_days", "line", RULE_ORDER]
URGENT_FIRST = [True, True, False, False]
"""A worklist's order: errors first, then the most working days (none last), then by line, then by rule id."""
EVENTS = ["last_event", "overdue"]
"""A worklist's columns in a run of several record types: the last visit or review (or the date a rule runs from)
of a record that falls due, and how far overdue it is (``12 working days``)."""
OVERDUE_DAYS = internal("overdue_days")
SEVERAL_URGENCY = ["severity_rank", OVERDUE_DAYS, "working_days", "line", RULE_ORDER]
SEVERAL_URGENT_FIRST = [True, True, True, False, False]
"""With several record types: errors first, then the most overdue (a working day counted as 7/5 of a day, so
that overdue counts in either unit compare), then the most working days, then by line and rule id."""


def team_worklists(report: Report, teams: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Each team's worklist (empty for a team with nothing to fix), from one sort of all findings.

    Sorted by team first (the teams not shown last), each team's rows are one slice.
    """
    if report.findings is None:
        raise ValueError("worklists need a report made with findings=True")
    names = list(dict.fromkeys(teams))
    several = report.several_types
    frame = _with_rules(report.findings, report.results).with_columns(
        pl.col("team").replace_strict(names, list(range(len(names))), default=len(names),
                                      return_dtype=pl.UInt32).alias(TEAM_INDEX))
    urgency, first = (SEVERAL_URGENCY, SEVERAL_URGENT_FIRST) if several else (URGENCY, URGENT_FIRST)
    if several:
        frame = frame.with_columns(_overdue_days().alias(OVERDUE_DAYS), _overdue_text().alias("overdue"))
    ordered = frame.sort([TEAM_INDEX, *urgency], descending=[False, *first], nulls_last=True)
    bounds = ordered.get_column(TEAM_INDEX).search_sorted(
        pl.Series(range(len(names) + 1), dtype=pl.UInt32), side="left").to_list()
    kinds = [_record_type_labels(report)] if several else []
    own = {*FINDINGS_SCHEMA, *([RECORD_TYPE] if several else [])}
    shown = ordered.select(*kinds, *COLUMNS, *(EVENTS if several else []),
                           *(name for name in report.findings.columns if name not in own))
    return {team: shown.slice(start, end - start)
            for team, start, end in zip(names, bounds[:-1], bounds[1:], strict=True)}


def _overdue_days() -> pl.Expr:
    """How far overdue, in days: a working day as 7/5 of one, so that counts in either unit sort together."""
    overdue = pl.col("overdue").cast(pl.Float64)
    return pl.when(pl.col("overdue_unit") == "working days").then(overdue * 7 / 5).otherwise(overdue)


def _overdue_text() -> pl.Expr:
    """How far overdue in words: ``12 working days``, ``1 day``; null when not overdue."""
    unit = pl.when(pl.col("overdue") == 1).then(pl.col("overdue_unit").str.replace(r"s$", "")).otherwise(
        pl.col("overdue_unit"))
    return pl.when(pl.col("overdue").is_not_null()).then(
        pl.format("{} {}", pl.col("overdue"), unit.fill_null("days")))


def _record_type_labels(report: Report) -> pl.Expr:
    """Each finding's record type as outputs name it (its label, formula-safe), in place of its name."""
    records = report.schema.record_types
    return pl.col(RECORD_TYPE).replace_strict([record.record_type for record in records],
                                              [safe_cell(record.label) for record in records], return_dtype=pl.String)


def worklist_files(teams: Sequence[str]) -> dict[str, str]:
    """Each team's worklist CSV, as a path inside the scorecard folder, named by its team alone."""
    return {team: f"worklists/{stem}.csv" for team, stem in safe_file_names(teams).items()}


def headed(names: Sequence[str]) -> list[str]:
    """The headers of a worklist's columns, in order, formula-safe: an included column keeps its extract's name."""
    return [safe_cell(HEADERS.get(name, name)) for name in names]


def _with_rules(findings: pl.DataFrame, results: Sequence[RuleResult]) -> pl.DataFrame:
    """The findings with each rule's columns, its severity's rank and its id's place in id order."""
    place = {rule_id: number for number, rule_id in enumerate(sorted(r.rule.id for r in results))}
    rules = pl.DataFrame(
        {
            "rule_id": [r.rule.id for r in results],
            "category": [r.rule.category for r in results],
            "severity": [r.rule.severity.value for r in results],
            "severity_rank": [r.rule.severity.rank for r in results],
            "message": [safe_cell(visible(r.rule.message)) for r in results],
            "hint": [safe_cell(visible(r.rule.hint)) for r in results],
            RULE_ORDER: [place[r.rule.id] for r in results],
        }
    )
    return findings.join(rules, on="rule_id", how="left")


def write_worklist_csv(frame: pl.DataFrame, team: str, sink: Path | BinaryIO) -> None:
    """A team's worklist as a UTF-8 CSV that states its team, whose cells can never start a spreadsheet formula.

    The first column, ``Team``, holds the team's name (as outputs show it) on every row, so that a file says whose
    it is wherever it is copied; each column is headed as a person reads it (``HEADERS``). The rules' columns are
    safe already (``_with_rules``); making them safe again row by row would copy most of the worklist's text, once
    per rule it fails. The other text columns are made safe only when one of their cells needs it; numbers (line,
    working days) are numbers to a spreadsheet.
    """
    texts = [name for name, dtype in frame.schema.items() if name not in RULE_COLUMNS and dtype == pl.String]
    risky = frame.select(starts_formula(pl.col(name)) for name in texts).row(0) if texts else ()
    unsafe = {name for name, found in zip(texts, risky, strict=True) if found}
    frame.select(pl.lit(safe_cell(team_label(team)), pl.String).alias(HEADERS["team"]),
                 *((safe_cells(pl.col(name)) if name in unsafe else pl.col(name)).alias(header)
                   for name, header in zip(frame.columns, headed(frame.columns), strict=True))).write_csv(sink)
