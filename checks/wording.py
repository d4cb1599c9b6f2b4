"""Counts in words that read naturally: "1 row", "2 rows", never "1 rows"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and the noun in the number it takes, thousands separated: ``1 row``, ``1,183 rows``."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
