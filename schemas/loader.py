"""Load a schema: read YAML with places kept, resolve ``extends``, expand field shorthands.

The result is a ``Schema`` whose rules are specifications (kind name + parameters). Whether a
kind exists and its parameters are right is decided by ``refcheck.checks`` when it binds the
rules, with the same ``file:line: path: problem`` errors, because the kinds live there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from importlib import resources
from pathlib import Path
from typing import TypeVar

from refcheck.schemas.errors import SchemaError
from refcheck.schemas.mapping import parse_mapping
from refcheck.schemas.model import (
    CATEGORIES,
    DEFAULT_BANDS,
    KPI_MEASURES,
    NO_MAPPING,
    REGIONS,
    Bands,
    Calendar,
    CodeList,
    Field,
    FieldType,
    Kpi,
    ReReferrals,
    RuleSpec,
    Schema,
    Scorecard,
    Severity,
)
from refcheck.schemas.quoting import is_token, quoted
from refcheck.schemas.source_file import named, read_text, refuse_uri
from refcheck.schemas.yamldoc import Node, Where, load_yaml, parse_yaml

DEFAULT_SCHEMA = "wales-referral"
"""The bundled schema used when none is named: the Wales referral standard."""

TOP_KEYS = {
    "name", "version", "description", "extends", "record_id", "group_by",
    "calendar", "codes", "fields", "rules", "remove", "worker", "scorecard", "mapping",
}
FIELD_KEYS = {
    "type", "label", "description", "required", "codes", "format", "unique", "valid", "collected", "personal",
}
RULE_KEYS = {
    "id", "kind", "params", "severity", "category", "message", "hint", "field", "tolerance", "why",
}
REPORT_KEYS = {"severity", "category", "message", "hint", "tolerance", "why"}
REMOVE_KEYS = {"fields", "rules", "codes"}
FORMATS = {"nhs_number": "nhs_number", "uk_postcode": "uk_postcode"}
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BUNDLED = re.compile(r"[A-Za-z0-9_-]+")
_E = TypeVar("_E", Severity, FieldType)


def bundled_schemas() -> list[str]:
    """Names of the schemas shipped with refcheck."""
    folder = resources.files("refcheck.schemas")
    return sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml"))


def load_schema(name_or_path: str | Path = DEFAULT_SCHEMA) -> Schema:
    """Load a bundled schema by name, or a schema file by path."""
    root = _read(name_or_path, relative_to=None)
    merged = _resolve(root, chain=())
    return _build(merged)


def schema_text(name_or_path: str | Path) -> str:
    """A schema's own text, as written (a bundled one or a file)."""
    text = str(name_or_path)
    if isinstance(name_or_path, str) and _is_bundled_name(text) and text in bundled_schemas():
        return (resources.files("refcheck.schemas") / f"{text}.yaml").read_text(encoding="utf-8")
    return read_text(Path(text))


# -- reading and extends -------------------------------------------------------------------


class _Doc:
    """One schema document and where it came from."""

    def __init__(self, node: Node, identity: str, folder: Path | None) -> None:
        self.node = node
        self.identity = identity
        self.folder = folder


def _is_bundled_name(text: str) -> bool:
    """A bundled schema is named by a word such as ``wales-referral``; anything with a dot is a file."""
    return _BUNDLED.fullmatch(text) is not None


def _read(name_or_path: str | Path, relative_to: Path | None) -> _Doc:
    text = str(name_or_path)
    if isinstance(name_or_path, str) and _is_bundled_name(text):
        known = bundled_schemas()
        if text not in known:  # NOTE: asked before any path is made of it: a long word is no file name either
            raise SchemaError(f"{named(text)}: no bundled schema of that name (bundled: {', '.join(known)}); "
                              "give a path to a file")
        node = parse_yaml((resources.files("refcheck.schemas") / f"{text}.yaml").read_text(encoding="utf-8"),
                          f"{text}.yaml")
        return _Doc(node, f"bundled:{text}", None)
    refuse_uri(text)
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    node = load_yaml(path)
    return _Doc(node, str(path.resolve()), path.parent)


def _resolve(doc: _Doc, chain: tuple[str, ...]) -> Node:
    """Merge a document over the schema it extends, recursively."""
    if doc.identity in chain:
        raise doc.node.where.error("extends: circular: the schema extends itself through its parents")
    top = doc.node.mapping()
    if "null_tokens" in top and set(top) <= {"fields", "null_tokens"}:
        raise top["null_tokens"].where.error("this is a mapping, not a schema; check it with "
                                             "`refcheck schema check SCHEMA --mapping FILE`")
    _check_keys(doc.node, TOP_KEYS, "schema")
    if "extends" not in top:
        return doc.node
    extends = top["extends"]
    parent = _read(extends.text(), relative_to=doc.folder)
    if parent.identity in (*chain, doc.identity):
        raise extends.where.error(f"circular extends: {extends.text()} is already being loaded")
    base = _resolve(parent, (*chain, doc.identity))
    base = _apply_removals(base, top.get("remove"))
    merged = _merge(_codes_as_mappings(base), _codes_as_mappings(doc.node))
    chain_names = [extends.text(), *_extends_chain(base)]
    result = dict(merged.value)
    result["extends"] = Node([Node(n, extends.where, n) for n in chain_names], extends.where)
    result.pop("remove", None)
    return Node(result, merged.where)


def _codes_as_mappings(root: Node) -> Node:
    """Write every code list as a mapping (code: label), so that a child's codes merge into its parent's."""
    top = root.mapping()
    if "codes" not in top or top["codes"].value is None:
        return root
    lists = {}
    for name, node in top["codes"].mapping().items():
        if node.is_list:
            node = Node({item.text(): Node(item.text(), item.where, item.text()) for item in node.items()}, node.where)
        lists[name] = node
    return Node({**top, "codes": Node(lists, top["codes"].where)}, root.where)


def _extends_chain(node: Node) -> list[str]:
    extends = node.mapping().get("extends")
    if extends is None:
        return []
    return [item.text() for item in extends.items()] if extends.is_list else [extends.text()]


def _apply_removals(base: Node, remove: Node | None) -> Node:
    """Drop the fields, rules and code lists (or single codes) a child schema removes."""
    if remove is None:
        return base
    _check_keys(remove, REMOVE_KEYS, "remove")
    top = dict(base.mapping())
    spec = remove.mapping()
    for section in ("fields", "codes"):
        if section not in spec:
            continue
        existing = dict(top[section].mapping()) if section in top else {}
        targets = spec[section]
        if section == "codes" and targets.is_mapping:
            for list_name, codes_node in targets.mapping().items():
                if list_name not in existing:
                    raise codes_node.where.error(f"no code list {quoted(list_name)} to remove codes from")
                codes = dict(_code_entries(existing[list_name]))
                for item in codes_node.items():
                    if item.text() not in codes:
                        raise item.where.error(f"code {quoted(item.text())} is not in the {quoted(list_name)} list")
                    del codes[item.text()]
                old = existing[list_name]
                existing[list_name] = Node({c: Node(label, old.where, label) for c, label in codes.items()}, old.where)
        else:
            for item in targets.items():
                if item.text() not in existing:
                    raise item.where.error(f"there is no {section[:-1]} {quoted(item.text())} to remove")
                del existing[item.text()]
        top[section] = Node(existing, top[section].where if section in top else remove.where)
    if "rules" in spec:
        rules = list(top["rules"].items()) if "rules" in top else []
        ids = {_rule_id(rule) for rule in rules}
        drop = set()
        for item in spec["rules"].items():
            if item.text() not in ids:
                raise item.where.error(f"there is no rule {quoted(item.text())} to remove")
            drop.add(item.text())
        top["rules"] = Node([rule for rule in rules if _rule_id(rule) not in drop], base.where)
    return Node(top, base.where)


def _rule_id(rule: Node) -> str:
    entry = rule.mapping()
    if "id" not in entry:
        raise rule.where.error("an entry needs an id")
    return entry["id"].text()


def _merge(base: Node, child: Node) -> Node:
    """Child over parent: mappings merge key by key, rules merge by id, anything else is replaced."""
    if not (base.is_mapping and child.is_mapping):
        return child
    result = dict(base.value)
    for key, value in child.mapping().items():
        if key in result and _is_id_list(result[key]) and _is_id_list(value):
            result[key] = _merge_by_id(result[key], value)
        elif key in result and key not in ("extends",):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return Node(result, child.where)


def _is_id_list(node: Node) -> bool:
    return node.is_list and all(item.is_mapping and "id" in item.value for item in node.value)


def _merge_by_id(base: Node, child: Node) -> Node:
    """Lists of entries with ids (rules, KPIs) merge entry by entry; new ids are appended."""
    rules = list(base.items())
    position = {_rule_id(rule): index for index, rule in enumerate(rules)}
    seen: dict[str, Node] = {}
    for rule in child.items():
        rule_id = _rule_id(rule)
        if rule_id in seen:
            first = seen[rule_id].mapping()["id"].where
            raise rule.mapping()["id"].where.error(f"duplicate rule id {quoted(rule_id)} (also defined at {first})")
        seen[rule_id] = rule
        if rule_id in position:
            rules[position[rule_id]] = _merge(rules[position[rule_id]], rule)
        else:
            position[rule_id] = len(rules)
            rules.append(rule)
    return Node(rules, child.where)


# -- building the Schema ----------------------------------------------------------------


def _check_keys(node: Node, allowed: set[str], what: str) -> None:
    for key, value in node.mapping().items():
        if key not in allowed:
            raise value.where.error(f"unknown key in {what}; expected one of {', '.join(sorted(allowed))}")


def _required(top: dict[str, Node], key: str, where: Where) -> Node:
    if key not in top:
        raise where.error(f"the schema needs '{key}'")
    return top[key]


def _build(root: Node) -> Schema:
    top = root.mapping()
    _check_keys(root, TOP_KEYS, "schema")
    codes = {name: _code_list(name, node) for name, node in _optional_mapping(top, "codes").items()}
    fields = {name: _field(name, node, codes) for name, node in _required(top, "fields", root.where).mapping().items()}
    if not fields:
        raise top["fields"].where.error("the schema defines no fields")
    record_id = _field_ref(_required(top, "record_id", root.where), fields)
    group_by = _field_ref(_required(top, "group_by", root.where), fields)
    rules = _expand_shorthands(top["fields"], fields, codes)
    generated = {rule.id: index for index, rule in enumerate(rules)}
    for node in top["rules"].items() if "rules" in top else []:
        rule_id = _rule_id(node)
        if rule_id in generated and "kind" not in node.mapping():
            rules[generated[rule_id]] = _override(rules[generated[rule_id]], node, fields)
        else:
            rules.append(_rule(node, fields))
    _check_unique_ids(rules)
    order = {name: index for index, name in enumerate(fields)}
    rules.sort(key=lambda rule: order.get(rule.field or "", len(order)))
    extends = tuple(item.text() for item in top["extends"].items()) if "extends" in top else ()
    return Schema(
        name=_required(top, "name", root.where).text(),
        version=top["version"].text() if "version" in top else "1",
        description=top["description"].text() if "description" in top else "",
        record_id=record_id,
        group_by=group_by,
        calendar=_calendar(top.get("calendar"), root.where),
        fields=fields,
        codes=codes,
        rules=tuple(rules),
        source=root.where.file,
        extends=extends,
        worker=_field_ref(top["worker"], fields) if "worker" in top else None,
        mapping=parse_mapping(top["mapping"], fields) if "mapping" in top else NO_MAPPING,
        scorecard=_scorecard(top.get("scorecard"), fields, {rule.id for rule in rules}),
    )


def _scorecard(node: Node | None, fields: dict[str, Field], rule_ids: set[str]) -> Scorecard:
    if node is None:
        return Scorecard(DEFAULT_BANDS, {}, (), None)
    _check_keys(node, {"bands", "categories", "kpis", "re_referrals"}, "scorecard")
    spec = node.mapping()
    bands = _bands(spec["bands"], DEFAULT_BANDS) if "bands" in spec else DEFAULT_BANDS
    category_bands = {}
    for category, value in spec["categories"].mapping().items() if "categories" in spec else []:
        if category not in CATEGORIES:
            raise value.where.error(f"expected one of {', '.join(CATEGORIES)}; got {quoted(category)}")
        category_bands[category] = _bands(value, bands)
    re_referrals = None
    if "re_referrals" in spec:
        entry = spec["re_referrals"]
        _check_keys(entry, {"person", "date", "within_days"}, "re_referrals")
        parts = entry.mapping()
        for key in ("person", "date", "within_days"):
            if key not in parts:
                raise entry.where.error(f"re_referrals needs '{key}'")
        within, within_node = parts["within_days"].value, parts["within_days"]
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise within_node.where.error(f"expected a whole number of days; got {within_node.described()}")
        date_field = _field_ref(parts["date"], fields)
        if not fields[date_field].type.is_temporal:
            raise parts["date"].where.error(f"field {quoted(date_field)} must be a date or datetime")
        re_referrals = ReReferrals(_field_ref(parts["person"], fields), date_field, within)
    kpis = tuple(_kpi(item, bands, rule_ids) for item in spec["kpis"].items()) if "kpis" in spec else ()
    if re_referrals is None and any(kpi.measure == "re_referral_rate" for kpi in kpis):
        raise spec["kpis"].where.error("a re_referral_rate KPI needs scorecard.re_referrals")
    return Scorecard(bands, category_bands, kpis, re_referrals)


def _kpi(node: Node, default: Bands, rule_ids: set[str]) -> Kpi:
    _check_keys(node, {"id", "label", "measure", "rule", "category", "bands"}, "KPI")
    spec = node.mapping()
    kpi_id = _rule_id(node)
    measure = spec["measure"].text() if "measure" in spec else "pass_rate"
    if measure not in KPI_MEASURES:
        raise spec["measure"].where.error(f"expected one of {', '.join(KPI_MEASURES)}; got {quoted(measure)}")
    rule = spec["rule"].text() if "rule" in spec else None
    if rule is not None and rule not in rule_ids:
        raise spec["rule"].where.error(f"unknown rule {quoted(rule)}")
    category = _category(spec["category"]) if "category" in spec else None
    needs = {"pass_rate": "a rule or a category", "failed": "a rule", "rows": "nothing", "re_referral_rate": "nothing"}
    fits = {
        "pass_rate": (rule is None) != (category is None),
        "failed": rule is not None and category is None,
    }.get(measure, rule is None and category is None)
    if not fits:
        raise node.where.error(f"a {measure} KPI takes {needs[measure]} (rule: or category:)")
    bands = _bands(spec["bands"], default) if "bands" in spec else default
    return Kpi(id=kpi_id, label=spec["label"].text() if "label" in spec else kpi_id, measure=measure, rule=rule,
               category=category, bands=bands)


def _bands(node: Node, default: Bands) -> Bands:
    _check_keys(node, {"green", "amber"}, "bands")
    spec = node.mapping()
    green = _number(spec["green"]) if "green" in spec else default.green
    amber = _number(spec["amber"]) if "amber" in spec else default.amber
    return Bands(green=green, amber=amber)


def _number(node: Node) -> float:
    """A threshold: a share written ``95%``, or a plain number (a count)."""
    text = node.text()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise node.where.error(f"expected a number such as 10 or a share such as 95%; got {quoted(text)}") from None


def _optional_mapping(top: dict[str, Node], key: str) -> dict[str, Node]:
    return top[key].mapping() if key in top and top[key].value is not None else {}


def _code_entries(node: Node) -> list[tuple[str, str]]:
    if node.is_list:
        return [(item.text(), item.text()) for item in node.items()]
    return [(code, label.text() if label.value is not None else code) for code, label in node.mapping().items()]


def _code_list(name: str, node: Node) -> CodeList:
    entries = _code_entries(node)
    if not entries:
        raise node.where.error("a code list needs at least one code")
    seen: set[str] = set()
    for index, (code, _label) in enumerate(entries):
        if code in seen:
            where = node.items()[index].where if node.is_list else node.where
            raise where.error(f"code {quoted(code)} is listed twice")
        seen.add(code)
    return CodeList(name=name, codes=dict(entries), where=node.where)


def _field(name: str, node: Node, codes: dict[str, CodeList]) -> Field:
    if not _NAME.fullmatch(name):
        raise node.where.error("a field name is letters, digits and underscores")
    spec = node.mapping() if node.value is not None else {}
    if node.value is not None:
        _check_keys(node, FIELD_KEYS, "field")
    code_list = spec["codes"].text() if "codes" in spec else None
    if code_list is not None and code_list not in codes:
        raise spec["codes"].where.error(f"unknown code list {quoted(code_list)}")
    default_type = FieldType.CODE if code_list else FieldType.TEXT
    field_type = _choice(spec["type"], FieldType) if "type" in spec else default_type
    collected = _flag(spec["collected"]) if "collected" in spec else True
    return Field(
        name=name,
        type=field_type,
        label=spec["label"].text() if "label" in spec else name.replace("_", " ").capitalize(),
        description=spec["description"].text() if "description" in spec else "",
        codes=code_list,
        collected=collected,
        where=node.where,
        personal=_flag(spec["personal"]) if "personal" in spec else False,
    )


def _choice(node: Node, enum_type: type[_E]) -> _E:
    allowed = [member.value for member in enum_type]
    value = node.text() if not isinstance(node.value, dict | list) else ""
    if value not in allowed:
        raise node.where.error(f"expected one of {', '.join(allowed)}; got {node.described()}")
    return enum_type(value)


def _flag(node: Node) -> bool:
    if not isinstance(node.value, bool):
        raise node.where.error(f"expected true or false; got {node.described()}")
    return node.value


def _field_ref(node: Node, fields: dict[str, Field]) -> str:
    name = node.text()
    if name not in fields:
        raise node.where.error(f"unknown field {quoted(name)}")
    return name


def _calendar(node: Node | None, where: Where) -> Calendar:
    if node is None:
        return Calendar(region="england-and-wales")
    if not node.is_mapping:
        return Calendar(region=_region(node))
    spec = node.mapping()
    _check_keys(node, {"region", "extra_closures"}, "calendar")
    region = _region(spec["region"]) if "region" in spec else "england-and-wales"
    closures: list[dt.date] = []
    for item in spec["extra_closures"].items() if "extra_closures" in spec else []:
        value = item.value
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise item.where.error(f"expected a date such as 2025-12-24; got {item.described()}")
        closures.append(value)
    return Calendar(region=region, extra_closures=tuple(sorted(set(closures))))


def _region(node: Node) -> str:
    region = node.text()
    if region not in REGIONS:
        raise node.where.error(f"expected one of {', '.join(REGIONS)}; got {quoted(region)}")
    return region


# -- rules --------------------------------------------------------------------------------


def _report_settings(node: Node | None) -> dict[str, Node]:
    """The reporting keys of a shorthand: ``true``, a severity, or a mapping of them."""
    if node is None or not node.is_mapping:
        return {}
    _check_keys(node, REPORT_KEYS, "shorthand")
    return node.mapping()


def _shorthand_enabled(node: Node) -> bool:
    if isinstance(node.value, bool):
        return node.value
    return True


def _expand_shorthands(fields_node: Node, fields: dict[str, Field], codes: dict[str, CodeList]) -> list[RuleSpec]:
    """Turn ``required``, ``codes``, ``format``, ``unique`` and parsed types into rules."""
    rules: list[RuleSpec] = []
    for name, node in fields_node.mapping().items():
        field = fields[name]
        spec = node.mapping() if node.value is not None else {}
        label = field.label
        if field.type.is_parsed:
            rules.append(_generated(
                f"{name}.type", "readable", {"field": name}, spec.get("type", node), None, field,
                severity=Severity.ERROR, category="validity",
                message=f"{label} cannot be read as a {field.type.value}",
                hint=_TYPE_HINTS[field.type],
            ))
        if "required" in spec and _shorthand_enabled(spec["required"]):
            rules.append(_generated(
                f"{name}.required", "required", {"field": name}, spec["required"], spec["required"], field,
                severity=Severity.ERROR, category="completeness",
                message=f"{label} is not recorded",
                hint=f"Record the {label[0].lower() + label[1:]} on the referral",
            ))
        if "unique" in spec and _shorthand_enabled(spec["unique"]):
            rules.append(_generated(
                f"{name}.unique", "unique", {"field": name}, spec["unique"], spec["unique"], field,
                severity=Severity.ERROR, category="integrity",
                message=f"{label} is shared by more than one record",
                hint=f"Give each record its own {label[0].lower() + label[1:]}; merge or remove duplicated records",
            ))
        if "codes" in spec:
            code_list = codes[spec["codes"].text()]
            rules.append(_generated(
                f"{name}.valid", "code_list", {"field": name, "codes": code_list.name},
                spec["codes"], spec.get("valid"), field,
                severity=Severity.ERROR, category="validity",
                message=f"{label} is not a code in the {code_list.name} list",
                hint=f"Choose one of the {code_list.name} codes; codes are case-sensitive",
            ))
        if "format" in spec:
            if "codes" in spec:
                raise spec["format"].where.error("a field takes either codes or a format, not both")
            kind, params = _format(spec["format"], name)
            rules.append(_generated(
                f"{name}.valid", kind, params, spec["format"], spec.get("valid"), field,
                severity=Severity.ERROR, category="validity",
                message=_FORMAT_MESSAGES.get(kind, "{label} is not in the expected format").format(label=label),
                hint=f"Correct the {label[0].lower() + label[1:]}",
            ))
        elif "valid" in spec and "codes" not in spec:
            raise spec["valid"].where.error("'valid' sets how codes or format are reported; the field has neither")
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


def _format(node: Node, field: str) -> tuple[str, dict[str, object]]:
    if node.is_mapping:
        spec = node.mapping()
        _check_keys(node, {"pattern"}, "format")
        if "pattern" not in spec:
            raise node.where.error("a format mapping needs 'pattern'")
        return "pattern", {"field": field, "pattern": spec["pattern"].text()}
    name = node.text()
    if name not in FORMATS:
        raise node.where.error(f"expected one of {', '.join(FORMATS)} or {{pattern: ...}}; got {quoted(name)}")
    return FORMATS[name], {"field": field}


def _generated(
    rule_id: str,
    kind: str,
    params: dict[str, object],
    anchor: Node,
    settings_node: Node | None,
    field: Field,
    *,
    severity: Severity,
    category: str,
    message: str,
    hint: str,
) -> RuleSpec:
    """A rule made from a field shorthand, with the shorthand's own reporting settings applied."""
    settings = _report_settings(settings_node)
    if settings_node is not None and isinstance(settings_node.value, str):
        severity = _choice(settings_node, Severity)
    param_nodes = {key: Node(value, anchor.where, str(value)) for key, value in params.items()}
    context = {"field": field.name, "label": field.label, "id": rule_id, **params}
    return RuleSpec(
        id=rule_id,
        kind=kind,
        params=param_nodes,
        severity=_choice(settings["severity"], Severity) if "severity" in settings else severity,
        category=_category(settings["category"]) if "category" in settings else category,
        message=_template(settings["message"], context) if "message" in settings else message,
        hint=_template(settings["hint"], context) if "hint" in settings else hint,
        field=field.name,
        where=anchor.where,
        tolerance=_tolerance(settings["tolerance"]) if "tolerance" in settings else None,
    )


def _rule(node: Node, fields: dict[str, Field]) -> RuleSpec:
    _check_keys(node, RULE_KEYS, "rule")
    spec = node.mapping()
    rule_id = _rule_id(node)
    if not _ID.fullmatch(rule_id):
        raise spec["id"].where.error(f"rule ids are lower-case words joined by dots; got {quoted(rule_id)}")
    for key in ("kind", "severity", "message", "hint"):
        if key not in spec:
            raise node.where.error(f"rule {quoted(rule_id)} needs '{key}'")
    params = spec["params"].mapping() if "params" in spec and spec["params"].value is not None else {}
    field: str | None
    if "field" in spec:
        field = _field_ref(spec["field"], fields)
    else:
        prefix = rule_id.split(".", 1)[0]
        field = prefix if prefix in fields else None
    label = fields[field].label if field else ""
    context = {"field": field or "", "label": label, "id": rule_id, **{k: v.plain() for k, v in params.items()}}
    return RuleSpec(
        id=rule_id,
        kind=spec["kind"].text(),
        params=params,
        severity=_choice(spec["severity"], Severity),
        category=_category(spec["category"]) if "category" in spec else None,
        message=_template(spec["message"], context),
        hint=_template(spec["hint"], context),
        field=field,
        where=spec["id"].where,
        tolerance=_tolerance(spec["tolerance"]) if "tolerance" in spec else None,
    )


def _override(rule: RuleSpec, node: Node, fields: dict[str, Field]) -> RuleSpec:
    """A ``rules`` entry without a kind that changes a rule made by a field shorthand."""
    _check_keys(node, RULE_KEYS - {"kind", "field"}, "rule")
    spec = node.mapping()
    params = dict(rule.params)
    if "params" in spec:
        params.update(spec["params"].mapping())
    label = fields[rule.field].label if rule.field else ""
    context = {"field": rule.field or "", "label": label, "id": rule.id, **{k: v.plain() for k, v in params.items()}}
    return dataclasses.replace(
        rule,
        params=params,
        severity=_choice(spec["severity"], Severity) if "severity" in spec else rule.severity,
        category=_category(spec["category"]) if "category" in spec else rule.category,
        message=_template(spec["message"], context) if "message" in spec else rule.message,
        hint=_template(spec["hint"], context) if "hint" in spec else rule.hint,
        tolerance=_tolerance(spec["tolerance"]) if "tolerance" in spec else rule.tolerance,
    )


def _category(node: Node) -> str:
    category = node.text()
    if category not in CATEGORIES:
        raise node.where.error(f"expected one of {', '.join(CATEGORIES)}; got {quoted(category)}")
    return category


def _tolerance(node: Node) -> float | int:
    """A tolerance is a count of failed rows (``3``) or a share of checked rows (``2%``)."""
    text = node.text()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
            if not 0 <= share <= 1:
                raise ValueError
            return share
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise node.where.error(f"expected a count such as 3 or a share such as 2%; got {quoted(text)}") from None


def _template(node: Node, context: dict[str, object]) -> str:
    """Fill ``{placeholders}`` from the rule's own names; record values can never reach a message."""
    text = node.text()
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as err:
        raise node.where.error(f"bad placeholder: {err}") from None
    for name in names:
        if name not in context:
            allowed = ", ".join(sorted(context))
            shown = f"{{{name}}}" if is_token(name) else quoted(name)
            raise node.where.error(f"unknown placeholder {shown}; a message may use {allowed}")
    return text.format_map({key: _as_text(value) for key, value in context.items()})


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _check_unique_ids(rules: list[RuleSpec]) -> None:
    seen: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.id in seen:
            raise rule.where.error(f"duplicate rule id {quoted(rule.id)} (also defined at {seen[rule.id].where})")
        seen[rule.id] = rule
