"""Validate an extract against a schema in one lazy pass.

Every rule becomes one three-valued expression; all of them go into a single ``select`` whose
result is grouped by team once, so the records are read once and only counts come back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from refcheck.checks.calendar import WorkingDays
from refcheck.checks.context import Context
from refcheck.checks.errors import ExtractError
from refcheck.checks.extract import Extract, missing_columns, open_extract
from refcheck.checks.parsing import typed_columns
from refcheck.checks.report import NO_TEAM, Report, RuleResult, Source, TeamCount
from refcheck.checks.rules import Rule, bind_rules
from refcheck.schemas import DEFAULT_SCHEMA, Schema, load_schema

TEAM = "\x00team"
ROWS = "\x00rows"


def validate(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    schema: Schema | str | Path = DEFAULT_SCHEMA,
    *,
    as_of: dt.date | None = None,
) -> Report:
    """Check an extract against a schema and count, per rule and team, rows checked and failed.

    Example:
        >>> from refcheck.checks import validate
        >>> report = validate("sample_data/referrals.csv", as_of=dt.date(2026, 11, 20))  # doctest: +SKIP
        >>> [(r.rule.id, r.failed) for r in report.results if r.failed][:2]  # doctest: +SKIP
        [('referral_id.unique', 6), ('nhs_number.valid', 31)]
    """
    resolved = schema if isinstance(schema, Schema) else load_schema(schema)
    rules = bind_rules(resolved)
    extract = open_extract(source)
    return run(extract, resolved, rules, as_of or dt.date.today())


def run(extract: Extract, schema: Schema, rules: Sequence[Rule], as_of: dt.date) -> Report:
    """Evaluate bound rules over an opened extract."""
    collected = [field for field in schema.fields.values() if field.collected]
    missing = missing_columns(extract, [field.name for field in collected])
    if missing:
        raise ExtractError(f"{extract.label}: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if not schema.fields[schema.group_by].collected:
        raise ExtractError(f"{extract.label}: the team field {schema.group_by!r} must be collected")
    runnable = [rule for rule in rules if all(schema.fields[name].collected for name in rule.kind.fields())]
    table = _count(extract, schema, runnable, as_of)
    teams = tuple(table[TEAM].to_list())
    rows = int(table[ROWS].sum()) if table.height else 0
    counted = {rule.id for rule in runnable}
    results = tuple(
        RuleResult(rule=rule, ran=rule.id in counted, by_team=_team_counts(table, rule.id, teams, rule.id in counted))
        for rule in rules
    )
    source = Source(path=extract.label, rows_read=rows, rows_checked=rows, rows_unreadable=0)
    team_rows = tuple(int(n) for n in table[ROWS].to_list())
    return Report(schema=schema, as_of=as_of, source=source, teams=teams, team_rows=team_rows, results=results)


def flag_frame(extract: Extract, schema: Schema, rules: Sequence[Rule], as_of: dt.date) -> pl.LazyFrame:
    """The lazy plan of flags: the team and one column per rule (True failed, False passed, null n/a)."""
    fields = [field for field in schema.fields.values() if field.collected]
    typed = extract.frame.select(
        expr
        for field in fields
        for expr in typed_columns(field.name, field.type, extract.columns[field.name])
    )
    ctx = Context(
        as_of=as_of,
        working_days=WorkingDays(schema.calendar),
        field_types={field.name: field.type for field in fields},
    )
    team = pl.col(schema.group_by).cast(pl.String).fill_null(NO_TEAM).alias(TEAM)
    return typed.select(team, *(rule.kind.violation(ctx).alias(rule.id) for rule in rules))


def _count(extract: Extract, schema: Schema, rules: Sequence[Rule], as_of: dt.date) -> pl.DataFrame:
    flags = flag_frame(extract, schema, rules, as_of)
    aggregates = [pl.len().alias(ROWS)]
    for rule in rules:
        aggregates.append(pl.col(rule.id).count().alias(f"{rule.id}\x00checked"))
        aggregates.append(pl.col(rule.id).sum().alias(f"{rule.id}\x00failed"))
    plan = flags.group_by(TEAM).agg(aggregates).sort(TEAM)
    try:
        return plan.collect(engine="streaming")
    except pl.exceptions.PolarsError as err:
        raise ExtractError(f"{extract.label}: cannot be read ({_polars_reason(err)})") from None


def _polars_reason(err: pl.exceptions.PolarsError) -> str:
    """A short reason for a read failure that never repeats the data Polars may quote."""
    text = str(err).lower()
    if "more fields" in text or "ragged" in text:
        return "a row has more fields than the header"
    if "utf-8" in text or "utf8" in text:
        return "it is not UTF-8 text"
    return f"Polars {type(err).__name__}"


def _team_counts(table: pl.DataFrame, rule_id: str, teams: tuple[str, ...], ran: bool) -> tuple[TeamCount, ...]:
    if not ran:
        return tuple(TeamCount(team, 0, 0) for team in teams)
    checked = table[f"{rule_id}\x00checked"].to_list()
    failed = table[f"{rule_id}\x00failed"].to_list()
    return tuple(TeamCount(team, int(c), int(f or 0)) for team, c, f in zip(teams, checked, failed, strict=True))
