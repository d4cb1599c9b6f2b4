"""The machine-readable report (``--json``), documented field by field in ``docs/report-json.md``.

Keys:
    refcheck_version, schema {name, version, extends}, as_of, fail_on, strict,
    source {path, rows_read, rows_checked, rows_unreadable, unreadable [{line, reason}]},
    warnings [{field, column, kind, share, message}], passed, worst_severity, teams [{team, rows}],
    rules [{id, kind, category, severity, field, message, hint, status, checked, failed,
            pass_rate, tolerance, breached, by_team [{team, checked, failed}]}];
    and, for a schema with several record types only, sources {<record type>: {label, supplied, path,
            rows_read, rows_checked, rows_unreadable, unreadable [{line, reason}], rules [ids], not_run {id: reason}}}
    and, when the run counted them (a scorecard), measures {<measure>: {base, counted,
            by_team [{team, base, counted}]}}.
"""

from __future__ import annotations

import json
from typing import Any

from refcheck.checks import Report, RuleResult
from refcheck.checks.report import team_label
from refcheck.reports.escapes import json_text
from refcheck.reports.version import refcheck_version
from refcheck.schemas import Severity


def report_dict(report: Report, fail_on: Severity | None, *, strict: bool = False) -> dict[str, Any]:
    """The report as plain JSON data; counts and rule metadata only, never a record's values.

    ``strict`` (``--strict``) makes a readability warning fail ``passed`` as a failed rule does.
    """
    worst = report.worst_severity()
    document: dict[str, Any] = {
        "refcheck_version": refcheck_version(),
        "schema": {
            "name": report.schema.name,
            "version": _version(report.schema.version),
            "extends": list(report.schema.extends),
        },
        "as_of": report.as_of.isoformat(),
        "fail_on": fail_on.value if fail_on else "never",
        "strict": strict,
        "source": {
            "path": report.source.path,
            "rows_read": report.source.rows_read,
            "rows_checked": report.source.rows_checked,
            "rows_unreadable": report.source.rows_unreadable,
            "unreadable": report.unreadable.head(UNREADABLE_LISTED).to_dicts(),
        },
        "warnings": [{"field": warning.field, "column": warning.column, "kind": warning.kind,
                      "share": round(warning.share, 6), "message": warning.message} for warning in report.warnings],
        "passed": report.passed(fail_on, strict=strict),
        "worst_severity": worst.value if worst else None,
        "teams": [{"team": team_label(team), "rows": rows}
                  for team, rows in zip(report.teams, report.team_rows, strict=True)],
        "rules": [_rule(result) for result in report.results],
    }
    if report.several_types:
        document["sources"] = _sources(report)
        measures = _measures(report)
        if measures:
            document["measures"] = measures
    return document


def render_json(report: Report, fail_on: Severity | None, *, strict: bool = False) -> str:
    """The report as indented JSON text, safe to print: no control character in it is raw (``json_text``)."""
    return json_text(json.dumps(report_dict(report, fail_on, strict=strict), indent=2, ensure_ascii=False)) + "\n"


UNREADABLE_LISTED = 1000
"""How many unreadable rows the JSON lists (all are counted; --unreadable writes every one)."""


def _sources(report: Report) -> dict[str, Any]:
    """Per record type of a schema with several: where it was read from, its rows, its rules and why any did not run."""
    sources: dict[str, Any] = {}
    for name, record in report.sources.items():
        source = record.source
        results = [result for result in report.results if result.rule.record_type == name]
        sources[name] = {
            "label": record.label,
            "supplied": record.supplied,
            "path": source.path if source else None,
            "rows_read": source.rows_read if source else 0,
            "rows_checked": source.rows_checked if source else 0,
            "rows_unreadable": source.rows_unreadable if source else 0,
            "unreadable": record.unreadable.head(UNREADABLE_LISTED).to_dicts(),
            "rules": [result.rule.id for result in results],
            "not_run": {result.rule.id: result.reason or NOT_COLLECTED for result in results if not result.ran},
        }
    return sources


def _measures(report: Report) -> dict[str, Any]:
    """The record measures of the run (open records, overdue now, due, shares): what each rests on and counts."""
    return {
        key: {"base": sum(c.checked for c in counts), "counted": sum(c.failed for c in counts),
              "by_team": [{"team": team_label(c.team), "base": c.checked, "counted": c.failed} for c in counts]}
        for key, counts in report.measures.items() if key.split(":", 1)[0] in RECORD_MEASURES and ":" in key
    }


RECORD_MEASURES = ("open", "overdue_now", "due", "share")
"""The measures ``report.json`` lists (``Report.measures``), keyed ``<measure>:<record type, rule or KPI>``."""

NOT_COLLECTED = "a field it needs is not collected"
"""Why a rule did not run when the run gives no other reason: the schema marks a field it reads as not collected."""


def _version(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _rule(result: RuleResult) -> dict[str, Any]:
    rule = result.rule
    return {
        "id": rule.id,
        "kind": rule.kind_name,
        "category": rule.category,
        "severity": rule.severity.value,
        "field": rule.field,
        "message": rule.message,
        "hint": rule.hint,
        "status": "run" if result.ran else "not_run",
        "checked": result.checked,
        "failed": result.failed,
        "pass_rate": round(result.pass_rate, 6),
        "tolerance": _tolerance(rule.tolerance),
        "breached": result.breached,
        "by_team": [{"team": team_label(c.team), "checked": c.checked, "failed": c.failed} for c in result.by_team],
    }


def _tolerance(value: float | int | None) -> str | int | None:
    if isinstance(value, float):
        return f"{value * 100:g}%"
    return value
