"""Remake the history files of earlier refchecks: ``python tests/history_files/make.py [NAME...]`` from the root.

Each file is written by the refcheck of the commits named (taken with ``git archive``, run from a
temporary folder with the installed dependencies), from two extracts whose failures are known, and is
kept as an SQL dump headed by what that refcheck read from it: tests/test_history_versions.py checks
that today's refcheck, after migrating the file, reads the same.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KEY = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d1f"
"""The history key of every file here (REFCHECK_HISTORY_KEY), so that later runs can compare with theirs."""
FILES = {
    "failure-rows": ("83efc0c", "83efc0c"),  # failures a row each, no application id
    "rows-then-sets": ("83efc0c", "70ec43d"),  # a run with rows, then one with a failure set
    "unversioned": ("985802f", "985802f"),  # failure sets, key check, application id; no user_version
    "labelled": ("68fac73", "68fac73"),  # version 3: KPIs with their labels and order; no measures
}
AS_OF_AND_FAILING = (("2025-06-02", ("R1", "R2", "R3")), ("2025-06-03", ("R2", "R3", "R4", "R5")))
READ = """
import json, sys
from pathlib import Path
from refcheck.reports.history import History
store = History(Path(sys.argv[1]))
runs = store.runs()
print(json.dumps({
    "runs": [[r.id, r.as_of, r.schema_name, r.schema_version, r.rows] for r in runs],
    "changes": [[[c.team, c.rule_id, c.new, c.fixed] for c in store.changes(r)] for r in runs],
    "trend": [sorted([kpi, team, value] for (kpi, team), value in p.values.items())
              for p in store.trend("wales-referral")],
}))
"""


def _package(commit: str, into: Path) -> Path:
    """The refcheck of a commit as an importable folder (its four packages under ``refcheck/``)."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    source = into / f"src-{commit}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(source, filter="data")
    package = into / f"pkg-{commit}"
    for folder in ("checks", "schemas", "reports", "cli"):
        shutil.copytree(source / folder, package / "refcheck" / folder)
    return package


def _extract(path: Path, failing: tuple[str, ...]) -> Path:
    """Referrals R1..R10 of team Alpha, as tests/test_history.py writes them; those failing have gender X."""
    sys.path.insert(0, str(ROOT))
    from tests.test_history import _extract as extract

    return extract(path, list(failing), [f"R{i}" for i in range(1, 11)])


def _make(name: str, commits: tuple[str, ...], work: Path) -> None:
    history = work / f"{name}.sqlite"
    env = {"REFCHECK_HISTORY_KEY": KEY, "PATH": "/usr/bin:/bin"}
    for (as_of, failing), commit in zip(AS_OF_AND_FAILING, commits, strict=True):
        env["PYTHONPATH"] = str(work / f"pkg-{commit}")
        source = _extract(work / f"extract-{as_of}.csv", failing)
        subprocess.run([sys.executable, "-m", "refcheck.cli", "scorecard", source, "--out", work / "out",
                        "--as-of", as_of, "--history", history], env=env, cwd=work, check=True, capture_output=True)
    read = subprocess.run([sys.executable, "-c", READ, history], env=env, cwd=work, check=True,
                          capture_output=True, text=True).stdout.strip()
    with sqlite3.connect(history) as db:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        dump = list(db.iterdump())
    db.close()
    header = [f"-- A refcheck history written by the refcheck of commit(s) {', '.join(commits)} (one run each),",
              "-- made by tests/history_files/make.py; what that refcheck read from it:",
              f"-- read: {json.dumps(json.loads(read))}"]
    if application:
        header.append(f"PRAGMA application_id = {application};")
    if version:
        header.append(f"PRAGMA user_version = {version};")
    (HERE / f"{name}.sql").write_text("\n".join(header + dump) + "\n")


def main(names: list[str]) -> None:
    """Write the files named (every file in ``FILES`` when none is)."""
    chosen = {name: FILES[name] for name in names or FILES}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for commit in {commit for commits in chosen.values() for commit in commits}:
            _package(commit, work)
        for name, commits in chosen.items():
            _make(name, commits, work)


if __name__ == "__main__":
    main(sys.argv[1:])
