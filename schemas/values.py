"""Read one value of a schema: a key set, a choice, a flag, a field name, a category, a tolerance, a message.

Shared by ``building``, ``shorthands`` and ``targets``; each reader names the value's place when
the value is wrong.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import TypeVar

from refcheck.schemas.model import CATEGORIES, CodeList, Field, FieldType, Severity
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import is_token, quoted
from refcheck.schemas.yamldoc import Node

_E = TypeVar("_E", Severity, FieldType)


def check_keys(node: Node, allowed: set[str], what: str, problems: Problems) -> None:
    """Note every key of ``node`` that is not one of ``allowed``; ``what`` names the part of the schema."""
    for key, value in node.mapping().items():
        if key not in allowed:
            problems.add(value.where.error(
                f"unknown key in {what}{did_you_mean(key, allowed)}; expected one of {', '.join(sorted(allowed))}"))


def optional_mapping(top: dict[str, Node], key: str) -> dict[str, Node]:
    """The mapping under ``key``, or an empty one when the key is absent or blank."""
    return top[key].mapping() if key in top and top[key].value is not None else {}


def choice(node: Node, enum_type: type[_E]) -> _E:
    """One of an enum's values (a severity or a field type)."""
    allowed = [member.value for member in enum_type]
    value = node.text() if not isinstance(node.value, dict | list) else ""
    if value not in allowed:
        raise node.where.error(f"expected one of {', '.join(allowed)}; got {node.described()}")
    return enum_type(value)


def flag(node: Node) -> bool:
    """``true`` or ``false``."""
    if not isinstance(node.value, bool):
        raise node.where.error(f"expected true or false; got {node.described()}")
    return node.value


def field_ref(node: Node, fields: Mapping[str, Field]) -> str:
    """The name of one of the schema's fields."""
    name = node.text()
    if name not in fields:
        raise node.where.unknown(f"unknown field {quoted(name)}{did_you_mean(name, fields)}")
    return name


def category_name(node: Node) -> str:
    """One of the rule categories."""
    category = node.text()
    if category not in CATEGORIES:
        raise node.where.error(f"expected one of {', '.join(CATEGORIES)}; got {quoted(category)}"
                               f"{did_you_mean(category, CATEGORIES)}")
    return category


def tolerance(node: Node) -> float | int:
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


def template(node: Node, context: dict[str, object]) -> str:
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


def field_codes(items: list[Node], field: Field, codes: Mapping[str, CodeList]) -> tuple[str, ...]:
    """Codes a schema lists for a field (``when: {in: [...]}``, a measure's ``{field: [codes]}``), trimmed.

    They are checked against the field's code list when it has one: a code not in it is an error at its line.
    """
    known = codes[field.codes].codes if field.codes is not None and field.codes in codes else None
    written = []
    for item in items:
        code = item.raw.strip() if item.raw is not None and item.raw.strip() else item.text()
        if known is not None and code not in known:
            raise item.where.error(f"code {quoted(code)} is not in the {quoted(field.codes or '')} list"
                                   f"{did_you_mean(code, known)}")
        written.append(code)
    return tuple(written)
