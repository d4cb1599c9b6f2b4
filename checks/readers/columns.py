"""Whether an extract has the columns a run needs (each collected field's, any to carry), and what to say if not."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from refcheck.checks.errors import ExtractError
from refcheck.schemas import Schema

OTHER_SYSTEM_HINT = ("; the headers look like another system's: refcheck init --from EXTRACT drafts a mapping "
                     "to give with --mapping")
"""Said when most of the columns are missing: the extract was most likely read without its mapping."""
OTHER_MAPPING_HINT = ("; the headers do not look like the mapping's: check its column names, or draft one with "
                      "refcheck init --from EXTRACT")
"""Said instead when a mapping renames columns but most of its columns are missing."""


def refuse_missing_columns(label: str, columns: Collection[str], schema: Schema) -> None:
    """Refuse an extract without a column for each collected field, in one line naming every missing one.

    A column is named as the mapping reads it, with the field it holds when that differs. When fewer
    than half of the columns are there, the line also says how to read another system's headers.
    """
    wanted = {schema.mapping.column(field.name): field.name for field in schema.fields.values() if field.collected}
    missing = [column if column == name else f"{column} ({name})"
               for column, name in wanted.items() if column not in columns]
    if not missing:
        return
    message = f"{label}: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
    if len(missing) * 2 > len(wanted):
        renamed = any(column != name for column, name in wanted.items())
        message += OTHER_MAPPING_HINT if renamed else OTHER_SYSTEM_HINT
    raise ExtractError(message)


def missing_columns(columns: Collection[str], needed: Iterable[str]) -> list[str]:
    """The needed columns that are not among ``columns``, in the order asked."""
    return [name for name in needed if name not in columns]
