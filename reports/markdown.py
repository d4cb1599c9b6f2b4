"""``summary.md``: the scorecard in a few tables, for e-mail bodies and CI job summaries."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
    yield f"# Referral records scorecard: {cell(schema.name)} v{cell(schema.version)}"
    yield ""
    yield f"As of {report.as_of.isoformat()} · {inputs.checked_text()} · {counted(len(inputs.teams), 'team')}"
    yield ""
    if inputs.warnings:
        yield "## Some figures rest on partial data"
        yield ""
        for warning in inputs.warnings:
            yield f"- {cell(warning.message)}"
        yield ""
    yield "## Headline figures"
    yield ""
    yield "| Figure | Value | Out of | Target | Status | Since last run |"
    yield "|---|---:|---|---|---|---:|"
    for kpi in schema.scorecard.kpis:
        figure = inputs.figure(kpi)
        status = kpi_status(kpi, figure)
        if inputs.partial(kpi):
            status = f"{status}, rests on partial data"
        yield (f"| {cell(kpi.label)} | {figure.text} | {cell(figure.base)} | {kpi_target(kpi)} | {status} | "
               f"{delta_text(kpi, inputs.delta(kpi))} |")
    yield ""
    categories = report.categories()
    yield "## Pass rate by team and category"
    yield ""
    yield "| Team | Records | " + " | ".join(categories) + " |"
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
