"""``index.html``: one self-contained scorecard page (inline CSS and SVG, no network requests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports import due_lists
from refcheck.reports.files import safe_file_names
from refcheck.reports.pages import PAGES
from refcheck.reports.scorecard import (
    NOTHING_CHECKED,
    RAG_WORDS,
    Figure,
    RuleLine,
    category_bands,
    category_figure,
    field_completeness,
    field_label,
    kpi_status,
    kpi_target,
    percent,
    worst_rules,
)
from refcheck.reports.scorecard_inputs import ScorecardInputs, better, delta_text
from refcheck.reports.scorecard_sections import KpiSection, headline, named_sections
from refcheck.reports.scorecard_types import (
    kpi_not_run,
    primary_rows,
    record_type_lines,
    record_types_text,
    rules_not_run,
    scorecard_title,
    team_rows_text,
)
from refcheck.reports.version import refcheck_version
from refcheck.schemas import Kpi


def render_html(inputs: ScorecardInputs, made_at: dt.datetime, dues: dict[str, pl.DataFrame] | None = None) -> str:
    """The scorecard page; each team's part shows what falls due soon (``dues``: the run's, unless given)."""
    report = inputs.report
    dues = dues if dues is not None else due_lists.run_due_lists(report, inputs.teams)
    rows = dict(zip(report.teams, report.team_rows, strict=True))
    per_team: dict[str, int] = {}  # NOTE: a team's worklist rows are its failed counts, added up
    for result in report.results:
        for count in result.by_team:
            per_team[count.team] = per_team.get(count.team, 0) + count.failed
    categories = report.categories()
    # NOTE: the same stems as the worklist files the scorecard folder holds (reports/outputs.py)
    worklists = safe_file_names(inputs.teams)
    due_files = due_lists.due_files(inputs.teams)
    anchors = {team: f"team-{index}" for index, team in enumerate(inputs.teams, start=1)}
    completeness = report.schema.scorecard.bands_for("completeness")
    kpis = report.schema.scorecard.kpis
    records = inputs.checked_text() if report.source.rows_unreadable else counted(report.source.rows_checked, "record")
    context = {
        "schema": report.schema,
        "as_of": report.as_of.isoformat(),
        "counts": counted(len(inputs.teams), "team") if report.several_types
        else f"{records} · {counted(len(inputs.teams), 'team')}",
        "rows_head": primary_rows(report),
        "teams": [{"team": team_label(team), "anchor": anchors[team]} for team in inputs.teams],
        "warnings": [{"message": warning.message, "share": percent(warning.share)} for warning in inputs.warnings],
        "title": scorecard_title(report),
        "types_line": record_types_text(report) if report.several_types else "",
        "record_types": record_type_lines(report),
        "not_run": rules_not_run(report),
        "tiles": [_tile(inputs, kpi, None) for kpi in headline(kpis)],
        "kpi_sections": [_kpi_section(inputs, section, index, anchors)
                         for index, section in enumerate(named_sections(kpis), start=1)],
        "categories": categories,
        "legend": [{"categories": ", ".join(names), "target": target} for names, target in category_bands(report)],
        "heat": [
            {"team": team_label(team), "anchor": anchors[team], "rows": rows.get(team, 0),
             "figures": [_cell(category_figure(report, category, team)) for category in categories]}
            for team in inputs.teams
        ],
        "sections": [
            {
                "team": team_label(team),
                "anchor": anchors[team],
                "worklist": f"worklists/{worklists[team]}.csv",
                "counts": f"{team_rows_text(report, rows.get(team, 0))} · "
                          f"{counted(per_team.get(team, 0), 'problem')} to put right",
                "tiles": [_tile(inputs, kpi, team) for kpi in headline(kpis)],
                "named": [{"name": section.name, "tiles": [_tile(inputs, kpi, team) for kpi in section.kpis]}
                          for section in named_sections(kpis)],
                "worst": [_rule_row(line) for line in worst_rules(report, team)],
                "fields": [
                    {"message_field": field_label(report, line.result.rule), "failed": line.failed,
                     "rate": percent(line.rate),
                     **_status(completeness.rag(line.rate))}
                    for line in field_completeness(report, team)
                ],
                **_changes(inputs, team),
                "due": None if dues is None else _due(dues[team], due_files[team]),
            }
            for team in inputs.teams
        ],
        "compared": inputs.compared,
        "due_title": due_lists.due_title(report),
        "version": refcheck_version(),
        "made_at": made_at.isoformat(timespec="minutes"),
        "counted": counted,
    }
    return PAGES.get_template("scorecard.html.j2").render(context)


def _kpi_section(inputs: ScorecardInputs, section: KpiSection, index: int, anchors: dict[str, str]) -> dict[str, Any]:
    """A named section: its tiles overall, and a table of its figures per team with what each is out of."""
    return {
        "name": section.name,
        "anchor": f"section-{index}",
        "tiles": [_tile(inputs, kpi, None) for kpi in section.kpis],
        "heads": [{"label": kpi.label, "target": kpi_target(kpi) or "no target"} for kpi in section.kpis],
        "teams": [{"team": team_label(team), "anchor": anchors[team],
                   "cells": [_cell(inputs.figure(kpi, team), kpi) for kpi in section.kpis]}
                  for team in inputs.teams],
    }


def _due(frame: pl.DataFrame, file: str, limit: int = 25) -> dict[str, Any]:
    """A team's due list on the page: its soonest rows (all of them are in its file)."""
    rows = [{name: value.isoformat() if isinstance(value, dt.date) else value for name, value in row.items()}
            for row in frame.head(limit).iter_rows(named=True)]
    return {"file": file, "rows": rows, "more": max(frame.height - limit, 0), "total": frame.height}


def _changes(inputs: ScorecardInputs, team: str, limit: int = 10) -> dict[str, Any]:
    """A team's new and fixed totals, and the rules that changed most."""
    changes = sorted(inputs.changes_for(team), key=lambda c: (-(c.new + c.fixed), c.rule_id))
    return {
        "changes": changes[:limit],
        "more": len(changes) > limit,
        "new": sum(c.new for c in changes),
        "fixed": sum(c.fixed for c in changes),
    }


def _status(rag: str | None) -> dict[str, str]:
    """A band as a class and as words, so that colour is never the only sign of it."""
    return {"rag": rag or "none", "status": RAG_WORDS.get(rag or "", NOTHING_CHECKED)}


def _cell(figure: Figure, kpi: Kpi | None = None) -> dict[str, Any]:
    """A table cell's figure; a KPI's says its status as its tile does (``kpi_status``)."""
    status = _status(figure.rag)
    if kpi is not None:
        status["status"] = kpi_status(kpi, figure)
    return {"text": figure.text, "base": figure.base, **status}


def _tile(inputs: ScorecardInputs, kpi: Kpi, team: str | None) -> dict[str, Any]:
    figure = inputs.figure(kpi, team)
    delta = inputs.delta(kpi, team)
    improved = better(kpi, delta)
    values = inputs.history(kpi, team)
    return {
        "label": kpi.label,
        "text": figure.text,
        "base": figure.base,
        "target": kpi_target(kpi),
        "partial": inputs.partial(kpi),
        "why": kpi_not_run(inputs.report, kpi),
        "rag": figure.rag or "none", "status": kpi_status(kpi, figure),
        "delta": delta_text(kpi, delta),
        "direction": "" if improved is None else "up" if improved else "down",
        "spark": sparkline(values),
        "points": len(values),
    }


def _rule_row(line: RuleLine) -> dict[str, Any]:
    rule = line.result.rule
    return {"id": rule.id, "severity": rule.severity.value, "message": rule.message, "failed": line.failed,
            "checked": line.checked, "rate": percent(line.rate)}


def sparkline(values: list[float | None], width: int = 80, height: int = 22) -> str:
    """SVG polyline points for a series (numbers only); empty with fewer than two values."""
    known = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(known) < 2:
        return ""
    low = min(value for _, value in known)
    high = max(value for _, value in known)
    # NOTE: a floor on the span keeps a change of 0.1 points from drawing as a cliff.
    span = max(high - low, abs(high) * 0.05, 1e-9)
    step = (width - 4) / max(len(values) - 1, 1)
    return " ".join(
        f"{2 + index * step:.1f},{height - 3 - (value - low) / span * (height - 6):.1f}" for index, value in known
    )
