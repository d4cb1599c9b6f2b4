"""The floor: a typed Polars read of an extract with its schema given, as a user who knows the file would write it.

Usage (the harness runs each in a process of its own):
    python bench/floor.py columns [SCHEMA] > columns.json    # each collected field's column and type
    python bench/floor.py read EXTRACT columns.json         # the timed read; prints its rows and types

``columns`` takes the fields from refcheck's schema (the bundled default unless named), so the
floor follows the schema when it changes; ``read`` imports Polars alone, so the floor's time is a
read and nothing else. Text and code fields are read as text, integers as Int64, and dates and
date-times are parsed with the formats ``refcheck sample`` writes (ISO and UK dates; a time after
a space or a ``T``): the formats given, never inferred. A value that is not in one of them is null.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
"""How the sample writes a date: each row in one of these styles."""
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")
"""How the sample writes a date-time: its three row styles."""


def columns(schema_name: str | None = None) -> dict[str, str]:
    """Each collected field's column and its type's name (text, code, date, datetime, integer), in schema order."""
    from refcheck.schemas import load_schema

    schema = load_schema(schema_name) if schema_name else load_schema()
    return {field.name: field.type.value for field in schema.fields.values() if field.collected}


def read(extract: str, types: dict[str, str]) -> pl.DataFrame:
    """The extract as a frame of the given columns, each of its type."""
    import polars as pl

    integers = {name: pl.Int64 for name, kind in types.items() if kind == "integer"}
    frame = pl.read_csv(extract, columns=list(types), infer_schema=False, schema_overrides=integers,
                        ignore_errors=bool(integers))

    def parsed(name: str, kind: str) -> pl.Expr:
        text = pl.col(name)
        if kind == "date":
            return pl.coalesce(text.str.to_date(form, strict=False) for form in DATE_FORMATS)
        return pl.coalesce(text.str.to_datetime(form, time_unit="us", strict=False) for form in DATETIME_FORMATS)

    return frame.with_columns(parsed(name, kind) for name, kind in types.items() if kind in ("date", "datetime"))


if __name__ == "__main__":
    if sys.argv[1] == "columns":
        print(json.dumps(columns(sys.argv[2] if len(sys.argv) > 2 else None)))
    else:
        frame = read(sys.argv[2], json.loads(Path(sys.argv[3]).read_text()))
        print(json.dumps({"rows": frame.height, "types": {name: str(kind) for name, kind in frame.schema.items()}}))
