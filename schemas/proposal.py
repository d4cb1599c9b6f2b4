"""Draft a mapping from an extract's headers (``refcheck map``): matches, drafted values and the YAML to edit.

``propose_mapping`` matches headers to the schema's fields by name, label, usual synonyms and close
spellings; ``proposal_yaml`` writes the draft as a mapping file a person checks line by line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from refcheck.schemas.model import Schema

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
