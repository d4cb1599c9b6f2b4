"""The readability guard: a field whose values mostly could not be read says so, loudly.

An extract read with an incomplete mapping (dates in a form refcheck does not read, another system's
codes) leaves those values blank to every other rule, so its figures can look healthy while resting
on a fraction of the records. The shares come from the counts of the ``<field>.type`` and
``<field>.valid`` rules of the one pass; only a field that warns is read again, for the form its
values are written in, masked as ``refcheck profile`` masks them: a warning never shows a value, not even
a code (a column mapped by mistake may hold surnames that look like codes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from refcheck.checks.internal import internal
from refcheck.checks.parsing import blank_to_null, read_typed, typed_stages
from refcheck.checks.profile import most_common, shape
from refcheck.checks.report import ReadabilityWarning, RuleResult, Source
from refcheck.schemas import PRIMARY, Field, FieldType, Schema

UNREADABLE = "unreadable"
OUTSIDE_CODES = "outside_codes"
UNREADABLE_ROWS = "unreadable_rows"


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
    prefix = "" if schema.record_type == PRIMARY else f"{schema.record_type}."  # another record type's rule ids
    found = []
    for field in schema.fields.values():
        column = schema.mapping.column(field.name)
        read = by_id.get(f"{prefix}{field.name}.type") if field.type.is_parsed else None
        if read is not None and read.failed > unreadable_limit * read.checked:
            found.append(Doubtful(field, column, UNREADABLE, read.failed / read.checked))
        coded = by_id.get(f"{prefix}{field.name}.valid") if field.codes is not None else None
        if coded is not None and coded.failed > outside_limit * coded.checked:
            found.append(Doubtful(field, column, OUTSIDE_CODES, coded.failed / coded.checked))
    return found


def forms_seen(frame: pl.LazyFrame, types: Mapping[str, pl.DataType], schema: Schema,
               doubtful: Sequence[Doubtful]) -> pl.LazyFrame:
    """One row: per doubtful field, the most common masked form of its unread values or values outside its codes.

    The forms are those of the first ``FORM_SAMPLE`` rows (the shares are exact already, from the pass).
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
    for item in doubtful:
        name, text, value = item.field.name, pl.col(internal("raw", item.field.name)), pl.col(item.field.name)
        if item.kind == UNREADABLE:
            forms.append(most_common(shape(text.filter(text.is_not_null() & value.is_null())), 1)
                         .alias(internal("form", name)))
            continue
        outside = value.filter(value.is_not_null() & ~value.is_in(list(schema.codes[item.field.codes or ""].codes)))
        forms.append(most_common(shape(outside), 1).alias(internal("outside_form", name)))
    keep = [text.alias(internal("raw", name)) for name, text in texts.items()]
    return read_typed(frame.head(FORM_SAMPLE), stages, keep=keep).select(forms)


FORM_SAMPLE = 20_000
"""Rows read for the forms a doubtful field's values take: enough to see the usual form, cheap on any extract."""


def readability_warnings(doubtful: Sequence[Doubtful], seen: Mapping[str, Any]) -> tuple[ReadabilityWarning, ...]:
    """The warnings of the doubtful fields, with the forms their values take from the one row of ``forms_seen``."""
    return tuple(_warning(item, seen, in_database=False) for item in doubtful)


def database_warnings(schema: Schema, results: Sequence[RuleResult]) -> tuple[ReadabilityWarning, ...]:
    """The warnings of a run inside a database (``--engine sql`` or ``gx``), from the rules' counts alone.

    The forms seen would need the rows, which stay in the database; and there a mapping cannot
    translate values (``warehouse.untranslated``), so the advice is about the table.
    """
    return tuple(_warning(item, {}, in_database=True) for item in doubtful_fields(schema, results))


def _warning(item: Doubtful, seen: Mapping[str, Any], *, in_database: bool) -> ReadabilityWarning:
    field = item.field
    named = f'{field.label} (column "{item.column}"): {share_text(item.share)} of values'
    if item.kind == UNREADABLE:
        form = _top(seen.get(internal("form", field.name)))
        advice = _unreadable_advice(field.type, form, in_database=in_database)
        message = f"{named} cannot be read{_written_like(form)} — {advice}"
    else:
        example = _written_like(_top(seen.get(internal("outside_form", field.name))))
        advice = GX_CODES_ADVICE if in_database else "add values: to the mapping"
        message = f"{named} are outside its code list{example} — {advice}"
    return ReadabilityWarning(field=field.name, column=item.column, kind=item.kind, share=item.share,
                              message=message)


def unreadable_rows_warning(schema: Schema, source: Source) -> ReadabilityWarning | None:
    """A warning when more rows could not be read than the schema's ``unreadable`` share of the rows read.

    Rows that cannot be read (an extract in another encoding, say) are left out of every figure, so
    the figures could otherwise look healthy while standing on a part of the extract.
    """
    read, unreadable = source.rows_read, source.rows_unreadable
    if not read or unreadable <= schema.readability.unreadable * read:
        return None
    share = unreadable / read
    message = (f"{unreadable:,} of {read:,} rows could not be read ({share_text(share)}) — see --unreadable FILE; "
               "check the extract's encoding (--encoding)")
    return ReadabilityWarning(field=None, column=None, kind=UNREADABLE_ROWS, share=share, message=message)


def share_text(share: float) -> str:
    """A share as a whole percentage, with a decimal below 10% (5.4%, not a 5% that seems within a 5% limit)."""
    text = f"{share:.0%}" if share >= 0.1 else f"{share:.1%}"
    return "99%" if text == "100%" and share < 1 else text


def _top(items: Sequence[Mapping[str, Any]] | None) -> str | None:
    """The value of the first (most common) entry of a ``most_common`` list."""
    return str(items[0]["value"]) if items else None


def _written_like(form: str | None) -> str:
    return f" (written like {form})" if form else ""


GX_DATES_ADVICE = ("the GX engine reads only dates written YYYY-MM-DD or DD/MM/YYYY: store them so in the table, "
                   "or check an export of it with a date_format in the mapping")
GX_CODES_ADVICE = ("the GX engine translates no values: store the code list's codes in the table, "
                   "or check an export of it with values: in the mapping")
"""Advice a GX run can follow: it refuses a mapping's date_format, values and null_tokens."""


def _unreadable_advice(field_type: FieldType, form: str | None, *, in_database: bool) -> str:
    """What to change: a date_format for dates written in another form; null_tokens for words meaning blank."""
    if form is not None and "9" not in form:
        return "if such values mean blank, add them to null_tokens in the mapping"
    if field_type.is_temporal:
        return GX_DATES_ADVICE if in_database else "add a date_format to the mapping"
    return "check that the mapping reads this field from the right column"
