"""Column mappings: how another system's extract maps onto the canonical fields.

A mapping names, per canonical field, the source column, a map of source values to codes
(``Male: "1"``) and an extra date format; the tokens that mean "blank" (``NULL``, ``N/A``); one
date format for every date field that names none of its own; and the file stem, sheet or table
the record type is read from (``source``). The top level is the primary record type's; each
other record type has its own section under ``record_types``, which takes the top level's
``null_tokens`` and ``date_format`` unless it gives its own (one system wrote them all).
It is a file of its own (``--mapping``) or a schema's ``mapping:`` section, validated with the
same ``file:line: path: problem`` errors. ``refcheck.schemas.proposal`` drafts one from headers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from refcheck.schemas.errors import SchemaError
from refcheck.schemas.model import NO_MAPPING, PRIMARY, ExtractMapping, Field, FieldMapping, FieldType, Schema
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.proposal import NO_DRAFT as NO_DRAFT
from refcheck.schemas.proposal import SYNONYMS as SYNONYMS
from refcheck.schemas.proposal import Draft as Draft
from refcheck.schemas.proposal import Proposal as Proposal
from refcheck.schemas.proposal import proposal_yaml as proposal_yaml
from refcheck.schemas.proposal import propose_mapping as propose_mapping
from refcheck.schemas.quoting import quoted, scrub
from refcheck.schemas.yamldoc import Node, Where, load_yaml

RecordFields = Mapping[str, Mapping[str, Field]]
"""The fields of each record type other than the primary, by record type."""


def load_mapping(path: Path, schema: Schema | None) -> ExtractMapping:
    """A mapping file, checked against every record type's fields (only its own structure without a schema).

    It is the primary's mapping, holding the other record types' in ``record_types``; ``apply_mapping``
    gives each record type its own.
    """
    noted: list[SchemaError] = []
    node = load_yaml(path, "mapping", noted)
    if schema is None:
        return parse_mapping(node, None, None, noted)
    return parse_mapping(node, schema.fields, record_fields(schema), noted)


def record_fields(schema: Schema) -> dict[str, Mapping[str, Field]]:
    """The fields of each of the schema's record types other than the primary."""
    return {name: record.fields for name, record in schema.others.items()}


def apply_mapping(schema: Schema, mapping: ExtractMapping) -> Schema:
    """The schema read through ``mapping``: the primary by its top level, every other record type by its section.

    A record type the mapping does not name is read as the schema names its fields.
    """
    others = {name: dataclasses.replace(record, mapping=mapping.record_types.get(name, NO_MAPPING))
              for name, record in schema.others.items()}
    return dataclasses.replace(schema, mapping=mapping, others=others)


def parse_mapping(node: Node, fields: Mapping[str, Field] | None, record_types: RecordFields | None = None,
                  noted: Sequence[SchemaError] = ()) -> ExtractMapping:
    """A mapping from its YAML node; every mistake (and those ``noted`` reading it) is reported, together.

    Without ``fields`` (no schema could be read) only its own structure is checked.
    """
    problems = Problems()
    problems.found.extend(noted)
    types = None if fields is None else (record_types or {})
    mapping = problems.attempt(lambda: _mapping(node, fields, types, problems), NO_MAPPING)
    problems.raise_any()
    return mapping


_SECTION_KEYS = {"fields", "null_tokens", "date_format", "source"}
_MAPPING_KEYS = _SECTION_KEYS | {"record_types"}
_FIELD_KEYS = {"column", "values", "date_format"}


def _mapping(node: Node, known: Mapping[str, Field] | None, record_types: RecordFields | None,
             problems: Problems) -> ExtractMapping:
    top = node.mapping()
    shared = _shared_date_format(top, problems)
    primary = _section(top, known, _MAPPING_KEYS, problems, (), shared)
    sections: dict[str, ExtractMapping] = {}
    listed = problems.value(top, "record_types", Node.mapping, {})
    for name, entry in listed.items():
        if record_types is not None and name not in record_types:
            also = "; the primary's mapping is the top level" if name == PRIMARY else ""
            problems.add(entry.where.error(f"unknown record type {quoted(name)}{did_you_mean(name, record_types)}"
                                           f"{also}"))
            continue
        with problems.noted():
            section = entry.mapping()
            own = _shared_date_format(section, problems) if "date_format" in section else shared
            types = record_types[name] if record_types is not None else None
            sections[name] = _section(section, types, _SECTION_KEYS, problems, primary.null_tokens, own)
    _check_sources(top, listed, primary, sections, record_types or {}, problems)
    return dataclasses.replace(primary, record_types=sections) if sections else primary


def _check_sources(top: dict[str, Node], listed: dict[str, Node], primary: ExtractMapping,
                   sections: Mapping[str, ExtractMapping], record_types: RecordFields, problems: Problems) -> None:
    """Each ``source:`` names a file, sheet or table no other record type is read from (by its name or its source).

    A folder's file is matched to one record type only, so a shared name would leave the other not supplied.
    Without a schema (``record_types`` empty) only the sources the mapping gives are compared.
    """
    claimed = {name.casefold(): name for name in (PRIMARY, *record_types)}
    given = [(PRIMARY, primary.source, top.get("source"))]
    given += [(name, section.source, listed[name].mapping().get("source")) for name, section in sections.items()]
    for name, source, node in given:
        if source is None or node is None:
            continue
        owner = claimed.setdefault(source.casefold(), name)
        if owner != name:
            problems.add(node.where.error(f"source {quoted(source)} is where record type {quoted(owner)} is read "
                                          "from; each record type needs a file, sheet or table of its own"))


def _section(top: dict[str, Node], known: Mapping[str, Field] | None, allowed: set[str], problems: Problems,
             tokens_given: tuple[str, ...], shared: str | None) -> ExtractMapping:
    """One record type's mapping; ``tokens_given`` apply unless it gives its own, ``shared`` is its date format."""
    for key, value in top.items():
        if key not in allowed:
            problems.add(value.where.error(f"unknown key in mapping{did_you_mean(key, allowed)}; "
                                           f"expected one of {', '.join(sorted(allowed))}"))
    entries: dict[str, FieldMapping] = {}
    used: dict[str, str] = {}
    listed = problems.attempt(top["fields"].mapping, {}) if "fields" in top and top["fields"].value is not None else {}
    for name, entry in listed.items():
        if known is not None and name not in known:
            problems.add(entry.where.unknown(f"unknown field {quoted(name)}{did_you_mean(name, known)}"))
            continue
        with problems.noted():
            entries[name] = _field_mapping(name, entry, known[name] if known is not None else None, used, problems)
    tokens: list[str] = []
    for item in problems.value(top, "null_tokens", Node.items, []):
        with problems.noted():
            tokens.append(_token(item))
    if shared is not None:
        entries = _with_shared_date_format(entries, shared, known or {})
    return ExtractMapping(fields=entries, null_tokens=tuple(tokens) if "null_tokens" in top else tokens_given,
                          source=problems.value(top, "source", Node.text, None))


def _shared_date_format(top: dict[str, Node], problems: Problems) -> str | None:
    """A section's one ``date_format`` for its date fields, checked (a wrong one is noted)."""
    shared = problems.value(top, "date_format", Node.text, None)
    if shared is not None:
        with problems.noted():
            _check_date_format(shared, top["date_format"])
    return shared


def _with_shared_date_format(entries: dict[str, FieldMapping], shared: str,
                             known: Mapping[str, Field]) -> dict[str, FieldMapping]:
    """Every date field given the mapping's one ``date_format`` unless it names its own (which wins).

    Resolved here, once, so that every reader of the mapping sees a field's format where it always has.
    """
    resolved = dict(entries)
    for name, field_ in known.items():
        entry = resolved.get(name, FieldMapping())
        if field_.type.is_temporal and entry.date_format is None:
            resolved[name] = FieldMapping(column=entry.column, values=entry.values, date_format=shared)
    return resolved


def date_format_places(node: Node, fields: Mapping[str, Field]) -> dict[str, Where]:
    """Where each date field's ``date_format`` is written in a (valid) mapping: its own key, else the shared one."""
    top = node.mapping()
    listed = top["fields"].mapping() if "fields" in top and top["fields"].is_mapping else {}
    places = {}
    for name, field_ in fields.items():
        own = listed[name].mapping().get("date_format") if name in listed and listed[name].is_mapping else None
        if own is not None:
            places[name] = own.where
        elif field_.type.is_temporal and "date_format" in top:
            places[name] = top["date_format"].where
    return places


def _field_mapping(name: str, entry: Node, field_: Field | None, used: dict[str, str],
                   problems: Problems) -> FieldMapping:
    """One field's entry; ``values`` only on a code field, ``date_format`` only on a date or datetime one."""
    spec = entry.mapping()
    if field_ is not None:
        if "values" in spec and field_.type is not FieldType.CODE:
            problems.add(spec["values"].where.error(
                f"values translate a code field's codes; {quoted(name)} is {field_.type.with_article} field"))
        if "date_format" in spec and not field_.type.is_temporal:
            problems.add(spec["date_format"].where.error(
                f"a date_format is for a date or datetime field; {quoted(name)} is {field_.type.with_article} field"))
    for key, value in spec.items():
        if key not in _FIELD_KEYS:
            problems.add(value.where.error(f"unknown key in mapping{did_you_mean(key, _FIELD_KEYS)}; "
                                           "expected one of column, date_format, values"))
    column = problems.value(spec, "column", Node.text, None)
    if column is not None:
        if column in used:
            problems.add(spec["column"].where.error(
                f"column {quoted(column)} is already mapped to {quoted(used[column])}"))
        used[column] = name
    values = problems.value(spec, "values", _values, {})
    date_format = problems.value(spec, "date_format", Node.text, None)
    if date_format is not None:
        with problems.noted():
            _check_date_format(date_format, spec["date_format"])
    return FieldMapping(column=column, values=values, date_format=date_format)


def _values(node: Node) -> dict[str, str]:
    return {key: value.text() for key, value in node.mapping().items()}


def _token(node: Node) -> str:
    """A null token exactly as written: ``NULL``, ``~`` and ``No`` are tokens here, not YAML's null or false."""
    if node.raw is not None and not (node.is_mapping or node.is_list) and node.raw.strip():
        return node.raw.strip()
    return node.text()


_TIME_ZONE = re.compile(r"%[-_0^#]?:{0,3}[zZ]")
"""A time-zone directive of ``strftime`` (``%z``, ``%:z``, ``%Z``)."""


def _check_date_format(text: str, node: Node) -> None:
    if "%" not in text:
        raise node.where.error(f"a date format uses %d, %m, %Y, %H, %M; got {quoted(text)}")
    # NOTE: a time zone would turn the time into UTC, and a date read with one can move to the day
    # before; every other form is read as the UK local time it says, so times must be comparable.
    if _TIME_ZONE.search(text.replace("%%", "")):
        raise node.where.error("a date format cannot read a time zone (%z, %Z): dates and times are read as "
                               "UK local time, as written")
    problem = _engine_problem(text)
    if problem is not None:
        raise node.where.error(problem)


def _engine_problem(text: str) -> str | None:
    """Why Polars, which reads the extract, cannot read dates written in this form (None if it can).

    NOTE: this is the schema layer's one use of Polars. Python's ``strftime`` accepts directives
    that Polars (chrono) refuses mid-run, or reads as null on every row, so the format is tried on
    the engine itself: a date written in it must read back as the same day, without a warning.
    """
    import warnings

    import polars as pl

    sample = dt.datetime(2025, 4, 17, 9, 30, 45)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            written = pl.Series([sample]).dt.strftime(text)
        except pl.exceptions.PolarsError:
            return "a directive Polars does not know (see chrono's strftime directives: %d, %m, %Y, %H, %M...)"
        try:
            read = written.str.strptime(pl.Datetime("us"), text, strict=False).item()
        except (pl.exceptions.PolarsError, Warning) as err:
            reason = str(err).strip().splitlines()[0].split(". See")[0].rstrip(".")
            return f"Polars cannot read dates in this form ({scrub(reason)})"
    if not isinstance(read, dt.datetime) or read.date() != sample.date():
        return "Polars does not read a date written in this form back as the same day (it needs a day, month and year)"
    return None
