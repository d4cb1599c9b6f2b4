"""Write a scorecard folder: index.html, scorecard.xlsx, summary.md, worklists/*.csv, report.json."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from refcheck.reports.files import safe_file_names, write_atomically
from refcheck.reports.html import render_html
from refcheck.reports.json_report import render_json
from refcheck.reports.markdown import render_markdown
from refcheck.reports.scorecard_inputs import ScorecardInputs
from refcheck.reports.worklists import team_worklists, worklist_csv
from refcheck.reports.xlsx import render_xlsx
from refcheck.schemas import Severity


def write_scorecard(inputs: ScorecardInputs, out: Path, made_at: dt.datetime, fail_on: Severity | None) -> list[Path]:
    """Write every scorecard file into ``out``; each file appears whole or not at all."""
    written: dict[Path, str | bytes] = {
        out / "index.html": render_html(inputs, made_at),
        out / "summary.md": render_markdown(inputs),
        out / "report.json": render_json(inputs.report, fail_on),
    }
    worklists = team_worklists(inputs.report, inputs.teams)
    written[out / "scorecard.xlsx"] = render_xlsx(inputs, worklists)
    for team, stem in safe_file_names(list(inputs.teams)).items():
        written[out / "worklists" / f"{stem}.csv"] = worklist_csv(worklists[team])
    for path, content in written.items():
        write_atomically(path, content)
    return list(written)
