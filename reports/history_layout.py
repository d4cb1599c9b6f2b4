"""The history file's layout: which files are refcheck's, and migrations that bring one up to date.

A history is marked by ``PRAGMA application_id`` and versioned by ``PRAGMA user_version``: migration N
(``MIGRATIONS[N - 1]``) takes a file from version N - 1 to N, and every pending one runs in a single
transaction, so a failure or a kill leaves the file as it was. A history made before versions were kept
is version 0. A file of a later version is refused: this refcheck cannot know what that layout means,
and writing into it could lose what a newer refcheck stored.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import polars as pl

from refcheck.reports.history_key import HistoryError

APPLICATION_ID = 0x52464348
"""``PRAGMA application_id`` of a refcheck history ("RFCH"), set when refcheck makes or migrates one."""
FAILURES = {"rule_id": pl.String, "team": pl.String, "record": pl.Binary}
"""A run's distinct failures: rule, team and the record's keyed hash."""
_UNVERSIONED = {"runs", "counts", "kpis", "failures", "failures_by_run", "failure_sets", "key_check"}
"""Every table and index a history made before versions were kept may hold."""
_RUN_COLUMNS = {"id", "run_at", "as_of", "schema_name", "schema_version", "rows"}


def failure_set(failures: pl.DataFrame) -> bytes:
    """A run's failures as the one Parquet value stored for it (compared between runs by Polars)."""
    parquet = io.BytesIO()
    failures.select(*FAILURES).write_parquet(parquet, compression="zstd")
    return parquet.getvalue()


def _create_tables(db: sqlite3.Connection) -> None:
    """1: the tables of the last history made before versions were kept; an older one gains those it lacks."""
    for statement in (
        """CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY, run_at TEXT NOT NULL, as_of TEXT NOT NULL, schema_name TEXT NOT NULL,
            schema_version TEXT NOT NULL, fingerprint TEXT NOT NULL, rows INTEGER NOT NULL,
            UNIQUE (schema_name, schema_version, fingerprint, as_of))""",
        """CREATE TABLE IF NOT EXISTS counts (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            rule_id TEXT NOT NULL, team TEXT NOT NULL, checked INTEGER NOT NULL, failed INTEGER NOT NULL,
            PRIMARY KEY (run_id, rule_id, team))""",
        """CREATE TABLE IF NOT EXISTS kpis (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            kpi_id TEXT NOT NULL, team TEXT NOT NULL, value REAL, measure TEXT NOT NULL,
            PRIMARY KEY (run_id, kpi_id, team))""",
        """CREATE TABLE IF NOT EXISTS failure_sets (
            run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE, parquet BLOB NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS key_check (
            only INTEGER PRIMARY KEY CHECK (only = 1), digest BLOB NOT NULL)""",
    ):
        db.execute(statement)


def _failure_rows_to_sets(db: sqlite3.Connection) -> None:
    """2: a pre-release history's failures, kept a row each in ``failures``, become a failure set per run."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'failures'").fetchone():
        return
    unset = db.execute("SELECT id FROM runs WHERE id NOT IN (SELECT run_id FROM failure_sets)").fetchall()
    for (run_id,) in unset:
        rows = db.execute("SELECT DISTINCT rule_id, team, record FROM failures WHERE run_id = ?", (run_id,))
        failures = pl.DataFrame(rows.fetchall(), schema=FAILURES, orient="row")
        db.execute("INSERT INTO failure_sets VALUES (?, ?)", (run_id, failure_set(failures)))
    db.execute("DROP TABLE failures")  # NOTE: drops its index, failures_by_run, too


def _kpi_labels(db: sqlite3.Connection) -> None:
    """3: each run keeps its KPIs' labels and their order in the schema, for ``refcheck history``.

    Runs stored before have no label but their id, and the order they were stored in (the schema's).
    """
    db.execute("ALTER TABLE kpis ADD COLUMN label TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE kpis ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    firsts = db.execute("SELECT run_id, kpi_id FROM kpis GROUP BY run_id, kpi_id ORDER BY run_id, MIN(rowid)")
    positions: dict[int, int] = {}
    updates = []
    for run_id, kpi_id in firsts.fetchall():
        positions[run_id] = positions.get(run_id, -1) + 1
        updates.append((positions[run_id], run_id, kpi_id))
    db.executemany("UPDATE kpis SET label = kpi_id, position = ? WHERE run_id = ? AND kpi_id = ?", updates)


def _measures(db: sqlite3.Connection) -> None:
    """4: each run keeps its measures per team (``Report.measures``: open records, overdue now, due, shares).

    ``base`` is what a measure rests on and ``counted`` what it counts; runs stored before have none.
    """
    db.execute("""CREATE TABLE measures (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        measure TEXT NOT NULL, team TEXT NOT NULL, base INTEGER NOT NULL, counted INTEGER NOT NULL,
        PRIMARY KEY (run_id, measure, team))""")


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: tuple[Migration, ...] = (_create_tables, _failure_rows_to_sets, _kpi_labels, _measures)
"""In order; a file's version is the number of them applied to it."""
VERSION = len(MIGRATIONS)


def prepare(path: Path) -> None:
    """Refuse a file that is not a refcheck history or is a newer refcheck's; bring an older one up to date.

    A new (empty) file becomes a history. Nothing is written into a file that is refused.
    """
    try:
        db = sqlite3.connect(path, isolation_level=None)  # NOTE: transactions are begun and ended here
    except sqlite3.Error as err:
        raise HistoryError(f"{path}: cannot be used as a history file ({err})") from None
    try:
        if _version(db, path) == VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            for migration in MIGRATIONS[_version(db, path):]:  # NOTE: read again: another run may have migrated it
                migration(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    except sqlite3.Error as err:
        raise HistoryError(f"{path}: cannot be used as a history file ({err})") from None
    finally:
        db.close()


def _version(db: sqlite3.Connection, path: Path) -> int:
    """The file's version; refuses any file but a new (empty) one, a refcheck history, or a newer one.

    A history made before ``application_id`` was set is known by holding only refcheck's tables,
    ``runs`` among them with its columns.
    """
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    except sqlite3.DatabaseError:
        raise HistoryError(f"{path}: not a refcheck history (it is not an SQLite file); "
                           "give another --history file") from None
    unversioned = application == 0 and version == 0 and names <= _UNVERSIONED and columns >= _RUN_COLUMNS
    if application != APPLICATION_ID and not unversioned and (names or application != 0 or version != 0):
        raise HistoryError(f"{path}: not a refcheck history (it holds other tables); give another --history file"
                           if names else f"{path}: not a refcheck history (another program's file); "
                           "give another --history file")
    if version > VERSION:
        raise HistoryError(f"{path}: made by a newer refcheck (history version {version}, this one knows up to "
                           f"{VERSION}); upgrade refcheck, or give another --history file")
    return int(version)
