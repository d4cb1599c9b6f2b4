"""Refuse, when a schema is bound, a rule that Polars' engine would refuse mid-run.

A parameter Python accepts can still be one the engine refuses: a regular expression with a
back-reference or a look-around (Rust's ``regex`` has neither), or a repetition that compiles past
its size limit (``(a{1000}){1000}``, ``min_words: 100000``). Found only when the extract is read,
that failed the run as an unreadable extract (exit 4) although ``schema check`` had passed it.
So every rule's own expression is run once on a one-row frame of the schema's typed columns,
and each refusal is a ``SchemaError`` at its rule's line (exit 3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.kinds import RuleKind
from refcheck.checks.parsing import present_name
from refcheck.schemas import FieldType, Schema, SchemaError, Where
from refcheck.schemas.quoting import scrub

Bound = tuple[str, RuleKind, Where]
"""A bound rule as this check needs it: its id, its kind instance and its place."""

_SAMPLES: dict[FieldType, tuple[object, pl.DataType]] = {
    FieldType.TEXT: ("x", pl.String()),
    FieldType.CODE: ("x", pl.String()),
    FieldType.DATE: (dt.date(2025, 4, 17), pl.Date()),
    FieldType.DATETIME: (dt.datetime(2025, 4, 17, 9, 30), pl.Datetime("us")),
    FieldType.INTEGER: (1, pl.Int64()),
}
"""A present value of each type: a frame of nulls would let Polars skip what a rule does to values."""
_REFUSALS = (pl.exceptions.PolarsError, pl.exceptions.PanicException)
"""What Polars raises for an expression it cannot run (a panic is not an ``Exception``, but is one here)."""


def runnable_problems(rules: Sequence[Bound], schema: Schema) -> list[SchemaError]:
    """Run each rule's expression once on one row; every rule the engine refuses is an error at its line."""
    collected = {name: field for name, field in schema.fields.items() if field.collected}
    runnable = [rule for rule in rules if all(name in collected for name in rule[1].fields())]
    columns: dict[str, pl.Series] = {}
    for name, field in collected.items():
        value, dtype = _SAMPLES[field.type]
        columns[name] = pl.Series([value], dtype=dtype)
        columns[present_name(name)] = pl.Series([True])
    frame = pl.LazyFrame(columns)
    types = {name: field.type for name, field in collected.items()}
    try:
        _run(runnable, frame, schema, types)
    except _REFUSALS as together:
        problems = []
        for rule in runnable:  # NOTE: only when one failed: which ones, for their lines
            try:
                _run([rule], frame, schema, types)
            except _REFUSALS as err:
                problems.append(rule[2].error(f"Polars cannot run this rule ({_reason(err)})"))
        return problems or [SchemaError(f"{schema.source}: Polars cannot run the schema's rules ({_reason(together)})")]
    return []


def _run(rules: Sequence[Bound], frame: pl.LazyFrame, schema: Schema, types: dict[str, FieldType]) -> None:
    ctx = Context(as_of=dt.date(2025, 4, 17), working_days=WorkingDays(schema.calendar), field_types=types)
    expressions = [  # NOTE: named by position: a schema refused for a duplicate id still has its rules run
        (key if (key := kind.row_key(ctx)) is not None else kind.violation(ctx)).alias(f"rule_{index}")
        for index, (_rule_id, kind, _where) in enumerate(rules)
    ]
    if expressions:
        ctx.apply(frame).select(expressions).collect()


def _reason(err: BaseException) -> str:
    """Polars' own reason in one line, without the expression it quotes."""
    lines = [line.strip() for line in str(err).split("This error occurred")[0].splitlines() if line.strip()]
    reason = next((line.removeprefix("error: ") for line in lines if line.startswith("error: ")),
                  lines[0] if lines else type(err).__name__)
    return scrub(reason.removeprefix("regex error: ").rstrip("."))
