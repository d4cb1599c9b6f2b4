"""Run history in an embedded SQLite file: trends, and which failures are new or fixed.

Each run stores its per-rule x team counts, its KPI values and its failures. A failure is kept as
(rule, team, keyed hash of the record id), never the id itself: the key lives in a separate file
beside the database (``<history>.key``, readable by its owner only) or in ``REFCHECK_HISTORY_KEY``,
so the database alone cannot be matched back to records. A key of fewer than 32 bytes, or of too little
variety (``history_key.varied``), is refused (an
unkeyed hash of an id is the id to anyone who can guess ids); a key file others may read, a key file
made anew for a history with runs, and a key unlike the one the last run was stored with are warned
of (``HistoryWarning``). Refcheck writes only into a new (empty) SQLite file or a refcheck history
(marked by ``PRAGMA application_id``, or by earlier versions' tables alone): any other file is refused
unchanged. Re-running the same extract with the same as-of date and schema replaces
that run.

A run's failures are one Parquet value (``failure_sets``), compared between runs by Polars: a row
per failure in SQLite cost seconds per night at a million records. Runs stored by earlier versions
keep theirs in ``failures``, and are read from there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from refcheck.checks import Report, SourceOptions
from refcheck.checks.readers.database_source import is_database_uri, safe_label
from refcheck.reports.history_key import MIN_KEY_BYTES as MIN_KEY_BYTES
from refcheck.reports.history_key import HistoryError as HistoryError
from refcheck.reports.history_key import HistoryWarning as HistoryWarning
from refcheck.reports.history_key import check_key, history_key
from refcheck.reports.scorecard import kpi_figure

DEFAULT_HISTORY = Path("refcheck-history.sqlite")
"""Where history is kept when ``--history`` is not given: the current directory."""

_TABLES = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rows INTEGER NOT NULL,
    UNIQUE (schema_name, schema_version, fingerprint, as_of)
);
CREATE TABLE IF NOT EXISTS counts (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL, team TEXT NOT NULL, checked INTEGER NOT NULL, failed INTEGER NOT NULL,
    PRIMARY KEY (run_id, rule_id, team)
);
CREATE TABLE IF NOT EXISTS kpis (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    kpi_id TEXT NOT NULL, team TEXT NOT NULL, value REAL, measure TEXT NOT NULL,
    PRIMARY KEY (run_id, kpi_id, team)
);
CREATE TABLE IF NOT EXISTS failures (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL, team TEXT NOT NULL, record BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_by_run ON failures (run_id, rule_id, record);
CREATE TABLE IF NOT EXISTS failure_sets (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    parquet BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS key_check (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    digest BLOB NOT NULL
);
"""
_FAILURES = {"rule_id": pl.String, "team": pl.String, "record": pl.Binary}
"""A run's distinct failures: rule, team and the record's keyed hash."""
OVERALL = ""
"""The team value under which overall KPI values are stored (a real team is never blank)."""


@dataclass(frozen=True, slots=True)
class Run:
    """One stored run."""

    id: int
    run_at: str
    as_of: str
    schema_name: str
    schema_version: str
    rows: int


@dataclass(frozen=True, slots=True)
class Change:
    """Failures of one rule in one team that are new since the previous run, or fixed."""

    team: str
    rule_id: str
    new: int
    fixed: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """KPI values of one run: ``values[(kpi_id, team)]``, team ``""`` for overall."""

    run: Run
    values: dict[tuple[str, str], float | None]


@dataclass(frozen=True, slots=True)
class Staged:
    """A run not yet committed, with what changed since the previous run and the trend it joins."""

    run: Run
    changes: list[Change]
    trend: list[TrendPoint]
    compared: bool


def fingerprint(source: str, options: SourceOptions) -> str:
    """Which extract a run checked, so that a re-run of the same one replaces its run.

    A file is known by the SHA-256 of its bytes (and the sheet read); a database by its URI
    (without password) and the table or query.
    """
    digest = hashlib.sha256()
    path = Path(source)
    if not is_database_uri(source) and path.is_file():
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(f"|{options.sheet}".encode())
    else:
        digest.update(f"{safe_label(source)}|{options.table}|{options.query}".encode())
    return digest.hexdigest()


class History:
    """A history file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():  # NOTE: made readable by its owner only, like every file refcheck writes
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as err:
            raise HistoryError(f"{path}: cannot be used as a history file ({err.strerror})") from None
        with self._connect() as db:
            _claim(db, path)
            db.executescript(_TABLES)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path)
            try:
                db.execute("PRAGMA foreign_keys = ON")
                with db:
                    yield db
            finally:
                db.close()
        except sqlite3.Error as err:
            raise HistoryError(f"{self.path}: cannot be used as a history file ({err})") from None

    def record(self, report: Report, print_: str, run_at: dt.datetime) -> Run:
        """Store a run (replacing the same extract, as-of and schema) and return it."""
        with self.staged(report, print_, run_at) as staged:
            return staged.run

    @contextmanager
    def staged(self, report: Report, print_: str, run_at: dt.datetime) -> Iterator[Staged]:
        """Store a run in one transaction, committed only when the block ends without an error.

        So a scorecard whose outputs fail to be written, or a kill while they are, records no run. The
        block is given the run with what changed since the previous one and the trend, as committing
        would leave them. NOTE: until then other writers of this history wait (readers do not).
        """
        if report.findings is None:
            raise ValueError("history needs a report made with findings=True")
        key, made = history_key(self.path)
        parquet = _failure_parquet(report.findings, key)
        with self._connect() as db:
            check_key(db, self.path, key, made)
            run = _insert_run(db, report, print_, run_at, parquet)
            yield Staged(run, _changes(db, run, self.path), _trend(db, report.schema.name),
                         _previous(db, run) is not None)

    def previous(self, run: Run) -> Run | None:
        """The run of the same schema before this one (by as-of date, then run time)."""
        with self._connect() as db:
            return _previous(db, run)

    def changes(self, run: Run) -> list[Change]:
        """Per team and rule, failures new since the previous run and failures fixed."""
        with self._connect() as db:
            return _changes(db, run, self.path)

    def runs(self, schema_name: str | None = None) -> list[Run]:
        """Stored runs, oldest first."""
        with self._connect() as db:
            return _runs(db, schema_name)

    def measures(self) -> dict[str, str]:
        """What each stored KPI measures (its latest definition)."""
        with self._connect() as db:
            return dict(db.execute("SELECT kpi_id, measure FROM kpis ORDER BY run_id"))

    def trend(self, schema_name: str, limit: int = 12) -> list[TrendPoint]:
        """KPI values of the last ``limit`` runs of a schema, oldest first."""
        with self._connect() as db:
            return _trend(db, schema_name, limit)


_RUN_COLUMNS = "id, run_at, as_of, schema_name, schema_version, rows"
APPLICATION_ID = 0x52464348
"""``PRAGMA application_id`` of a refcheck history ("RFCH"), set when refcheck makes one."""
_OURS = {"runs", "counts", "kpis", "failures", "failures_by_run", "failure_sets", "key_check"}


def _claim(db: sqlite3.Connection, path: Path) -> None:
    """Refuse any file but a new (empty) one or a refcheck history, and mark it as refcheck's.

    A history made by an earlier version has no application id: it is known by holding only refcheck's
    tables, ``runs`` among them with its columns. Nothing is written into a file that is refused.
    """
    try:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    except sqlite3.DatabaseError:
        raise HistoryError(f"{path}: not a refcheck history (it is not an SQLite file); "
                           "give another --history file") from None
    earlier = application == 0 and "runs" in names and names <= _OURS and columns >= {*_RUN_COLUMNS.split(", ")}
    if application != APPLICATION_ID and not earlier and (names or application != 0):
        raise HistoryError(f"{path}: not a refcheck history (it holds other tables); give another --history file"
                           if names else f"{path}: not a refcheck history (another program's file); "
                           "give another --history file")
    if application != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _failure_parquet(findings: pl.DataFrame, key: bytes) -> bytes:
    """A run's distinct failures as Parquet: rule, team and a keyed hash of each record id."""
    findings = findings.filter(pl.col("record_id").is_not_null())
    # NOTE: one keyed hash per distinct record id, not per failure (no keyed hash runs in Polars).
    ids = findings["record_id"].unique()
    pseudonyms = pl.DataFrame({"record_id": ids, "record": pl.Series(
        [hashlib.blake2b(record.encode(), key=key[:64], digest_size=12).digest() for record in ids.to_list()],
        dtype=pl.Binary)})
    failures = (findings.select("rule_id", "team", "record_id").join(pseudonyms, on="record_id")
                .select(*_FAILURES).unique())
    parquet = io.BytesIO()
    failures.write_parquet(parquet, compression="zstd")
    return parquet.getvalue()


def _insert_run(db: sqlite3.Connection, report: Report, print_: str, run_at: dt.datetime, parquet: bytes) -> Run:
    """Insert a run and its counts, KPI values and failures, replacing the same extract, as-of and schema."""
    schema = report.schema
    db.execute(
        "DELETE FROM runs WHERE schema_name = ? AND schema_version = ? AND fingerprint = ? AND as_of = ?",
        (schema.name, schema.version, print_, report.as_of.isoformat()),
    )
    cursor = db.execute(
        "INSERT INTO runs (run_at, as_of, schema_name, schema_version, fingerprint, rows) VALUES (?, ?, ?, ?, ?, ?)",
        (run_at.isoformat(timespec="seconds"), report.as_of.isoformat(), schema.name, schema.version,
         print_, report.source.rows_checked),
    )
    run_id = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO counts VALUES (?, ?, ?, ?, ?)",
        [(run_id, r.rule.id, c.team, c.checked, c.failed) for r in report.results for c in r.by_team],
    )
    db.executemany(
        "INSERT INTO kpis VALUES (?, ?, ?, ?, ?)",
        [
            (run_id, kpi.id, team or OVERALL, kpi_figure(report, kpi, team).value, kpi.measure)
            for kpi in schema.scorecard.kpis
            for team in (None, *report.teams)
        ],
    )
    db.execute("INSERT INTO failure_sets VALUES (?, ?)", (run_id, parquet))
    return Run(*db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone())


def _previous(db: sqlite3.Connection, run: Run) -> Run | None:
    """The run of the same schema before this one (by as-of date, then run time)."""
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM runs "
        "WHERE schema_name = ? AND id != ? AND (as_of < ? OR (as_of = ? AND run_at <= ?)) "
        "ORDER BY as_of DESC, run_at DESC, id DESC LIMIT 1",
        (run.schema_name, run.id, run.as_of, run.as_of, run.run_at),
    ).fetchone()
    return Run(*row) if row else None


def _changes(db: sqlite3.Connection, run: Run, path: Path) -> list[Change]:
    """Per team and rule, failures new since the previous run and failures fixed."""
    before = _previous(db, run)
    if before is None:
        return []
    try:
        now, was = _failures(db, run.id), _failures(db, before.id)
    except (pl.exceptions.PolarsError, OSError):
        raise HistoryError(f"{path}: the stored failures of a run cannot be read; "
                           "the file is damaged (move it aside to start a new history)") from None
    keys = ["team", "rule_id"]
    new = now.join(was, on=list(_FAILURES), how="anti").group_by(keys).agg(pl.len().alias("new"))
    fixed = was.join(now, on=list(_FAILURES), how="anti").group_by(keys).agg(pl.len().alias("fixed"))
    table = new.join(fixed, on=keys, how="full", coalesce=True).fill_null(0).sort(keys)
    return [Change(*row) for row in table.select(*keys, "new", "fixed").iter_rows()]


def _runs(db: sqlite3.Connection, schema_name: str | None) -> list[Run]:
    """Stored runs, oldest first."""
    rows = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE ? IS NULL OR schema_name = ? ORDER BY as_of, run_at, id",
        (schema_name, schema_name),
    ).fetchall()
    return [Run(*row) for row in rows]


def _trend(db: sqlite3.Connection, schema_name: str, limit: int = 12) -> list[TrendPoint]:
    """KPI values of the last ``limit`` runs of a schema, oldest first."""
    points = []
    for run in _runs(db, schema_name)[-limit:]:
        values = {(kpi, team): value for kpi, team, value in
                  db.execute("SELECT kpi_id, team, value FROM kpis WHERE run_id = ?", (run.id,))}
        points.append(TrendPoint(run, values))
    return points


def _failures(db: sqlite3.Connection, run_id: int) -> pl.DataFrame:
    """A run's distinct failures, from its Parquet value or (a run stored by an earlier version) its rows."""
    found = db.execute("SELECT parquet FROM failure_sets WHERE run_id = ?", (run_id,)).fetchone()
    if found is not None:
        return pl.read_parquet(io.BytesIO(found[0]))
    rows = db.execute("SELECT DISTINCT rule_id, team, record FROM failures WHERE run_id = ?", (run_id,)).fetchall()
    return pl.DataFrame(rows, schema=_FAILURES, orient="row")


def render_history(store: History, schema_name: str | None = None) -> str:
    """The stored runs and each overall KPI's value per run, as a text table."""
    runs = store.runs(schema_name)
    if not runs:
        return "No runs stored yet.\n"
    lines = [f"{'run':>4}  {'made at':19}  {'as of':10}  {'schema':24}  {'rows':>9}"]
    lines += [f"{run.id:>4}  {run.run_at:19}  {run.as_of:10}  {run.schema_name + ' v' + run.schema_version:24}"
              f"  {run.rows:>9,}" for run in runs]
    measures = store.measures()
    for name in sorted({run.schema_name for run in runs}):
        points = store.trend(name, limit=12)
        kpis = list(dict.fromkeys(kpi for point in points for kpi, team in point.values if team == OVERALL))
        lines += ["", f"Trend of {name} (last {len(points)} runs, oldest first)"]
        lines.append(f"{'figure':26}" + "".join(f"{point.run.as_of:>12}" for point in points))
        for kpi in kpis:
            values = [point.values.get((kpi, OVERALL)) for point in points]
            lines.append(f"{kpi:26}" + "".join(f"{_format(value, measures.get(kpi, '')):>12}" for value in values))
    return "\n".join(lines) + "\n"


def _format(value: float | None, measure: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if measure in ("rows", "failed") else f"{value * 100:.1f}%"
