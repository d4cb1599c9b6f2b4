"""JUnit XML for CI systems: one testsuite per category, one testcase per rule.

A rule that failed beyond its tolerance at or above ``--fail-on`` is a ``<failure>``; one that
failed below the gate or within tolerance passes with its counts in ``system-out``; a rule not
run is ``<skipped>``. Failures carry counts per team, never a record's values. Every text from the
schema or the extract is written ``visible`` (its control characters escaped), which also keeps the
XML well-formed: XML 1.0 cannot hold most of them. No line of it starts a CI runner's command.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from refcheck.checks import Report, RuleResult
from refcheck.checks.report import team_label
from refcheck.reports.escapes import inert_lines, visible
from refcheck.reports.scorecard import percent
from refcheck.schemas import Severity


def render_junit(report: Report, fail_on: Severity | None) -> str:
    """The report as a JUnit XML document."""
    root = ET.Element("testsuites", name=f"refcheck {visible(report.schema.name)}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for category in report.categories():
        results = [result for result in report.results if result.rule.category == category]
        suite = ET.SubElement(root, "testsuite", name=category)
        counts = {"tests": len(results), "failures": 0, "skipped": 0}
        for result in results:
            case = ET.SubElement(suite, "testcase", name=visible(result.rule.id), classname=f"refcheck.{category}")
            if not result.ran:
                why = result.reason or "a field this rule needs is not collected"
                ET.SubElement(case, "skipped", message=visible(why))
                counts["skipped"] += 1
            elif _gates(result, fail_on):
                failure = ET.SubElement(case, "failure", type=result.rule.severity.value, message=_summary(result))
                failure.text = _by_team(result)
                counts["failures"] += 1
            elif result.failed:
                ET.SubElement(case, "system-out").text = f"{_summary(result)} (below the gate)\n{_by_team(result)}"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return inert_lines('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def _gates(result: RuleResult, fail_on: Severity | None) -> bool:
    return fail_on is not None and result.breached and result.rule.severity.rank >= fail_on.rank


def _summary(result: RuleResult) -> str:
    return (f"{visible(result.rule.message)}: {result.failed:,} of {result.checked:,} rows failed "
            f"(pass rate {percent(result.pass_rate)})")


def _by_team(result: RuleResult) -> str:
    lines = [f"{visible(team_label(count.team))}: {count.failed:,} of {count.checked:,}"
             for count in result.by_team if count.failed]
    return "\n".join(["Failed per team:", *lines, f"Fix: {visible(result.rule.hint)}"])
