"""The gates and the history recording are the library's, so a notebook or an orchestrator gets them too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from refcheck.checks import ExtractError, SourceOptions, validate
from refcheck.checks.gates import Limit, require_readable, require_rows
from refcheck.reports.history import History, fingerprint
from refcheck.reports.recording import recorded_run
from refcheck.reports.scorecard_inputs import ScorecardInputs
from tests.conftest import SAMPLE_AS_OF
from tests.test_extract_errors import HEADER, ROW


@pytest.mark.parametrize(("text", "allowed"), [("0", 0), ("12", 12), (" 3 ", 3), ("2.5%", 5), ("100%", 200)])
def test_a_limit_is_a_count_or_a_share_of_the_rows_read(text: str, allowed: float) -> None:
    assert Limit.parse(text).allowed(200) == allowed


@pytest.mark.parametrize("text", ["nan%", "nan", "inf", "inf%", "-1", "-0.5%", "150%", "1e400%", "ten", "%", "", "1.5"])
def test_a_limit_that_is_not_a_count_or_a_share_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Limit.parse(text)


def test_too_many_unreadable_rows_or_too_few_checked_stop_a_run_as_an_extract_error(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([HEADER, ROW, "R2,only,three", "R3,two"]) + "\n")
    report = validate(str(path), as_of=SAMPLE_AS_OF)
    require_readable(report, Limit.parse("2"))
    require_readable(report, None)
    with pytest.raises(ExtractError, match=r": 2 of 3 rows could not be read, more than --max-unreadable 50% allows; "
                                           r"see the list$"):
        require_readable(report, Limit.parse("50%"), listed="; see the list")
    require_rows(report, 1)
    with pytest.raises(ExtractError, match=r"fewer than --min-rows 2 \(3 read, 2 unreadable\)$"):
        require_rows(report, 2)


def test_a_run_is_recorded_only_when_its_outputs_were_written(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([HEADER, ROW]) + "\n")
    report = validate(str(path), as_of=SAMPLE_AS_OF, findings=True, measures=True)
    inputs = ScorecardInputs(report=report, teams=report.teams)
    history = tmp_path / "history.sqlite"
    made_at = dt.datetime(2026, 11, 20, 9, 0)
    with pytest.raises(OSError), recorded_run(inputs, history, fingerprint(str(path), SourceOptions()), made_at):
        raise OSError("the outputs could not be written")
    assert History(history).runs() == []
    with recorded_run(inputs, history, fingerprint(str(path), SourceOptions()), made_at) as recorded:
        assert recorded.report is report and not recorded.compared
    assert len(History(history).runs()) == 1
    with recorded_run(inputs, tmp_path / "unused.sqlite", None, made_at) as unchanged:
        assert unchanged is inputs
    assert not (tmp_path / "unused.sqlite").exists()
