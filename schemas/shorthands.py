"""Expand a field's shorthands (``required``, ``codes``, ``format``, ``unique``, its type) into rules.

Each shorthand makes a rule with the id ``<field>.required``, ``<field>.valid``, ``<field>.unique``
or ``<field>.type``, reported as the shorthand (or ``valid``) says.
"""

from __future__ import annotations

from refcheck.schemas.model import Field, FieldType, RuleSpec, Severity
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.values import category_name, check_keys, choice, template, tolerance
from refcheck.schemas.yamldoc import Node

REPORT_KEYS = {"severity", "category", "message", "hint", "tolerance", "why"}
FORMATS = {"nhs_number": "nhs_number", "uk_postcode": "uk_postcode"}


def _report_settings(node: Node | None, problems: Problems) -> dict[str, Node]:
    """The reporting keys of a shorthand: ``true``, a severity, or a mapping of them."""
    if node is None or not node.is_mapping:
        return {}
    check_keys(node, REPORT_KEYS, "shorthand", problems)
    return node.mapping()


def _shorthand_enabled(node: Node) -> bool:
    if isinstance(node.value, bool):
        return node.value
    return True


def expand_shorthands(fields_node: Node, fields: dict[str, Field], problems: Problems,
                      prefix: str = "") -> list[RuleSpec]:
    """Turn ``required``, ``codes``, ``format``, ``unique`` and parsed types into rules; mistakes are noted.

    ``prefix`` (``cp_visits.``) starts the ids of another record type's rules; the primary's have none.
    """
    rules: list[RuleSpec] = []
    for name, node in (fields_node.value.items() if fields_node.is_mapping else ()):
        spec: dict[str, Node] = node.value if node.is_mapping else {}
        with problems.noted():
            rules.extend(_field_rules(fields[name], node, spec, problems, prefix))
    return rules


def _field_rules(field: Field, node: Node, spec: dict[str, Node], problems: Problems,
                 prefix: str) -> list[RuleSpec]:
    """The rules one field's shorthands make."""
    name, label = field.name, field.label
    record = "referral" if not prefix else "record"
    rules: list[RuleSpec] = []
    if field.type.is_parsed:
        rules.append(_generated(
            f"{prefix}{name}.type", "readable", {"field": name}, spec.get("type", node), None, field, problems,
            severity=Severity.ERROR, category="validity",
            message=f"{label} cannot be read as {field.type.with_article}",
            hint=_TYPE_HINTS[field.type],
        ))
    if "required" in spec and _shorthand_enabled(spec["required"]):
        rules.append(_generated(
            f"{prefix}{name}.required", "required", {"field": name}, spec["required"], spec["required"], field,
            problems,
            severity=Severity.ERROR, category="completeness",
            message=f"{label} is not recorded",
            hint=f"Record the {label[0].lower() + label[1:]} on the {record}",
        ))
    if "unique" in spec and _shorthand_enabled(spec["unique"]):
        rules.append(_generated(
            f"{prefix}{name}.unique", "unique", {"field": name}, spec["unique"], spec["unique"], field, problems,
            severity=Severity.ERROR, category="integrity",
            message=f"{label} is shared by more than one record",
            hint=f"Give each record its own {label[0].lower() + label[1:]}; merge or remove duplicated records",
        ))
    if "codes" in spec:
        list_name = field.codes or ""
        valid = _generated(
            f"{prefix}{name}.valid", "code_list", {"field": name, "codes": list_name},
            spec["codes"], spec.get("valid"), field, problems,
            severity=Severity.ERROR, category="validity",
            message=f"{label} is not a code in the {list_name} list",
            hint=f"Choose one of the {list_name} codes; codes are case-sensitive",
        )
        if field.codes is not None:  # NOTE: an unknown list is noted; its ``valid`` settings are still checked
            rules.append(valid)
    if "format" in spec:
        if "codes" in spec:
            problems.add(spec["format"].where.error("a field takes either codes or a format, not both"))
        read = problems.attempt(lambda: _format(spec["format"], name, problems), None)
        kind, params = read or ("pattern", {"field": name})
        valid = _generated(
            f"{prefix}{name}.valid", kind, params, spec["format"], spec.get("valid"), field, problems,
            severity=Severity.ERROR, category="validity",
            message=_FORMAT_MESSAGES.get(kind, "{label} is not in the expected format").format(label=label),
            hint=f"Correct the {label[0].lower() + label[1:]}",
        )
        if read is not None and "codes" not in spec:  # NOTE: else noted; its ``valid`` settings are still checked
            rules.append(valid)
    elif "valid" in spec and "codes" not in spec:
        raise spec["valid"].where.unknown("'valid' sets how codes or format are reported; the field has neither")
    return rules


_TYPE_HINTS = {
    FieldType.DATE: "Enter the date as 2025-04-17 or 17/04/2025",
    FieldType.DATETIME: "Enter the date and time as 2025-04-17 09:30 or 17/04/2025 09:30",
    FieldType.INTEGER: "Enter a whole number",
}
_FORMAT_MESSAGES = {
    "nhs_number": "{label} is not a valid NHS number (10 digits with a correct check digit)",
    "uk_postcode": "{label} is not a valid UK postcode",
    "pattern": "{label} does not match the expected format",
}


def _format(node: Node, field: str, problems: Problems) -> tuple[str, dict[str, object]]:
    if node.is_mapping:
        spec = node.mapping()
        check_keys(node, {"pattern"}, "format", problems)
        if "pattern" not in spec:
            raise node.where.error("a format mapping needs 'pattern'")
        return "pattern", {"field": field, "pattern": spec["pattern"].text()}
    name = node.text()
    if name not in FORMATS:
        raise node.where.error(f"expected one of {', '.join(FORMATS)} or {{pattern: ...}}; got {quoted(name)}"
                               f"{did_you_mean(name, FORMATS)}")
    return FORMATS[name], {"field": field}


def _generated(
    rule_id: str,
    kind: str,
    params: dict[str, object],
    anchor: Node,
    settings_node: Node | None,
    field: Field,
    problems: Problems,
    *,
    severity: Severity,
    category: str,
    message: str,
    hint: str,
) -> RuleSpec:
    """A rule made from a field shorthand, with the shorthand's own reporting settings applied."""
    settings = _report_settings(settings_node, problems)
    if settings_node is not None and isinstance(settings_node.value, str):
        severity = problems.attempt(lambda: choice(settings_node, Severity), severity)
    param_nodes = {key: Node(value, anchor.where, str(value)) for key, value in params.items()}
    context = {"field": field.name, "label": field.label, "id": rule_id, **params}
    return RuleSpec(
        id=rule_id,
        kind=kind,
        params=param_nodes,
        severity=problems.value(settings, "severity", lambda node: choice(node, Severity), severity),
        category=problems.value(settings, "category", category_name, category),
        message=problems.value(settings, "message", lambda node: template(node, context), message),
        hint=problems.value(settings, "hint", lambda node: template(node, context), hint),
        field=field.name,
        where=anchor.where,
        tolerance=problems.value(settings, "tolerance", tolerance, None),
        kind_where=anchor.where,
    )


