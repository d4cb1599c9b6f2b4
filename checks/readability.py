"""The readability guard: a field whose values mostly could not be read says so, loudly.

An extract read with an incomplete mapping (dates in a form refcheck does not read, another system's
codes) leaves those values blank to every other rule, so its figures can look healthy while resting
on a fraction of the records. The shares come from the counts of the ``<field>.type`` and
``<field>.valid`` rules of the one pass; only a field that warns is read again, for the form its
values are written in, masked as ``refcheck profile`` masks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from refcheck.checks.internal import internal
from refcheck.checks.parsing import blank_to_null, read_typed, typed_stages
from refcheck.checks.profile import CODE_LIKE, most_common, shape, shows_values
from refcheck.checks.report import ReadabilityWarning, RuleResult
from refcheck.schemas import Field, FieldType, Schema

UNREADABLE = "unreadable"
OUTSIDE_CODES = "outside_codes"


@dataclass(frozen=True, slots=True)
class Doubtful:
    """A field beyond its limit: which, read from which column, how (``kind``) and how much."""

    field: Field
    column: str
    kind: str
    share: float


def doubtful_fields(schema: Schema, results: Sequence[RuleResult]) -> list[Doubtful]:
    """The fields whose type or code list rule counts pass the schema's ``readability`` limits.

    A parsed field's type makes its ``<field>.type`` rule and a code list its ``<field>.valid`` rule (a
    field takes codes or a format, never both); both apply to exactly the present values, so their
    counts are the shares wanted.
    """
    unreadable_limit, outside_limit = schema.readability.unreadable, schema.readability.outside_codes
    by_id = {result.rule.id: result for result in results if result.ran and result.checked}
    found = []
    for field in schema.fields.values():
        column = schema.mapping.column(field.name)
        read = by_id.get(f"{field.name}.type") if field.type.is_parsed else None
        if read is not None and read.failed > unreadable_limit * read.checked:
            found.append(Doubtful(field, column, UNREADABLE, read.failed / read.checked))
        coded = by_id.get(f"{field.name}.valid") if field.codes is not None else None
        if coded is not None and coded.failed > outside_limit * coded.checked:
            found.append(Doubtful(field, column, OUTSIDE_CODES, coded.failed / coded.checked))
    return found


def forms_seen(frame: pl.LazyFrame, types: Mapping[str, pl.DataType], schema: Schema,
               doubtful: Sequence[Doubtful]) -> pl.LazyFrame:
    """One row: per doubtful field, the most common masked form of its unread values, and for codes the value too.

    The forms are those of the first ``FORM_SAMPLE`` rows (the shares are exact already, from the pass);
    a code column's distinct values are counted over every row, so that ``readability_warnings`` shows a
    code only as ``refcheck profile`` would.
    """
    mapping = schema.mapping
    names = {item.field.name for item in doubtful}
    fields = [field for field in schema.fields.values() if field.name in names]
    stages = [typed_stages(field.name, field.type, types[mapping.column(field.name)],
                           column=mapping.column(field.name), mapping=mapping.fields.get(field.name),
                           null_tokens=mapping.null_tokens) for field in fields]
    texts = {field.name: blank_to_null(pl.col(mapping.column(field.name)).cast(pl.String), mapping.null_tokens)
             for field in fields}
    forms: list[pl.Expr] = []
    distinct: list[pl.Expr] = []
    for item in doubtful:
        name, text, value = item.field.name, pl.col(internal("raw", item.field.name)), pl.col(item.field.name)
        if item.kind == UNREADABLE:
            forms.append(most_common(shape(text.filter(text.is_not_null() & value.is_null())), 1)
                         .alias(internal("form", name)))
            continue
        outside = value.filter(value.is_not_null() & ~value.is_in(list(schema.codes[item.field.codes or ""].codes)))
        forms += [most_common(shape(outside), 1).alias(internal("outside_form", name)),
                  most_common(outside, 1).alias(internal("outside", name))]
        distinct.append(texts[name].drop_nulls().n_unique().alias(internal("distinct", name)))
    keep = [text.alias(internal("raw", name)) for name, text in texts.items()]
    sample = read_typed(frame.head(FORM_SAMPLE), stages, keep=keep).select(forms)
    return pl.concat([sample, frame.select(distinct)], how="horizontal") if distinct else sample


FORM_SAMPLE = 20_000
"""Rows read for the forms a doubtful field's values take: enough to see the usual form, cheap on any extract."""


def readability_warnings(schema: Schema, doubtful: Sequence[Doubtful], seen: Mapping[str, Any]) -> tuple[
        ReadabilityWarning, ...]:
    """The warnings of the doubtful fields, from the one row of ``forms_seen``."""
    return tuple(_warning(schema, item, seen) for item in doubtful)


def _warning(schema: Schema, item: Doubtful, seen: Mapping[str, Any]) -> ReadabilityWarning:
    field = item.field
    named = f'{field.label} (column "{item.column}"): {share_text(item.share)} of values'
    if item.kind == UNREADABLE:
        form = _top(seen.get(internal("form", field.name)))
        message = f"{named} cannot be read{_written_like(form)} — {_unreadable_advice(field.type, form)}"
    else:
        value = _top(seen.get(internal("outside", field.name)))
        distinct = int(seen.get(internal("distinct", field.name)) or 0)
        if value is not None and shows_values(field, schema, distinct) and _code_like(value):
            example = f" (e.g. {value})"
        else:
            example = _written_like(_top(seen.get(internal("outside_form", field.name))))
        message = f"{named} are outside its code list{example} — add values: to the mapping"
    return ReadabilityWarning(field=field.name, column=item.column, kind=item.kind, share=item.share,
                              message=message)


def share_text(share: float) -> str:
    """A share as a whole percentage, with a decimal below 10% (5.4%, not a 5% that seems within a 5% limit)."""
    text = f"{share:.0%}" if share >= 0.1 else f"{share:.1%}"
    return "99%" if text == "100%" and share < 1 else text


def _top(items: Sequence[Mapping[str, Any]] | None) -> str | None:
    """The value of the first (most common) entry of a ``most_common`` list."""
    return str(items[0]["value"]) if items else None


def _code_like(value: str) -> bool:
    """Whether a value looks like a code, by profile's own pattern (so a name typed into a code field does not)."""
    return bool(pl.Series([value]).str.contains(CODE_LIKE).item())


def _written_like(form: str | None) -> str:
    return f" (written like {form})" if form else ""


def _unreadable_advice(field_type: FieldType, form: str | None) -> str:
    """What to change: a date_format for dates written in another form; null_tokens for words meaning blank."""
    if form is not None and "9" not in form:
        return "if such values mean blank, add them to null_tokens in the mapping"
    if field_type.is_temporal:
        return "add a date_format to the mapping"
    return "check that the mapping reads this field from the right column"
