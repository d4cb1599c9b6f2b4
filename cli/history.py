"""``refcheck history``: every stored scorecard run and the trend of its headline figures."""

from __future__ import annotations

from pathlib import Path

import click

from refcheck.cli.common import BadExtract, LocalPath, reading, say
from refcheck.cli.exit_codes import READS_HISTORY, ExitCode, epilog
from refcheck.reports.history import DEFAULT_HISTORY, History, render_history
from refcheck.schemas.yamldoc import printable

_MEANINGS = {
    ExitCode.USAGE: "usage error: a bad option, or a --history file that is not a refcheck history or cannot be "
                    "used",
    ExitCode.BAD_EXTRACT: "the --history file does not exist or cannot be read",
}


@click.command(epilog=epilog("refcheck history --history refcheck-history.sqlite", codes=READS_HISTORY,
                             meanings=_MEANINGS))
@click.option("--history", "history_path", type=LocalPath(dir_okay=False, path_type=Path),
              default=DEFAULT_HISTORY, show_default=True, help="The SQLite file scorecard runs were kept in.")
@click.option("--schema", "schema_name", default=None, help="Only runs of this schema name.")
def history(history_path: Path, schema_name: str | None) -> None:
    """List the stored scorecard runs and the trend of every headline figure."""
    with reading(str(history_path)):
        if not history_path.exists():
            raise BadExtract(printable(f"{history_path}: no such history file"))
        listing = render_history(History(history_path), schema_name)
    say(listing, nl=False)
