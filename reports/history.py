"""Run history in an embedded SQLite file: trends, and which failures are new or fixed.

Each run stores its per-rule x team counts, its KPI values, its measures per team and its failures. A failure is kept as
(rule, team, keyed hash of the record id), never the id itself: the key lives in a separate file
beside the database (``<history>.key``, readable by its owner only) or in ``REFCHECK_HISTORY_KEY``,
so the database alone cannot be matched back to records. A key of fewer than 32 bytes, or of too little
variety (``history_key.varied``), is refused (an
unkeyed hash of an id is the id to anyone who can guess ids); a key file others may read, a key file
made anew for a history with runs, and a key unlike the one the last run was stored with are warned
of (``HistoryWarning``). Refcheck writes only into a new (empty) SQLite file or a refcheck history
(marked by ``PRAGMA application_id``, or by earlier versions' tables alone): any other file is refused
unchanged; ``history_layout`` keeps the file's layout up to date. Re-running the same extract with the
same as-of date and schema replaces that run.

Runs are ordered by as-of date: a run is compared with the latest of an earlier as-of date, never a
later one, so a back-dated re-run slots into place; of runs with the same as-of date, the one recorded
last stands for it in trends. A run's failures are one Parquet value (``failure_sets``), compared between
runs by Polars: a row per failure in SQLite cost seconds per night at a million records.
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
from refcheck.reports.history_layout import FAILURES, failure_set, prepare
from refcheck.reports.scorecard import kpi_figure
from refcheck.schemas.model import COUNT_MEASURES

DEFAULT_HISTORY = Path("refcheck-history.sqlite")
"""Where history is kept when ``--history`` is not given: the current directory."""
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
class Figure:
    """A KPI as its latest run of a schema stored it: id, label and what it measures."""

    id: str
    label: str
    measure: str


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
        prepare(path)

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
        block is given the run with what changed since the previous one and the trend up to it, as
        committing would leave them. NOTE: until then other writers of this history wait (readers do not).
        """
        if report.findings is None:
            raise ValueError("history needs a report made with findings=True")
        key, made = history_key(self.path)
        parquet = _failure_parquet(report.findings, key)
        with self._connect() as db:
            check_key(db, self.path, key, made)
            run = _insert_run(db, report, print_, run_at, parquet)
            yield Staged(run, _changes(db, run, self.path), _trend(db, run.schema_name, until=run),
                         _previous(db, run) is not None)

    def previous(self, run: Run) -> Run | None:
        """The run this one is compared with: the latest recorded of the latest earlier as-of date."""
        with self._connect() as db:
            return _previous(db, run)

    def changes(self, run: Run) -> list[Change]:
        """Per team and rule, failures new since the previous run and failures fixed."""
        with self._connect() as db:
            return _changes(db, run, self.path)

    def runs(self, schema_name: str | None = None) -> list[Run]:
        """Stored runs by as-of date, then by when they were recorded."""
        with self._connect() as db:
            return _runs(db, schema_name)

    def remove(self, run_id: int) -> Run:
        """Delete a run (its counts, KPI values and failures with it) and return what it was."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise HistoryError(f"{self.path}: holds no run {run_id} (refcheck history lists the runs)")
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return Run(*row)

    def figures(self, schema_name: str) -> list[Figure]:
        """A schema's KPIs in its order, labelled as its latest run stored them; any dropped since after them."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT kpi_id, label, measure FROM kpis JOIN runs ON runs.id = kpis.run_id "
                "WHERE schema_name = ? AND team = ? ORDER BY as_of DESC, run_at DESC, id DESC, position",
                (schema_name, OVERALL),
            ).fetchall()
        latest = {kpi_id: Figure(kpi_id, label or kpi_id, measure) for kpi_id, label, measure in reversed(rows)}
        return [latest[kpi_id] for kpi_id in dict.fromkeys(kpi_id for kpi_id, _, _ in rows)]

    def measures(self, run: Run) -> dict[tuple[str, str], tuple[int, int]]:
        """A run's measures per team (``Report.measures``): ``(measure, team)`` -> (base, counted); none before v4."""
        with self._connect() as db:
            rows = db.execute("SELECT measure, team, base, counted FROM measures WHERE run_id = ?", (run.id,))
            return {(measure, team): (base, counted) for measure, team, base, counted in rows.fetchall()}

    def trend(self, schema_name: str, limit: int = 12) -> list[TrendPoint]:
        """KPI values of a schema's last ``limit`` as-of dates (each the run recorded last), oldest first."""
        with self._connect() as db:
            return _trend(db, schema_name, limit)


_RUN_COLUMNS = "id, run_at, as_of, schema_name, schema_version, rows"
_LATEST_FIRST = "ORDER BY as_of DESC, run_at DESC, id DESC"
"""Runs by as-of date, and of one as-of date the one recorded last first."""


def _failure_parquet(findings: pl.DataFrame, key: bytes) -> bytes:
    """A run's distinct failures as Parquet: rule, team and a keyed hash of each record id."""
    findings = findings.filter(pl.col("record_id").is_not_null())
    # NOTE: one keyed hash per distinct record id, not per failure (no keyed hash runs in Polars).
    ids = findings["record_id"].unique()
    pseudonyms = pl.DataFrame({"record_id": ids, "record": pl.Series(
        [hashlib.blake2b(record.encode(), key=key[:64], digest_size=12).digest() for record in ids.to_list()],
        dtype=pl.Binary)})
    return failure_set(findings.select("rule_id", "team", "record_id").join(pseudonyms, on="record_id")
                       .select(*FAILURES).unique())


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
        "INSERT INTO kpis (run_id, kpi_id, team, value, measure, label, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, kpi.id, team or OVERALL, kpi_figure(report, kpi, team).value, kpi.measure, kpi.label, position)
            for position, kpi in enumerate(schema.scorecard.kpis)
            for team in (None, *report.teams)
        ],
    )
    db.executemany(
        "INSERT INTO measures (run_id, measure, team, base, counted) VALUES (?, ?, ?, ?, ?)",
        [(run_id, key, count.team, count.checked, count.failed)
         for key, counts in report.measures.items() for count in counts],
    )
    db.execute("INSERT INTO failure_sets VALUES (?, ?)", (run_id, parquet))
    return Run(*db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone())


def _previous(db: sqlite3.Connection, run: Run) -> Run | None:
    """The run this one is compared with: of the same schema, the latest of an earlier as-of date."""
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE schema_name = ? AND as_of < ? {_LATEST_FIRST} LIMIT 1",
        (run.schema_name, run.as_of),
    ).fetchone()
    return Run(*row) if row else None


def _changes(db: sqlite3.Connection, run: Run, path: Path) -> list[Change]:
    """Per team and rule, failures new since the previous run and failures fixed."""
    before = _previous(db, run)
    if before is None:
        return []
    try:
        now, was = _failures(db, run.id), _failures(db, before.id)
    except (pl.exceptions.PolarsError, OSError, LookupError):
        raise HistoryError(f"{path}: the stored failures of a run cannot be read; "
                           "the file is damaged (move it aside to start a new history)") from None
    keys = ["team", "rule_id"]
    new = now.join(was, on=list(FAILURES), how="anti").group_by(keys).agg(pl.len().alias("new"))
    fixed = was.join(now, on=list(FAILURES), how="anti").group_by(keys).agg(pl.len().alias("fixed"))
    table = new.join(fixed, on=keys, how="full", coalesce=True).fill_null(0).sort(keys)
    return [Change(*row) for row in table.select(*keys, "new", "fixed").iter_rows()]


def _runs(db: sqlite3.Connection, schema_name: str | None) -> list[Run]:
    """Stored runs by as-of date, then by when they were recorded."""
    rows = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE ? IS NULL OR schema_name = ? ORDER BY as_of, run_at, id",
        (schema_name, schema_name),
    ).fetchall()
    return [Run(*row) for row in rows]


def _trend(db: sqlite3.Connection, schema_name: str, limit: int = 12, until: Run | None = None) -> list[TrendPoint]:
    """KPI values of a schema's last ``limit`` as-of dates, each the run recorded last, oldest first.

    ``until`` ends the trend with that run, after the runs of earlier as-of dates only.
    """
    rows = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE schema_name = ? {_LATEST_FIRST}", (schema_name,))
    latest: dict[str, Run] = {}
    for run in (Run(*row) for row in rows.fetchall()):
        if until is None or run.as_of < until.as_of or run.id == until.id:
            latest.setdefault(run.as_of, run)
    points = []
    for run in reversed(list(latest.values())[:limit]):
        values = {(kpi, team): value for kpi, team, value in
                  db.execute("SELECT kpi_id, team, value FROM kpis WHERE run_id = ?", (run.id,))}
        points.append(TrendPoint(run, values))
    return points


def _failures(db: sqlite3.Connection, run_id: int) -> pl.DataFrame:
    """A run's distinct failures, from its Parquet value; ``LookupError`` when it has none (a damaged file)."""
    found = db.execute("SELECT parquet FROM failure_sets WHERE run_id = ?", (run_id,)).fetchone()
    if found is None:
        raise LookupError(run_id)
    return pl.read_parquet(io.BytesIO(found[0]))


def render_history(store: History, schema_name: str | None = None) -> str:
    """The stored runs and each overall KPI's value per as-of date, as a text table."""
    runs = store.runs(schema_name)
    if not runs:
        return "No runs stored yet.\n"
    lines = [f"{'run':>4}  {'made at':19}  {'as of':10}  {'schema':24}  {'rows':>9}"]
    lines += [f"{run.id:>4}  {run.run_at:19}  {run.as_of:10}  {run.schema_name + ' v' + run.schema_version:24}"
              f"  {run.rows:>9,}" for run in runs]
    for name in sorted({run.schema_name for run in runs}):
        points = store.trend(name, limit=12)
        figures = store.figures(name)
        width = max(len("figure"), *(len(figure.label) for figure in figures))
        lines += ["", f"Trend of {name} (last {len(points)} as-of dates, oldest first)"]
        lines.append(f"{'figure':{width}}" + "".join(f"{point.run.as_of:>12}" for point in points))
        for figure in figures:
            values = [point.values.get((figure.id, OVERALL)) for point in points]
            lines.append(f"{figure.label:{width}}" + "".join(f"{_format(value, figure.measure):>12}"
                                                             for value in values))
    return "\n".join(lines) + "\n"


def _format(value: float | None, measure: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if measure in COUNT_MEASURES else f"{value * 100:.1f}%"
