"""What a scorecard shows, computed from a Report: KPIs, the team x category matrix, worst rules.

Renderers (HTML, Excel, Markdown) format these values; none of them computes a figure itself,
so every format shows the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refcheck.checks import Report, RuleResult, pass_rate
from refcheck.checks.rules import Rule
from refcheck.schemas import Bands, Kpi

RAG_WORDS = {"green": "on target", "amber": "near target", "red": "off target"}
"""Status words: "off target", not "below", because for counts and re-referrals lower is better."""
NOTHING_CHECKED = "nothing checked"
"""The status of a figure that rests on no records: no band, since 0 of 0 is not on target."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A value ready to show: the number, its text, its RAG band and what it is out of.

    ``rag`` is None when there is nothing to rate; ``out_of`` counts the ``noun`` the value stands on,
    so that no figure hides how little it rests on.
    """

    value: float | None
    text: str
    rag: str | None
    out_of: int | None = None
    noun: str = "records"

    @property
    def base(self) -> str:
        """``of 4,917 decisions``; empty for a figure that is a count of its own (records checked)."""
        if self.out_of is None:
            return ""
        # NOTE: a noun is a plural ending in s (``kpi_noun``), so one of them is the noun less its s
        return f"of 1 {self.noun.removesuffix('s')}" if self.out_of == 1 else f"of {self.out_of:,} {self.noun}"


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
    """One KPI's value, text, band (``Bands.rag``, as every format) and what it is out of."""
    if kpi.measure == "rows":
        rows = _rows(report, team)
        return Figure(float(rows), f"{rows:,}", None)
    noun = kpi_noun(kpi)
    if kpi.measure in ("re_referral_rate", "share"):
        total, hits = _measure(report, kpi.measure_key if kpi.measure == "share" else "re_referrals", team)
        if not total:
            return unchecked(noun)
        rate = hits / total
        return Figure(rate, percent(rate), _rag(kpi, rate), total, noun)
    if kpi.measure in ("open", "due", "overdue_now"):
        return _record_count(report, kpi, team)
    if kpi.rule is not None:
        line = rule_line(report.result(kpi.rule), team)
        if kpi.measure == "failed":
            if not line.checked:
                return unchecked(noun)
            return Figure(float(line.failed), f"{line.failed:,}", _rag(kpi, line.failed), line.checked, noun)
        checked, failed = line.checked, line.failed
    else:
        assert kpi.category is not None
        checked, failed = report.category_counts(kpi.category, team)
    return rate_figure(checked, failed, kpi.bands, noun)


def _rag(kpi: Kpi, value: float) -> str | None:
    """The KPI's band for a value; None for a KPI without a target."""
    return kpi.bands.rag(value, lower_is_better=kpi.lower_is_better) if kpi.bands is not None else None


def _measure(report: Report, key: str, team: str | None) -> tuple[int, int]:
    """A measure's counts (``Report.measures``: the rows it rests on, and those it counts), for a team or overall."""
    counts = [c for c in report.measures.get(key, ()) if team is None or c.team == team]
    return sum(c.checked for c in counts), sum(c.failed for c in counts)


def _record_count(report: Report, kpi: Kpi, team: str | None) -> Figure:
    """Open records, open records overdue now for a rule (out of the open ones), or items due soon.

    A dash when the run did not count them (the record type was not supplied, or the rule did not run).
    """
    if kpi.measure_key not in report.measures:
        return unchecked(kpi_noun(kpi))
    base, count = _measure(report, kpi.measure_key, team)
    if kpi.measure != "overdue_now":
        return Figure(float(count), f"{count:,}", None)
    assert kpi.rule is not None
    record_type = report.result(kpi.rule).rule.record_type
    noun = report.schema.record(record_type).label.lower()
    return Figure(float(count), f"{count:,}", _rag(kpi, count), base, noun)


def unchecked(noun: str) -> Figure:
    """A figure that rests on nothing: a dash, out of 0, and no band, for a count as for a rate."""
    return Figure(None, "–", None, 0, noun)


def kpi_status(kpi: Kpi, figure: Figure) -> str:
    """A KPI's status in words, the same in every format: its band, or why it has none."""
    if figure.rag is not None:
        return RAG_WORDS[figure.rag]
    return "no target" if kpi.measure == "rows" or (kpi.bands is None and figure.value is not None) else NOTHING_CHECKED


def category_figure(report: Report, category: str, team: str | None) -> Figure:
    """A category's pass rate for one team or overall, banded against the category's targets.

    The page's heatmap, the workbook, summary.md and the terminal's colours all come from here.
    """
    checked, failed = report.category_counts(category, team)
    return rate_figure(checked, failed, report.schema.scorecard.bands_for(category), CHECKS)


def rate_figure(checked: int, failed: int, bands: Bands | None, noun: str) -> Figure:
    """A pass rate, its band and its base; a dash and no band when nothing was checked (no band without bands)."""
    if not checked:
        return unchecked(noun)
    rate = pass_rate(checked, failed)
    return Figure(rate, percent(rate), bands.rag(rate) if bands is not None else None, checked, noun)


CHECKS = "checks"
"""What a category's rate is out of: one check is one rule applied to one record."""

_PLURAL = re.compile(r"[A-Za-z-]*[A-Za-z]s(?<!ss)(?<!us)(?<!is)")
"""A word that reads as a plural noun (``decisions``, ``ICPCs``), not ``status``, ``class`` or ``analysis``."""


def kpi_noun(kpi: Kpi) -> str:
    """What a KPI's figure is out of, taken from its label's leading plural.

    ``Decisions within 1 working day`` counts decisions and ``Completed assessments authorised``
    completed assessments; a category's rate counts checks (rules times records), and a label that
    names nothing countable, records.
    """
    if kpi.category is not None:
        return CHECKS
    words = kpi.label.split()
    for position, word in enumerate(words[:3]):
        if position < len(words) - 1 and _PLURAL.fullmatch(word):
            return " ".join(_lowered(leading) for leading in words[: position + 1])
    return "records"


def _lowered(word: str) -> str:
    """A word in lower case, unless it is an acronym (``ICPCs`` keeps its capitals)."""
    return word if any(letter.isupper() for letter in word[1:]) else word.lower()


def threshold(value: float, *, share: bool) -> str:
    """A band's threshold as the schema means it: ``95%`` for a share, ``10`` for a count."""
    return f"{value * 100:g}%" if share else f"{value:,g}"


def target_text(bands: Bands, *, share: bool = True, lower_is_better: bool = False) -> str:
    """``target 95%, amber from 85%``; for a figure where lower is better, ``target at most 0, amber up to 10``."""
    green, amber = threshold(bands.green, share=share), threshold(bands.amber, share=share)
    if lower_is_better:
        return f"target at most {green}, amber up to {amber}"
    return f"target {green}, amber from {amber}"


def kpi_target(kpi: Kpi) -> str:
    """A KPI's target and amber band in words; empty for the count of records, which has none."""
    if kpi.measure == "rows" or kpi.bands is None:
        return ""
    return target_text(kpi.bands, share=not kpi.counts, lower_is_better=kpi.lower_is_better)


def category_bands(report: Report) -> list[tuple[list[str], str]]:
    """The heatmap's legend: the categories that share bands, and those bands in words."""
    groups: dict[tuple[float, float], list[str]] = {}
    for category in report.categories():
        bands = report.schema.scorecard.bands_for(category)
        groups.setdefault((bands.green, bands.amber), []).append(category)
    return [(categories, target_text(report.schema.scorecard.bands_for(categories[0])))
            for categories in groups.values()]


def kpi_fields(report: Report, kpi: Kpi) -> set[str]:
    """The fields a KPI's figure is computed from (none for the count of records)."""
    if kpi.measure == "re_referral_rate":
        re_referrals = report.schema.scorecard.re_referrals
        return {re_referrals.person, re_referrals.date} if re_referrals else set()
    if kpi.rule is None and kpi.category is None:
        return set()
    rules = [result.rule for result in report.results
             if result.rule.id == kpi.rule or (kpi.rule is None and result.rule.category == kpi.category)]
    return {name for rule in rules for name in (*rule.kind.fields(), *([rule.field] if rule.field else []))}


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


def field_label(report: Report, rule: Rule) -> str:
    """The field a rule is about, as a person reads it; a rule about no one field is named by its id.

    Another record type's field says whose it is (``Plan ID, Child protection plans``): record types share names.
    """
    record = report.schema.record(rule.record_type)
    if rule.field is None or rule.field not in record.fields:
        return rule.id
    label = record.fields[rule.field].label
    return label if rule.record_type == report.schema.record_type else f"{label}, {record.label}"


def _rows(report: Report, team: str | None) -> int:
    if team is None:
        return report.source.rows_checked
    return dict(zip(report.teams, report.team_rows, strict=True)).get(team, 0)
