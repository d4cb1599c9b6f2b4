"""Write a scorecard folder: index.html, scorecard.xlsx, summary.md, worklists/*.csv, report.json."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from refcheck.reports.files import safe_file_names, write_atomically
from refcheck.reports.html import render_html
from refcheck.reports.json_report import render_json
from refcheck.reports.markdown import render_markdown
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists, write_worklist_csv
from refcheck.reports.xlsx import render_xlsx
from refcheck.schemas import Severity


def write_scorecard(inputs: ScorecardInputs, out: Path, made_at: dt.datetime, fail_on: Severity | None) -> list[Path]:
    """Write every scorecard file into ``out``; each file appears whole or not at all."""
    worklists = team_worklists(inputs.report, inputs.teams)
    tables = {out / "worklists" / f"{stem}.csv": team for team, stem in safe_file_names(list(inputs.teams)).items()}
    # NOTE: the workbook (Polars and ISA-L, which let go of the GIL) is made while Polars writes the
    # worklist CSVs and the pages are made: the disk's time overlaps the workbook's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        workbook = pool.submit(render_xlsx, inputs, worklists)
        for path, team in tables.items():
            write_atomically(path, partial(write_worklist_csv, worklists[team]))
        pages: dict[Path, str | bytes | list[bytes]] = {
            out / "index.html": render_html(inputs, made_at),
            out / "summary.md": render_markdown(inputs),
            out / "report.json": render_json(inputs.report, fail_on),
        }
        pages[out / "scorecard.xlsx"] = workbook.result()
    for path, content in pages.items():
        write_atomically(path, content)
    return [*pages, *tables]
