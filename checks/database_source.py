"""Database tables and queries (``sqlite:///path.db``, ``postgresql://...``) read through Polars.

Every column is cast to text in SQL, so a database extract is read exactly as its CSV export
would be; SQLite's loose column types cannot trip type inference. Passwords never appear in
messages or reports.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import polars as pl

from refcheck.checks.errors import ExtractError

SCHEMES = ("sqlite://", "postgresql://", "postgres://")


def is_database_uri(source: str) -> bool:
    """Whether an extract argument names a database rather than a file."""
    return source.startswith(SCHEMES)


def safe_label(uri: str) -> str:
    """The URI with any password removed, for messages and reports."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", uri)


def read_database(uri: str, *, table: str | None, query: str | None) -> pl.DataFrame:
    """Rows of a table or query, every column as text."""
    label = safe_label(uri)
    if (table is None) == (query is None):
        raise ExtractError(f"{label}: give --table or --query (one of them)")
    source = f"({query})" if query is not None else _quote(table or "")
    connection = _connect(uri, label)
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM {source} AS src LIMIT 0")
        names = [column[0] for column in cursor.description or []]
        cursor.close()
        columns = ", ".join(f"CAST({_quote(name)} AS TEXT) AS {_quote(name)}" for name in names)
        text = f"SELECT {columns} FROM {source} AS src"
        frame = pl.read_database(text, connection, schema_overrides=dict.fromkeys(names, pl.String))
    except ExtractError:
        raise
    except Exception as err:  # noqa: BLE001 - each driver raises its own error types
        raise ExtractError(f"{label}: {_first_line(err)}") from None
    finally:
        connection.close()
    return frame


def _connect(uri: str, label: str) -> Any:
    if uri.startswith("sqlite://"):
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy writes them
        path = Path(uri.removeprefix("sqlite:///"))
        if not path.is_file():
            raise ExtractError(f"{label}: no such database file")
        try:
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as err:
            raise ExtractError(f"{label}: {err}") from None
    try:
        import psycopg
    except ImportError:
        raise ExtractError(f"{label}: reading PostgreSQL needs the psycopg package") from None
    try:
        return psycopg.connect(uri, connect_timeout=10)
    except psycopg.Error as err:
        raise ExtractError(f"{label}: cannot connect ({_first_line(err)})") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
