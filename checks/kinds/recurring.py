"""The recurring_within kind: something (a visit, a review) must happen again and again within a limit.

A plan row is judged by its stretches (``checks.stretches.stretch_table``, section 5 of the child
protection standard): from its start to each qualifying event of another record type, and from
the last of them to its end or the as-of date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from refcheck.checks.context import Context
from refcheck.checks.durations import Duration, DurationText, duration
from refcheck.checks.kinds.base import field_param, rule_kind
from refcheck.checks.kinds.relations import CrossRecord, day_part
from refcheck.checks.relations import key_text
from refcheck.checks.stretches import stretch_table
from refcheck.schemas.problems import did_you_mean
from refcheck.schemas.quoting import quoted

_EVENT_KEYS = ("record_type", "by", "date", "where")


@dataclass(frozen=True, slots=True)
class Events:
    """Which records of another type are the events: those whose ``by`` holds the plan's key, dated by ``date``.

    ``where`` keeps only records whose fields hold one of the listed codes, each field its own list.
    """

    record_type: str
    by: str
    date: str
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def parse(cls, value: object) -> Events:
        """Events as a schema writes them: ``{record_type, by, date, where: {field: [codes]}}``.

        Every mistake is said, in one ValueError (binding reports it at the parameter's line).
        """
        if isinstance(value, Events):
            return value
        if not isinstance(value, Mapping):
            raise ValueError("events is a mapping: {record_type: ..., by: ..., date: ..., where: {field: [codes]}}")
        problems = [f"events has no {quoted(str(key))}{did_you_mean(str(key), _EVENT_KEYS)}; it takes "
                    f"{', '.join(_EVENT_KEYS)}" for key in value if key not in _EVENT_KEYS]
        missing = [key for key in _EVENT_KEYS[:3] if not isinstance(value.get(key), str) or not value[key].strip()]
        if missing:
            problems.append(f"events needs {' and '.join(missing)} (the name of a record type or field)")
        where = value.get("where") or {}
        if not isinstance(where, Mapping) or not all(
                isinstance(codes, list | tuple) and codes and all(isinstance(code, str | int) for code in codes)
                for codes in where.values()):
            problems.append("events' where is a mapping of fields to lists of codes, such as {seen: [Y]}")
        if problems:
            raise ValueError("; ".join(problems))
        return cls(value["record_type"].strip(), value["by"].strip(), value["date"].strip(),
                   tuple((str(name), tuple(str(code) for code in codes)) for name, codes in where.items()))

    def __str__(self) -> str:
        where = ", ".join(f"{name}: [{', '.join(codes)}]" for name, codes in self.where)
        return (f"{{record_type: {self.record_type}, by: {self.by}, date: {self.date}"
                + (f", where: {{{where}}}" if where else "") + "}")

    def fields(self) -> tuple[str, ...]:
        """The fields of the other record type the events are found by."""
        return tuple(dict.fromkeys((self.by, self.date, *(name for name, _ in self.where))))


@rule_kind("recurring_within")
@dataclass(frozen=True, slots=True, kw_only=True)
class RecurringWithin(CrossRecord):
    """From the ``start`` date, ``events`` must follow one another within ``first`` and then ``every``, to the end.

    The events are the records of another type (``events: {record_type, by, date, where}``)
    whose ``by`` field holds this record's key (``key``, else the field named like ``by``),
    trimmed, and whose ``where`` fields hold one of their codes; each day counts once. The
    stretches run from the start to each event after it, and from the last to the ``end`` date
    (when present and not after the as-of date) or the as-of date; the first is held to the
    ``first`` limit, later ones to ``every`` ("10 working days", "4 weeks", "3 months"). Applies
    when the start is present and not after the as-of date; fails when any stretch is longer.
    """

    category = "timeliness"
    reads_as_of = True
    example_note = "while the other record type's events are as its rule cases give them"
    start: str = field_param()
    end: str | None = field_param(default=None)
    events: Events
    first: DurationText | str
    every: DurationText | str | None = None
    key: str | None = field_param(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", Events.parse(self.events))
        for name in ("first", "every"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, DurationText.parse(getattr(self, name), name))

    @property
    def limits(self) -> tuple[Duration, Duration]:
        """The first stretch's limit and every later one's."""
        return duration(self.first), duration(self.every or self.first)

    @property
    def own_key(self) -> str:
        """This record type's key field, which the events' ``by`` refers to."""
        return self.key or self.events.by

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.start, self.end, self.own_key) if name)

    def due_limit(self) -> Duration:
        return self.limits[1]

    def temporal_fields(self) -> tuple[str, ...]:
        return tuple(name for name in (self.start, self.end) if name)

    def related(self) -> Mapping[str, tuple[str, ...]]:
        return {self.events.record_type: self.events.fields()}

    def related_temporal(self) -> Mapping[str, tuple[str, ...]]:
        return {self.events.record_type: (self.events.date,)}

    def row_key(self, ctx: Context) -> pl.Expr:
        end = ctx.day(self.end) if self.end else pl.lit(None, pl.Date)
        return pl.struct(key_text(ctx.col(self.own_key)).alias("key"), ctx.day(self.start).alias("start"),
                         end.alias("end"))

    def compared(self, keys: pl.Series, ctx: Context) -> pl.Series:
        return self.verdict(self.stretches(keys, ctx)).alias(keys.name)

    def stretches(self, keys: pl.Series, ctx: Context) -> pl.DataFrame:
        found = ctx.related[self.events.record_type]
        qualifying = pl.all_horizontal(pl.lit(True), *(pl.col(name).is_in(codes).fill_null(False)
                                                      for name, codes in self.events.where))
        events = found.lazy().filter(qualifying).select(
            pl.col(self.events.by).alias("key"),
            day_part(pl.col(self.events.date), found.schema[self.events.date]).alias("date")).collect()
        first, every = self.limits
        return stretch_table(keys.struct.unnest(), events, first, every, ctx)
