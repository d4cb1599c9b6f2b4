"""The result of a run: per rule and team, how many rows were checked and how many failed.

A ``Report`` holds counts and rule metadata only, never a record's values, so every renderer
built on it is private by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from refcheck.checks.rules import Rule
from refcheck.schemas import CATEGORIES, Schema, Severity

NO_TEAM = " (no team)"
"""The key of the rows with a blank team. Its leading space keeps it apart from every team an extract
names, since values are trimmed (a team called ``(no team)`` stays a team of its own)."""

UNREADABLE_COLUMNS = {"line": pl.Int64, "reason": pl.String}
"""The columns of a run's unreadable rows: the line each starts on and why it could not be read."""

NO_TEAM_LABEL = "(no team)"
"""How outputs show the rows with a blank team."""


def team_label(team: str) -> str:
    """A team as outputs show it: its name, or ``(no team)`` for the rows with a blank team."""
    return NO_TEAM_LABEL if team == NO_TEAM else team


@dataclass(frozen=True, slots=True)
class TeamCount:
    """One rule's counts for one team."""

    team: str
    checked: int
    failed: int


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's counts, overall and per team; ``ran`` is False when a field it needs is not collected."""

    rule: Rule
    ran: bool
    by_team: tuple[TeamCount, ...]
    reason: str | None = None
    """Why the rule was not run, when it was not; None when a field it needs is not collected."""

    @property
    def checked(self) -> int:
        """Rows the rule applied to."""
        return sum(count.checked for count in self.by_team)

    @property
    def failed(self) -> int:
        """Checked rows that broke the rule."""
        return sum(count.failed for count in self.by_team)

    @property
    def pass_rate(self) -> float:
        """``1 - failed / checked``; 1.0 when nothing was checked."""
        return pass_rate(self.checked, self.failed)

    @property
    def breached(self) -> bool:
        """Whether the failures exceed the rule's tolerance (any failure, when it has none)."""
        tolerance = self.rule.tolerance
        if tolerance is None:
            return self.failed > 0
        if isinstance(tolerance, float):
            return self.failed > tolerance * self.checked
        return self.failed > tolerance


def pass_rate(checked: int, failed: int) -> float:
    """The standard's pass rate: ``1 - failed / checked``, and 100% when nothing is checked."""
    return 1.0 if checked == 0 else 1 - failed / checked


@dataclass(frozen=True, slots=True)
class Source:
    """Where the rows came from, and the accounting: read = checked + unreadable."""

    path: str
    rows_read: int
    rows_checked: int
    rows_unreadable: int


@dataclass(frozen=True, slots=True)
class RecordSource:
    """One record type of a run: where its rows were read from and their accounting, or that it was not supplied."""

    record_type: str
    label: str
    """The record type as outputs name it (``Child protection visits``)."""
    source: Source | None
    """None when the run was given no extract of this record type."""
    unreadable: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=UNREADABLE_COLUMNS), compare=False)
    """Its rows that could not be read: line and why (never their content)."""

    @property
    def supplied(self) -> bool:
        """Whether the run was given an extract of this record type."""
        return self.source is not None


@dataclass(frozen=True, slots=True)
class ReadabilityWarning:
    """A field whose present values often could not be read as its type or fell outside its code list, or rows.

    Its figures then rest on partial data. ``kind`` is ``unreadable`` or ``outside_codes`` (a field), or
    ``unreadable_rows`` (too many rows could not be read; ``field`` and ``column`` are then None);
    ``column`` is the extract's column the field was read from; ``message`` is written by refcheck from
    names, counts, the share and a masked form, never from a record's value.
    """

    field: str | None
    column: str | None
    kind: str
    share: float
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a renderer needs about one run."""

    schema: Schema
    as_of: dt.date
    source: Source
    teams: tuple[str, ...]
    team_rows: tuple[int, ...]
    results: tuple[RuleResult, ...]
    measures: Mapping[str, tuple[TeamCount, ...]] = field(default_factory=dict)
    """Counts that are not rules, per team: checked = the rows a measure rests on, failed = those it counts.

    ``re_referrals`` (referrals, re-referrals); with a KPI counting records (``Kpi.measure_key``):
    ``open:<record type>`` (its rows, the open ones), ``overdue_now:<rule>`` (open rows, those overdue
    now), ``due:<record type>`` (open rows, due items) and ``share:<KPI id>`` (``of`` rows, ``share`` rows)."""
    findings: pl.DataFrame | None = field(default=None, compare=False)
    """With ``validate(findings=True)``: one row per (record, failed rule); no other record values."""
    unreadable: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=UNREADABLE_COLUMNS), compare=False)
    """Rows that could not be read: their line in the file and why (never their content)."""
    warnings: tuple[ReadabilityWarning, ...] = ()
    """Fields read too poorly to trust the figures that use them (``refcheck.checks.readability``)."""
    sources: Mapping[str, RecordSource] = field(default_factory=dict)
    """For a schema with several record types: each one's source, primary first (``source`` is the primary's)."""
    ignored: tuple[str, ...] = ()
    """Files, sheets or tables of a folder, workbook or database that hold none of the schema's record types."""
    due: pl.DataFrame | None = field(default=None, compare=False)
    """With ``validate(findings=True)``, for a schema with a record type that has a period: the due list
    (``refcheck.checks.due.DUE_COLUMNS``), one row per open record and rule whose next item falls due
    within ``due_window`` working days of the as-of date, soonest first per team; no other record values."""
    due_window: int = 5
    """The working days ahead the due list looks (the scorecard's ``due_within``)."""

    @property
    def several_types(self) -> bool:
        """Whether the run is of a schema with several record types (its outputs then say which were read)."""
        return bool(self.sources)

    def result(self, rule_id: str) -> RuleResult:
        """The result of the rule with this id."""
        for result in self.results:
            if result.rule.id == rule_id:
                return result
        raise KeyError(rule_id)

    def worst_severity(self) -> Severity | None:
        """The highest severity of any rule that failed beyond its tolerance."""
        breached = [result.rule.severity for result in self.results if result.breached]
        return max(breached, key=lambda severity: severity.rank, default=None)

    def passed(self, fail_on: Severity | None, *, strict: bool = False) -> bool:
        """Whether no rule at or above ``fail_on`` failed (always, when ``fail_on`` is None).

        With ``strict`` a readability warning fails too: a gate should not pass figures that rest on
        values it could not read.
        """
        if strict and self.warnings:
            return False
        worst = self.worst_severity()
        return fail_on is None or worst is None or worst.rank < fail_on.rank

    def categories(self) -> list[str]:
        """The categories the schema's rules use, in the standard's order."""
        used = {result.rule.category for result in self.results}
        return [category for category in CATEGORIES if category in used]

    def category_counts(self, category: str, team: str | None = None) -> tuple[int, int]:
        """Checked and failed over all rules of a category, for one team or overall."""
        checked = failed = 0
        for result in self.results:
            if result.rule.category != category:
                continue
            for count in result.by_team:
                if team is None or count.team == team:
                    checked += count.checked
                    failed += count.failed
        return checked, failed
