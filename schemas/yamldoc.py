"""YAML documents that remember where every value came from.

PyYAML's composer keeps a start mark on every node; we turn the node tree into small
``Node`` objects carrying the file, line and document path, so that every schema error
can say ``file:line: path.in.document: problem``. Only the safe core tags are accepted, and the
work is bounded: nesting depth and the number of values after aliases are expanded are limited
before any node is built, so an alias bomb or a 4,000-deep list is one error, not a hang.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from refcheck.schemas.errors import SchemaError, UnknownName, all_of
from refcheck.schemas.quoting import is_token, key_name, quoted, scrub
from refcheck.schemas.source_file import read_text, shown

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SAFE_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_SCALAR_NAMES = {"tag:yaml.org,2002:timestamp": "date", "tag:yaml.org,2002:int": "whole number",
                 "tag:yaml.org,2002:float": "number"}

MAX_DEPTH = 64
"""The deepest nesting of mappings and lists accepted: the bundled schemas use five levels."""
MAX_VALUES = 100_000
"""The most values a document may hold once its aliases are expanded: the bundled Wales schema holds 788."""


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a schema file."""

    file: str
    line: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}" if self.path else f"{self.file}:{self.line}"

    def child(self, key: str | int, line: int) -> Where:
        """The place of a key or item below this one."""
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            name = key_name(key)
            path = f"{self.path}.{name}" if self.path else name
        return Where(self.file, line, path)

    def error(self, problem: str) -> SchemaError:
        """A schema error at this place."""
        return SchemaError(f"{self}: {problem}", (self.file, self.line))

    def unknown(self, problem: str) -> UnknownName:
        """An error at this place about a name the document does not define (its parent may)."""
        return UnknownName(f"{self}: {problem}", (self.file, self.line))


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with its place: a scalar, a mapping (``dict[str, Node]``) or a list of nodes."""

    value: Any
    where: Where
    raw: str | None = None

    @property
    def is_mapping(self) -> bool:
        """Whether the value is a mapping of names to nodes."""
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        """Whether the value is a list of nodes."""
        return isinstance(self.value, list)

    def mapping(self) -> dict[str, Node]:
        """The value as a mapping, or an error naming this place."""
        if not self.is_mapping:
            raise self.where.error(f"expected a mapping; got {self.described()}")
        result: dict[str, Node] = self.value
        return result

    def items(self) -> list[Node]:
        """The value as a list, or an error naming this place."""
        if not self.is_list:
            raise self.where.error(f"expected a list; got {self.described()}")
        result: list[Node] = self.value
        return result

    def text(self) -> str:
        """The value as non-empty text, exactly as written (so ``010`` stays ``010``)."""
        value = self.value
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            raise self.where.error(f"expected text; got {self.described()}")
        text = (self.raw if self.raw is not None else str(value)).strip()
        if not text:
            raise self.where.error("expected text; got an empty value")
        return text

    def described(self) -> str:
        """What the value is, for a message: a short code-like value quoted, anything else by its kind."""
        if self.is_mapping:
            return "a mapping"
        if self.is_list:
            return "a list"
        if self.value is None:
            return "nothing"
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return quoted(self.raw if self.raw is not None else self.value)

    def plain(self) -> Any:
        """The value with all places stripped (plain dicts, lists and scalars)."""
        if self.is_mapping:
            return {key: node.plain() for key, node in self.value.items()}
        if self.is_list:
            return [node.plain() for node in self.value]
        return self.value

    def walk(self) -> Iterator[Node]:
        """This node and every node below it."""
        yield self
        children = self.value.values() if self.is_mapping else self.value if self.is_list else ()
        for child in children:
            yield from child.walk()


def printable(text: str) -> str:
    """Text with every non-printable character escaped, so that a message stays on one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def load_yaml(path: Path, what: str = "schema", noted: list[SchemaError] | None = None) -> Node:
    """Read a YAML ``what`` (schema or mapping) file into located nodes; every problem is a one-line ``SchemaError``.

    A duplicate key is noted in ``noted`` when given (the first value kept, so the rest is still
    checked), else raised with every other duplicate of the document.
    """
    return parse_yaml(read_text(path, what), shown(path), noted)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it: ten times faster, the same nodes and line marks."""


def parse_yaml(text: str, name: str, noted: list[SchemaError] | None = None) -> Node:
    """Parse YAML text; ``name`` is how errors refer to the document; duplicate keys as in ``load_yaml``."""
    duplicates: list[SchemaError] = []
    try:
        root = _parse(text, name, _LOADER, duplicates)
    except _NotYaml:
        if _LOADER is yaml.SafeLoader:
            raise
        duplicates.clear()
        root = _parse(text, name, yaml.SafeLoader, duplicates)  # NOTE: its messages are clearer; only mistakes pay
    if noted is not None:
        noted.extend(duplicates)
    elif duplicates:
        raise all_of(duplicates)
    return root


class _NotYaml(SchemaError):
    """The text is not valid YAML (the parser's own complaint)."""


def _parse(text: str, name: str, loader_class: Any, duplicates: list[SchemaError]) -> Node:
    loader = None
    try:
        _check_bounds(loader_class(text), name)
        loader = loader_class(text)
        root = loader.get_single_node()
        if root is None:
            raise SchemaError(f"{name}:1: the schema is empty")
        return _convert(loader, root, Where(name, root.start_mark.line + 1, ""), duplicates)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise _NotYaml(f"{name}:{line}: not valid YAML: {scrub(err.problem or err.context or '')}") from None
    except yaml.YAMLError as err:
        problem = scrub(str(err).splitlines()[0])
        raise _NotYaml(f"{name}:{_error_line(err, text)}: not valid YAML: {problem}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _tag_name(tag: str) -> str:
    """A standard tag as written (``tag:yaml.org,2002:python/object/apply:os.system``); others by size."""
    standard = "tag:yaml.org,2002:"
    rest = tag.removeprefix(standard)
    if tag.startswith(standard) and all(is_token(part) for part in rest.replace("/", ":").split(":")):
        return tag
    return quoted(tag)


def _error_line(err: yaml.YAMLError, text: str) -> int:
    """The line of a reader error (a character YAML does not allow), else the first."""
    position = getattr(err, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def _check_bounds(loader: Any, name: str) -> None:
    """Refuse a document nested deeper than ``MAX_DEPTH`` or of more than ``MAX_VALUES`` values.

    NOTE: counted on the parser's events, before any node is built: an alias stands for every value
    of its anchor, so ten lines of aliases can stand for a billion values ("billion laughs").
    """
    try:
        sizes: dict[str, int] = {}
        starts: list[tuple[str | None, int]] = []
        values = 0
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(starts) >= MAX_DEPTH:
                    raise SchemaError(f"{name}:{line}: nested more than {MAX_DEPTH} levels deep")
                starts.append((event.anchor, values))
                values += 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                anchor, first = starts.pop()
                if anchor is not None:
                    sizes[anchor] = values - first
            elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                size = sizes.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
                if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                    sizes[event.anchor] = 1
                values += size
            if values > MAX_VALUES:
                raise SchemaError(f"{name}:{line}: holds more than {MAX_VALUES:,} values once its aliases "
                                  "are expanded")
    finally:
        loader.dispose()


def _convert(loader: Any, node: yaml.Node, where: Where, duplicates: list[SchemaError]) -> Node:
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _SAFE_COLLECTION_TAGS:
        raise where.error(f"tag {_tag_name(node.tag)} is not allowed in a schema")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise Where(where.file, line, where.path).error("mapping keys must be plain names")
            key = str(key_node.value)
            if key in result:
                duplicates.append(where.child(key, line).error("duplicate key"))
                continue
            result[key] = _convert(loader, value_node, where.child(key, line), duplicates)
        return Node(result, where)
    if isinstance(node, yaml.SequenceNode):
        items = [
            _convert(loader, item, where.child(index, item.start_mark.line + 1), duplicates)
            for index, item in enumerate(node.value)
        ]
        return Node(items, where)
    if node.tag not in _SAFE_SCALAR_TAGS:
        raise where.error(f"tag {_tag_name(node.tag)} is not allowed in a schema")
    try:
        value = loader.construct_object(node)
    except (ValueError, OverflowError):  # NOTE: 2025-02-30 looks like a date; 5,000 digits like a number
        raise where.error(f"cannot be read as a {_SCALAR_NAMES.get(node.tag, 'value')}") from None
    return Node(value, where, str(node.value))
