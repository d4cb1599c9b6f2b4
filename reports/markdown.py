"""``summary.md``: the scorecard in a few tables, for e-mail bodies and CI job summaries."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from refcheck.checks import Report
from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports.escapes import inert_lines, visible
from refcheck.reports.scorecard import (
    RAG_WORDS,
    category_bands,
    category_figure,
    kpi_status,
    kpi_target,
    percent,
    worst_rules,
)
from refcheck.reports.scorecard_inputs import ScorecardInputs, delta_text
from refcheck.reports.scorecard_sections import KpiSection, headline, named_sections
from refcheck.reports.scorecard_types import (
    kpi_not_run,
    primary_rows,
    record_type_lines,
    rules_not_run,
    scorecard_title,
)
from refcheck.schemas import Kpi

_MARKUP = re.compile(r"([\\`*_\[\]|~])")
"""Characters that start Markdown's inline markup (code, emphasis, links, strike-through) or end a table cell."""


def cell(text: str) -> str:
    r"""Text that stays plain text on one line, in a table cell or a heading, rendered as Markdown or HTML.

    Control characters and newlines are shown escaped (``visible``), markup characters get a ``\``
    before them (CommonMark's escape), and ``&<>`` become entities.
    """
    escaped = _MARKUP.sub(r"\\\1", visible(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(inputs: ScorecardInputs) -> str:
    """The summary as Markdown text; no line of it can start a CI runner's command (it is a job summary too)."""
    return inert_lines("\n".join(_lines(inputs)) + "\n")


def _lines(inputs: ScorecardInputs) -> Iterator[str]:
    report = inputs.report
    schema = report.schema
    yield f"# {scorecard_title(report)}: {cell(schema.name)} v{cell(schema.version)}"
    yield ""
    checked = "" if report.several_types else f" · {inputs.checked_text()}"
    yield f"As of {report.as_of.isoformat()}{checked} · {counted(len(inputs.teams), 'team')}"
    yield ""
    yield from _record_types(report)
    if inputs.warnings:
        yield "## Some figures rest on partial data"
        yield ""
        for warning in inputs.warnings:
            yield f"- {cell(warning.message)}"
        yield ""
    yield "## Headline figures"
    yield ""
    yield from _kpi_table(inputs, headline(schema.scorecard.kpis))
    yield ""
    for section in named_sections(schema.scorecard.kpis):
        yield from _section(inputs, section)
    categories = report.categories()
    yield "## Pass rate by team and category"
    yield ""
    yield f"| Team | {primary_rows(report)} | " + " | ".join(categories) + " |"
    yield "|---|---:|" + "---:|" * len(categories)
    rows = dict(zip(report.teams, report.team_rows, strict=True))
    for team in inputs.teams:
        cells = []
        for category in categories:
            figure = category_figure(report, category, team)
            shown = f"{figure.text} {figure.base}" if figure.out_of else figure.text
            cells.append(f"{shown} ({RAG_WORDS[figure.rag]})" if figure.rag else shown)
        yield f"| {cell(team_label(team))} | {rows.get(team, 0):,} | " + " | ".join(cells) + " |"
    yield ""
    bands = "; ".join(f"{', '.join(names)}: {target}" for names, target in category_bands(report))
    yield f"Bands: {bands}. A check is one rule applied to one record."
    yield ""
    yield "## Rules failing most"
    yield ""
    yield "| Rule | Severity | Failed | Checked | Pass rate |"
    yield "|---|---|---:|---:|---:|"
    for line in worst_rules(report, None, limit=10):
        rule = line.result.rule  # NOTE: an id is letters, digits, _ and . (the schema says so): a code span holds it
        yield (f"| `{visible(rule.id)}` | {rule.severity.value} | {line.failed:,} | {line.checked:,} | "
               f"{percent(line.rate)} |")
    yield ""
    yield "## Since the last run"
    yield ""
    if not inputs.compared:
        yield "No earlier run to compare with."
    else:
        new = sum(change.new for change in inputs.changes)
        fixed = sum(change.fixed for change in inputs.changes)
        yield f"{counted(new, 'new failure')} and {fixed:,} fixed."


def _kpi_table(inputs: ScorecardInputs, kpis: Sequence[Kpi]) -> Iterator[str]:
    """KPIs overall: value, what it is out of, target, status, and the change since the last run when there was one."""
    since = " Since last run |" if inputs.compared else ""  # NOTE: a first run has nothing to compare with
    yield "| Figure | Value | Out of | Target | Status |" + since
    yield "|---|---:|---|---|---|" + ("---:|" if since else "")
    for kpi in kpis:
        figure = inputs.figure(kpi)
        status = kpi_status(kpi, figure)
        if inputs.partial(kpi):
            status = f"{status}, rests on partial data"
        why = kpi_not_run(inputs.report, kpi)
        if why:
            status = f"{status}, {cell(why)}"
        delta = f" {delta_text(kpi, inputs.delta(kpi))} |" if since else ""
        yield f"| {cell(kpi.label)} | {figure.text} | {cell(figure.base)} | {kpi_target(kpi)} | {status} |" + delta


def _section(inputs: ScorecardInputs, section: KpiSection) -> Iterator[str]:
    """A named section: its KPIs overall, then per team (each figure with what it is out of and its status)."""
    yield f"## {cell(section.name or '')}"
    yield ""
    yield from _kpi_table(inputs, section.kpis)
    yield ""
    yield f"### {cell(section.name or '')} by team"
    yield ""
    yield "| Team | " + " | ".join(cell(kpi.label) for kpi in section.kpis) + " |"
    yield "|---|" + "---|" * len(section.kpis)
    for team in inputs.teams:
        cells = []
        for kpi in section.kpis:
            figure = inputs.figure(kpi, team)
            shown = f"{figure.text} {cell(figure.base)}" if figure.base else figure.text
            cells.append(f"{shown} ({kpi_status(kpi, figure)})")
        yield f"| {cell(team_label(team))} | " + " | ".join(cells) + " |"
    yield ""
    targets = "; ".join(f"{cell(kpi.label)}: {kpi_target(kpi) or 'no target'}" for kpi in section.kpis)
    yield f"Targets: {targets}."
    yield ""


def _record_types(report: Report) -> Iterator[str]:
    """A run of several record types: each one's rows, or that it was not supplied; the rules not run and why."""
    lines = record_type_lines(report)
    if not lines:
        return
    yield "## Record types"
    yield ""
    yield "| Record type | Rows read | Checked | Could not be read |"
    yield "|---|---:|---:|---:|"
    for line in lines:
        if line.source is None:
            yield f"| {cell(line.label)} | {line.not_supplied} | | |"
        else:
            source = line.source
            yield (f"| {cell(line.label)} | {source.rows_read:,} | {source.rows_checked:,} | "
                   f"{source.rows_unreadable:,} |")
    yield ""
    for reason, rules in rules_not_run(report):
        yield f"Not run ({cell(reason)}): " + ", ".join(f"`{visible(rule)}`" for rule in rules)
        yield ""
