"""Validate a source against a schema: each record type it holds in one streaming pass, then the relations.

A schema of one record type is checked as it always was. A schema of several reads each record type
the source holds (``refcheck.checks.readers.record_sources``) in its own lazy pass, which also
carries what the other record types need of it: its key for the record types that belong to it, and
the typed fields their rules read. In memory, a belonging record's team is then its parent's
(``refcheck.checks.relations``), the rules that compare rows or read another record type run, and
the counts are made per team. A record type the source lacks is reported as not supplied, and its
rules, and every rule reading it, as not run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from refcheck.checks.engine import (
    OWN_KEY,
    PARENT_KEY,
    TEAM,
    Carried,
    TypeRead,
    read_type,
    run,
    tally,
    teams_in_nfc,
)
from refcheck.checks.internal import internal
from refcheck.checks.outcome import RECORD_TYPE, Absent, assemble
from refcheck.checks.readers.extract import Extract, SourceOptions, open_extract
from refcheck.checks.readers.record_sources import RecordSources, locate
from refcheck.checks.relations import first_by_key
from refcheck.checks.report import NO_TEAM, Report
from refcheck.checks.rules import Rule, bind_record_types, bind_rules
from refcheck.schemas import DEFAULT_SCHEMA, ExtractMapping, Schema, load_schema
from refcheck.schemas.mapping import apply_mapping


def validate(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    schema: Schema | str | Path = DEFAULT_SCHEMA,
    *,
    as_of: dt.date | None = None,
    findings: bool = False,
    carry: Sequence[str] = (),
    options: SourceOptions | None = None,
    mapping: ExtractMapping | None = None,
    measures: bool = False,
) -> Report:
    """Check an extract against a schema and count, per rule and team, rows checked and failed.

    ``source`` is one extract (a file, ``-``, a database URI with a table or query, a frame) or, for a
    schema with several record types, a folder, workbook or database holding one per record type.
    With ``findings`` the report also lists every (record, failed rule) pair, for worklists;
    ``carry`` names extract columns (of the primary record type) to copy into those findings
    (personal columns, on request only). ``options`` say what sniffing cannot: CSV encoding or
    delimiter, Excel sheet, database table or query. ``mapping`` reads another system's headers and
    codes (default: the schema's own ``mapping:``). With ``measures`` the report also has the
    scorecard's measures per team (re-referrals).

    Example:
        >>> from refcheck.checks import validate
        >>> report = validate("sample_data/referrals.csv", as_of=dt.date(2026, 11, 20))  # doctest: +SKIP
        >>> [(r.rule.id, r.failed) for r in report.results if r.failed][:2]  # doctest: +SKIP
        [('referral_id.unique', 6), ('nhs_number.valid', 31)]
    """
    resolved = schema if isinstance(schema, Schema) else load_schema(schema)
    if mapping is not None:
        resolved = apply_mapping(resolved, mapping)
    day = as_of or dt.date.today()
    if not resolved.others:
        rules = bind_rules(resolved)
        extract = open_extract(source, options, screen_after=True)
        try:
            return run(extract, resolved, rules, day, findings=findings, carry=carry, measures=measures)
        finally:
            extract.close()
    return run_record_types(locate(source, resolved, options), resolved, day, findings=findings, carry=carry,
                            measures=measures)


def run_record_types(sources: RecordSources, schema: Schema, as_of: dt.date, *, findings: bool = False,
                     carry: Sequence[str] = (), measures: bool = False) -> Report:
    """Check every record type ``sources`` holds, one streaming pass each, and report them side by side."""
    if RECORD_TYPE in carry:
        raise ValueError(f"carry: findings have a column named {RECORD_TYPE!r} already")
    bound = bind_record_types(schema)
    supplied = set(sources.found)
    reasons = _not_runnable(schema, bound, supplied)
    wanted = _related_fields(bound, supplied, reasons)
    parents = {record.belongs_to.record_type for record in schema.record_types if record.belongs_to}
    extracts: list[Extract] = []
    try:
        reads: dict[str, TypeRead] = {}
        for record in schema.record_types:
            name = record.record_type
            if name not in sources.found:
                continue
            where = sources.found[name]
            extract = open_extract(where.source, where.options, screen_after=True)
            extracts.append(extract)
            if where.label is not None:
                extract = dataclasses.replace(extract, label=where.label)
            primary = name == schema.record_type
            carried = Carried(related=wanted.get(name, ()), own_key=name in parents,
                              parent_key=record.belongs_to.by if record.belongs_to else None)
            reads[name] = read_type(extract, record, bound[name], as_of, findings=findings,
                                    carry=carry if primary else (), measures=measures,
                                    carried=carried, unrunnable=reasons)
        teamed = _with_teams(reads, schema)
        related = {name: teamed[name].select(pl.col(internal("related", field)).alias(field) for field in fields)
                   for name, fields in wanted.items()}
        hidden = [OWN_KEY, *(internal("related", field) for fields in wanted.values() for field in fields)]
        outcomes = [
            tally(dataclasses.replace(read, flags=teamed[name].select(pl.exclude(*hidden))), bound[name], as_of,
                  findings=findings, carry=carry if name == schema.record_type else (), related=related,
                  reasons=reasons)
            for name, read in reads.items()
        ]
    finally:
        for extract in extracts:
            extract.close()
    absent = [Absent(record, bound[record.record_type]) for record in schema.record_types
              if record.record_type not in supplied]
    return assemble(schema, as_of, outcomes, absent=absent, label=sources.label, ignored=sources.ignored)


def _not_runnable(schema: Schema, bound: Mapping[str, Sequence[Rule]], supplied: set[str]) -> dict[str, str]:
    """Why rules of supplied record types cannot run: another record type they read is missing, or its field."""
    reasons: dict[str, str] = {}
    for rules in bound.values():
        for rule in rules:
            for other, fields in rule.kind.related().items():
                if other not in supplied:
                    reasons.setdefault(rule.id, f"reads {other}, not supplied")
                elif not all(field in schema.record(other).fields and schema.record(other).fields[field].collected
                             for field in fields):
                    reasons.setdefault(rule.id, f"reads a field of {other} that is not collected")
    return reasons


def _related_fields(bound: Mapping[str, Sequence[Rule]], supplied: set[str],
                    reasons: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Per record type, its fields that runnable rules of the supplied record types read, in a stable order."""
    wanted: dict[str, dict[str, None]] = {}
    for name, rules in bound.items():
        if name not in supplied:
            continue
        for rule in rules:
            if rule.id in reasons:
                continue
            for other, fields in rule.kind.related().items():
                wanted.setdefault(other, {}).update(dict.fromkeys(fields))
    return {name: tuple(fields) for name, fields in wanted.items()}


def _with_teams(reads: Mapping[str, TypeRead], schema: Schema) -> dict[str, pl.DataFrame]:
    """Every record type's flags with its team: a belonging record's is its parent's, by the parent's first row.

    A blank or unknown parent key, a parent whose team is blank, or a parent record type not supplied,
    leaves the record without a team (``NO_TEAM``). Parents are resolved before their children.
    """
    done: dict[str, pl.DataFrame] = {}

    def resolve(name: str) -> pl.DataFrame:
        if name in done:
            return done[name]
        flags = reads[name].flags
        relation = schema.record(name).belongs_to
        if relation is not None:
            if relation.record_type in reads:
                parents = resolve(relation.record_type).select(OWN_KEY, TEAM)
                teams = first_by_key(teams_in_nfc(parents), OWN_KEY).rename({OWN_KEY: PARENT_KEY})
                team = (flags.select(PARENT_KEY).join(teams, on=PARENT_KEY, how="left", maintain_order="left")
                        .get_column(TEAM).fill_null(NO_TEAM))
            else:
                team = pl.repeat(NO_TEAM, flags.height, dtype=pl.String, eager=True)
            flags = flags.select(team.alias(TEAM), pl.exclude(PARENT_KEY))
        done[name] = flags
        return flags

    return {name: resolve(name) for name in reads}
