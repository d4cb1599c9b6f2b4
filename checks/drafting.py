"""Draft a mapping that works first time: what ``refcheck profile`` learns, turned into lines to check.

``refcheck map`` and ``refcheck init --from`` match headers to fields; from one profile of the
extract they also draft a ``values:`` translation for a code field whose values are mostly outside
its list but each match one of its labels (``M`` → Male → ``1``), a ``date_format`` for a date
column written in a form refcheck does not read by default (``99.99.9999`` → ``%d.%m.%Y``), and
``null_tokens`` from the placeholders seen (``NULL``, ``N/A``). Only what profile may show goes into
a draft: code-like values of code fields that are not personal, forms, and placeholders by its list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from refcheck.checks.errors import ExtractError
from refcheck.checks.profile import ColumnProfile, Profile, profile_extract
from refcheck.checks.readers.extract import SourceOptions, extract_columns
from refcheck.checks.wording import counted
from refcheck.schemas import Schema
from refcheck.schemas.mapping import NO_DRAFT, Draft, Proposal, propose_mapping

MOSTLY_OUTSIDE = 0.5
"""A code column is written in the system's own vocabulary when at least this share of its values is outside the list;
below it, the values outside are taken as mistakes, left to fail ``<field>.valid``."""
FREQUENT = 0.01
"""A value (or a form) is frequent when at least this share of a column's values has it; rarer ones are typos."""
FEWEST_BLANKS = 5
"""A placeholder is drafted as a null token only when some column has this many of it, and a frequent share."""
_BEYOND_DOUBT = frozenset({0, 2, 3})
"""The ways of naming a label (``_names``) that draft even a rare value: the whole label, or its one initial."""
_SAME_WORDS = {"unknown": "not known", "not recorded": "not known"}
"""Words systems write for a label's phrase, compared lower-cased."""
_DATE_PARTS = (
    (re.compile(r"9{1,2}([.-])9{1,2}\1(9999)"), "%d{0}%m{0}%Y"),
    (re.compile(r"9999([./])99\1(99)"), "%Y{0}%m{0}%d"),
    (re.compile(r"9{1,2}([ -])AAA\1(9999)"), "%d{0}%b{0}%Y"),
    (re.compile(r"9{1,2}([ -])A{4,9}\1(9999)"), "%d{0}%B{0}%Y"),
)
"""Forms of a date part refcheck does not read by default, and the ``strftime`` format that reads them (UK order:
day before month). ISO and ``99/99/9999`` are read already, so an ambiguous ``99/99/9999`` keeps its UK reading."""
Translation = Mapping[str, tuple[str, str]]
"""Source value -> (the code, the label it was matched to)."""
_TIME_PARTS = {"": "", " 99:99": " %H:%M", " 99:99:99": " %H:%M:%S", "T99:99": "T%H:%M", "T99:99:99": "T%H:%M:%S"}


@dataclass(frozen=True, slots=True)
class DraftedMapping:
    """An extract's drafted mapping: its headers matched to fields, and what its values add."""

    source: str
    proposal: Proposal
    draft: Draft
    values_read: bool = True
    """False when only the header could be read (a quote that never closes): the draft then adds nothing."""


def draft_mapping(source: str | Path, schema: Schema, options: SourceOptions | None = None) -> DraftedMapping:
    """Match the extract's headers to the schema's fields and draft translations, date formats and null tokens.

    An extract whose rows cannot be read still has its header matched: the mapping is what a user
    needs first, and ``refcheck check`` says what is wrong with the rows.
    """
    try:
        profile = profile_extract(source, schema, options=options)
    except ExtractError:
        label, columns = extract_columns(source, options)
        return DraftedMapping(source=label, proposal=propose_mapping(columns, schema), draft=NO_DRAFT,
                              values_read=False)
    proposal = propose_mapping([column.column for column in profile.columns], schema)
    return DraftedMapping(source=profile.source, proposal=proposal, draft=draft_from_profile(profile, schema))


def draft_from_profile(profile: Profile, schema: Schema) -> Draft:
    """What a profile says a mapping should add: each part only where the values say so without doubt."""
    values: dict[str, dict[str, tuple[str, str]]] = {}
    unmatched: list[str] = []
    date_formats: dict[str, tuple[str, str]] = {}
    for column in profile.columns:
        field = schema.fields.get(column.field) if column.field else None
        if field is None:
            continue
        if field.codes is not None and not field.personal:
            translation = _translation(column, schema.codes[field.codes].codes)
            if translation:
                values[field.name] = translation
            elif translation is None:
                unmatched.append(field.name)
        if field.type.is_temporal:
            found = _date_format(column)
            if found is not None:
                date_formats[field.name] = found
    return Draft(values=values, date_formats=date_formats, null_tokens=_null_tokens(profile, schema, values),
                 unmatched_codes=tuple(unmatched))


def _translation(column: ColumnProfile, codes: Mapping[str, str]) -> dict[str, tuple[str, str]] | None:
    """Source value -> (code, label) for a column mostly outside its list; {} when it is not; None when unmatched.

    Every frequent value outside the list must match exactly one label, and be one profile listed (code-like):
    a frequent value it only counted cannot be written, so the field is left to be mapped by hand. A rare value
    is a typo left to fail, unless it is a whole label or one label's initial (``Indeterminate``, ``I``).
    """
    placeholders = {value for value, _ in column.placeholders}
    blank = sum(count for value, count in column.outside if value in placeholders)
    considered = column.present - blank
    if not column.values_shown or considered <= 0 or (column.outside_count - blank) / considered < MOSTLY_OUTSIDE:
        return {}
    least = max(1.0, FREQUENT * considered)
    if column.outside_hidden >= least:
        return None
    translation = {}
    for value, count in column.outside:
        found = _match(value, codes)
        if count < least:
            # NOTE: a rare value is a typo unless it is a label itself or a label's initial: then it is a code
            if found is not None and found[2] in _BEYOND_DOUBT:
                translation[value] = found[:2]
            continue
        if found is not None:
            translation[value] = found[:2]
        elif value not in placeholders:
            return None
    return translation or None


def match_label(value: str, codes: Mapping[str, str]) -> tuple[str, str] | None:
    """The one (code, label) a value names, case-insensitively: the whole label, a phrase or word of it, an initial.

    Tried in that order (an initial: of the label's first word, then of any); a value that names two codes
    the first way it names any (``N`` for Not known and for No) names none.
    """
    found = _match(value, codes)
    return None if found is None else found[:2]


def _match(value: str, codes: Mapping[str, str]) -> tuple[str, str, int] | None:
    """``match_label``'s code and label, and the way the value named it (``_names``)."""
    wanted = _words(_SAME_WORDS.get(value.strip().lower(), value))
    if not wanted:
        return None
    labels = {code: _words(label) for code, label in codes.items()}
    for way in range(4):
        found = [code for code, words in labels.items() if _names(wanted, words, way)]
        if len(found) == 1:
            return found[0], codes[found[0]], way
        if found:
            return None
    return None


def _names(wanted: list[str], words: list[str], way: int) -> bool:
    """Whether a value's words name a label's words the given way (0 whole, 1 phrase or word, 2-3 initial)."""
    if way == 0:
        return words == wanted
    if way == 1:
        return any(words[start:start + len(wanted)] == wanted for start in range(len(words)))
    if len(wanted) != 1 or len(wanted[0]) != 1 or not wanted[0].isalpha() or not words:
        return False
    return words[0][0] == wanted[0] if way == 2 else any(word[0] == wanted[0] for word in words)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _date_format(column: ColumnProfile) -> tuple[str, str] | None:
    """The format reading the most common frequent form of a date column's unreadable values that one reads."""
    for form, count in column.unreadable_forms:
        written = date_format_for(form)
        if written is not None and count >= max(1.0, FREQUENT * column.present):
            return written, form
    return None


def date_format_for(form: str) -> str | None:
    """The ``strftime`` format reading values written in a form (``99.99.9999 99:99``), if refcheck knows one."""
    for pattern, template in _DATE_PARTS:
        found = pattern.match(form)
        if found is not None and form[found.end():] in _TIME_PARTS:
            return template.format(found.group(1)) + _TIME_PARTS[form[found.end():]]
    return None


def _null_tokens(profile: Profile, schema: Schema, values: Mapping[str, Translation]) -> tuple[str, ...]:
    """Placeholders (by profile's list) frequent in some column, most common first; not codes, nor values translated.

    A rare one (a ``TBC`` typed into two dates of five thousand, one ``00/00/0000`` in a column of ninety) is
    a mistake to correct, left to fail its rule.
    """
    taken = {code for codes in schema.codes.values() for code in codes.codes}
    taken |= {value for translation in values.values() for value in translation}
    seen: Counter[str] = Counter()
    frequent: set[str] = set()
    for column in profile.columns:
        for value, count in column.placeholders:
            if value not in taken:
                seen[value] += count
                if count >= max(FEWEST_BLANKS, FREQUENT * column.present):
                    frequent.add(value)
    return tuple(value for value, _ in seen.most_common() if value in frequent)


def drafted_summary(drafted: DraftedMapping) -> str:
    """One line saying what was drafted from the values, by field name only, for the user to check."""
    if not drafted.values_read:
        return "drafted from the header only: the rows cannot be read (refcheck check says why)"
    draft = drafted.draft
    parts = [f"values for {', '.join(draft.values)}" if draft.values else "",
             f"date_format for {', '.join(draft.date_formats)}" if draft.date_formats else "",
             counted(len(draft.null_tokens), "null token") if draft.null_tokens else ""]
    listed = "; ".join(part for part in parts if part)
    line = f"drafted from the values (check each line marked 'check:'): {listed}" if listed else \
        "drafted from the values: nothing (no codes, dates or blanks to translate)"
    if draft.unmatched_codes:
        line += f"; map by hand the values of {', '.join(draft.unmatched_codes)} (most are outside the code list)"
    return line
