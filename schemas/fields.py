"""Build a record type's fields and the schema's code lists from their YAML nodes.

Each mistake is noted in a ``Problems`` and the field stands in with defaults, so that rules
can still name it and one run reports every mistake.
"""

from __future__ import annotations

import difflib
import re

from refcheck.schemas.model import CodeList, Field, FieldType
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.reading import code_entries
from refcheck.schemas.values import check_keys, choice, flag
from refcheck.schemas.yamldoc import Node

FIELD_KEYS = {
    "type", "label", "description", "required", "codes", "format", "unique", "valid", "collected", "personal",
}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def build_fields(fields_node: Node | None, codes: dict[str, CodeList], problems: Problems) -> dict[str, Field]:
    """The fields of one record type, in the schema's order; an empty ``fields:`` is a mistake."""
    fields: dict[str, Field] = {}
    for name, node in (problems.attempt(fields_node.mapping, {}) if fields_node is not None else {}).items():
        fields[name] = _field(name, node, codes, problems)
    if fields_node is not None and fields_node.is_mapping and not fields:
        problems.add(fields_node.where.error("the schema defines no fields"))
    return fields


def code_list(name: str, node: Node, problems: Problems) -> CodeList:
    """A code list; one with mistakes stands in with the codes that could be read, so fields still find it."""
    entries = problems.attempt(lambda: code_entries(node), [])
    if not entries and (node.is_list or node.is_mapping):
        problems.add(node.where.error("a code list needs at least one code"))
    seen: set[str] = set()
    for index, (code, _label) in enumerate(entries):
        if code in seen:
            where = node.items()[index].where if node.is_list else node.where
            problems.add(where.error(f"code {quoted(code)} is listed twice"))
        seen.add(code)
    return CodeList(name=name, codes=dict(entries), where=node.where)


def _field(name: str, node: Node, codes: dict[str, CodeList], problems: Problems) -> Field:
    """A field; each of its mistakes is noted, and it stands in with defaults so that rules can still name it."""
    if not NAME.fullmatch(name):
        problems.add(node.where.error("a field name is letters, digits and underscores"))
    spec = problems.attempt(node.mapping, {}) if node.value is not None else {}
    if node.is_mapping:
        check_keys(node, FIELD_KEYS, "field", problems)
    code_list_name = problems.value(spec, "codes", lambda entry: _code_list_ref(entry, codes), None)
    default_type = FieldType.CODE if "codes" in spec else FieldType.TEXT
    return Field(
        name=name,
        type=problems.value(spec, "type", lambda entry: choice(entry, FieldType), _type_stand_in(spec, default_type)),
        label=problems.value(spec, "label", Node.text, name.replace("_", " ").capitalize()),
        description=problems.value(spec, "description", Node.text, ""),
        codes=code_list_name,
        collected=problems.value(spec, "collected", flag, True),
        where=node.where,
        personal=problems.value(spec, "personal", flag, False),
    )


def _code_list_ref(node: Node, codes: dict[str, CodeList]) -> str:
    name = node.text()
    if name not in codes:
        raise node.where.unknown(f"unknown code list {quoted(name)}{did_you_mean(name, codes)}")
    return name


def _type_stand_in(spec: dict[str, Node], default: FieldType) -> FieldType:
    """The type a misspelt one most likely meant (``dat``: date), so that its rules are checked as meant."""
    written = spec["type"].raw if "type" in spec else None
    close = difflib.get_close_matches(written or "", [member.value for member in FieldType], n=1)
    return FieldType(close[0]) if close else default
