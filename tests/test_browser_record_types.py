"""The scorecard page of a run of several record types in a real browser: accessible, and nothing overflows.

Skips, saying why, where there is no Chromium or axe-core (as tests/test_browser.py does, whose harness it uses).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from refcheck.checks import validate
from refcheck.cli import cli
from refcheck.reports.due_lists import team_due_lists
from refcheck.reports.html import render_html
from refcheck.reports.scorecard_inputs import ScorecardInputs
from tests.chromium import Page, browser, find_chromium
from tests.conftest import ROOT
from tests.test_browser import HEIGHT, NARROW, SCREENSHOT, WIDE, _open, _violations
from tests.test_scorecard_due_lists import _due


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    found = find_chromium()
    if found is None:
        pytest.skip("no Chromium on this machine: `bash .ci/chromium.sh` installs Debian's (as root)")
    with browser(found) as tab:
        yield tab


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample folder's page with due lists, and a page of referrals and plans alone (the rest not supplied)."""
    out = tmp_path_factory.mktemp("record_types")
    made = dt.datetime(2026, 3, 2, 9, 0)
    report = validate(ROOT / "sample_data", "wales", as_of=dt.date(2026, 3, 2), findings=True, measures=True)
    dues = team_due_lists(_due(report), report.schema, report.teams)
    (out / "whole.html").write_text(render_html(ScorecardInputs(report=report, teams=report.teams), made, dues))
    partial = out / "partial"
    partial.mkdir()
    for name in ("referrals", "cp_plans"):
        (partial / f"{name}.csv").write_bytes((ROOT / "sample_data" / f"{name}.csv").read_bytes())
    report = validate(partial, "wales", as_of=dt.date(2026, 3, 2), findings=True, measures=True)
    (out / "partial.html").write_text(render_html(ScorecardInputs(report=report, teams=report.teams), made))
    return out


@pytest.mark.parametrize(("name", "width"), [("whole.html", WIDE), ("whole.html", NARROW), ("partial.html", WIDE)],
                         ids=["every record type, due lists", "at 400 px", "record types not supplied"])
def test_axe_finds_no_serious_or_critical_violation_and_nothing_overflows(page: Page, pages: Path, name: str,
                                                                          width: int) -> None:
    _open(page, pages / name, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert [v for v in _violations(page) if v["impact"] in ("serious", "critical")] == []


def test_the_readme_command_opens_on_the_headline_figures_and_the_child_protection_section(
        page: Page, tmp_path: Path) -> None:
    """The README's main command on the sample folder (``REFCHECK_UPDATE_SCREENSHOT=1`` rewrites its picture)."""
    out = tmp_path / "scorecard"
    result = CliRunner().invoke(cli, ["scorecard", str(ROOT / "sample_data"), "--schema", "wales", "--as-of",
                                      "2026-11-20", "--out", str(out), "--no-history"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    _open(page, out / "index.html", WIDE)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE
    headings = page.evaluate("[...document.querySelectorAll('h2')].map(h => [h.textContent.trim(), "
                             "h.getBoundingClientRect().top])")
    tops = dict((text, top) for text, top in headings)
    assert tops["Headline figures"] < tops["Child protection"] < 2 * HEIGHT
    screenshot = page.screenshot()
    assert screenshot.startswith(b"\x89PNG")
    if os.environ.get("REFCHECK_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.write_bytes(screenshot)
