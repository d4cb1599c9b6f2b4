"""What every rule kind is: registration, parameters, the Polars meaning, and what each backend needs of it.

A kind is a frozen dataclass of parameters registered under a name. Its docstring is its
catalogue entry and ``category`` its default scorecard group. ``violation`` returns True where a
row breaks the rule, False where it passes, and null where the rule does not apply, so that
"checked" is the count of non-null flags and "failed" the count of True ones.

Beside its meaning a kind renders itself for the other engines: ``pandera`` (Polars source for
the exported pandera module), ``sql`` ((applies, fails) conditions) and ``gx`` (built-in Great
Expectations, described as plain data so that importing kinds imports no GX). The backends hand
a kind the small vocabularies below; a kind that has no form for one says why in its status.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, TypeVar

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.durations import Duration
from refcheck.schemas import FieldType

KINDS: dict[str, type[RuleKind]] = {}
"""Every registered rule kind, by name."""

K = TypeVar("K", bound="type[RuleKind]")


def rule_kind(name: str) -> Callable[[K], K]:
    """Register a rule kind; a kind needs a docstring, because that is its catalogue entry."""

    def register(cls: K) -> K:
        if name in KINDS:
            raise ValueError(f"rule kind {name!r} is registered twice")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"rule kind {name!r} needs a docstring")
        cls.name = name
        KINDS[name] = cls
        return cls

    return register


def applies(condition: pl.Expr, failed: pl.Expr) -> pl.Expr:
    """A flag: ``failed`` where ``condition`` holds, null (does not apply) elsewhere."""
    return pl.when(condition).then(failed)


def as_tuple(value: object) -> tuple[str, ...]:
    """A field parameter's names: none, one, or the tuple as given."""
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    return (str(value),)


def field_param(*, default: object = dataclasses.MISSING) -> Any:
    """A parameter that names a field of the schema (checked when the schema is bound)."""
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"field": True})
    return dataclasses.field(default=default, metadata={"field": True})


class Export(enum.StrEnum):
    """How a rule travels to another engine."""

    EXACT = "exact"
    SQL_ONLY = "sql-only"
    NONE = "not exportable"


@dataclass(frozen=True, slots=True)
class ExportStatus:
    """A rule's export status for one engine, and why when it is not exact."""

    status: Export
    reason: str = ""


EXACT = ExportStatus(Export.EXACT)


class PanderaTerms(Protocol):
    """Polars source naming the exported module's helpers (``checks.interop.pandera_module``)."""

    def value(self, field: str) -> str:
        """The field's typed value: null when blank or unreadable."""

    def text(self, field: str) -> str:
        """The field's raw text, trimmed; blank is null."""

    def day(self, field: str) -> str:
        """A date field, or the date part of a date-time."""

    def working_days(self, start: str, end: str) -> str:
        """Working days from ``start`` (inclusive) to ``end`` (exclusive)."""

    def as_of(self) -> str:
        """The run's as-of date."""


@dataclass(frozen=True, slots=True)
class Matches:
    """A pandera built-in check: the raw text, trimmed, matches a whole-value regex (blanks pass)."""

    regex: str


@dataclass(frozen=True, slots=True)
class Violation:
    """A pandera custom check: Polars source, True where a row fails and null where the rule does not apply."""

    source: str


def when(condition: str, failed: str) -> str:
    """``applies`` as Polars source."""
    return f"pl.when({condition}).then({failed})"


class SqlTerms(Protocol):
    """SQL a kind's conditions are made of (``checks.interop.sql_rules.SqlRules``): quoted, templated."""

    types: Mapping[str, FieldType]

    def name(self, field: str) -> str:
        """A column, quoted."""

    def lit(self, text: str) -> str:
        """A string literal."""

    def matches(self, value: str, pattern: str) -> str:
        """A condition: ``value`` matches the regular expression."""

    def shared(self, expression: str) -> str:
        """A value several conditions read: an engine that can computes it once per row."""

    def quotient(self, a: str, b: str) -> str:
        """Whole-number division of non-negative integers (dialects divide differently)."""

    def remainder(self, a: str, b: str) -> str:
        """What is left of ``a`` after whole-number division by ``b``."""

    def substring(self, text: str, start: int | str, length: int | str | None = None) -> str:
        """Part of a text: from character ``start`` (1-based), ``length`` characters or to its end."""

    def flag(self, condition: str) -> str:
        """A condition as a value, 1 or 0 (Oracle and SQL Server have no boolean values)."""

    def present(self, field: str) -> str:
        """Whether a field has a value; for a date or number, a readable one."""

    def blank(self, field: str) -> str:
        """Whether a field has no (readable) value."""

    def day(self, field: str) -> str:
        """The field's date as a YYYYMMDD number; NULL when blank or unreadable."""

    def moment(self, field: str) -> str:
        """The field's date and time as a YYYYMMDDhhmmss number."""

    def typed(self, field: str) -> str:
        """The field's value as the engine compares values (a date as a day, an integer as a number)."""

    def working_before(self, day: str) -> str:
        """Working days before a YYYYMMDD day."""

    def as_of_day(self) -> str:
        """The run's as-of date as YYYYMMDD."""

    def repeated(self, value: str) -> str:
        """A condition: the value (made of fields) is on another row of the extract too (not only the batch's)."""


@dataclass(frozen=True, slots=True)
class GxWhere:
    """One test of a GX row condition: ``column`` is null, is not null, or is one of ``codes``."""

    column: str
    test: Literal["is_null", "is_not_null", "is_in"]
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GxExpectation:
    """A built-in GX expectation, as data: ``checks.interop.gx_suite`` makes the GX object."""

    expectation: str
    """The class name in ``great_expectations.expectations``."""
    column: str
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    where: tuple[GxWhere, ...] = ()
    """Row conditions, all of which must hold."""
    counts_checked: bool = True
    """False for an expectation whose rows are not checked rows (a second one for the same rule)."""


class RuleKind:
    """Base of all kinds."""

    name: ClassVar[str]
    category: ClassVar[str]
    every_row: ClassVar[bool] = False
    """The rule applies to every row, whatever the fields it reads hold."""
    compares_rows: ClassVar[bool] = False
    """The outcome of a row depends on the other rows (a batch of one team must look at all)."""
    reads_as_of: ClassVar[bool] = False
    """The outcome can depend on the run's as-of date (the catalogue's examples then give it)."""
    reads_unreadable: ClassVar[bool] = False
    """The rule judges values that cannot be read (other kinds see those as blank)."""
    example_note: ClassVar[str] = ""
    """For a kind that compares rows: what a failing example needs besides its own row."""
    gx_sql_only: ClassVar[str] = ""
    """Why GX needs SQL for this kind (it has no built-in expectation that says the same), if it does."""
    exactly_one_of: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Groups of optional parameters of which a rule must give exactly one (``days`` or ``within``).

    The kind refuses any other number itself; binding can say which are missing beside other mistakes."""
    pandera_helpers: ClassVar[str] = ""
    """Module-level source this kind's pandera checks call (the exported module defines it once)."""

    def fields(self) -> tuple[str, ...]:
        """Every field the rule reads."""
        return tuple(
            value
            for spec in dataclasses.fields(self)  # type: ignore[arg-type]
            if spec.metadata.get("field")
            for value in as_tuple(getattr(self, spec.name))
        )

    def temporal_fields(self) -> tuple[str, ...]:
        """The fields that must be dates or date-times."""
        return ()

    def violation(self, ctx: Context) -> pl.Expr:
        """True = fails, False = passes, null = does not apply."""
        raise NotImplementedError

    def days_taken(self, ctx: Context) -> pl.Expr | None:
        """For timeliness kinds, the working days taken (or overdue by), shown in worklists."""
        return None

    def row_key(self, ctx: Context) -> pl.Expr | None:
        """For kinds that compare rows: the one value per row they compare (None for the others).

        A window over all rows (``pl.len().over(value)``) stops Polars streaming the whole
        select and holds every column; the engine streams only this key and calls ``compared``
        on the collected keys.
        """
        return None

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        """The violation from the collected ``row_key`` values, over all rows at once."""
        raise NotImplementedError

    def related(self) -> Mapping[str, tuple[str, ...]]:
        """Other record types the rule reads, and which of their fields.

        The engine collects those into ``ctx.related`` before calling ``compared``; a rule whose related
        record type was not supplied is not run. A kind that reads another record type has
        ``compares_rows`` and a ``row_key``.
        """
        return {}

    def stretches(self, keys: pl.Series, ctx: Context) -> pl.DataFrame | None:
        """For a kind that judges stretches of time: per collected ``row_key``, its stretch table.

        The columns are ``checks.stretches.STRETCH_COLUMNS`` (applies, failed, stop, last anchor,
        due date, how far overdue), what a due list or worklist shows beside the rule's verdict.
        """
        return None

    def verdict(self, stretches: pl.DataFrame) -> pl.Series:
        """The flag of a kind judged by stretches, from its stretch table: failed (a stretch too long) where it applies.

        ``compared`` gives the same; the engine uses this when it needs the table too, so it is made once.
        """
        return stretches.select(applies(pl.col("applies"), pl.col("failed"))).to_series()

    def due_dates(self, ctx: Context) -> tuple[pl.Expr, pl.Expr] | None:
        """For a kind judged row by row whose next item falls due: the date it runs from and the date it is due.

        Both null where nothing falls due (the ``required_when`` overdue form: while the field is blank).
        A kind with ``stretches`` gives them there instead (``last_anchor`` and ``due``).
        """
        return None

    def due_limit(self) -> Duration | None:
        """For a kind whose next item falls due (``due_dates`` or ``stretches``): the limit it falls due by.

        How far overdue a record is is counted in its unit (working days, else calendar days).
        """
        return None

    def related_temporal(self) -> Mapping[str, tuple[str, ...]]:
        """Of the fields ``related`` names, those that must be dates or date-times in their record type."""
        return {}

    # -- renderings: None where the kind has no form (its status says why) -------------------------

    def pandera(self, terms: PanderaTerms) -> Matches | Violation | None:
        """The rule as a pandera check."""
        return None

    def sql(self, terms: SqlTerms) -> tuple[str, str] | None:
        """The rule as SQL conditions: where it applies, and where it fails."""
        return None

    def gx(self, types: Mapping[str, FieldType]) -> tuple[GxExpectation, ...]:
        """Built-in GX expectations whose failures add up to the rule's."""
        return ()

    # -- export status, declared beside the renderings -----------------------------------------

    def pandera_status(self) -> ExportStatus:
        """How the rule travels to pandera."""
        if _overrides(self, "pandera"):
            return EXACT
        return ExportStatus(Export.NONE, f"refcheck has no pandera form for the {self.name!r} kind")

    def sql_status(self) -> ExportStatus:
        """How the rule travels to SQL."""
        if _overrides(self, "sql"):
            return EXACT
        if _overrides(self, "gx"):
            return ExportStatus(Export.NONE, "GX checks it with a built-in expectation; refcheck writes no SQL for it")
        return ExportStatus(Export.NONE, f"refcheck has no SQL form for the {self.name!r} kind")

    def gx_status(self, types: Mapping[str, FieldType]) -> ExportStatus:
        """How the rule travels to Great Expectations.

        GX's built-in expectations see the extract's text: on a date or number field, a kind
        without a reason of its own to go to SQL (``gx_sql_only``) is not exportable.
        """
        if self.gx_sql_only:
            return ExportStatus(Export.SQL_ONLY, self.gx_sql_only)
        if not _overrides(self, "gx"):
            return ExportStatus(Export.NONE, f"refcheck has no Great Expectations form for the {self.name!r} kind")
        if any(types[name].is_parsed for name in self.fields()):
            return ExportStatus(Export.NONE, f"the {self.name!r} kind on a date or number field has no GX form")
        return EXACT


def _overrides(kind: RuleKind, method: str) -> bool:
    """Whether the kind's class renders itself for a backend."""
    return getattr(type(kind), method) is not getattr(RuleKind, method)
