"""The sample referrals' scorecard page in a real browser (headless Chromium): what a team leader sees, prints
and can reach (tests/test_browser_record_types.py opens the page of every record type, the README's picture).

Needs Chromium (``bash .ci/chromium.sh`` installs Debian's as root, and fetches axe-core) and skips, saying
why, only where there is none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from refcheck.checks import validate
from refcheck.checks.report import ReadabilityWarning
from refcheck.cli import cli
from refcheck.reports.html import render_html
from refcheck.reports.scorecard_inputs import ScorecardInputs
from tests.chromium import Page, browser, find_chromium, pdf_pages
from tests.conftest import ROOT, SAMPLE

SCREENSHOT = ROOT / "docs" / "images" / "scorecard.png"
WIDE, NARROW, HEIGHT = 1280, 400, 1000
PRINTABLE = (round((297 - 24) / 25.4 * 96), round((210 - 24) / 25.4 * 96))
"""A4 landscape less the page's 12 mm margins, in CSS pixels: what one printed page holds."""

AUDITED_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip("no Chromium on this machine: `bash .ci/chromium.sh` installs Debian's (as root)")
    return found


@pytest.fixture(scope="module")
def page(chromium: str) -> Iterator[Page]:
    with browser(chromium) as tab:
        yield tab


@pytest.fixture(scope="module")
def scorecard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample referrals' scorecard, and beside its page one with a warning banner and trend columns."""
    out = tmp_path_factory.mktemp("browser") / "scorecard"
    result = CliRunner().invoke(cli, ["scorecard", str(SAMPLE), "--as-of", "2026-11-20", "--out", str(out),
                                      "--no-history"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    report = validate(SAMPLE, as_of=dt.date(2026, 11, 20), findings=True, measures=True)
    warning = ReadabilityWarning(field="decision_date", column="Decision Date", kind="date", share=0.8,
                                 message="Decision date: 80% of values cannot be read — add a date_format")
    inputs = ScorecardInputs(report=report, teams=report.teams, compared=True, warnings=(warning,))
    (out / "warned.html").write_text(render_html(inputs, dt.datetime(2026, 11, 20, 9, 0)))
    return out


def _open(page: Page, path: Path, width: int = WIDE) -> None:
    page.open(path.as_uri(), width, HEIGHT)


def test_at_1280_px_nothing_overflows_and_the_tiles_and_heatmap_show(page: Page, scorecard: Path) -> None:
    _open(page, scorecard / "index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE
    shown = page.evaluate("""[...document.querySelectorAll('.tile, table.heat')].map(e => {
        const box = e.getBoundingClientRect(), style = getComputedStyle(e);
        return box.width > 0 && box.height > 0 && style.visibility === 'visible' && style.display !== 'none'; })""")
    assert len(shown) == 9 + 1 and all(shown)
    first_tile, heatmap = page.evaluate("""[document.querySelector('.tile'), document.querySelector('table.heat')]
        .map(e => e.getBoundingClientRect().top)""")
    assert first_tile < HEIGHT / 2 and heatmap < HEIGHT, "the headline figures and the heatmap open the page"
    screenshot = page.screenshot()
    assert screenshot.startswith(b"\x89PNG")


def test_no_request_leaves_the_page(page: Page, scorecard: Path) -> None:
    _open(page, scorecard / "index.html")
    requests = [event["params"]["request"]["url"] for event in page.events
                if event["method"] == "Network.requestWillBeSent"]
    assert [url for url in requests if not url.startswith("file:")] == []


def test_at_400_px_the_page_fits_the_tiles_wrap_and_the_heatmap_scrolls_in_its_box(page: Page,
                                                                                  scorecard: Path) -> None:
    _open(page, scorecard / "index.html", NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    box = page.evaluate("""(() => { const box = document.querySelector('.heatmap .scroll');
        return [box.scrollWidth, box.clientWidth, getComputedStyle(box).overflowX]; })()""")
    assert box[0] > box[1] and box[2] == "auto", "the heatmap is wider than the screen and scrolls inside its box"
    rows = page.evaluate("new Set([...document.querySelectorAll('.tiles .tile')].map(e => e.offsetTop)).size")
    assert rows >= 3, "nine tiles wrap onto several rows"


def test_every_link_goes_to_an_anchor_or_a_file_that_exists(page: Page, scorecard: Path) -> None:
    _open(page, scorecard / "index.html")
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    ids = set(page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
    teams = len(json.loads((scorecard / "report.json").read_text())["teams"])
    anchors = [link for link in links if link.startswith("#")]
    files = [link for link in links if not link.startswith("#")]
    assert {anchor[1:] for anchor in anchors} <= ids
    assert all((scorecard / link).is_file() for link in files), files
    assert len(files) == teams and sum(link.startswith("worklists/") for link in files) == teams
    assert sum(anchor == "#top" for anchor in anchors) == teams


def test_printed_on_a4_landscape_each_team_starts_a_page_and_the_heatmap_is_whole(page: Page,
                                                                               scorecard: Path) -> None:
    _open(page, scorecard / "index.html")
    teams = len(json.loads((scorecard / "report.json").read_text())["teams"])
    pages = pdf_pages(page.pdf())
    assert teams + 1 <= pages <= teams + 4, pages  # NOTE: the headline and heatmap, then one page a team
    page.resize(*PRINTABLE)
    page.send("Emulation.setEmulatedMedia", media="print")
    try:
        heatmap, breaks, (rule, what) = page.evaluate("""[
            document.querySelector('.heatmap').getBoundingClientRect().height,
            [...document.querySelectorAll('section.team')].map(e => getComputedStyle(e).breakBefore),
            [...document.querySelectorAll('table.worst thead th')].slice(0, 2).map(e => e.offsetWidth)]""")
    finally:
        page.send("Emulation.setEmulatedMedia", media="")
    assert heatmap <= PRINTABLE[1], "the heatmap fits one printed page, so it need never split"
    assert breaks == ["page"] * teams
    assert what > 1.5 * rule, "what is wrong gets the width, not the rule id"


@pytest.mark.parametrize(("name", "width"), [("index.html", WIDE), ("index.html", NARROW), ("warned.html", WIDE)],
                         ids=["sample", "sample at 400 px", "with a warning banner and trends"])
def test_axe_finds_no_serious_or_critical_accessibility_violation(page: Page, scorecard: Path, name: str,
                                                                 width: int) -> None:
    _open(page, scorecard / name, width)
    assert [v for v in _violations(page) if v["impact"] in ("serious", "critical")] == []


def test_the_audit_does_see_a_violation(page: Page, tmp_path: Path) -> None:
    """The harness is no rubber stamp: grey on white and an image without a text are reported."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><title>t</title><main><p style="color:#bbb">faint</p>'
                   '<img src="x.png"></main></html>')
    _open(page, bad)
    found = {v["id"]: v["impact"] for v in _violations(page)}
    assert found.get("color-contrast") == "serious" and found.get("image-alt") == "critical", found


def _violations(page: Page) -> list[dict[str, object]]:
    """axe-core's WCAG 2.2 A and AA violations of the page shown: rule, impact, help and the first elements."""
    page.evaluate(_axe_source() + ";0")
    violations: list[dict[str, object]] = page.evaluate(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AUDITED_TAGS)}}}}})"
        ".then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 5).map(node => node.target.join(' '))})))",
        timeout=120,
    )
    return violations


def _axe_source() -> str:
    """axe-core's script: ``$REFCHECK_AXE_JS``, or the copy .ci/chromium.sh keeps in the user's cache."""
    given = os.environ.get("REFCHECK_AXE_JS")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "refcheck"
    found = [Path(given)] if given else sorted(cache.glob("axe-core-*/axe.min.js"))
    if not found or not found[-1].is_file():
        missing = "axe-core is missing: `bash .ci/chromium.sh` fetches it (npm) and says where"
        if os.environ.get("CI"):
            pytest.fail(missing)  # NOTE: CI installs it; an audit that did not run must not pass there
        pytest.skip(missing)
    return found[-1].read_text()
