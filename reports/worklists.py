"""Worklists: one row per (record, failed rule) for a team to put right, most urgent first.

Only the record id, worker, rule and how to fix it are shown, plus the working days taken or
overdue for timeliness rules. Personal columns appear only when the user asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from refcheck.checks import Report
from refcheck.checks.engine import FINDINGS_SCHEMA
from refcheck.reports.files import safe_cell, safe_cells, starts_formula

COLUMNS = ["record_id", "worker", "rule_id", "category", "severity", "message", "hint", "working_days"]
TAKEN = frozenset({*FINDINGS_SCHEMA, *COLUMNS, "severity_rank"})
"""Names that findings or worklists use already: no column included on request may have one of them."""
RULE_COLUMNS = ("rule_id", "category", "severity", "message", "hint")
"""A worklist's columns that come from the schema's rules, in order and determined by the rule id; formula-safe
once per rule: ids, categories and severities by their formats, messages and hints made so by ``worklist``."""


def team_worklists(report: Report, teams: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Each team's worklist (empty for a team with nothing to fix), from one sort of all findings."""
    everyone = worklist(report)
    frames = everyone.partition_by("team", as_dict=True, include_key=False)
    empty = everyone.clear().drop("team")
    return {team: frames.get((team,), empty) for team in teams}


def worklist(report: Report, team: str | None = None) -> pl.DataFrame:
    """The worklist of one team (or all, with a team column): errors first, then the most overdue, then by record."""
    if report.findings is None:
        raise ValueError("worklists need a report made with findings=True")
    rules = pl.DataFrame(
        {
            "rule_id": [r.rule.id for r in report.results],
            "category": [r.rule.category for r in report.results],
            "severity": [r.rule.severity.value for r in report.results],
            "severity_rank": [r.rule.severity.rank for r in report.results],
            "message": [safe_cell(r.rule.message) for r in report.results],
            "hint": [safe_cell(r.rule.hint) for r in report.results],
        }
    )
    findings = report.findings if team is None else report.findings.filter(pl.col("team") == team)
    extra = [name for name in findings.columns if name not in {"row", "record_id", "team", "worker", "rule_id",
                                                                  "working_days"}]
    return (
        findings.join(rules, on="rule_id", how="left")
        .sort(["severity_rank", "working_days", "row", "rule_id"], descending=[True, True, False, False],
              nulls_last=True)
        .select(*(["team"] if team is None else []), *COLUMNS, *extra)
    )


def write_worklist_csv(frame: pl.DataFrame, path: Path) -> None:
    """The worklist as a UTF-8 CSV whose cells can never start a spreadsheet formula, written by Polars itself.

    NOTE: the rules' columns are safe already (``worklist``); making them safe again row by row
    would copy most of the worklist's text, once per rule it fails. The other columns are made
    safe only when one of their cells needs it.
    """
    others = [name for name in frame.columns if name not in RULE_COLUMNS]
    risky = frame.select(starts_formula(pl.col(name).cast(pl.String)) for name in others).row(0) if others else ()
    unsafe = {name for name, found in zip(others, risky, strict=True) if found}
    frame.select(safe_cells(pl.col(name).cast(pl.String)).alias(name) if name in unsafe else pl.col(name)
                 for name in frame.columns).write_csv(path)
