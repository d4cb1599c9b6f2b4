"""Write a scorecard folder: index.html, scorecard.xlsx, summary.md, worklists/*.csv, due/*.csv, report.json."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from refcheck.reports.due_lists import due_files, run_due_lists, write_due_csv
from refcheck.reports.files import OWNER_ONLY, Modes, write_output
from refcheck.reports.folder_switch import write_folder
from refcheck.reports.html import render_html
from refcheck.reports.json_report import render_json
from refcheck.reports.markdown import render_markdown
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists, worklist_files, write_worklist_csv
from refcheck.reports.xlsx import render_xlsx
from refcheck.schemas import Severity


def write_scorecard(inputs: ScorecardInputs, out: Path, made_at: dt.datetime, fail_on: Severity | None,
                    *, strict: bool = False, modes: Modes = OWNER_ONLY) -> list[Path]:
    """Write every scorecard file into ``out``, switched over whole from the last run's (``write_folder``).

    ``strict`` is the gate's: its ``report.json`` says a warning failed the run, as the exit code does.
    ``modes`` are the files' and ``worklists/``'s permissions (the owner's only by default).
    """
    return write_folder(out, partial(_write_files, inputs, made_at=made_at, fail_on=fail_on, strict=strict,
                                     modes=modes))


def _write_files(inputs: ScorecardInputs, folder: Path, made_at: dt.datetime, fail_on: Severity | None,
                 strict: bool, modes: Modes) -> list[Path]:
    """Write every scorecard file into a fresh folder: a worklist per team, named by its team alone.

    A run that made due lists (``Report.due``) gets a due list per team too, named as its worklist.
    """
    worklists = team_worklists(inputs.report, inputs.teams)
    tables = {folder / path: team for team, path in worklist_files(inputs.teams).items()}
    for path, team in tables.items():
        write_output(path, partial(write_worklist_csv, worklists[team], team), modes)
    dues = run_due_lists(inputs.report, inputs.teams)
    lists = {folder / path: team for team, path in due_files(inputs.teams).items()} if dues is not None else {}
    for path, team in lists.items():
        write_output(path, partial(write_due_csv, (dues or {})[team], team), modes)
    pages: dict[Path, str | bytes | list[bytes]] = {
        folder / "index.html": render_html(inputs, made_at, dues),
        folder / "summary.md": render_markdown(inputs),
        folder / "report.json": render_json(inputs.report, fail_on, strict=strict),
        folder / "scorecard.xlsx": render_xlsx(inputs, worklists, dues=dues),
    }
    for path, content in pages.items():
        write_output(path, content, modes)
    return [*pages, *tables, *lists]
