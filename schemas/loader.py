"""Load a schema: read YAML with places kept, resolve ``extends``, build the ``Schema``.

``reading`` resolves ``extends`` into one YAML tree, ``building`` makes the ``Schema`` of it and
``shorthands`` expands field shorthands into rules.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from refcheck.schemas.building import build
from refcheck.schemas.model import Schema
from refcheck.schemas.reading import bundled_schemas, is_bundled_name, read_document, resolve
from refcheck.schemas.source_file import read_text

DEFAULT_SCHEMA = "wales-referral"
"""The bundled schema used when none is named: the Wales referral standard."""


def load_schema(name_or_path: str | Path = DEFAULT_SCHEMA) -> Schema:
    """Load a bundled schema by name, or a schema file by path."""
    root = read_document(name_or_path, relative_to=None)
    merged = resolve(root, chain=())
    return build(merged)


def schema_text(name_or_path: str | Path) -> str:
    """A schema's own text, as written (a bundled one or a file)."""
    text = str(name_or_path)
    if isinstance(name_or_path, str) and is_bundled_name(text) and text in bundled_schemas():
        return (resources.files("refcheck.schemas") / f"{text}.yaml").read_text(encoding="utf-8")
    return read_text(Path(text))
