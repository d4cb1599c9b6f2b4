"""Database tables and queries (``sqlite:///path.db``, ``postgresql://...``) read through Polars.

Every column is cast to text in SQL, so a database extract is read exactly as its CSV export
would be; SQLite's loose column types cannot trip type inference. The URI is parsed once
(``refcheck.checks.readers.uri``) and PostgreSQL is reached with its parts as keywords, so no driver
parses it again; labels and errors show it only as ``uri.display`` does, without credentials.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import DATABASE, require
from refcheck.checks.readers.uri import display, driver_reason, is_uri, parse_uri

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

POSTGRESQL = ("postgresql", "postgres")


def is_database_uri(source: str) -> bool:
    """Whether an extract argument names a database (any ``scheme://``) rather than a file."""
    return is_uri(source)


def safe_label(uri: str) -> str:
    """The URI without its credentials, for messages, reports and history."""
    return display(uri)


def read_database(uri: str, *, table: str | None, query: str | None) -> pl.DataFrame:
    """Rows of a table or query, every column as text."""
    label = display(uri)
    url = parse_uri(uri)
    if (table is None) == (query is None):
        raise ExtractError(f"{label}: give --table or --query (one of them)")
    source = f"({query})" if query is not None else _quote(table or "")
    connection = _connect(url, uri)
    names: list[str] = []
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM {source} AS src LIMIT 0")
        names = [column[0] for column in cursor.description or []]
        cursor.close()
        columns = ", ".join(f"CAST({_quote(name)} AS TEXT) AS {_quote(name)}" for name in names)
        text = f"SELECT {columns} FROM {source} AS src"
        frame = pl.read_database(text, connection, schema_overrides=dict.fromkeys(names, pl.String))
    except Exception as err:  # noqa: BLE001 - each driver raises its own error types
        raise ExtractError(f"{label}: {driver_reason(err, uri, [table or '', *names])}") from None
    finally:
        connection.close()
    return frame


def table_names(uri: str) -> list[str]:
    """The database's tables and views (of the schemas on PostgreSQL's search path), by name."""
    label = display(uri)
    url = parse_uri(uri)
    connection = _connect(url, uri)
    listing = ("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
               if url.get_backend_name() == "sqlite" else
               "SELECT table_name FROM information_schema.tables "
               "WHERE table_schema = ANY (current_schemas(false)) ORDER BY table_name")
    try:
        cursor = connection.cursor()
        cursor.execute(listing)
        return [str(row[0]) for row in cursor.fetchall()]
    except Exception as err:  # noqa: BLE001 - each driver raises its own error types
        raise ExtractError(f"{label}: {driver_reason(err, uri)}") from None
    finally:
        connection.close()


def _connect(url: URL, uri: str) -> Any:
    """A DB-API connection, read-only where the driver allows it."""
    kind = url.get_backend_name()
    if kind == "sqlite":
        return _connect_sqlite(url, uri)
    if kind in POSTGRESQL:
        return _connect_postgresql(url, uri)
    raise ExtractError(f"{display(uri)}: refcheck reads sqlite:/// and postgresql:// databases, not {kind!r}")


def _connect_sqlite(url: URL, uri: str) -> sqlite3.Connection:
    # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy reads them
    path = Path(url.database or "")
    try:
        if not url.database or not path.is_file():
            raise ExtractError(f"{display(uri)}: no such database file")
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error) as err:
        raise ExtractError(f"{display(uri)}: {driver_reason(err, uri)}") from None


def _connect_postgresql(url: URL, uri: str) -> Any:
    require(DATABASE, "reading PostgreSQL", "psycopg")
    import psycopg
    from psycopg.conninfo import make_conninfo

    parts = {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
             "dbname": url.database}
    options = {key: value for key, value in parts.items() if value is not None}
    options |= {key: values[-1] if isinstance(values, tuple) else values for key, values in url.query.items()}
    options.setdefault("connect_timeout", 10)
    try:
        return psycopg.connect(make_conninfo("", **options))
    except Exception as err:  # noqa: BLE001 - psycopg.Error, and ProgrammingError for an unknown option
        raise ExtractError(f"{display(uri)}: cannot connect ({driver_reason(err, uri)})") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
