"""What a scorecard shows, computed from a Report: KPIs, the team x category matrix, worst rules.

Renderers (HTML, Excel, Markdown) format these values; none of them computes a figure itself,
so every format shows the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from refcheck.checks import Report, RuleResult, pass_rate
from refcheck.schemas import Kpi


@dataclass(frozen=True, slots=True)
class Figure:
    """A value ready to show: the number, its text, and its RAG band (None when there is nothing to rate)."""

    value: float | None
    text: str
    rag: str | None


@dataclass(frozen=True, slots=True)
class KpiFigure:
    """One KPI for one team or overall."""

    kpi: Kpi
    figure: Figure


@dataclass(frozen=True, slots=True)
class RuleLine:
    """A rule's counts for one team or overall."""

    result: RuleResult
    checked: int
    failed: int

    @property
    def rate(self) -> float:
        """Pass rate."""
        return pass_rate(self.checked, self.failed)


def percent(rate: float) -> str:
    """A rate as a percentage, never shown as 100% while something failed."""
    text = f"{rate * 100:.1f}%"
    return "99.9%" if text == "100.0%" and rate < 1 else text


def kpi_figures(report: Report, team: str | None = None) -> list[KpiFigure]:
    """Every KPI of the schema's scorecard, for one team or overall."""
    return [KpiFigure(kpi, kpi_figure(report, kpi, team)) for kpi in report.schema.scorecard.kpis]


def kpi_figure(report: Report, kpi: Kpi, team: str | None) -> Figure:
    """One KPI's value, text and band."""
    if kpi.measure == "rows":
        rows = _rows(report, team)
        return Figure(float(rows), f"{rows:,}", None)
    if kpi.measure == "re_referral_rate":
        counts = [c for c in report.measures.get("re_referrals", ()) if team is None or c.team == team]
        total, hits = sum(c.checked for c in counts), sum(c.failed for c in counts)
        if not total:
            return Figure(None, "–", None)
        rate = hits / total
        return Figure(rate, percent(rate), kpi.bands.rag(rate, lower_is_better=True))
    if kpi.rule is not None:
        line = rule_line(report.result(kpi.rule), team)
        if kpi.measure == "failed":
            return Figure(float(line.failed), f"{line.failed:,}", kpi.bands.rag(line.failed, lower_is_better=True))
        checked, failed = line.checked, line.failed
    else:
        assert kpi.category is not None
        checked, failed = report.category_counts(kpi.category, team)
    if not checked:
        return Figure(None, "–", None)
    rate = pass_rate(checked, failed)
    return Figure(rate, percent(rate), kpi.bands.rag(rate))


def category_figure(report: Report, category: str, team: str | None) -> Figure:
    """A category's pass rate for one team or overall, banded against the category's targets."""
    checked, failed = report.category_counts(category, team)
    if not checked:
        return Figure(None, "–", None)
    rate = pass_rate(checked, failed)
    return Figure(rate, percent(rate), report.schema.scorecard.bands_for(category).rag(rate))


def rule_line(result: RuleResult, team: str | None) -> RuleLine:
    """A rule's counts for one team, or overall."""
    counts = [c for c in result.by_team if team is None or c.team == team]
    return RuleLine(result, sum(c.checked for c in counts), sum(c.failed for c in counts))


def worst_rules(report: Report, team: str | None, limit: int = 8) -> list[RuleLine]:
    """The rules with failures: lowest pass rate first, then errors before warnings, then most failures."""
    lines = [rule_line(result, team) for result in report.results]
    failing = [line for line in lines if line.failed]
    failing.sort(key=lambda line: (line.rate, -line.result.rule.severity.rank, -line.failed, line.result.rule.id))
    return failing[:limit]


def field_completeness(report: Report, team: str | None) -> list[RuleLine]:
    """Completeness per field: the completeness rules, each about one field."""
    return [
        rule_line(result, team)
        for result in report.results
        if result.rule.category == "completeness" and result.ran
    ]


def _rows(report: Report, team: str | None) -> int:
    if team is None:
        return report.source.rows_checked
    return dict(zip(report.teams, report.team_rows, strict=True)).get(team, 0)
