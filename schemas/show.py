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
from refcheck.schemas.model import DEFAULT_BANDS, Bands, Condition, ExtractMapping, Kpi, Readability, Schema, Scorecard


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
        "fields": _fields(schema),
        "rules": _rules(schema),
        "scorecard": {
            "bands": _bands(schema.scorecard.bands),
            "categories": {name: _bands(bands) for name, bands in schema.scorecard.category_bands.items()},
            **({"re_referrals": {"person": schema.scorecard.re_referrals.person,
                                 "date": schema.scorecard.re_referrals.date,
                                 "within_days": schema.scorecard.re_referrals.within_days}}
               if schema.scorecard.re_referrals else {}),
            **({"due_within": f"{schema.scorecard.due_within} working days"}
               if schema.scorecard.due_within != Scorecard(DEFAULT_BANDS, {}, (), None).due_within else {}),
            "kpis": [_kpi(kpi) for kpi in schema.scorecard.kpis],
        },
        **({"record_types": {record.record_type: _record_type(record) for record in schema.others.values()}}
           if schema.others else {}),
        **({"mapping": _mapping(schema.mapping)} if _mapping(schema.mapping) else {}),
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


def _kpi(kpi: Kpi) -> dict[str, Any]:
    """A KPI as its ``kpis`` entry."""
    return {
        "id": kpi.id, "label": kpi.label, "measure": kpi.measure,
        **({"section": kpi.section} if kpi.section else {}),
        **({"rule": kpi.rule} if kpi.rule else {}), **({"category": kpi.category} if kpi.category else {}),
        **({"record_type": kpi.record_type} if kpi.record_type else {}),
        **({"of": {name: list(codes) for name, codes in kpi.of}} if kpi.of else {}),
        **({"share": {name: list(codes) for name, codes in kpi.share}} if kpi.share else {}),
        **({"bands": _bands(kpi.bands, counts=kpi.counts)} if kpi.bands is not None else {}),
    }


def _tolerance(value: float | int) -> str | int:
    return f"{value * 100:g}%" if isinstance(value, float) else value


def _record_type(record: Schema) -> dict[str, Any]:
    """One of the schema's other record types, as its ``record_types`` entry."""
    relation = record.belongs_to
    return {
        "label": record.label,
        **({"description": record.description} if record.description else {}),
        "key": record.record_id,
        **({"belongs_to": {"record_type": relation.record_type, "by": relation.by}} if relation
           else {"group_by": record.group_by}),
        **({"worker": record.worker} if record.worker else {}),
        **({"period": {"start": record.period.start, **({"end": record.period.end} if record.period.end else {})}}
           if record.period else {}),
        "fields": _fields(record),
        "rules": _rules(record),
    }


def _fields(schema: Schema) -> dict[str, Any]:
    return {
        name: {
            "type": field.type.value,
            "label": field.label,
            **({"description": field.description} if field.description else {}),
            **({"collected": False} if not field.collected else {}),
            **({"personal": True} if field.personal else {}),
        }
        for name, field in schema.fields.items()
    }


def _rules(schema: Schema) -> list[dict[str, Any]]:
    """The record type's rules, but the ``.type`` ones its field types imply."""
    return [
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
            **({"when": _when(rule.when)} if rule.when else {}),
            **({"due_label": rule.due_label} if rule.due_label else {}),
        }
        for rule in schema.rules
        if rule.kind != "readable"
    ]


def _when(condition: Condition) -> dict[str, Any]:
    if condition.test == "in":
        return {"field": condition.field, "in": list(condition.codes)}
    return {"field": condition.field, "is": condition.test}


def _mapping(mapping: ExtractMapping) -> dict[str, Any]:
    """A mapping as written; empty when it maps nothing."""
    if mapping == ExtractMapping():
        return {}
    return {
        **({"source": mapping.source} if mapping.source else {}),
        "null_tokens": list(mapping.null_tokens),
        "fields": {
            name: {key: value for key, value in (("column", entry.column), ("values", dict(entry.values)),
                                                 ("date_format", entry.date_format)) if value}
            for name, entry in mapping.fields.items()
        },
        **({"record_types": {name: _mapping(section) for name, section in mapping.record_types.items()}}
           if mapping.record_types else {}),
    }
