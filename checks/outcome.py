"""One record type's counts, and the ``Report`` that the counts of a run's record types make together.

A run of one record type reports exactly its own counts. A run of several puts every record type's
rules side by side over the teams any of them has (a team a record type lacks counts 0 there), and
keeps the primary record type's figures where a run of one puts them, so every output of a single
extract reads as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from refcheck.checks.due import sort_due
from refcheck.checks.report import (
    NO_TEAM,
    UNREADABLE_COLUMNS,
    ReadabilityWarning,
    RecordSource,
    Report,
    RuleResult,
    Source,
    TeamCount,
)
from refcheck.checks.rules import Rule
from refcheck.schemas import Schema

RECORD_TYPE = "record_type"
"""The findings' column naming each finding's record type, in a run of several record types."""


@dataclass(frozen=True, slots=True)
class TypeOutcome:
    """One record type's counts per rule and team, its rows' accounting and its findings."""

    schema: Schema
    source: Source
    unreadable: pl.DataFrame
    results: tuple[RuleResult, ...]
    teams: tuple[str, ...]
    team_rows: tuple[int, ...]
    measures: Mapping[str, tuple[TeamCount, ...]]
    findings: pl.DataFrame | None
    reasons: Mapping[str, str]
    """Why rules were not run, by rule id, where the run (not the schema) is why."""
    warnings: tuple[ReadabilityWarning, ...]
    due: pl.DataFrame | None = None
    """With findings: its due list (``refcheck.checks.due``)."""


@dataclass(frozen=True, slots=True)
class Absent:
    """A record type the run was not given: its rules, none of which can run."""

    schema: Schema
    rules: tuple[Rule, ...]


def assemble(schema: Schema, as_of: dt.date, outcomes: Sequence[TypeOutcome], *, absent: Sequence[Absent] = (),
             label: str = "", ignored: Sequence[str] = ()) -> Report:
    """The run's report: one record type's counts as they are; several record types' side by side.

    ``label`` names where the record types were looked for (shown as the primary's source when it is absent);
    ``ignored`` are the files, sheets or tables there that hold none of them.
    """
    if not schema.others:
        [outcome] = outcomes
        return Report(schema=schema, as_of=as_of, source=outcome.source, teams=outcome.teams,
                      team_rows=outcome.team_rows, results=outcome.results, measures=outcome.measures,
                      findings=outcome.findings, unreadable=outcome.unreadable, warnings=outcome.warnings,
                      due=outcome.due, due_window=schema.scorecard.due_within)
    by_type = {outcome.schema.record_type: outcome for outcome in outcomes}
    missing = {part.schema.record_type: part for part in absent}
    teams = tuple(sorted({team for outcome in outcomes for team in outcome.teams}, key=lambda t: (t == NO_TEAM, t)))
    primary = by_type.get(schema.record_type)
    results: list[RuleResult] = []
    sources: dict[str, RecordSource] = {}
    for record in schema.record_types:
        name = record.record_type
        if name in by_type:
            outcome = by_type[name]
            results += [_spread(result, teams, outcome.reasons.get(result.rule.id)) for result in outcome.results]
            sources[name] = RecordSource(name, record.label, outcome.source, outcome.unreadable)
        else:
            results += [RuleResult(rule, False, _spread_counts((), teams), f"{name} not supplied")
                        for rule in missing[name].rules]
            sources[name] = RecordSource(name, record.label, None)
    return Report(
        schema=schema, as_of=as_of,
        source=primary.source if primary else Source(path=label, rows_read=0, rows_checked=0, rows_unreadable=0),
        teams=teams,
        team_rows=tuple(dict(zip(primary.teams, primary.team_rows, strict=True)).get(team, 0) for team in teams)
        if primary else tuple(0 for _ in teams),
        results=tuple(results),
        measures={key: _spread_counts(counts, teams)
                  for outcome in outcomes for key, counts in outcome.measures.items()},
        findings=_findings(outcomes),
        due=_due(outcomes), due_window=schema.scorecard.due_within,
        unreadable=primary.unreadable if primary else pl.DataFrame(schema=UNREADABLE_COLUMNS),
        warnings=tuple(warning for outcome in outcomes for warning in _named(outcome, schema)),
        sources=sources, ignored=tuple(ignored),
    )


def _spread(result: RuleResult, teams: Sequence[str], reason: str | None) -> RuleResult:
    """A result over the run's teams (0 checked where its record type has no row of a team)."""
    return dataclasses.replace(result, by_team=_spread_counts(result.by_team, teams),
                               reason=None if result.ran else reason)


def _spread_counts(counts: Sequence[TeamCount], teams: Sequence[str]) -> tuple[TeamCount, ...]:
    own = {count.team: count for count in counts}
    return tuple(own.get(team, TeamCount(team, 0, 0)) for team in teams)


def _named(outcome: TypeOutcome, schema: Schema) -> tuple[ReadabilityWarning, ...]:
    """The record type's warnings; another record type's say which it is, as its fields may share names."""
    name = outcome.schema.record_type
    if name == schema.record_type:
        return outcome.warnings
    return tuple(dataclasses.replace(warning, message=f"{name}: {warning.message}") for warning in outcome.warnings)


def _due(outcomes: Sequence[TypeOutcome]) -> pl.DataFrame | None:
    """Every record type's due list in one, soonest first per team."""
    frames = [outcome.due for outcome in outcomes if outcome.due is not None]
    return sort_due(pl.concat(frames)) if frames else None


def _findings(outcomes: Sequence[TypeOutcome]) -> pl.DataFrame | None:
    """Every record type's findings in one frame, each naming its record type (columns one has alone are null)."""
    frames = [outcome.findings.with_columns(pl.lit(outcome.schema.record_type).alias(RECORD_TYPE))
              for outcome in outcomes if outcome.findings is not None]
    if not frames:
        return None
    return pl.concat(frames, how="diagonal")
