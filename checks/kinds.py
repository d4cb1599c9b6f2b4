"""Rule kinds: what a rule *means*, as one three-valued Polars expression.

A kind is a frozen dataclass of parameters registered under a name. Its docstring is its
catalogue entry and ``category`` its default scorecard group. ``violation`` returns True where a
row breaks the rule, False where it passes, and null where the rule does not apply, so that
"checked" is the count of non-null flags and "failed" the count of True ones.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import polars as pl

from refcheck.checks.context import Context

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


class RuleKind:
    """Base of all kinds."""

    name: ClassVar[str]
    category: ClassVar[str]

    def fields(self) -> tuple[str, ...]:
        """Every field the rule reads."""
        return tuple(
            value
            for spec in dataclasses.fields(self)  # type: ignore[arg-type]
            if spec.metadata.get("field")
            for value in _as_tuple(getattr(self, spec.name))
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

        NOTE: a window over all rows (``pl.len().over(value)``) stops Polars streaming the whole
        select and holds every column; the engine streams only this key and calls ``compared``
        on the collected keys.
        """
        return None

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        """The violation from the collected ``row_key`` values, over all rows at once."""
        raise NotImplementedError


def _as_tuple(value: object) -> tuple[str, ...]:
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


@rule_kind("readable")
@dataclass(frozen=True, slots=True, kw_only=True)
class Readable(RuleKind):
    """A present value can be read as its field's type (a real date, in a listed form).

    Applies to rows where the raw value is present. An unreadable value is then treated as blank
    by every other rule: it is never silently dropped and never stops the run.
    """

    category = "validity"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        return applies(ctx.was_present(self.field), ctx.col(self.field).is_null())


@rule_kind("required")
@dataclass(frozen=True, slots=True, kw_only=True)
class Required(RuleKind):
    """The field must be present (not blank); ``alternatives`` are fields that may stand in for it.

    Applies to every row. Blank means null, empty or only whitespace.
    """

    category = "completeness"
    field: str = field_param()
    alternatives: tuple[str, ...] = field_param(default=())

    def violation(self, ctx: Context) -> pl.Expr:
        blank = ctx.col(self.field).is_null()
        for other in self.alternatives:
            blank = blank & ctx.col(other).is_null()
        return blank


@rule_kind("required_when")
@dataclass(frozen=True, slots=True, kw_only=True)
class RequiredWhen(RuleKind):
    """The field must be present when a condition holds; rows where it does not hold are not checked.

    Give exactly one condition: ``present`` (another field is present), ``code_field`` with
    ``codes`` (another field holds one of the codes), or ``overdue_since`` with ``working_days``
    (more than that many working days have passed between that date and the as-of date).
    """

    category = "completeness"
    field: str = field_param()
    present: str | None = field_param(default=None)
    code_field: str | None = field_param(default=None)
    codes: tuple[str, ...] = ()
    overdue_since: str | None = field_param(default=None)
    working_days: int | None = None

    def __post_init__(self) -> None:
        given = [self.present is not None, self.code_field is not None, self.overdue_since is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of present, code_field or overdue_since")
        if (self.code_field is None) != (not self.codes):
            raise ValueError("code_field and codes go together")
        if (self.overdue_since is None) != (self.working_days is None):
            raise ValueError("overdue_since and working_days go together")

    def temporal_fields(self) -> tuple[str, ...]:
        return _as_tuple(self.overdue_since)

    def violation(self, ctx: Context) -> pl.Expr:
        if self.present is not None:
            condition = ctx.col(self.present).is_not_null()
        elif self.code_field is not None:
            condition = ctx.col(self.code_field).is_in(self.codes).fill_null(False)
        else:
            assert self.overdue_since is not None and self.working_days is not None
            since = ctx.day(self.overdue_since)
            condition = since.is_not_null() & (self._elapsed(ctx, self.overdue_since) > self.working_days)
        return applies(condition, ctx.col(self.field).is_null())

    def days_taken(self, ctx: Context) -> pl.Expr | None:
        """Working days elapsed since the overdue_since date, as of the run."""
        if self.overdue_since is None:
            return None
        return self._elapsed(ctx, self.overdue_since)

    @staticmethod
    def _elapsed(ctx: Context, since: str) -> pl.Expr:
        # NOTE: computed once for the rule and its worklist column (Polars would count twice). The
        # empty part keeps the name apart from ``WithinWorkingDays``' (start, end), whatever the fields' names.
        elapsed = ctx.working_days.count(ctx.day(since), pl.lit(ctx.as_of))
        return ctx.computed(f"{since}\x00\x00working_days", elapsed)


@rule_kind("code_list")
@dataclass(frozen=True, slots=True, kw_only=True)
class CodeList(RuleKind):
    """A present value must be one of the listed codes (trimmed, case-sensitive)."""

    category = "validity"
    field: str = field_param()
    codes: tuple[str, ...]

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), ~value.is_in(self.codes))


@rule_kind("pattern")
@dataclass(frozen=True, slots=True, kw_only=True)
class Pattern(RuleKind):
    """A present value, trimmed, must match the regular expression as a whole."""

    category = "validity"
    field: str = field_param()
    pattern: str
    upper_case: bool = False

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as err:
            raise ValueError(f"not a valid regular expression ({err})") from None

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        if self.upper_case:
            value = value.str.to_uppercase()
        return applies(value.is_not_null(), ~value.str.contains(f"^(?:{self.pattern})$"))


UK_POSTCODE = (
    r"GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2}"
)


@rule_kind("uk_postcode")
@dataclass(frozen=True, slots=True, kw_only=True)
class UkPostcode(RuleKind):
    """A present value, upper-cased and trimmed, must be a UK postcode (the space is optional)."""

    category = "validity"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), ~value.str.to_uppercase().str.contains(f"^(?:{UK_POSTCODE})$"))


_NHS_WEIGHTED = tuple(
    pl.Series([sum(int(digit) * weight for digit, weight in zip(f"{block:03d}", weights, strict=True))
               for block in range(1000)], dtype=pl.Int64)
    for weights in ((10, 9, 8), (7, 6, 5), (4, 3, 2))
)
"""Per block of three digits (000-999) at each place in an NHS number's first nine: its weighted sum."""


@rule_kind("nhs_number")
@dataclass(frozen=True, slots=True, kw_only=True)
class NhsNumber(RuleKind):
    """A present value, spaces removed, must be 10 digits whose Modulus 11 check digit is right.

    The first nine digits are weighted 10 down to 2 and summed; ``11 - sum mod 11`` is the check
    digit, 11 becoming 0; a check of 10 means no valid number has those nine digits.
    """

    category = "validity"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        digits = value.str.replace_all(" ", "", literal=True)
        # NOTE: ten bytes that read as an unsigned number with no "+" are ten digits, without a regex.
        ten_digits = (digits.str.len_bytes() == 10) & ~digits.str.starts_with("+")
        number = ctx.computed(f"{self.field}\x00nhs", pl.when(ten_digits).then(digits)
                              .cast(pl.UInt64, strict=False).cast(pl.Int64))
        # NOTE: integer arithmetic on the number, not ten string slices: each block of three of the
        # first nine digits looks its weighted sum up in a table of 1,000.
        nine = number // 10
        blocks = (nine // 1_000_000, nine // 1000 % 1000, nine % 1000)
        first, second, third = (pl.lit(table).gather(block) for table, block in zip(_NHS_WEIGHTED, blocks, strict=True))
        weighted = first + second + third
        check = ctx.computed(f"{self.field}\x00nhs_check", (11 - weighted % 11) % 11)
        right = (check != 10) & (number % 10 == check)
        return applies(value.is_not_null(), ~right.fill_null(False))


@rule_kind("unique")
@dataclass(frozen=True, slots=True, kw_only=True)
class Unique(RuleKind):
    """A present value must not be shared with another row; every row sharing it fails."""

    category = "integrity"
    field: str = field_param()

    def violation(self, ctx: Context) -> pl.Expr:
        value = ctx.col(self.field)
        return applies(value.is_not_null(), pl.len().over(value) > 1)

    def row_key(self, ctx: Context) -> pl.Expr:
        return ctx.col(self.field)

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        return repeated(keys)


def hash_repeats(hashes: pl.Series) -> pl.Series:
    """Whether each hash is also on another row.

    NOTE: sorting the hashes and comparing neighbours is twice as fast as ``pl.len().over()``.
    """
    ordered = hashes.sort()
    return hashes.is_in(ordered.filter(ordered == ordered.shift(1)).implode())


def rows_with_repeated_hash(hashes: pl.Series) -> pl.Series:
    """The indices of the rows whose hash is also on another row, in the hashes' order (equal ones together).

    NOTE: for a sort by hash that follows, rows already in hash order sort faster (re-referrals at
    5M rows: 0.31 s against 0.37 s for ``hash_repeats``, a filter and the sort). Where only a mask
    is wanted (uniqueness), ``hash_repeats`` is twice as fast: 0.11 s against 0.21 s on 5M ids.
    """
    order = hashes.arg_sort()
    ordered = hashes.gather(order)
    after_same = (ordered == ordered.shift(1)).fill_null(False)
    return order.filter(after_same | after_same.shift(-1, fill_value=False))


def repeated(values: pl.Series) -> pl.Series:
    """Whether each value is also on another row; null where the value is null.

    NOTE: a window over every value (``pl.len().over``) costs three times as much on 5M text values
    as sorting their hashes; only the rows whose hash repeats are then compared as values, so
    two values whose hashes collide still count as different.
    """
    return shared_among(values, values.hash())


def shared_among(values: pl.Series, hashes: pl.Series) -> pl.Series:
    """``repeated``, given each value's hash."""
    frame = pl.DataFrame({"value": values, "candidate": hash_repeats(hashes)})
    value = pl.col("value")
    shared = (frame.lazy().with_row_index("row").filter(pl.col("candidate") & value.is_not_null())
              .filter(pl.len().over(value) > 1).select("row").collect().get_column("row"))
    return frame.select(applies(value.is_not_null(), pl.lit(False))).to_series().scatter(shared, True)


@rule_kind("date_order")
@dataclass(frozen=True, slots=True, kw_only=True)
class DateOrder(RuleKind):
    """The ``later`` date must not be before the ``earlier`` one, when both are present.

    ``compare: date`` ignores times of day; ``compare: datetime`` uses them.
    """

    category = "plausibility"
    earlier: str = field_param()
    later: str = field_param()
    compare: str = "date"

    def __post_init__(self) -> None:
        if self.compare not in ("date", "datetime"):
            raise ValueError("compare is 'date' or 'datetime'")

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.earlier, self.later)

    def violation(self, ctx: Context) -> pl.Expr:
        if self.compare == "date":
            earlier, later = ctx.day(self.earlier), ctx.day(self.later)
        else:
            earlier, later = ctx.col(self.earlier).cast(pl.Datetime("us")), ctx.col(self.later).cast(pl.Datetime("us"))
        return applies(earlier.is_not_null() & later.is_not_null(), later < earlier)


@rule_kind("not_in_future")
@dataclass(frozen=True, slots=True, kw_only=True)
class NotInFuture(RuleKind):
    """A present date must not be after the run's as-of date."""

    category = "plausibility"
    field: str = field_param()

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.field,)

    def violation(self, ctx: Context) -> pl.Expr:
        day = ctx.day(self.field)
        return applies(day.is_not_null(), day > pl.lit(ctx.as_of))


@rule_kind("age_under")
@dataclass(frozen=True, slots=True, kw_only=True)
class AgeUnder(RuleKind):
    """The age on the ``at`` date, from the ``birth`` date, must be under ``years``.

    A birthday is reached on its anniversary; someone born on 29 February reaches it on
    1 March in a year that is not a leap year.
    """

    category = "plausibility"
    birth: str = field_param()
    at: str = field_param()
    years: int

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.birth, self.at)

    def violation(self, ctx: Context) -> pl.Expr:
        birth, at = ctx.day(self.birth), ctx.day(self.at)
        age = at.dt.year() - birth.dt.year() - (_month_day(at) < _month_day(birth)).cast(pl.Int32)
        return applies(birth.is_not_null() & at.is_not_null(), age >= self.years)


def _month_day(day: pl.Expr) -> pl.Expr:
    """Month and day as one sortable number (MMDD), for birthdays."""
    return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)


@rule_kind("within_working_days")
@dataclass(frozen=True, slots=True, kw_only=True)
class WithinWorkingDays(RuleKind):
    """The ``end`` date must be within ``days`` working days of the ``start`` date.

    Working days are counted from the start date inclusive to the end date exclusive, Monday to
    Friday less the calendar's bank holidays and closures; times of day are ignored. Applies
    when both dates are present and, with ``code_field`` and ``codes``, only where that field
    holds one of the codes (a strategy discussion after an S47 decision).
    """

    category = "timeliness"
    start: str = field_param()
    end: str = field_param()
    days: int
    code_field: str | None = field_param(default=None)
    codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.code_field is None) != (not self.codes):
            raise ValueError("code_field and codes go together")

    def temporal_fields(self) -> tuple[str, ...]:
        return (self.start, self.end)

    def violation(self, ctx: Context) -> pl.Expr:
        start, end = ctx.day(self.start), ctx.day(self.end)
        condition = start.is_not_null() & end.is_not_null()
        if self.code_field is not None:
            condition = condition & ctx.col(self.code_field).is_in(self.codes).fill_null(False)
        return applies(condition, self._taken(ctx) > self.days)

    def days_taken(self, ctx: Context) -> pl.Expr:
        return self._taken(ctx)

    def _taken(self, ctx: Context) -> pl.Expr:
        taken = ctx.working_days.count(ctx.day(self.start), ctx.day(self.end))
        return ctx.computed(f"{self.start}\x00{self.end}\x00working_days", taken)


@rule_kind("text_quality")
@dataclass(frozen=True, slots=True, kw_only=True)
class TextQuality(RuleKind):
    """Present free text must say something: at least ``min_words`` words and not a placeholder.

    Words are runs of non-whitespace. Placeholders are compared trimmed and lower-cased.
    """

    category = "quality"
    field: str = field_param()
    min_words: int
    placeholders: tuple[str, ...] = ()

    def violation(self, ctx: Context) -> pl.Expr:
        text = ctx.col(self.field)
        # NOTE: one anchored regex asks "at least N words?" without counting every word of long text.
        too_short = ~text.str.contains(rf"^\s*\S+(?:\s+\S+){{{self.min_words - 1}}}") if self.min_words > 0 \
            else pl.lit(False)
        # NOTE: a placeholder with fewer words than min_words is already too short, so only longer
        # ones need the text lower-cased (which costs as much as the rest of the rule).
        long_ones = [p.strip().lower() for p in self.placeholders if len(p.split()) >= self.min_words]
        if not long_ones:
            return applies(text.is_not_null(), too_short)
        return applies(text.is_not_null(), too_short | text.str.to_lowercase().is_in(long_ones))
