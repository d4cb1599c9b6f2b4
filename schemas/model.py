"""What a loaded schema is: fields, code lists, rule specifications and the calendar.

These are plain frozen values. The rule *kinds* that give a specification its meaning
as a Polars expression live in ``refcheck.checks``; a schema only names them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from refcheck.schemas.yamldoc import Node, Where


class Severity(enum.StrEnum):
    """How much a failed rule matters: errors block a warehouse load, warnings are scored."""

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order for comparisons: warning < error."""
        return 1 if self is Severity.WARNING else 2


class FieldType(enum.StrEnum):
    """The types a field can be read as."""

    TEXT = "text"
    CODE = "code"
    DATE = "date"
    DATETIME = "datetime"
    INTEGER = "integer"

    @property
    def is_parsed(self) -> bool:
        """Whether values must be parsed, and so may fail the ``<field>.type`` rule."""
        return self in (FieldType.DATE, FieldType.DATETIME, FieldType.INTEGER)

    @property
    def is_temporal(self) -> bool:
        """Whether the field holds a date or a date-time."""
        return self in (FieldType.DATE, FieldType.DATETIME)


CATEGORIES = (
    "completeness",
    "validity",
    "plausibility",
    "integrity",
    "timeliness",
    "oversight",
    "quality",
)
"""The categories a rule can belong to, in the order scorecards show them."""


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the referral record."""

    name: str
    type: FieldType
    label: str
    description: str
    codes: str | None
    collected: bool
    where: Where


@dataclass(frozen=True, slots=True)
class CodeList:
    """A named list of codes, each with a label."""

    name: str
    codes: Mapping[str, str]
    where: Where


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as the schema states it: a kind, its parameters and how to report it."""

    id: str
    kind: str
    params: Mapping[str, Node]
    severity: Severity
    category: str | None
    message: str
    hint: str
    field: str | None
    where: Where
    tolerance: float | int | None = None


@dataclass(frozen=True, slots=True)
class Calendar:
    """Which days are working days: a region's bank holidays plus the schema's own closure days."""

    region: str
    extra_closures: tuple[dt.date, ...] = ()


REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
"""Calendar regions and their subdivision in the ``holidays`` package (GB)."""


@dataclass(frozen=True, slots=True)
class Schema:
    """A resolved schema (``extends`` applied, field shorthands expanded into rules)."""

    name: str
    version: str
    description: str
    record_id: str
    group_by: str
    calendar: Calendar
    fields: Mapping[str, Field]
    codes: Mapping[str, CodeList]
    rules: tuple[RuleSpec, ...]
    source: str
    extends: tuple[str, ...] = field(default=())

    def rule(self, rule_id: str) -> RuleSpec:
        """The rule with this id."""
        for spec in self.rules:
            if spec.id == rule_id:
                return spec
        raise KeyError(rule_id)
