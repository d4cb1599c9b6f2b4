"""Column mappings: how another system's extract maps onto the canonical fields.

A mapping names, per canonical field, the source column, a map of source values to codes
(``Male: "1"``) and an extra date format; the tokens that mean "blank" (``NULL``, ``N/A``); and
one date format for every date field that names none of its own.
It is a file of its own (``--mapping``) or a schema's ``mapping:`` section, validated with the
same ``file:line: path: problem`` errors. ``propose_mapping`` drafts one from an extract's headers.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from refcheck.schemas.errors import SchemaError
from refcheck.schemas.model import NO_MAPPING, ExtractMapping, Field, FieldMapping, FieldType, Schema
from refcheck.schemas.problems import Problems, did_you_mean
from refcheck.schemas.quoting import quoted, scrub
from refcheck.schemas.yamldoc import Node, Where, load_yaml


def load_mapping(path: Path, schema: Schema | None) -> ExtractMapping:
    """A mapping file, checked against the schema's fields (only its own structure without a schema)."""
    noted: list[SchemaError] = []
    return parse_mapping(load_yaml(path, "mapping", noted), schema.fields if schema is not None else None, noted)


def parse_mapping(node: Node, fields: Mapping[str, Field] | None, noted: Sequence[SchemaError] = ()) -> ExtractMapping:
    """A mapping from its YAML node; every mistake (and those ``noted`` reading it) is reported, together."""
    problems = Problems()
    problems.found.extend(noted)
    mapping = problems.attempt(lambda: _mapping(node, fields, problems), NO_MAPPING)
    problems.raise_any()
    return mapping


_MAPPING_KEYS = {"fields", "null_tokens", "date_format"}
_FIELD_KEYS = {"column", "values", "date_format"}


def _mapping(node: Node, known: Mapping[str, Field] | None, problems: Problems) -> ExtractMapping:
    top = node.mapping()
    for key, value in top.items():
        if key not in _MAPPING_KEYS:
            problems.add(value.where.error(f"unknown key in mapping{did_you_mean(key, _MAPPING_KEYS)}; "
                                           "expected one of date_format, fields, null_tokens"))
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
    shared = problems.value(top, "date_format", Node.text, None)
    if shared is not None:
        with problems.noted():
            _check_date_format(shared, top["date_format"])
        entries = _with_shared_date_format(entries, shared, known or {})
    return ExtractMapping(fields=entries, null_tokens=tuple(tokens))


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


# -- proposing a mapping from headers --------------------------------------------------------------

SYNONYMS = {
    "referral_id": ["referral ref", "referral reference", "referral number", "referral no", "ref id", "contact id"],
    "child_id": ["person id", "client id", "child ref", "child reference", "person ref", "case id", "child number"],
    "nhs_number": ["nhs no", "nhs", "nhsno"],
    "date_of_birth": ["dob", "birth date", "d.o.b", "birthdate"],
    "expected_date_of_birth": ["edd", "expected dob", "due date", "expected birth date"],
    "gender": ["sex", "gender code"],
    "ethnicity": ["ethnic origin", "ethnic group", "ethnicity code"],
    "postcode": ["post code", "postal code", "home postcode"],
    "referral_received": ["referral date", "date received", "received date", "contact date", "referral datetime"],
    "referral_source": ["source", "source of referral", "referrer type", "referral source code"],
    "primary_need": ["need code", "category of need", "primary need code"],
    "referral_reason": ["reason for referral", "reason", "presenting issue", "concern"],
    "team": ["team name", "allocated team", "service team", "locality"],
    "worker_id": ["worker", "allocated worker", "social worker", "worker ref", "key worker"],
    "decision_date": ["decision datetime", "outcome date", "date of decision"],
    "decision_outcome": ["outcome", "next steps", "decision"],
    "assessment_start": ["assessment start date", "assessment started"],
    "assessment_completed": ["assessment end date", "assessment completed date", "assessment end"],
    "assessment_authorised": ["assessment authorised date", "authorised date", "manager sign off"],
    "strategy_discussion": ["strategy discussion date", "strategy date", "s47 strategy"],
    "icpc_date": ["icpc", "initial child protection conference", "conference date"],
    "closure_date": ["closed date", "end date", "date closed"],
    "closure_reason": ["reason closed", "closure code", "end reason"],
}
"""Headers other systems use for the standard's fields (compared normalised)."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A drafted mapping: for each field, the header chosen and how sure the match is."""

    matches: dict[str, tuple[str, str]]
    """field -> (header, how: exact | synonym | label | fuzzy)"""
    unmapped_fields: list[str]
    unused_headers: list[str]


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def propose_mapping(headers: list[str], schema: Schema) -> Proposal:
    """Match headers to the schema's fields: exact names, then labels and synonyms, then close spellings."""
    free = {_normal(header): header for header in headers if header}
    matches: dict[str, tuple[str, str]] = {}
    candidates = {
        name: [("exact", name), ("label", field_.label), *(("synonym", s) for s in SYNONYMS.get(name, ()))]
        for name, field_ in schema.fields.items()
    }
    for how in ("exact", "label", "synonym"):
        for name, options in candidates.items():
            if name in matches:
                continue
            for kind, text in options:
                if kind == how and _normal(text) in free:
                    matches[name] = (free.pop(_normal(text)), how)
                    break
    for name, options in candidates.items():
        if name in matches:
            continue
        for _kind, text in options:
            close = difflib.get_close_matches(_normal(text), list(free), n=1, cutoff=0.82)
            if close:
                matches[name] = (free.pop(close[0]), "fuzzy")
                break
    order = list(schema.fields)
    return Proposal(
        matches=dict(sorted(matches.items(), key=lambda item: order.index(item[0]))),
        unmapped_fields=[name for name in schema.fields if name not in matches],
        unused_headers=[header for header in headers if header and _normal(header) in free],
    )


@dataclass(frozen=True, slots=True)
class Draft:
    """What an extract's values add to a proposal (``refcheck profile`` found them), each line for a person to check.

    It holds only code-like values of code fields that are not personal, ``strftime`` formats with the
    forms they read (digits as 9, letters as A) and placeholder tokens: nothing that says what a record says.
    """

    values: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    """field -> source value -> (the code, the code's label it was matched to)"""
    date_formats: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """field -> (date_format, the form of the values it reads)"""
    null_tokens: tuple[str, ...] = ()
    unmatched_codes: tuple[str, ...] = ()
    """Code fields whose values are mostly outside the list but do not all match its labels: mapped by hand."""


NO_DRAFT = Draft()


def proposal_yaml(proposal: Proposal, extract_label: str, draft: Draft = NO_DRAFT) -> str:
    """The proposal as a mapping file to edit: every field listed, doubtful ones and drafted lines commented.

    Every header, value and the extract's label are written as YAML double-quoted scalars, escapes and
    all, so that no header (a newline, ``#``, ``: ``, a quote, a control character) can add a key,
    end a comment early, or change what the file means when it is read back.
    """
    tokens = (f"null_tokens: [{', '.join(_scalar(token) for token in draft.null_tokens)}]   "
              "# check: drafted from the placeholders seen; values that mean blank in this system"
              if draft.null_tokens else
              "null_tokens: []   # values that mean blank in this system, e.g. [NULL, \"N/A\"]")
    lines = [
        f"# Column mapping proposed by `refcheck map` for {_scalar(extract_label)}.",
        "# Check every line; fuzzy matches, unmapped fields and drafted lines need a person's eye.",
        "# values: maps a source value to the standard's code, e.g. {Male: \"1\", Female: \"2\"}.",
        "# date_format: an extra form for a date column, e.g. \"%d.%m.%Y %H:%M\".",
        tokens,
        "fields:",
    ]
    notes = {"exact": "", "label": "   # matched by its label", "synonym": "   # a usual name for it",
             "fuzzy": "   # fuzzy match: check it"}
    for name, (header, how) in proposal.matches.items():
        lines += _field_lines(name, header, notes[how], draft)
    for name in proposal.unmapped_fields:
        lines.append(f"  # {name}: {{column: \"?\"}}   # no header found; name the column, or mark the field")
        lines.append("  #   collected: false in your schema if your system does not hold it")
    if proposal.unused_headers:
        lines.append("# Headers not used: " + ", ".join(_scalar(header) for header in proposal.unused_headers))
    return "\n".join(lines) + "\n"


def _field_lines(name: str, header: str, note: str, draft: Draft) -> list[str]:
    """One field's entry: one line when only its column is proposed, a block when values or a format are drafted."""
    values, date_format = draft.values.get(name), draft.date_formats.get(name)
    if not values and date_format is None:
        lines = [f"  {name}: {{column: {_scalar(header)}}}{note}"]
        if name in draft.unmatched_codes:
            lines.append("  #   values: most are outside the code list and do not all match its labels; "
                         "map them by hand (refcheck profile lists them)")
        return lines
    lines = [f"  {name}:{note}", f"    column: {_scalar(header)}"]
    if values:
        lines.append("    values:")
        lines += [f"      {_scalar(value)}: {_scalar(code)}   # check: drafted from the labels ({_scalar(label)})"
                  for value, (code, label) in values.items()]
    if date_format is not None:
        lines.append(f"    date_format: {_scalar(date_format[0])}   # check: drafted from the form of its values "
                     f"({_scalar(date_format[1])})")
    return lines


def _scalar(text: str) -> str:
    """``text`` as one YAML double-quoted scalar on one line, written by PyYAML's own emitter."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31 - 1, explicit_end=False)
    return dumped.removesuffix("\n").removesuffix("\n...")
