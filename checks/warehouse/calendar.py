"""A working-day calendar table in the database, for ``--calendar-table NAME``: checked before use, made on request.

The table is the one ``refcheck export calendar`` writes (``checks.interop.calendar_table``): a row
per day from 1900 to 2100, with columns ``day_number`` (``YYYYMMDD``), ``day`` (ISO text),
``working_before`` (working days before that day) and ``working_day`` (1 or 0). A scan joins it by
``day_number`` instead of sending the calendar by month with each query. The SQL engine only reads
it; ``create_calendar_table`` (``refcheck export calendar --source URI --table NAME``) is the one
place refcheck writes to a database, and only that table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from refcheck.checks.calendar import TABLE_END, TABLE_START
from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import DATABASE, DUCKDB, require
from refcheck.checks.interop.calendar_table import COLUMNS, calendar_rows, day_number
from refcheck.checks.interop.sql_rules import ENGINE_DIALECTS, Dialect, dialect_of
from refcheck.checks.readers.uri import display, driver_reason, parse_uri
from refcheck.schemas import Calendar

_DAYS = (TABLE_END - TABLE_START).days + 1
_TYPES = ("INTEGER PRIMARY KEY", "CHAR(10) NOT NULL", "INTEGER NOT NULL", "SMALLINT NOT NULL")


def _signature(calendar: Calendar) -> tuple[int, int]:
    """What a table holding this calendar has: its days, and its working days in all."""
    *_, (_, _, before, working) = calendar_rows(calendar)
    return _DAYS, before + working


def check_calendar_table(connection: Any, name: str, calendar: Calendar, dialect: Dialect) -> None:
    """Refuse, in one line, a calendar table that is missing or holds another calendar than the schema's.

    One small query on the calendar table alone: its rows and its working days in all.
    """
    import sqlalchemy as sa

    advice = f"make it with `refcheck export calendar --source URI --table {name}`"
    if not sa.inspect(connection).has_table(name):
        raise ExtractError(f"calendar table {name}: no such table; {advice}")
    try:
        found = connection.execute(sa.text(
            f"SELECT COUNT(*), SUM(working_day) FROM {dialect.quoted(name)} "
            f"WHERE day_number BETWEEN {day_number(TABLE_START)} AND {day_number(TABLE_END)}")).one()
    except sa.exc.SQLAlchemyError:
        connection.rollback()
        raise ExtractError(f"calendar table {name}: has not the columns {', '.join(COLUMNS)}; {advice}") from None
    if tuple(int(value or 0) for value in found) != _signature(calendar):
        raise ExtractError(f"calendar table {name}: holds another calendar than the schema's ({calendar.region} "
                           f"with its closures); {advice}")


def create_calendar_table(url: str, name: str, calendar: Calendar) -> int:
    """Create the calendar table, or refill one that has its columns (keeping its grants), in one transaction.

    Returns the rows written. Raises ``ExtractError`` when the database cannot be written to, or a
    table of that name is something else.
    """
    import sqlalchemy as sa

    require(DATABASE, "refcheck export calendar --source", "sqlalchemy")
    label = f"{display(url)} table {name}"
    try:
        dialect = dialect_of(url, ENGINE_DIALECTS)
    except ValueError as err:
        raise ExtractError(f"{display(url)}: {err}") from None
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in calendar_rows(calendar)]
    engine = _writable_engine(url, dialect.name)
    table = dialect.quoted(name)
    try:
        with engine.begin() as connection:
            if sa.inspect(connection).has_table(name):
                held = {column["name"] for column in sa.inspect(connection).get_columns(name)}
                if held != set(COLUMNS):
                    raise ExtractError(f"{label}: is not a calendar table (its columns are not "
                                       f"{', '.join(COLUMNS)}); name another")
                connection.execute(sa.text(f"DELETE FROM {table}"))
            else:
                columns = ", ".join(f"{column} {kind}" for column, kind in zip(COLUMNS, _TYPES, strict=True))
                connection.execute(sa.text(f"CREATE TABLE {table} ({columns})"))
            insert = (f"INSERT INTO {table} ({', '.join(COLUMNS)}) "
                      f"VALUES ({', '.join(f':{column}' for column in COLUMNS)})")
            connection.execute(sa.text(insert), rows)
    except sa.exc.SQLAlchemyError as err:
        reason = driver_reason(getattr(err, "orig", None) or err, url, [name])
        raise ExtractError(f"{label}: cannot be written ({reason})") from None
    finally:
        engine.dispose()
    return len(rows)


def _writable_engine(url: str, dialect: str) -> Any:
    """An engine that may write (``connect.create_engine``'s are read-only where the driver allows)."""
    import sqlalchemy as sa

    parsed = parse_uri(url)
    if dialect == "duckdb":
        require(DUCKDB, "refcheck export calendar on DuckDB", "duckdb", "duckdb_engine")
    if dialect in ("sqlite", "duckdb") and not (parsed.database and Path(parsed.database).is_file()):
        raise ExtractError(f"{display(url)}: no such database file")
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return sa.create_engine(parsed)
    except ImportError as err:  # NOTE: a driver named in the URI that is not installed
        raise ExtractError(f"{display(url)}: the {parsed.drivername!r} driver needs the Python module "
                           f"{err.name or 'it names'!r}, which is not installed") from None

