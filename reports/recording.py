"""A scorecard run's history: changes and trend for its pages, the run kept only once its outputs are written."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from refcheck.reports.history import History
from refcheck.reports.scorecard_inputs import ScorecardInputs


@contextmanager
def recorded_run(inputs: ScorecardInputs, history_path: Path, extract_print: str | None,
                 made_at: dt.datetime) -> Iterator[ScorecardInputs]:
    """The inputs with what changed since the last run and the trend; the run is recorded when the block ends well.

    A failure or a kill while the outputs are written leaves the history as it was: the next run is
    then compared with the last run whose scorecard was written, not with one nobody saw. With no
    ``extract_print`` (no history wanted) the inputs are given back as they are.

    Example (``fingerprint`` is in ``refcheck.reports.history``)::

        with recorded_run(inputs, Path("history.sqlite"), fingerprint(extract, options), now) as inputs:
            write_scorecard(inputs, out, now, gate)
    """
    if extract_print is None:
        yield inputs
        return
    with History(history_path).staged(inputs.report, extract_print, made_at) as staged:
        yield dataclasses.replace(inputs, changes=tuple(staged.changes), trend=tuple(staged.trend),
                                  compared=staged.compared)
