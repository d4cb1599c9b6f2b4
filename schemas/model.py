"""What a loaded schema is: fields, code lists, rule specifications and the calendar.

These are plain frozen values. The rule *kinds* that give a specification its meaning
as a Polars expression live in ``refcheck.checks``; a schema only names them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

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
    def with_article(self) -> str:
        """The type's name after "a" or "an", as a message says it: "an integer", "a date"."""
        return f"an {self.value}" if self.value[0] in "aeiou" else f"a {self.value}"

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
    personal: bool = False
    """Identifies or describes a person (a date of birth, a postcode, free text): shown only on request."""


@dataclass(frozen=True, slots=True)
class CodeList:
    """A named list of codes, each with a label."""

    name: str
    codes: Mapping[str, str]
    where: Where


@dataclass(frozen=True, slots=True)
class Condition:
    """A rule's ``when:``: the rule applies only where ``field`` is present, is blank, or holds one of ``codes``."""

    field: str
    test: Literal["present", "blank", "in"]
    codes: tuple[str, ...] = ()


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
    kind_where: Where | None = None
    """Where the kind is named (its ``kind:`` key, or the shorthand that made the rule), for errors about it."""
    when: Condition | None = None
    """Where the rule applies at all; elsewhere it is not checked (null), whatever its kind says."""
    due_label: str | None = None
    """What falls due, as a due list names it ("Visit", "Review conference"), for a rule that falls due."""


@dataclass(frozen=True, slots=True)
class Calendar:
    """Which days are working days: a region's bank holidays plus the schema's own closure days."""

    region: str
    extra_closures: tuple[dt.date, ...] = ()


REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
"""Calendar regions and their subdivision in the ``holidays`` package (GB)."""


@dataclass(frozen=True, slots=True)
class Bands:
    """RAG thresholds: green at or beyond ``green``, amber at or beyond ``amber``, else red.

    For measures where lower is better (counts of overdue records, re-referral rates) the
    comparison is reversed: green at or below ``green``.
    """

    green: float
    amber: float

    def rag(self, value: float, *, lower_is_better: bool = False) -> str:
        """``green``, ``amber`` or ``red`` for a value."""
        if lower_is_better:
            return "green" if value <= self.green else "amber" if value <= self.amber else "red"
        return "green" if value >= self.green else "amber" if value >= self.amber else "red"


KPI_MEASURES = ("rows", "pass_rate", "failed", "re_referral_rate", "open", "overdue_now", "due", "share")
"""What a KPI reports: rows checked, a pass rate (of a rule or a category), a count of failures
of a rule, the share of referrals that are re-referrals, the records of a record type open now
(``open``), open records overdue now for a rule (``overdue_now``), items due soon (``due``), or the
share of a record type's rows holding some codes that also hold others (``share``)."""
COUNT_MEASURES = ("rows", "failed", "open", "overdue_now", "due")
"""KPI measures whose figure is a count of records, not a share."""
UNTARGETED = ("open", "due")
"""Counts that have no better direction, so no target: they say how much there is to do."""

Codes = tuple[tuple[str, tuple[str, ...]], ...]
"""Fields and the codes each must hold (``{seen: [Y]}``): a row matches when every field holds one of its codes."""


@dataclass(frozen=True, slots=True)
class Kpi:
    """A headline figure on the scorecard, with its target bands."""

    id: str
    label: str
    measure: str
    rule: str | None
    category: str | None
    bands: Bands | None
    """None: a count with no target (no RAG, shown as "no target")."""
    section: str | None = None
    """The scorecard section the KPI is shown in (``Child protection``); None: the headline figures."""
    record_type: str | None = None
    """For ``open``, ``due`` and ``share``: the record type counted."""
    of: Codes = ()
    """For ``share``: the rows the share is of (``{seen: [Y]}``)."""
    share: Codes = ()
    """For ``share``: of those, the rows counted (``{seen_alone: [Y]}``)."""

    @property
    def lower_is_better(self) -> bool:
        """Counts of failures, of records overdue and re-referral rates are better when lower."""
        return self.measure in ("failed", "re_referral_rate", "overdue_now")

    @property
    def counts(self) -> bool:
        """Whether the figure is a count of records (shown as a whole number), not a share."""
        return self.measure in COUNT_MEASURES

    @property
    def measure_key(self) -> str:
        """The key of the KPI's per-team counts in ``Report.measures`` (``open:cp_plans``), for the new measures."""
        if self.measure in ("open", "due"):
            return f"{self.measure}:{self.record_type}"
        if self.measure == "overdue_now":
            return f"overdue_now:{self.rule}"
        if self.measure == "share":
            return f"share:{self.id}"
        return self.measure


@dataclass(frozen=True, slots=True)
class ReReferrals:
    """How to tell a re-referral: the same person referred within ``within_days`` before."""

    person: str
    date: str
    within_days: int


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Targets and headline figures for team scorecards."""

    bands: Bands
    category_bands: Mapping[str, Bands]
    kpis: tuple[Kpi, ...]
    re_referrals: ReReferrals | None
    due_within: int = 5
    """The working days ahead a due list looks (``due_within: 5 working days``)."""

    def bands_for(self, category: str) -> Bands:
        """The bands a category is coloured against."""
        return self.category_bands.get(category, self.bands)


DEFAULT_BANDS = Bands(green=0.95, amber=0.85)


@dataclass(frozen=True, slots=True)
class Readability:
    """When a field was read too poorly to trust the figures that use it: shares of its present values."""

    unreadable: float = 0.05
    """Beyond this share unreadable as its type (a date, a date and time, a whole number), a field warns."""
    outside_codes: float = 0.5
    """Beyond this share outside its code list (another system's codes, not translated), a code field warns."""


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Where one canonical field comes from and how its values are translated."""

    column: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractMapping:
    """How to read an extract whose headers or codes are not the canonical ones."""

    fields: Mapping[str, FieldMapping] = field(default_factory=dict)
    null_tokens: tuple[str, ...] = ()
    source: str | None = None
    """The file stem, sheet or table the record type is read from, when it is not called by its own name."""
    record_types: Mapping[str, ExtractMapping] = field(default_factory=dict)
    """On the primary's mapping as read (``load_mapping``): each other record type's, by name
    (``apply_mapping`` gives each record type its own)."""

    def column(self, name: str) -> str:
        """The source column a canonical field is read from."""
        entry = self.fields.get(name)
        return entry.column if entry and entry.column else name


NO_MAPPING = ExtractMapping()



@dataclass(frozen=True, slots=True)
class Period:
    """When a record is open: from its ``start`` date to its ``end`` date.

    Open at the as-of date: the start is present and not after it, and the end blank or after it
    (``refcheck.checks.measures.is_open``).
    """

    start: str
    end: str | None = None


PRIMARY = "referrals"
"""The record type a schema describes when it declares none: its top-level fields and rules."""


@dataclass(frozen=True, slots=True)
class Relation:
    """A record type that belongs to another: its ``by`` field holds the parent's key, and its team is the parent's.

    Keys are compared trimmed and case-sensitively; a blank key matches nothing; where several parent
    rows share a key, the first in the extract is the parent (``refcheck.checks.relations``).
    """

    record_type: str
    by: str


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
    worker: str | None = None
    mapping: ExtractMapping = field(default_factory=lambda: NO_MAPPING)
    scorecard: Scorecard = field(default_factory=lambda: Scorecard(DEFAULT_BANDS, {}, (), None))
    readability: Readability = field(default_factory=Readability)
    record_type: str = PRIMARY
    """Which record type this schema value describes (``referrals``, ``cp_visits``, ...)."""
    label: str = "Referrals"
    """The record type as outputs name it."""
    belongs_to: Relation | None = None
    """For a record type that belongs to another: the relation (then ``group_by`` is its ``by`` field)."""
    period: Period | None = None
    """When one of its records is open (``period: {start, end}``); None: its records are not open or closed."""
    others: Mapping[str, Schema] = field(default_factory=dict)
    """On the primary record type only: the schema's other record types, in its order, each a ``Schema``
    sharing this one's name, calendar, codes and scorecard."""

    @property
    def record_types(self) -> tuple[Schema, ...]:
        """Every record type of the schema: the primary first, then the others in the schema's order."""
        return (self, *self.others.values())

    def record(self, name: str) -> Schema:
        """The record type called ``name``."""
        if name == self.record_type:
            return self
        return self.others[name]

    def rule(self, rule_id: str) -> RuleSpec:
        """The rule with this id."""
        for spec in self.rules:
            if spec.id == rule_id:
                return spec
        raise KeyError(rule_id)
