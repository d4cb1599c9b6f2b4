"""An extract's profile as terminal text, a self-contained HTML page, or JSON."""

from __future__ import annotations

import dataclasses
import json

from refcheck.checks.profile import ColumnProfile, Profile
from refcheck.reports.pages import PAGES
from refcheck.reports.scorecard import percent
from refcheck.reports.version import refcheck_version
from refcheck.schemas.yamldoc import printable

LEGEND = "9 a digit, A a letter, ? another sign"
"""How to read a form: a value's shape, whatever its script (``refcheck.checks.profile.shape``)."""


def share(count: int, total: int) -> str:
    """A count as a percentage of a total, never 100% while something is missing."""
    return percent(count / total) if total else "-"


def _listed(pairs: tuple[tuple[str, int], ...]) -> str:
    return " · ".join(f"{printable(value)} ({count:,})" for value, count in pairs)


def _values(count: int) -> str:
    return f"{count:,} value" + ("" if count == 1 else "s")


def notes(column: ColumnProfile) -> list[str]:
    """What to know about a column beyond its counts, one line each."""
    lines = []
    if column.unreadable:
        lines.append(f"{_values(column.unreadable)} cannot be read as {column.type.with_article}")
        if column.unreadable_words:
            lines.append("unreadable words: " + _listed(column.unreadable_words))
        if column.unreadable_forms:
            lines.append(f"unreadable forms ({LEGEND}): " + _listed(column.unreadable_forms))
    if column.placeholders:
        lines.append("placeholders (blank in your system? see null_tokens): " + _listed(column.placeholders))
    if column.forms:
        lines.append(f"written as ({LEGEND}): " + _listed(column.forms))
    if column.earliest is not None:
        lines.append(f"readable values from {column.earliest[:16]} to {column.latest and column.latest[:16]}")
    if column.outside_count:
        lines.append(f"{_values(column.outside_count)} outside the code list")
        if column.outside:
            lines.append("outside the list: " + _listed(column.outside))
        if column.outside_hidden:
            lines.append(f"{_values(column.outside_hidden)} not listed: personal, or not like a code (--show-values)")
    if column.top:
        lines.append("most common: " + _listed(column.top))
    return lines


def _matched(column: ColumnProfile) -> str:
    if column.field is None:
        return "(no field)"
    return column.field + ("" if column.matched in ("name", "mapping") else f" ({column.matched})")


def render_profile_text(profile: Profile) -> str:
    """For a terminal: a table of columns, then what stands out in each."""
    lines = [
        f"refcheck {refcheck_version()} · profile against {profile.schema}",
        f"{printable(profile.source)}: {profile.rows + profile.rows_unreadable:,} rows read: {profile.rows:,} profiled,"
        f" {profile.rows_unreadable:,} unreadable · {len(profile.columns)} columns",
    ]
    if profile.proposed:
        lines.append("Columns matched to fields as `refcheck map` proposes; give --mapping to say otherwise.")
    lines.append("")
    table = [("column", "field", "type", "filled", "distinct", "length")]
    for column in profile.columns:
        length = "-" if column.shortest is None else f"{column.shortest}-{column.longest}"
        table.append((printable(column.column), _matched(column), column.type.value,
                      f"{share(column.present, profile.rows)} ({column.present:,})", f"{column.distinct:,}", length))
    widths = [max(len(row[index]) for row in table) for index in range(len(table[0]))]
    for row in table:
        lines.append("  ".join(cell.ljust(width) if index < 3 else cell.rjust(width)
                               for index, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip())
    detailed = [(column, notes(column)) for column in profile.columns]
    for column, found in detailed:
        if found:
            lines += ["", printable(column.column)] + [f"  {line}" for line in found]
    if profile.missing_fields:
        lines += ["", "Fields with no column: " + ", ".join(profile.missing_fields)]
    hidden = [column.column for column in profile.columns if not column.values_shown]
    if hidden:
        lines += ["", f"Values are not shown for {len(hidden)} columns (personal, free text or not code-like); "
                      "--show-values shows them."]
    return "\n".join(lines) + "\n"


def render_profile_html(profile: Profile) -> str:
    """One self-contained page (no network requests), every value escaped."""
    columns = [{"profile": column, "matched": _matched(column), "filled": share(column.present, profile.rows),
                "notes": notes(column)} for column in profile.columns]
    return PAGES.get_template("profile.html.j2").render(
        profile=profile, columns=columns, version=refcheck_version(),
        hidden=sum(1 for column in profile.columns if not column.values_shown),
    )


def render_profile_json(profile: Profile) -> str:
    """The profile as JSON, for scripts."""
    document = dataclasses.asdict(profile)
    for column in document["columns"]:
        column["type"] = str(column["type"])
        for key in ("top", "outside", "placeholders", "forms", "unreadable_words", "unreadable_forms"):
            column[key] = [{"value": value, "count": count} for value, count in column[key]]
    return json.dumps({"refcheck": refcheck_version(), **document}, indent=2, ensure_ascii=False) + "\n"
