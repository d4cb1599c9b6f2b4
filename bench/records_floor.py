"""The floor of a folder of several record types: a typed Polars read of every record type's file, schema given.

Usage (the harness, bench/records.py, runs each in a process of its own):
    python bench/records_floor.py columns [SCHEMA] > columns.json   # each record type's columns and types
    python bench/records_floor.py read FOLDER columns.json          # the timed read; prints rows and types

``columns`` takes every record type of refcheck's schema (``wales`` unless named), each with its
collected fields; ``read`` reads ``FOLDER/<record type>.csv`` for each, as bench/floor.py reads one
file (text and codes as text, integers as Int64, dates and date-times in the formats the sample
writes), and holds all the frames at once, as a user checking the records together would. It
imports Polars alone, so the time is the reads and nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from floor import read as read_one  # noqa: E402  (bench/ is not a package)

if TYPE_CHECKING:
    import polars as pl

SCHEMA = "wales"
"""The bundled schema of referrals with their child protection plans, visits and reviews."""


def columns(schema_name: str = SCHEMA) -> dict[str, dict[str, str]]:
    """Each record type's collected fields and their types' names, the primary record type first."""
    from refcheck.schemas import load_schema

    return {record.record_type: {field.name: field.type.value for field in record.fields.values() if field.collected}
            for record in load_schema(schema_name).record_types}


def read(folder: Path, types: dict[str, dict[str, str]]) -> dict[str, pl.DataFrame]:
    """Every record type's file in the folder as a typed frame, all held together."""
    return {record_type: read_one(str(folder / f"{record_type}.csv"), fields) for record_type, fields in types.items()}


if __name__ == "__main__":
    if sys.argv[1] == "columns":
        print(json.dumps(columns(*sys.argv[2:3])))
    else:
        frames = read(Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text()))
        print(json.dumps({name: {"rows": frame.height, "types": {column: str(kind) for column, kind in
                                                                  frame.schema.items()}}
                          for name, frame in frames.items()}))
