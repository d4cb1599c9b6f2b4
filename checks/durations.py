"""Durations as a schema writes them: "10 working days", "1 working day", "30 days", "4 weeks", "3 months".

A rule's timescale is a whole number and a unit; anything else is refused with one message that
shows the forms (the schema binding reports it at the rule's line). What "longer than" a
duration means, and its due date, live in ``checks.stretches``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

from refcheck.schemas.quoting import quoted


class Unit(enum.StrEnum):
    """What a duration counts: its plural, as written."""

    WORKING_DAYS = "working days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


_SINGULAR = {Unit.WORKING_DAYS: "working day", Unit.DAYS: "day", Unit.WEEKS: "week", Unit.MONTHS: "month"}
_UNITS = {written: unit for unit, singular in _SINGULAR.items() for written in (unit.value, singular)}
_FORM = re.compile(r"(\d+)\s+([a-z]+(?: [a-z]+)?)")
FORMS = '"10 working days", "1 working day", "30 days", "4 weeks" or "3 months"'
"""The forms a duration may take, for messages."""


@dataclass(frozen=True, slots=True)
class Duration:
    """A whole number of working days, calendar days, weeks or calendar months."""

    count: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.count} {_SINGULAR[self.unit] if self.count == 1 else self.unit.value}"

    @property
    def in_working_days(self) -> bool:
        """Whether the duration counts working days (the bank-holiday calendar decides)."""
        return self.unit is Unit.WORKING_DAYS


def duration(text: str | Duration) -> Duration:
    """A duration from its written form; a ValueError saying which forms there are otherwise.

    Words are case-insensitive and spaces between them free; singular and plural both do.
    """
    return text if isinstance(text, Duration) else _written(text)


@lru_cache(maxsize=64)
def _written(text: str) -> Duration:
    words = " ".join(str(text).lower().split())
    found = _FORM.fullmatch(words)
    unit = _UNITS.get(found.group(2)) if found else None
    if found is None or unit is None:
        raise ValueError(f"{quoted(str(text))} is not a duration; write a whole number and a unit, such as {FORMS}")
    return Duration(int(found.group(1)), unit)


class DurationText(str):
    """A duration parameter as the schema writes it ("10 working days"): text, checked to be a duration."""

    __slots__ = ()

    @classmethod
    def parse(cls, value: object, name: str = "") -> DurationText:
        """The parameter's text once it reads as a duration; a ValueError otherwise (binding reports it at its line)."""
        prefix = f"{name}: " if name else ""
        if isinstance(value, Duration):
            return cls(str(value))
        if isinstance(value, str):
            try:
                duration(value)
            except ValueError as err:
                raise ValueError(f"{prefix}{err}") from None
            return cls(value)
        shown = ("true or false" if isinstance(value, bool) else "a number" if isinstance(value, int | float)
                 else "a list" if isinstance(value, list | tuple) else "a mapping" if isinstance(value, dict)
                 else "nothing")
        raise ValueError(f"{prefix}a duration is a whole number and a unit, such as {FORMS}; got {shown}")
