"""The short terminal summary: what was checked, which rules failed, and each team's pass rates."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from refcheck.checks import Report, RuleResult, Source
from refcheck.checks.report import team_label
from refcheck.checks.wording import counted
from refcheck.reports.escapes import inert_lines, visible
from refcheck.reports.scorecard import category_figure, percent
from refcheck.reports.version import refcheck_version
from refcheck.schemas import Severity

_STYLES = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "green": "32"}
_BAND_STYLES = {"green": "green", "amber": "yellow", "red": "red"}
"""A band's terminal colour: the band itself is decided by ``category_figure``, as on the scorecard page."""


class _Ink:
    """ANSI styling that is a no-op when colour is off (pipes, CI logs, NO_COLOR)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_STYLES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def render_terminal(report: Report, fail_on: Severity | None, *, color: bool = False, width: int = 10_000,
                    strict: bool = False) -> str:
    """The summary as text lines; ``color`` adds ANSI styles; ``strict`` counts readability warnings as failures.

    Every text from the schema or the extract is shown ``visible`` (its control characters escaped),
    and no line can start a CI runner's command.
    """
    return inert_lines("\n".join(_lines(report, fail_on, _Ink(color), width, strict)) + "\n")


def warning_lines(report: Report, *, color: bool = False) -> str:
    """One loud ``Warning:`` line per field read too poorly to trust (empty when there are none)."""
    return inert_lines("\n".join(_warnings(report, _Ink(color))))


def _warnings(report: Report, ink: _Ink) -> Iterator[str]:
    for warning in report.warnings:
        yield ink("Warning: ", "yellow", "bold") + ink(visible(warning.message), "yellow")


def _lines(report: Report, fail_on: Severity | None, ink: _Ink, width: int, strict: bool) -> Iterator[str]:
    schema, source = report.schema, report.source
    yield ink(f"refcheck {refcheck_version()}", "bold") + f" · schema {visible(schema.name)} v{visible(schema.version)}"
    primary = report.sources.get(schema.record_type)
    read = (f"{schema.record_type} not supplied" if primary is not None and not primary.supplied else
            f"{counted(source.rows_checked, 'row')} checked of {source.rows_read:,} read")
    yield f"{visible(source.path)}: {read} · as of {report.as_of.isoformat()} · {counted(len(report.teams), 'team')}"
    if source.rows_unreadable:
        yield ink(_unreadable(source.rows_unreadable, report.unreadable), "red")
    if report.several_types:
        yield from _record_types(report, ink)
    yield from _warnings(report, ink)
    reasons: dict[str, list[str]] = {}
    for result in report.results:
        if not result.ran:
            reasons.setdefault(result.reason or "field not collected", []).append(visible(result.rule.id))
    for reason, not_run in reasons.items():
        yield ink(f"Not run ({visible(reason)}): {', '.join(not_run)}", "dim")
    failing = [result for result in report.results if result.failed]
    yield ""
    if not failing:
        yield ink("No rule failed.", "green")
    else:
        yield ink(f"Failing rules ({len(failing)} of {len(report.results)})", "bold")
        id_width = max(len(visible(result.rule.id)) for result in failing)
        for category in report.categories():
            in_category = [result for result in failing if result.rule.category == category]
            if not in_category:
                continue
            yield f"  {category}"
            for result in in_category:
                yield "    " + _rule_line(result, id_width, ink, width)
    yield ""
    yield from _team_table(report, ink)
    yield ""
    yield _verdict(report, fail_on, ink, strict)


def _unreadable(rows: int, unreadable: pl.DataFrame) -> str:
    """How many rows could not be read, and the lines of the first five."""
    lines = unreadable["line"].head(5).to_list()
    more = " …" if rows > len(lines) else ""
    named = "line" if rows == 1 else "lines"
    return f"{counted(rows, 'row')} could not be read ({named} {', '.join(str(line) for line in lines)}{more})"


def _record_types(report: Report, ink: _Ink) -> Iterator[str]:
    """Which record types were read (and their rows), which were not supplied, and what was left aside."""
    read = [f"{visible(name)} ({_rows(record.source)})" for name, record in report.sources.items()
            if record.source is not None]
    absent = [visible(name) for name, record in report.sources.items() if record.source is None]
    yield f"Record types read: {', '.join(read) or 'none'}" + (f"; not supplied: {', '.join(absent)}" if absent else "")
    for name, record in report.sources.items():
        if record.source is not None and record.source.rows_unreadable and name != report.schema.record_type:
            yield ink(f"{visible(name)}: {_unreadable(record.source.rows_unreadable, record.unreadable)}", "red")
    if report.ignored:
        ignored = ", ".join(visible(name) for name in report.ignored)
        yield ink(f"Ignored (no record type by that name): {ignored}", "dim")


def _rows(source: Source) -> str:
    if source.rows_unreadable:
        return f"{source.rows_checked:,} of {counted(source.rows_read, 'row')}"
    return counted(source.rows_read, "row")


def _rule_line(result: RuleResult, id_width: int, ink: _Ink, width: int) -> str:
    severity = result.rule.severity
    mark = ink(f"{severity.value:<7}", "red" if severity is Severity.ERROR else "yellow")
    counts = f"{result.failed:>8,} / {result.checked:<9,} {percent(result.pass_rate):>6}"
    line = f"{mark} {visible(result.rule.id):<{id_width}}  {counts}  "
    room = max(width - len(line) + (len(mark) - 7), 20)
    message = visible(result.rule.message)
    if len(message) > room:
        message = message[: room - 1] + "…"
    return line + ink(message, "dim")


def _team_table(report: Report, ink: _Ink) -> Iterator[str]:
    categories = report.categories()
    names = [_shortened(visible(team_label(team)), TEAM_WIDTH) for team in report.teams]
    team_width = max([len("team"), *(len(name) for name in names)])
    widths = [max(len(category), 6) for category in categories]
    yield ink("Pass rate by team and category", "bold")
    # NOTE: with several record types the rows are the primary's, and the column says so
    rows_width = max(7, len(report.schema.record_type)) if report.several_types else 7
    counted_rows = visible(report.schema.record_type) if report.several_types else "rows"
    header = "  " + f"{'team':<{team_width}}  {counted_rows:>{rows_width}}  " + "  ".join(
        f"{category:>{w}}" for category, w in zip(categories, widths, strict=True)
    )
    yield header
    for team, name, rows in zip(report.teams, names, report.team_rows, strict=True):
        cells = []
        for category, w in zip(categories, widths, strict=True):
            figure = category_figure(report, category, team)
            styles = (_BAND_STYLES[figure.rag],) if figure.rag else ()
            cells.append(ink(f"{figure.text:>{w}}", *styles))
        yield f"  {name:<{team_width}}  {rows:>{rows_width},}  " + "  ".join(cells)


TEAM_WIDTH = 40
"""Characters of a team's name the table shows: a longer name would push every row off the screen."""


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verdict(report: Report, fail_on: Severity | None, *, color: bool = False, strict: bool = False) -> str:
    """The one line a gate prints: PASSED or FAILED against ``--fail-on`` (and ``--strict``), and why."""
    return inert_lines(_verdict(report, fail_on, _Ink(color), strict))


def _unread(report: Report) -> str:
    """What the readability warnings say about the run, in a few words: fields, rows, or both."""
    fields = sum(1 for warning in report.warnings if warning.field is not None)
    parts = [f"{counted(fields, 'field')} could not be read well enough to trust"] if fields else []
    if fields < len(report.warnings):
        parts.append("too many rows could not be read")
    return " and ".join(parts)


def _verdict(report: Report, fail_on: Severity | None, ink: _Ink, strict: bool) -> str:
    gate = fail_on.value if fail_on else "never"
    how = f"fail-on {gate}, strict" if strict else f"fail-on {gate}"
    worst = report.worst_severity()
    unread = _unread(report)
    if report.passed(fail_on, strict=strict):
        detail = f"worst severity {worst.value}" if worst else "no failures"
        # NOTE: a pass that rests on partial data says so, and how to gate on it
        but = f" — but {unread}; --strict fails on this" if report.warnings else ""
        return ink("PASSED", "green", "bold") + f" ({how}; {detail}){but}"
    breached = [r for r in report.results if r.breached and fail_on and r.rule.severity.rank >= fail_on.rank]
    reasons = [f"{counted(len(breached), 'rule')} at or above {gate} failed"] if breached or not strict else []
    if strict and report.warnings:
        reasons.append(unread)
    return ink("FAILED", "red", "bold") + f" ({how}): {'; '.join(reasons)}"
