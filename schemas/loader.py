"""Load a schema: read YAML with places kept, resolve ``extends``, build the ``Schema``.

``reading`` resolves ``extends`` into one YAML tree, ``building`` makes the ``Schema`` of it and
``shorthands`` expands field shorthands into rules. Every mistake found is reported, together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from refcheck.schemas.building import build
from refcheck.schemas.errors import SchemaError
from refcheck.schemas.model import Schema
from refcheck.schemas.problems import Problems
from refcheck.schemas.reading import bundled_schemas, is_bundled_name, read_document, resolve
from refcheck.schemas.source_file import read_text

DEFAULT_SCHEMA = "wales-referral"
"""The bundled schema used when none is named: the Wales referral standard."""

RuleCheck = Callable[[Schema], Sequence[SchemaError]]
"""What is wrong with a schema's rules (their kinds and parameters), as ``refcheck.checks`` sees it."""
_RULE_CHECKS: list[RuleCheck] = []


def check_rules_with(check: RuleCheck) -> None:
    """Have a schema with mistakes also report what ``check`` finds wrong with its rules.

    NOTE: the kinds live in ``refcheck.checks``, which imports this package (never the other way);
    it registers its check here, so that one run reports a schema's every mistake, its rules' too.
    A schema without other mistakes has its rules checked once, when they are bound.
    """
    if check not in _RULE_CHECKS:
        _RULE_CHECKS.append(check)


def load_schema(name_or_path: str | Path = DEFAULT_SCHEMA) -> Schema:
    """Load a bundled schema by name, or a schema file by path; every mistake is raised together."""
    schema, problems = read_schema(name_or_path)
    problems.raise_any()
    assert schema is not None  # NOTE: without a schema, raise_any has raised why
    return schema


def read_schema(name_or_path: str | Path) -> tuple[Schema | None, Problems]:
    """A schema as far as it can be built (None when not at all), and every mistake found in it, none raised.

    So that a mapping can be checked against the fields of a schema with mistakes, in the same run.
    """
    problems = Problems()

    def read() -> Schema:
        return build(resolve(read_document(name_or_path, None, problems.found), (), problems), problems)

    schema = problems.attempt(read, None)
    if schema is not None and problems.found:
        for check in _RULE_CHECKS:
            problems.found.extend(check(schema))
    return schema, problems


def schema_text(name_or_path: str | Path) -> str:
    """A schema's own text, as written (a bundled one or a file)."""
    text = str(name_or_path)
    if isinstance(name_or_path, str) and is_bundled_name(text) and text in bundled_schemas():
        return (resources.files("refcheck.schemas") / f"{text}.yaml").read_text(encoding="utf-8")
    return read_text(Path(text))
