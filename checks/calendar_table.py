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

from refcheck.checks.calendar import closure_days
from refcheck.schemas import Calendar

TABLE = "refcheck_calendar"
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
COLUMNS = ("day_number", "day", "working_before", "working_day")


def day_number(day: dt.date) -> int:
    """A date as the number ``YYYYMMDD``: ordered like dates, and easy to build in any SQL."""
    return day.year * 10000 + day.month * 100 + day.day


def calendar_rows(calendar: Calendar) -> Iterator[tuple[int, str, int, int]]:
    """Every day of the table: (day_number, ISO day, working days before it, 1 if a working day)."""
    closed = set(closure_days(calendar))
    before = 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        working = day.weekday() < 5 and day not in closed
        yield day_number(day), day.isoformat(), before, int(working)
        before += working
        day += dt.timedelta(days=1)


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
