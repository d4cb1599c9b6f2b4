"""A SQLAlchemy engine for the SQL engine's query: read-only where the driver allows, each dialect set up alike.

SQLite has no regular expressions of its own: ``REGEXP`` is Python's ``re``, registered on each
connection. DuckDB is told to divide integers as the other dialects do. SQL Server's and Oracle's
drivers (pyodbc, oracledb) are not refcheck's extras: a missing one is named in one line. The URI reaches the
driver parsed once (``readers.uri.parse_uri``); a file database that does not exist is refused
rather than created, and every message shows the URI only without its credentials.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import DUCKDB, require
from refcheck.checks.interop.sql_rules import Dialect
from refcheck.checks.readers.uri import display, parse_uri


def create_engine(url: str, dialect: Dialect) -> Any:
    """An engine for the database the URI names, with ``dialect.setup`` run on each new connection."""
    import sqlalchemy as sa

    parsed = parse_uri(url)
    if dialect.name == "sqlite":
        path = _existing_file(parsed.database, url)
        engine = sa.create_engine("sqlite://", creator=lambda: _sqlite(path))
    elif dialect.name == "duckdb":
        require(DUCKDB, "check --engine sql on DuckDB", "duckdb", "duckdb_engine")
        path = _existing_file(parsed.database, url)
        engine = sa.create_engine(parsed.set(database=str(path)), connect_args={"read_only": True})
    else:
        if parsed.drivername in ("postgres", "postgresql"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # NOTE: psycopg 3 is the database extra's driver
        try:
            engine = sa.create_engine(parsed)
        except ImportError as err:  # SQL Server's and Oracle's drivers are the user's to install
            raise ExtractError(f"{display(url)}: the {parsed.drivername!r} driver needs the Python module "
                               f"{err.name or 'it names'!r}, which is not installed") from None
    if dialect.setup:
        sa.event.listen(engine, "connect", lambda connection, _record: _run_setup(connection, dialect.setup))
    return engine


def _existing_file(database: str | None, url: str) -> Path:
    path = Path(database or "")
    if not database or not path.is_file():
        raise ExtractError(f"{display(url)}: no such database file")
    return path.resolve()


def _sqlite(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    return connection


def _regexp(pattern: str, value: str | None) -> bool | None:
    """SQLite's ``value REGEXP pattern``: NULL for a NULL value, as the other dialects' matches are."""
    return None if value is None else _compiled(pattern).search(value) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _run_setup(connection: Any, statements: tuple[str, ...]) -> None:
    cursor = connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
