"""Profile an extract before checking it: what each column holds, in one pass, without showing people.

The first thing to run on a new system's export. Per column: how often it is filled, how many
distinct values it has, its lengths; for a date column the forms its values are written in and the
range of those that can be read; for a code column the values outside the code list. Values are
shown only for code-like columns (a code list, or the team) that are not personal, and of a code
list's column only codes and code-like values, unless asked; every other value is only counted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from refcheck.checks.errors import ExtractError, polars_reason
from refcheck.checks.internal import internal
from refcheck.checks.parsing import blank_to_null, read_typed, typed_stages
from refcheck.checks.readers.extract import SourceOptions, open_extract
from refcheck.schemas import ExtractMapping, Field, FieldType, Schema, propose_mapping

ROWS = internal("rows")
_SHAPES = ((r"[0-9]", "9"), (r"[\p{N}--9]", "9"), (r"\p{L}\p{M}*", "A"), (r"[^9A !-/:-@\[-`{-~]", "?"))
"""How a value's shape is written, pass by pass: a digit of any script as 9 (ASCII first: the common case is
cheapest so), a letter of any script with its marks as A; ASCII punctuation and the space kept; every other
character (a symbol, an emoji, a stray mark, a control or another space) as ``?``."""
_ANY_DIGIT = r"\p{N}"
CODE_LIKE = r"^[A-Za-z0-9._-]{1,12}$"
"""A value outside a code list is listed only when it looks like a code: a name or free text typed in does not."""
PLACEHOLDERS = (
    "null", "n/a", "na", "none", "nil", "nk", "not known", "unknown", "not recorded", "not applicable", "missing",
    "blank", "tbc", "tba", "-", "--", ".", "?", "0000-00-00", "00/00/0000", "1900-01-01", "01/01/1900",
)
"""Values that often mean "blank" in an export (compared lower-cased): shown for every column, never personal."""
_LONGEST_PLACEHOLDER = max(len(token) for token in PLACEHOLDERS)
MOST_CODES = 200
"""More distinct values than this and a code-like column holds something else (names mapped onto
``gender`` by mistake): its values are then not shown without ``--show-values``."""


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """What one extract column holds; values appear only where ``values_shown``."""

    column: str
    field: str | None
    """The schema field the column is read as, if any."""
    matched: str
    """How it was matched to the field: mapping, name, label, synonym or fuzzy (empty: not matched)."""
    type: FieldType
    present: int
    distinct: int
    shortest: int | None
    longest: int | None
    values_shown: bool
    top: tuple[tuple[str, int], ...] = ()
    """The most common values with their counts (empty when values are not shown)."""
    outside: tuple[tuple[str, int], ...] = ()
    """Code fields: values (as mapped) that are not in the code list, with counts."""
    outside_count: int = 0
    outside_hidden: int = 0
    """Code fields: values outside the code list not listed because they do not look like codes."""
    placeholders: tuple[tuple[str, int], ...] = ()
    """Values that often stand for blank (``NULL``, ``N/A``, ``TBC``…) as written, with counts."""
    forms: tuple[tuple[str, int], ...] = ()
    """Date fields: the forms values are written in (digits as 9, letters as A), with counts."""
    unreadable: int = 0
    """Parsed fields: present values that cannot be read as the field's type."""
    unreadable_words: tuple[tuple[str, int], ...] = ()
    """Parsed fields: unreadable values that are placeholders (``TBC``), or any word with ``show_values``."""
    unreadable_forms: tuple[tuple[str, int], ...] = ()
    """Parsed fields: the forms of the other unreadable values (digits as 9, letters as A)."""
    earliest: str | None = None
    latest: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """An extract's profile: its rows and every column; schema fields it has no column for."""

    source: str
    schema: str
    rows: int
    rows_unreadable: int
    columns: tuple[ColumnProfile, ...]
    missing_fields: tuple[str, ...]
    proposed: bool
    """Whether columns were matched as ``refcheck map`` proposes (no mapping was given)."""


def profile_extract(
    source: str | Path | pl.DataFrame | pl.LazyFrame,
    schema: Schema,
    *,
    mapping: ExtractMapping | None = None,
    options: SourceOptions | None = None,
    top: int = 10,
    show_values: bool = False,
) -> Profile:
    """Profile every column of an extract against a schema's fields.

    Columns are matched to fields by ``mapping`` (default: the schema's own); when neither has
    any entries, by the headers as ``refcheck map`` would propose.
    """
    extract = open_extract(source, options)
    try:
        columns = list(extract.columns)
        matches, proposed = _matches(columns, schema, mapping)
        mapping = mapping if mapping is not None else schema.mapping
        fields = {column: schema.fields[name] for name, (column, _) in matches.items()}
        how = {column: kind for _, (column, kind) in matches.items()}
        plan = _plan(extract.frame, extract.columns, columns, fields, schema, mapping, top, show_values)
        unreadable = extract.unreadable if extract.unreadable is not None else pl.LazyFrame({"line": []})
        try:
            stats, bad_rows = pl.collect_all([plan, unreadable.select(pl.len())])
        except pl.exceptions.PolarsError as err:
            raise ExtractError(f"{extract.label}: cannot be read ({polars_reason(err)})") from None
        row = stats.row(0, named=True)
        profiles = tuple(
            _column(column, fields.get(column), how.get(column, ""), row, schema, show_values) for column in columns
        )
        return Profile(
            source=extract.label, schema=schema.name, rows=int(row[ROWS]), rows_unreadable=int(bad_rows.item()),
            columns=profiles, missing_fields=tuple(name for name in schema.fields if name not in matches),
            proposed=proposed,
        )
    finally:
        extract.close()


def _matches(columns: list[str], schema: Schema,
             mapping: ExtractMapping | None) -> tuple[dict[str, tuple[str, str]], bool]:
    """Each matched field's (column, how), and whether that is a proposal rather than a mapping."""
    given = mapping if mapping is not None else schema.mapping
    if mapping is None and not given.fields:
        proposal = propose_mapping(columns, schema)
        return {name: (column, "name" if how == "exact" else how)
                for name, (column, how) in proposal.matches.items()}, True
    found = {}
    for name in schema.fields:
        column = given.column(name)
        if column in columns:
            found[name] = (column, "name" if column == name and name not in given.fields else "mapping")
    return found, False


def _code_like(field: Field | None, schema: Schema) -> bool:
    return field is not None and (field.codes is not None or field.name == schema.group_by)


def _shows(field: Field | None, schema: Schema, show_values: bool) -> bool:
    return show_values or (_code_like(field, schema) and not (field is not None and field.personal))


def shows_values(field: Field | None, schema: Schema, distinct: int, show_values: bool = False) -> bool:
    """Whether a column's values may be listed: a code-like column, not personal, of at most ``MOST_CODES``.

    Of such a column only values that look like codes (``CODE_LIKE``) are listed; any, with ``show_values``.
    """
    return _shows(field, schema, show_values) and (show_values or distinct <= MOST_CODES)


def _plan(frame: pl.LazyFrame, types: dict[str, pl.DataType], columns: list[str], fields: dict[str, Field],
          schema: Schema, mapping: ExtractMapping, top: int, show_values: bool) -> pl.LazyFrame:
    """One lazy select whose single row holds every statistic of every column."""
    stages = [typed_stages(field.name, field.type, types[column], column=column,
                           mapping=mapping.fields.get(field.name), null_tokens=mapping.null_tokens)
              for column, field in fields.items()]
    texts = [blank_to_null(pl.col(name).cast(pl.String), mapping.null_tokens).alias(internal("text", name))
             for name in columns]
    typed = read_typed(frame, stages, keep=texts)
    stats: list[pl.Expr] = [pl.len().alias(ROWS)]
    for column in columns:
        text = pl.col(internal("text", column))
        key = partial(_stat_name, column)
        stats += [text.count().alias(key("present")), text.drop_nulls().n_unique().alias(key("distinct")),
                  text.str.len_chars().min().alias(key("shortest")),
                  text.str.len_chars().max().alias(key("longest"))]
        short = text.filter(text.str.len_bytes() <= _LONGEST_PLACEHOLDER)  # NOTE: lower-casing free text is dear
        placeholders = short.filter(short.str.to_lowercase().is_in(PLACEHOLDERS))
        stats.append(most_common(placeholders, top).alias(key("placeholders")))
        field = fields.get(column)
        shows = _shows(field, schema, show_values)
        if shows:
            stats.append(most_common(text.filter(_listable(text, field, mapping, schema, show_values)), top)
                         .alias(key("top")))
        if field is None:
            continue
        if field.codes is not None:
            value = pl.col(field.name)
            code_list = schema.codes[field.codes]
            outside = value.filter(value.is_not_null() & ~value.is_in(list(code_list.codes)))
            listed = (pl.lit(show_values) | outside.str.contains(CODE_LIKE) | _is_a_label(outside, code_list.codes)
                      if shows else pl.lit(False))
            stats += [outside.count().alias(key("outside_count")),
                      outside.filter(~listed).count().alias(key("outside_hidden")),
                      most_common(outside.filter(listed), 50).alias(key("outside"))]
        if field.type.is_parsed:
            value = pl.col(field.name)
            unreadable = text.is_not_null() & value.is_null()
            stats.append(unreadable.sum().alias(key("unreadable")))
            # NOTE: an unreadable word is shown only when it is a placeholder (``TBC``) or values were
            # asked for: a name or an address mapped onto a date column must not show.
            word = unreadable & ~text.str.contains(_ANY_DIGIT)
            if not show_values:
                word = word & pl.when(word).then(text).str.to_lowercase().is_in(PLACEHOLDERS).fill_null(False)
            stats += [most_common(text.filter(word), top).alias(key("unreadable_words")),
                      most_common(shape(text.filter(unreadable & ~word)), 5).alias(key("unreadable_forms"))]
            stats += [value.min().cast(pl.String).alias(key("earliest")),
                      value.max().cast(pl.String).alias(key("latest"))]
        if field.type.is_temporal:
            stats.append(most_common(shape(text), 5).alias(key("forms")))
    return typed.select(stats)


def _listable(text: pl.Expr, field: Field | None, mapping: ExtractMapping, schema: Schema,
              show_values: bool) -> pl.Expr:
    """Which values of a shown column may be listed, so that a name typed into a code field is only counted.

    Of a code list's column: its codes, the source codes the mapping translates, and values that look like
    codes. Every value of the team column (named on every scorecard anyway), or of any column when asked.
    """
    if show_values or field is None or field.codes is None:
        return pl.lit(True)
    translated = mapping.fields[field.name].values if field.name in mapping.fields else {}
    known = [*schema.codes[field.codes].codes, *translated]
    return text.str.contains(CODE_LIKE) | text.is_in(known) | _is_a_label(text, schema.codes[field.codes].codes)


def _is_a_label(text: pl.Expr, codes: Mapping[str, str]) -> pl.Expr:
    """Whether a value is one of the code list's labels, in any case: the schema's own words, never a person's."""
    return text.str.to_lowercase().is_in([label.lower() for label in codes.values()])


def shape(text: pl.Expr) -> pl.Expr:
    """How a value is written, without what it says, whatever its script (see ``_SHAPES``)."""
    for pattern, written in _SHAPES:
        text = text.str.replace_all(pattern, written)
    return text


def most_common(values: pl.Expr, top: int) -> pl.Expr:
    """The ``top`` most common non-null values and their counts, as one list (ties by value).

    Sorted inside the list: keys computed beside ``value_counts`` would count again, in another order.
    """
    counts = values.drop_nulls().alias("value").value_counts(name="n").implode()
    item = pl.element()
    order = item.sort_by(item.struct.field("n"), item.struct.field("value"), descending=[True, False])
    return counts.list.eval(order).list.head(top)


def _stat_name(column: str, stat: str) -> str:
    """The name of one statistic of a column in the profile's one-row frame."""
    return internal("stat", stat, column)


def _pairs(items: Sequence[dict[str, Any]] | None) -> tuple[tuple[str, int], ...]:
    return tuple((str(item["value"]), int(item["n"])) for item in items or ())


def _column(column: str, field: Field | None, how: str, row: dict[str, Any], schema: Schema,
            show_values: bool) -> ColumnProfile:
    key = partial(_stat_name, column)
    distinct = int(row[key("distinct")])
    shown = shows_values(field, schema, distinct, show_values)
    personal = field is not None and field.personal and not show_values
    result = ColumnProfile(
        column=column, field=field.name if field else None, matched=how,
        type=field.type if field else FieldType.TEXT, present=int(row[key("present")]),
        distinct=distinct, shortest=row[key("shortest")], longest=row[key("longest")],
        values_shown=shown, top=_pairs(row.get(key("top"))) if shown else (),
        placeholders=_pairs(row[key("placeholders")]),
    )
    if field is None:
        return result
    if field.codes is not None:
        outside = int(row[key("outside_count")])
        result = dataclasses.replace(result, outside_count=outside,
                                     outside=_pairs(row[key("outside")]) if shown else (),
                                     outside_hidden=int(row[key("outside_hidden")]) if shown else outside)
    if field.type.is_parsed:
        result = dataclasses.replace(result, unreadable=int(row[key("unreadable")]),
                                     unreadable_words=_pairs(row[key("unreadable_words")]),
                                     unreadable_forms=_pairs(row[key("unreadable_forms")]),
                                     earliest=None if personal else row[key("earliest")],
                                     latest=None if personal else row[key("latest")])
    if field.type.is_temporal:
        result = dataclasses.replace(result, forms=_pairs(row[key("forms")]))
    return result
