"""Collect every error of a schema or mapping, so that one run reports them all (as sqlfluff and ruff do).

Each part of a document is read with ``Problems.attempt``: a mistake is noted and a stand-in is
used in its place (a field of the default type, a rule of error severity), so that the rest is
still checked and a mistake is reported once, not again by everything that refers to it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from refcheck.schemas.errors import SchemaError, SchemaErrors, UnknownName, all_of
from refcheck.schemas.quoting import is_token, quoted
from refcheck.schemas.yamldoc import Node

_T = TypeVar("_T")
_F = TypeVar("_F")


class Problems:
    """The errors found so far in one schema or mapping."""

    def __init__(self) -> None:
        self.found: list[SchemaError] = []
        self.without_parent = False
        """Set when a parent schema cannot be read: names it may define are then not called unknown."""

    def add(self, error: SchemaError) -> None:
        """Note an error (or several, raised together)."""
        self.found.append(error)

    def attempt(self, read: Callable[[], _T], fallback: _F) -> _T | _F:
        """``read()``, or ``fallback`` when it finds a mistake (which is noted)."""
        try:
            return read()
        except SchemaError as error:
            self.add(error)
            return fallback

    def value(self, spec: Mapping[str, Node], key: str, read: Callable[[Node], _T], default: _F) -> _T | _F:
        """``read(spec[key])``; ``default`` when the key is absent, or its value is wrong (noted)."""
        if key not in spec:
            return default
        return self.attempt(lambda: read(spec[key]), default)

    @contextmanager
    def noted(self) -> Iterator[None]:
        """Run the block; a mistake it finds is noted and ends the block, not the reading."""
        try:
            yield
        except SchemaError as error:
            self.add(error)

    def raise_any(self) -> None:
        """Raise every error noted, together, if there is one."""
        found = self.found
        if self.without_parent:
            found = [error for error in _each(found) if not isinstance(error, UnknownName)]
        if found:
            raise all_of(found)


def _each(errors: list[SchemaError]) -> Iterator[SchemaError]:
    for error in errors:
        yield from error.errors if isinstance(error, SchemaErrors) else (error,)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to a misspelt one, else nothing.

    A name that starts or ends another (``wales`` for ``wales-referral``) is the closest; else
    difflib's closest. Only a code-like name is compared: any other is never shown, nor hinted at.
    """
    close = closest(name, known)
    return f" (did you mean {quoted(close)}?)" if close is not None else ""


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a misspelt one most likely meant (as ``did_you_mean`` says it), or None."""
    if not is_token(name):
        return None
    choices = [choice for choice in known if choice != name]
    lower = name.lower()
    affixed = [choice for choice in choices if choice.lower().startswith(lower) or choice.lower().endswith(lower)]
    close = affixed[:1] if len(affixed) == 1 and len(name) >= 3 else difflib.get_close_matches(name, choices, n=1)
    return close[0] if close else None
