"""Read a schema document and resolve ``extends``: bundled names, files, removals and the merge.

The result is one YAML tree (``Node``) holding everything the schema and its parents say, the
child's entries over its parents'; ``building`` makes the ``Schema`` from it.
"""

from __future__ import annotations

import re
from functools import partial
from importlib import resources
from pathlib import Path

from refcheck.schemas.errors import MissingFile, SchemaError
from refcheck.schemas.problems import Problems, closest, did_you_mean
from refcheck.schemas.quoting import quoted
from refcheck.schemas.source_file import named, refuse_uri, shown
from refcheck.schemas.values import check_keys
from refcheck.schemas.yamldoc import Node, Where, load_yaml, parse_yaml

TOP_KEYS = {
    "name", "version", "description", "extends", "record_id", "group_by",
    "calendar", "codes", "fields", "rules", "remove", "worker", "scorecard", "mapping", "readability",
    "record_types",
}
REMOVE_KEYS = {"fields", "rules", "codes", "record_types"}
_BUNDLED = re.compile(r"[A-Za-z0-9_-]+")


def bundled_schemas() -> list[str]:
    """Names of the schemas shipped with refcheck."""
    folder = resources.files("refcheck.schemas")
    return sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml"))


class Document:
    """One schema document and where it came from."""

    def __init__(self, node: Node, identity: str, folder: Path | None) -> None:
        self.node = node
        self.identity = identity
        self.folder = folder


def is_bundled_name(text: str) -> bool:
    """A bundled schema is named by a word such as ``wales-referral``; anything with a dot is a file."""
    return _BUNDLED.fullmatch(text) is not None


def read_document(name_or_path: str | Path, relative_to: Path | None,
                  noted: list[SchemaError] | None = None) -> Document:
    """A bundled schema by name, or a file (relative to the schema that extends it).

    Duplicate keys are noted in ``noted`` when given, so that the rest of the document is still checked.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and is_bundled_name(text):
        known = bundled_schemas()
        if text not in known:  # NOTE: asked before any path is made of it: a long word is no file name either
            raise SchemaError(f"{named(text)}: no bundled schema of that name{did_you_mean(text, known)} "
                              f"(bundled: {', '.join(known)}); give a path to a file")
        node = parse_yaml((resources.files("refcheck.schemas") / f"{text}.yaml").read_text(encoding="utf-8"),
                          f"{text}.yaml")
        return Document(node, f"bundled:{text}", None)
    refuse_uri(text)
    path = Path(text)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    node = load_yaml(path, noted=noted)
    return Document(node, str(path.resolve()), path.parent)


def _parent(extends: Node, folder: Path | None, problems: Problems) -> Document | None:
    """The document ``extends`` names; one that is not there is noted at its line.

    The bundled schema closest to a misspelt name stands in for it, so that the child is checked as
    meant; with none close, None (and the names the parent may define are not called unknown).
    """
    text = extends.text()
    if is_bundled_name(text) and text not in (known := bundled_schemas()):
        problems.add(extends.where.error(f"no bundled schema {quoted(text)}{did_you_mean(text, known)} "
                                         f"(bundled: {', '.join(known)}); give a path to a file"))
        stand_in = closest(text, known)
        if stand_in is None:
            problems.without_parent = True
            return None
        text = stand_in
    try:
        return read_document(text, folder, problems.found)
    except MissingFile:
        path = Path(text) if folder is None else folder / text
        siblings = [item.name for item in path.parent.glob("*.y*ml")] if path.parent.is_dir() else []
        problems.add(extends.where.error(f"no such schema file {shown(path)}{did_you_mean(path.name, siblings)}"))
        problems.without_parent = True
        return None


def resolve(doc: Document, chain: tuple[str, ...], problems: Problems) -> Node:
    """Merge a document over the schema it extends, recursively; mistakes in either are noted in ``problems``.

    A document that is no schema at all, or a parent that cannot be read, ends the reading (raised).
    """
    if doc.identity in chain:
        raise doc.node.where.error("extends: circular: the schema extends itself through its parents")
    top = doc.node.mapping()
    if "null_tokens" in top and set(top) <= {"fields", "null_tokens", "date_format", "source", "record_types"}:
        raise top["null_tokens"].where.error("this is a mapping, not a schema; check it with "
                                             "`refcheck schema check SCHEMA --mapping FILE`")
    check_keys(doc.node, TOP_KEYS, "schema", problems)
    if "extends" not in top:
        return doc.node
    extends = top["extends"]
    parent = _parent(extends, doc.folder, problems)
    if parent is None:  # NOTE: what it removes cannot be looked for; how it says so still can
        if "remove" in top and top["remove"].is_mapping:
            check_keys(top["remove"], REMOVE_KEYS, "remove", problems)
        return Node({key: node for key, node in top.items() if key not in ("extends", "remove")}, doc.node.where)
    if parent.identity in (*chain, doc.identity):
        raise extends.where.error(f"circular extends: {extends.text()} is already being loaded")
    base = resolve(parent, (*chain, doc.identity), problems)
    base = problems.attempt(lambda: _apply_removals(base, top.get("remove"), problems), base)
    merged = _merge(_codes_as_mappings(base, problems), _codes_as_mappings(doc.node, problems), problems)
    chain_names = [extends.text(), *_extends_chain(base)]
    result = dict(merged.value)
    result["extends"] = Node([Node(n, extends.where, n) for n in chain_names], extends.where)
    result.pop("remove", None)
    return Node(result, merged.where)


def _codes_as_mappings(root: Node, problems: Problems) -> Node:
    """Write every code list as a mapping (code: label), so that a child's codes merge into its parent's."""
    top = root.mapping()
    if "codes" not in top or not top["codes"].is_mapping:
        return root  # NOTE: blank, or not a mapping: building says so
    lists = {}
    for name, node in top["codes"].mapping().items():
        if node.is_list:
            codes = {}
            for item in node.items():
                code = problems.attempt(item.text, None)
                if code in codes:  # NOTE: noted here, as a mapping has no room for it
                    problems.add(item.where.error(f"code {quoted(code)} is listed twice"))
                elif code is not None:
                    codes[code] = Node(code, item.where, code)
            node = Node(codes, node.where)
        lists[name] = node
    return Node({**top, "codes": Node(lists, top["codes"].where)}, root.where)


def _extends_chain(node: Node) -> list[str]:
    extends = node.mapping().get("extends")
    if extends is None:
        return []
    return [item.text() for item in extends.items()] if extends.is_list else [extends.text()]


def _apply_removals(base: Node, remove: Node | None, problems: Problems) -> Node:
    """Drop the fields, rules, code lists (or single codes) and record types a child schema removes."""
    if remove is None:
        return base
    check_keys(remove, REMOVE_KEYS, "remove", problems)
    top = dict(base.mapping())
    spec = remove.mapping()
    if "codes" in spec:
        existing = dict(top["codes"].mapping()) if "codes" in top else {}
        targets = spec["codes"]
        if targets.is_mapping:
            for list_name, codes_node in targets.mapping().items():
                with problems.noted():
                    _remove_codes(existing, list_name, codes_node, problems)
        else:
            _remove_names(existing, targets, "code", problems)
        top["codes"] = Node(existing, top["codes"].where if "codes" in top else remove.where)
    _remove_fields_and_rules(top, spec, base.where, problems)
    if "record_types" in spec:
        with problems.noted():
            _remove_record_types(top, spec["record_types"], problems)
    return Node(top, base.where)


def _remove_fields_and_rules(top: dict[str, Node], spec: dict[str, Node], where: Where, problems: Problems) -> None:
    """Drop the fields and rules ``spec`` names from one record type's section (``top``, changed in place)."""
    if "fields" in spec:
        existing = dict(top["fields"].mapping()) if "fields" in top else {}
        _remove_names(existing, spec["fields"], "field", problems)
        top["fields"] = Node(existing, top["fields"].where if "fields" in top else where)
    if "rules" in spec:
        rules = list(top["rules"].items()) if "rules" in top else []
        ids = {_id_or_none(rule) for rule in rules}
        drop = set()
        for item in problems.attempt(spec["rules"].items, []):
            name = problems.attempt(item.text, None)
            if name is not None and name not in ids:
                known = did_you_mean(name, {rule_id for rule_id in ids if rule_id is not None})
                problems.add(item.where.error(f"there is no rule {quoted(name)} to remove{known}"))
            drop.add(name)
        top["rules"] = Node([rule for rule in rules if _id_or_none(rule) not in drop], where)


def _remove_names(existing: dict[str, Node], targets: Node, what: str, problems: Problems) -> None:
    """Drop each name listed in ``targets`` from ``existing``; a name it does not hold is a mistake."""
    for item in problems.attempt(targets.items, []):
        name = problems.attempt(item.text, None)
        if name is not None and name not in existing:
            problems.add(item.where.error(f"there is no {what} {quoted(name)} to remove{did_you_mean(name, existing)}"))
        existing.pop(name or "", None)


def _remove_record_types(top: dict[str, Node], targets: Node, problems: Problems) -> None:
    """Drop whole record types (``[cp_reviews]``) or parts of one (``{cp_visits: {fields: [...], rules: [...]}}``)."""
    existing = dict(top["record_types"].mapping()) if "record_types" in top and top["record_types"].is_mapping else {}
    where = top["record_types"].where if "record_types" in top else targets.where
    if not targets.is_mapping:
        _remove_names(existing, targets, "record type", problems)
    for name, parts in targets.mapping().items() if targets.is_mapping else ():
        if name not in existing:
            problems.add(parts.where.error(f"there is no record type {quoted(name)} to remove from"
                                           f"{did_you_mean(name, existing)}"))
            continue
        with problems.noted():
            check_keys(parts, {"fields", "rules"}, "remove", problems)
            section = dict(existing[name].mapping())
            _remove_fields_and_rules(section, parts.mapping(), existing[name].where, problems)
            existing[name] = Node(section, existing[name].where)
    top["record_types"] = Node(existing, where)


def _remove_codes(existing: dict[str, Node], list_name: str, codes_node: Node, problems: Problems) -> None:
    """Remove single codes from a parent's code list."""
    if list_name not in existing:
        raise codes_node.where.error(f"no code list {quoted(list_name)} to remove codes from"
                                     f"{did_you_mean(list_name, existing)}")
    codes = dict(code_entries(existing[list_name]))
    for item in codes_node.items():
        code = problems.attempt(item.text, None)
        if code is not None and code not in codes:
            problems.add(item.where.error(f"code {quoted(code)} is not in the {quoted(list_name)} list"))
        codes.pop(code or "", None)
    old = existing[list_name]
    existing[list_name] = Node({c: Node(label, old.where, label) for c, label in codes.items()}, old.where)


def entry_id(rule: Node) -> str:
    """The ``id`` of an entry of an id list (a rule or a KPI)."""
    entry = rule.mapping()
    if "id" not in entry:
        raise rule.where.error("an entry needs an id")
    return entry["id"].text()


def _id_or_none(rule: Node) -> str | None:
    """An entry's id, or None when it has none (building reports that)."""
    try:
        return entry_id(rule)
    except SchemaError:
        return None


def _merge(base: Node, child: Node, problems: Problems) -> Node:
    """Child over parent: mappings merge key by key, rules merge by id, anything else is replaced."""
    if not (base.is_mapping and child.is_mapping):
        return child
    result = dict(base.value)
    for key, value in child.mapping().items():
        if key in result and _is_id_list(result[key]) and _is_id_list(value):
            result[key] = _merge_by_id(result[key], value, problems)
        elif key in result and key not in ("extends",):
            result[key] = _merge(result[key], value, problems)
        else:
            result[key] = value
    return Node(result, child.where)


def _is_id_list(node: Node) -> bool:
    return node.is_list and all(item.is_mapping and "id" in item.value for item in node.value)


def _merge_by_id(base: Node, child: Node, problems: Problems) -> Node:
    """Lists of entries with ids (rules, KPIs) merge entry by entry; new ids are appended.

    An id given twice is noted; its second entry is kept too (over the parent's, if it changes one), so
    that its own mistakes are still found.
    """
    rules = list(base.items())
    parents = {_id_or_none(rule): rule for rule in rules}
    position = {_id_or_none(rule): index for index, rule in enumerate(rules)}
    seen: dict[str, Node] = {}
    for rule in child.items():
        rule_id = problems.attempt(partial(entry_id, rule), None)
        if rule_id is None:
            continue
        if rule_id in seen:
            first = seen[rule_id].mapping()["id"].where
            noun = "KPI" if child.where.path.endswith("kpis") else "rule"
            problems.add(rule.mapping()["id"].where.error(
                f"duplicate {noun} id {quoted(rule_id)} (also defined at {first})"))
            rules.append(_merge(parents[rule_id], rule, problems) if rule_id in parents else rule)
            continue
        seen[rule_id] = rule
        if rule_id in position:
            rules[position[rule_id]] = _merge(rules[position[rule_id]], rule, problems)
        else:
            position[rule_id] = len(rules)
            rules.append(rule)
    return Node(rules, child.where)


def code_entries(node: Node) -> list[tuple[str, str]]:
    """A code list as (code, label) pairs, whether written as a list or a mapping."""
    if node.is_list:
        return [(item.text(), item.text()) for item in node.items()]
    return [(code, label.text() if label.value is not None else code) for code, label in node.mapping().items()]


