"""The rule catalogue as text, Markdown (docs/rules.md) or JSON.

Every piece of schema text goes through ``one_line`` (text) or ``markdown_text`` (Markdown), so a
message or name can neither break a line nor become a heading, table cell, link or HTML.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from refcheck.checks.catalogue import WHY, Entry, Example, kind_for, rule_cases, types_for
from refcheck.checks.kinds import KINDS, Export, ExportStatus, RuleKind
from refcheck.schemas import Schema
from refcheck.schemas.escaping import markdown_text, one_line


def _values(values: Mapping[str, object]) -> str:
    return ", ".join(f"{name} = {'(blank)' if value is None else repr(str(value))}" for name, value in values.items())


def _example(example: Example | None) -> str:
    if example is None:
        return "-"
    note = f" {example.note}" if example.note else ""
    related = "".join(
        f"; with {name}: " + ("; ".join(f"[{_values(row)}]" for row in rows) if rows else "none")
        for name, rows in example.related.items())
    return _values(example.values) + note + related + (f" (as of {example.as_of.isoformat()})" if example.as_of else "")


def _status(status: ExportStatus) -> str:
    return status.status.value + (f" ({status.reason})" if status.reason else "")


def render_catalogue_text(schema: Schema, entries: Sequence[Entry]) -> str:
    """For a terminal: one block per rule."""
    lines = [f"{one_line(schema.name)} v{one_line(schema.version)}: {len(entries)} rules", ""]
    for entry in entries:
        rule = entry.rule
        lines += [
            f"{one_line(rule.id)}  [{rule.category}, {rule.severity.value}]",
            *(f"  {label:<9} {one_line(text)}" for label, text in _fields(entry)),
            "",
        ]
    return "\n".join(lines)


def _fields(entry: Entry) -> list[tuple[str, str]]:
    """An entry's labelled texts, as both renderings show them."""
    rule = entry.rule
    return [("message:", rule.message), ("checks:", entry.checks), ("why:", entry.why), ("fix:", rule.hint),
            ("passes:", _example(entry.passing)), ("fails:", _example(entry.failing)),
            ("pandera:", _status(entry.pandera)), ("GX:", _status(entry.gx))]


def render_catalogue_markdown(schema: Schema, entries: Sequence[Entry], title: str | None = None) -> str:
    """A Markdown section: a summary table, then one entry per rule."""
    lines = [
        f"## {markdown_text(title or f'{schema.name} (version {schema.version})')}",
        "",
        markdown_text(schema.description),
        "",
        "| rule | category | severity | pandera | GX |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| [{_code(e.rule.id)}](#{_anchor(schema, e)}) | {e.rule.category} | {e.rule.severity.value} | "
              f"{e.pandera.status.value} | {e.gx.status.value} |" for e in entries]
    for entry in entries:
        rule = entry.rule
        lines += [
            "",
            f'### <a id="{_anchor(schema, entry)}"></a>{_code(rule.id)}',
            "",
            f"**{markdown_text(rule.message)}**. {rule.category.capitalize()}, {rule.severity.value}.",
            "",
            f"- **Checks**: {markdown_text(entry.checks)}",
            f"- **Why it matters**: {markdown_text(entry.why)}",
            f"- **How to fix**: {markdown_text(rule.hint)}",
            f"- **Passes**: {markdown_text(_example(entry.passing))}",
            f"- **Fails**: {markdown_text(_example(entry.failing))}",
            f"- **pandera**: {markdown_text(_status(entry.pandera))}; "
            f"**Great Expectations**: {markdown_text(_status(entry.gx))}",
        ]
    return "\n".join(lines) + "\n"


def _code(name: str) -> str:
    """A name as code when it is a plain name (nothing in a code span can be escaped), else escaped text."""
    return f"`{name}`" if re.fullmatch(r"[\w.-]+", name) else markdown_text(name)


def _anchor(schema: Schema, entry: Entry) -> str:
    """An HTML id from the schema's name and the rule's id: lower-case letters, digits and hyphens only."""
    words = re.findall(r"[a-z0-9]+", f"{schema.name} {entry.rule.id}".lower())
    return "-".join(words) or "rule"


def catalogue_dict(schema: Schema, entries: Sequence[Entry]) -> dict[str, Any]:
    """The catalogue as plain data."""
    def example(value: Example | None) -> dict[str, Any] | None:
        if value is None:
            return None
        as_of = value.as_of.isoformat() if value.as_of else None
        shown: dict[str, Any] = {"values": dict(value.values), "as_of": as_of, "note": value.note}
        if value.related:  # NOTE: only a rule that reads another record type has these
            shown["related"] = {name: [dict(row) for row in rows] for name, rows in value.related.items()}
        return shown

    return {
        "schema": schema.name,
        "version": schema.version,
        "rules": [
            {
                "id": e.rule.id, "record_type": e.record_type, "kind": e.rule.kind_name, "category": e.rule.category,
                "severity": e.rule.severity.value, "message": e.rule.message, "checks": e.checks, "why": e.why,
                "fix": e.rule.hint, "passes": example(e.passing), "fails": example(e.failing),
                "pandera": {"status": e.pandera.status.value, "reason": e.pandera.reason},
                "gx": {"status": e.gx.status.value, "reason": e.gx.reason},
            }
            for e in entries
        ],
    }


def render_catalogue_json(schema: Schema, entries: Sequence[Entry]) -> str:
    """The catalogue as JSON."""
    return json.dumps(catalogue_dict(schema, entries), indent=2, ensure_ascii=False) + "\n"


RULES_MD_HEADER = """# Rule catalogue

Every rule of the bundled schemas: what it checks, why it matters, how to fix a failure, a passing
and a failing example (taken from the rule-case tables and re-checked against the rule itself),
and how it exports to pandera and Great Expectations ([exports.md](exports.md)).

Generated by `python -m refcheck.reports.catalogue > docs/rules.md`, which runs
`refcheck rules --format markdown` for each bundled schema (the child protection records once, as `wales`
and `england` add the same ones); a test fails when this file is stale.
For a council's own schema, run `refcheck rules --schema council.yaml`.
"""


def _kinds_in_order() -> list[type[RuleKind]]:
    """Every registered kind, by category as a schema reads them, then as registered."""
    return sorted(KINDS.values(), key=lambda kind: list(WHY).index(kind.category))


def kinds_markdown() -> str:
    """The table of rule kinds in docs/schemas.md: each kind's parameters and the first line of its docstring."""
    lines = ["| kind | parameters | checks |", "|---|---|---|"]
    for kind in _kinds_in_order():
        specs = dataclasses.fields(kind)  # type: ignore[arg-type]
        given = [f"`{spec.name}`" for spec in specs if _required(spec)]
        optional = [f"`{spec.name}`" for spec in specs if not _required(spec)]
        params = ", ".join(given) + (f"; optional {', '.join(optional)}" if optional else "")
        summary = (kind.__doc__ or "").strip().splitlines()[0].replace("``", "`")
        lines.append(f"| `{kind.name}` | {params} | {summary} |")
    return "\n".join(lines) + "\n"


def _required(spec: dataclasses.Field[Any]) -> bool:
    return spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING


def export_markdown() -> str:
    """The table of export status by kind in docs/exports.md, as each kind declares it for its rule cases."""
    lines = ["| kind | pandera | SQL | Great Expectations |", "|---|---|---|---|"]
    for kind in _kinds_in_order():
        cases = [(kind_for(spec, case), types_for(spec, case)) for spec in rule_cases()[kind.name]
                 for case in spec["cases"].values()]
        pandera = _statuses(rule_kind.pandera_status() for rule_kind, _ in cases)
        sql = _statuses(rule_kind.sql_status() for rule_kind, _ in cases)
        gx = _statuses(rule_kind.gx_status(types) for rule_kind, types in cases)
        built_in = sorted({_snake(expectation.expectation) for rule_kind, types in cases
                           if rule_kind.gx_status(types).status is Export.EXACT for expectation in rule_kind.gx(types)})
        if built_in:
            gx = gx.replace(Export.EXACT.value, f"{Export.EXACT.value}: {', '.join(built_in)}", 1)
        lines.append(f"| `{kind.name}` | {pandera} | {sql} | {gx} |")
    return "\n".join(lines) + "\n"


def _snake(expectation: str) -> str:
    """GX's name for an expectation class in its docs and JSON: ``expect_column_values_to_be_unique``."""
    return "`" + re.sub(r"(?<!^)(?=[A-Z])", "_", expectation).lower() + "`"


def _statuses(statuses: Iterable[ExportStatus]) -> str:
    """The distinct statuses, each with its reason; exact first."""
    distinct = sorted(set(statuses), key=lambda status: (list(Export).index(status.status), status.reason))
    return "; ".join(status.status.value + (f" ({status.reason})" if status.reason else "") for status in distinct)


def rules_md() -> str:
    """docs/rules.md: the catalogues of the bundled referral schemas, then the child protection records of ``wales``.

    ``wales`` and ``england`` add the same record types to ``wales-referral`` and ``england-referral`` (a test
    holds them to that), so their other record types' rules are listed once, not the referral rules again.
    """
    from refcheck.checks.catalogue import catalogue
    from refcheck.schemas import PRIMARY, load_schema

    parts = [RULES_MD_HEADER]
    for name in ("wales-referral", "england-referral"):
        schema = load_schema(name)
        parts.append(render_catalogue_markdown(schema, catalogue(schema)))
    wales = load_schema("wales")
    records = [entry for entry in catalogue(wales) if entry.record_type != PRIMARY]
    parts.append(render_catalogue_markdown(wales, records, title=RECORDS_TITLE))
    return "\n".join(parts)


RECORDS_TITLE = "wales and england: child protection records (version 1)"
"""The heading of the rules the child protection standard adds; ``england``'s are ``wales``'s."""


def refresh_tables(docs: Path) -> None:
    """Rewrite the generated kind tables of docs/schemas.md and docs/exports.md in place.

    Each table runs from its header row to the first blank line; the prose around it is kept.
    """
    for page, table in (("schemas.md", kinds_markdown()), ("exports.md", export_markdown())):
        path = docs / page
        text = path.read_text(encoding="utf-8")
        start = text.index(table.splitlines()[0] + "\n")
        end = text.index("\n\n", start) + 1
        path.write_text(text[:start] + table + text[end:], encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - the docs generator
    import sys

    if sys.argv[1:2] == ["--tables"]:
        refresh_tables(Path(sys.argv[2]))
    else:
        print(rules_md(), end="")
