"""A schema written out whole: every field, code list and rule after ``extends`` and shorthands.

The result is itself a valid schema (``.type`` rules are left implicit, as the field types
imply them), so ``refcheck schema show --resolved`` can be saved and loaded again. A YAML dumper
writes every value, messages and hints keep their braces escaped (they are templates when read
again), and the comment above names the schema on one line, so the text loads back exactly.
"""

from __future__ import annotations

from typing import Any

import yaml

from refcheck.schemas.escaping import one_line
from refcheck.schemas.model import Bands, Readability, Schema


def resolved_document(schema: Schema) -> dict[str, Any]:
    """The effective schema as plain YAML-ready data."""
    return {
        "name": schema.name,
        "version": schema.version,
        **({"description": schema.description} if schema.description else {}),
        "record_id": schema.record_id,
        "group_by": schema.group_by,
        **({"worker": schema.worker} if schema.worker else {}),
        "calendar": {"region": schema.calendar.region,
                     "extra_closures": [day.isoformat() for day in schema.calendar.extra_closures]},
        "codes": {name: dict(codes.codes) for name, codes in schema.codes.items()},
        "fields": {
            name: {
                "type": field.type.value,
                "label": field.label,
                **({"description": field.description} if field.description else {}),
                **({"collected": False} if not field.collected else {}),
                **({"personal": True} if field.personal else {}),
            }
            for name, field in schema.fields.items()
        },
        "rules": [
            {
                "id": rule.id,
                "kind": rule.kind,
                "params": {key: node.plain() for key, node in rule.params.items()},
                "severity": rule.severity.value,
                **({"category": rule.category} if rule.category else {}),
                "message": _template(rule.message),
                "hint": _template(rule.hint),
                **({"field": rule.field} if rule.field else {}),
                **({"tolerance": _tolerance(rule.tolerance)} if rule.tolerance is not None else {}),
            }
            for rule in schema.rules
            if rule.kind != "readable"
        ],
        "scorecard": {
            "bands": _bands(schema.scorecard.bands),
            "categories": {name: _bands(bands) for name, bands in schema.scorecard.category_bands.items()},
            **({"re_referrals": {"person": schema.scorecard.re_referrals.person,
                                 "date": schema.scorecard.re_referrals.date,
                                 "within_days": schema.scorecard.re_referrals.within_days}}
               if schema.scorecard.re_referrals else {}),
            "kpis": [
                {"id": kpi.id, "label": kpi.label, "measure": kpi.measure,
                 **({"rule": kpi.rule} if kpi.rule else {}), **({"category": kpi.category} if kpi.category else {}),
                 "bands": _bands(kpi.bands, counts=kpi.measure in ("rows", "failed"))}
                for kpi in schema.scorecard.kpis
            ],
        },
        **({"mapping": _mapping(schema)} if schema.mapping.fields or schema.mapping.null_tokens else {}),
        **({"readability": {"unreadable": f"{schema.readability.unreadable * 100:g}%",
                            "outside_codes": f"{schema.readability.outside_codes * 100:g}%"}}
           if schema.readability != Readability() else {}),
    }


def resolved_yaml(schema: Schema) -> str:
    """The effective schema as YAML text."""
    header = f"# {one_line(schema.name)} v{one_line(schema.version)}, resolved"
    if schema.extends:
        header += f" (extends {one_line(' -> '.join(schema.extends))})"
    header += ".\n# Every date, datetime and integer field also has its <field>.type rule.\n"
    return header + yaml.safe_dump(resolved_document(schema), sort_keys=False, allow_unicode=True, width=110)


def _template(text: str) -> str:
    """A message as a template that reads back as itself: the loader fills ``{placeholders}``."""
    return text.replace("{", "{{").replace("}", "}}")


def _bands(bands: Bands, *, counts: bool = False) -> dict[str, Any]:
    if counts:
        return {"green": bands.green, "amber": bands.amber}
    return {"green": f"{bands.green * 100:g}%", "amber": f"{bands.amber * 100:g}%"}


def _tolerance(value: float | int) -> str | int:
    return f"{value * 100:g}%" if isinstance(value, float) else value


def _mapping(schema: Schema) -> dict[str, Any]:
    return {
        "null_tokens": list(schema.mapping.null_tokens),
        "fields": {
            name: {key: value for key, value in (("column", entry.column), ("values", dict(entry.values)),
                                                 ("date_format", entry.date_format)) if value}
            for name, entry in schema.mapping.fields.items()
        },
    }
