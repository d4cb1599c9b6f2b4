"""Which record types a scorecard's run had: each one read and its rows, each one not supplied, the rules not run.

A run of one record type says none of this (its outputs read as they always have); a run of several says it in
every format, from here, so the page, the workbook and ``summary.md`` agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from refcheck.checks import Report
from refcheck.checks.report import Source
from refcheck.checks.wording import counted
from refcheck.schemas import Kpi

NOT_COLLECTED = "a field it needs is not collected"
"""Why a rule was not run when the run gives no reason of its own."""


def scorecard_title(report: Report) -> str:
    """The scorecard's title: of referral records, or of records of several types."""
    return "Records scorecard" if report.several_types else "Referral records scorecard"


def primary_rows(report: Report) -> str:
    """What a team's count of rows counts: records, or in a run of several record types, the primary's (Referrals)."""
    return report.schema.label if report.several_types else "Records"


def team_rows_text(report: Report, rows: int) -> str:
    """A team's rows: ``616 records``, or in a run of several record types ``Referrals: 616``."""
    return f"{report.schema.label}: {rows:,}" if report.several_types else counted(rows, "record")


@dataclass(frozen=True, slots=True)
class RecordTypeLine:
    """One record type of the run: its label, its rows' accounting (None: not supplied) and how many rules it has."""

    record_type: str
    label: str
    source: Source | None
    rules: int

    @property
    def not_supplied(self) -> str:
        """``not supplied: its 13 rules were not run``."""
        return f"not supplied: its {counted(self.rules, 'rule')} {'was' if self.rules == 1 else 'were'} not run"

    @property
    def text(self) -> str:
        """``5,000 rows read`` (``· 4,990 checked · 10 could not be read`` when some could not be), or not supplied."""
        if self.source is None:
            return self.not_supplied
        read = f"{counted(self.source.rows_read, 'row')} read"
        if not self.source.rows_unreadable:
            return read
        return f"{read} · {self.source.rows_checked:,} checked · {self.source.rows_unreadable:,} could not be read"


def record_type_lines(report: Report) -> list[RecordTypeLine]:
    """Each record type of a run of several, primary first; none for a run of one."""
    if not report.several_types:
        return []
    rules: dict[str, int] = {}
    for result in report.results:
        rules[result.rule.record_type] = rules.get(result.rule.record_type, 0) + 1
    return [RecordTypeLine(name, record.label, record.source, rules.get(name, 0))
            for name, record in report.sources.items()]


def record_types_text(report: Report) -> str:
    """One line: ``Record types: Referrals (5,000 rows), ...; not supplied: Child protection visits``."""
    lines = record_type_lines(report)
    read = [f"{line.label} ({counted(line.source.rows_read, 'row')})" for line in lines if line.source is not None]
    absent = [line.label for line in lines if line.source is None]
    return f"Record types: {', '.join(read) or 'none'}" + (f"; not supplied: {', '.join(absent)}" if absent else "")


def rules_not_run(report: Report) -> list[tuple[str, list[str]]]:
    """Why rules of the record types read were not run, each reason with its rules' ids, in the rules' order.

    The rules of a record type not supplied are counted on its line (``RecordTypeLine.not_supplied``), not listed.
    """
    if not report.several_types:
        return []
    absent = {name for name, record in report.sources.items() if not record.supplied}
    reasons: dict[str, list[str]] = {}
    for result in report.results:
        if not result.ran and result.rule.record_type not in absent:
            reasons.setdefault(result.reason or NOT_COLLECTED, []).append(result.rule.id)
    return list(reasons.items())


def kpi_not_run(report: Report, kpi: Kpi) -> str | None:
    """Why a KPI resting on one rule has no figure, in a run of several record types: its rule was not run."""
    if not report.several_types or kpi.rule is None:
        return None
    result = report.result(kpi.rule)
    if result.ran:
        return None
    return f"not run: {result.reason or NOT_COLLECTED}"
