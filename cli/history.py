"""``refcheck history``: every stored scorecard run and the trend of its headline figures."""

from __future__ import annotations

from pathlib import Path

import click

from refcheck.cli.common import BadExtract, LocalPath, reading, say, writing
from refcheck.cli.exit_codes import READS_HISTORY, ExitCode, epilog
from refcheck.reports.history import DEFAULT_HISTORY, History, render_history
from refcheck.schemas.yamldoc import printable

LARGEST_RUN = 2**63 - 1
"""The largest run number SQLite can store: a larger one is a usage error, not an overflow inside."""

_MEANINGS = {
    ExitCode.USAGE: "usage error: a bad option, or a --history file that is not a refcheck history or cannot be "
                    "used",
    ExitCode.BAD_EXTRACT: "the --history file does not exist or cannot be read",
}


@click.command(epilog=epilog("refcheck history --history refcheck-history.sqlite", "refcheck history --remove 7",
                             codes=READS_HISTORY, meanings=_MEANINGS))
@click.option("--history", "history_path", type=LocalPath(dir_okay=False, path_type=Path),
              default=DEFAULT_HISTORY, show_default=True, help="The SQLite file scorecard runs were kept in.")
@click.option("--schema", "schema_name", default=None, help="Only runs of this schema name.")
@click.option("--remove", "remove_run", type=click.IntRange(min=1, max=LARGEST_RUN), default=None,
              metavar="RUN",
              help="Delete the stored run with this number (the run column of the listing).")
def history(history_path: Path, schema_name: str | None, remove_run: int | None) -> None:
    """List the stored scorecard runs and the trend of every headline figure, or remove a run."""
    if remove_run is not None and schema_name is not None:
        raise click.UsageError("--remove takes a run number alone, without --schema")
    with reading(str(history_path)):
        if not history_path.exists():
            raise BadExtract(printable(f"{history_path}: no such history file"))
        store = History(history_path)
        listing = render_history(store, schema_name) if remove_run is None else None
    if listing is not None:
        say(listing, nl=False)
        return
    assert remove_run is not None
    with writing(history_path):
        run = store.remove(remove_run)
    say(printable(f"Removed run {run.id}: {run.schema_name} v{run.schema_version} as of {run.as_of}, "
                  f"made at {run.run_at}."))
