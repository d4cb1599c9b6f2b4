"""Rule kinds: one module per kind (or small family), each with its meaning and its renderings.

Every module of this package is imported here, so a kind registers itself by being in one:
adding a kind is its module and its rule-case table (``checks/rule_cases/<kind>.yml``).
"""

from __future__ import annotations

import importlib
import pkgutil

from refcheck.checks.kinds.base import (
    KINDS,
    Export,
    ExportStatus,
    RuleKind,
    applies,
    field_param,
    rule_kind,
)
from refcheck.checks.kinds.unique import hash_repeats, repeated, rows_with_repeated_hash, shared_among

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")


def __getattr__(name: str) -> type[RuleKind]:
    """A kind's class by its class name (``kinds.Required``), wherever in the package it lives."""
    for kind in KINDS.values():
        if kind.__name__ == name:
            return kind
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KINDS",
    "Export",
    "ExportStatus",
    "RuleKind",
    "applies",
    "field_param",
    "hash_repeats",
    "repeated",
    "rows_with_repeated_hash",
    "rule_kind",
    "shared_among",
]
