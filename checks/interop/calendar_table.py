"""The working-day calendar as a table, so that SQL can count working days the way the engine does.

One row per day from 1900 to 2100: the day as a ``YYYYMMDD`` number, as ISO text, and how many
working days came before it. Working days in ``[start, end)`` are then
``working_before(end) - working_before(start)``: one lookup per date, no holiday list per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import polars as pl

from refcheck.checks.calendar import calendar_frame
from refcheck.schemas import Calendar

TABLE = "refcheck_calendar"
COLUMNS = ("day_number", "day", "working_before", "working_day")


def day_number(day: dt.date) -> int:
    """A date as the number ``YYYYMMDD``: ordered like dates, and easy to build in any SQL."""
    return day.year * 10000 + day.month * 100 + day.day


def calendar_rows(calendar: Calendar) -> Iterator[tuple[int, str, int, int]]:
    """Every day of the table: (day_number, ISO day, working days before it, 1 if a working day)."""
    frame = calendar_frame(calendar).select(
        (pl.col("day").dt.year().cast(pl.Int32) * 10000 + pl.col("day").dt.month().cast(pl.Int32) * 100
         + pl.col("day").dt.day().cast(pl.Int32)).alias("day_number"),
        pl.col("day").dt.to_string("%Y-%m-%d"), "working_before", "working_day",
    )
    yield from frame.iter_rows()


def calendar_csv(calendar: Calendar) -> str:
    """The table as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(calendar_rows(calendar))
    return out.getvalue()


def calendar_sql(calendar: Calendar, table: str = TABLE, batch: int = 1000) -> str:
    """SQL that creates and fills the table; standard enough for SQLite, PostgreSQL and most warehouses."""
    lines = [
        f"-- Working days for refcheck ({calendar.region}); regenerate with `refcheck export calendar`.",
        f"DROP TABLE IF EXISTS {table};",
        f"CREATE TABLE {table} (day_number INTEGER PRIMARY KEY, day CHAR(10) NOT NULL, "
        "working_before INTEGER NOT NULL, working_day SMALLINT NOT NULL);",
    ]
    rows = list(calendar_rows(calendar))
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        values = ",\n".join(f"({n}, '{day}', {before}, {working})" for n, day, before, working in chunk)
        lines.append(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES\n{values};")
    return "\n".join(lines) + "\n"


def calendar_months(calendar: Calendar) -> Iterator[tuple[int, int, str]]:
    """The table by month, small enough to send with a query: (``YYYYMM``, working days before its 1st, its days).

    Its days are 31 characters, ``1`` for a working day and ``0`` for any other (or a day the
    month does not have), so the working days before day ``d`` of the month are the month's
    count plus the ``1`` among its first ``d - 1`` characters: 2,412 rows instead of 73,414.
    """
    frame = calendar_frame(calendar).group_by(
        (pl.col("day").dt.year().cast(pl.Int32) * 100 + pl.col("day").dt.month().cast(pl.Int32)).alias("month"),
        maintain_order=True,
    ).agg(pl.col("working_before").first(), pl.col("working_day").cast(pl.String).str.join(""))
    for month, before, days in frame.iter_rows():
        yield month, before, days.ljust(31, "0")
