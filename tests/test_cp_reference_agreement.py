"""The engine agrees with a deliberately plain, record-by-record implementation of the child protection standard.

``tests/reference_cp.py`` was written from docs/child-protection-standard.md alone, without the
engine's code; here both count every CP rule for every team on generated folders of referrals,
plans, visits and reviews, at as-of dates chosen so that open plans, overdue visits, future dates
and a bank holiday's effect exist, and must give identical figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from refcheck.checks import validate
from refcheck.checks.synthetic.cp_sample import write_folder
from refcheck.schemas import PRIMARY
from tests.reference_cp import reference_cp_counts

CASES = [
    (31, dt.date(2026, 11, 20), dt.date(2026, 11, 20)),
    (32, dt.date(2026, 6, 30), dt.date(2026, 5, 26)),  # the day after the Spring Bank Holiday; later dates are future
    (33, dt.date(2027, 1, 8), dt.date(2027, 1, 4)),  # the first working day after New Year's Day, Christmas between
]


def _counted(teams: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The teams with a row checked: the engine also lists (no team) at nought where no row lacks a team."""
    return {team: counts for team, counts in teams.items() if counts != (0, 0)}


@pytest.mark.parametrize(("seed", "generated_as_of", "as_of"), CASES)
def test_engine_agrees_with_the_plain_implementation_on_every_cp_rule_and_team(
    tmp_path: Path, seed: int, generated_as_of: dt.date, as_of: dt.date
) -> None:
    write_folder(tmp_path, 5000, seed=seed, as_of=generated_as_of)
    expected = {rule_id: _counted(teams) for rule_id, teams in reference_cp_counts(tmp_path, as_of).items()}
    report = validate(tmp_path, "wales", as_of=as_of)
    got = {
        result.rule.id: _counted({count.team: (count.checked, count.failed) for count in result.by_team})
        for result in report.results if result.rule.record_type != PRIMARY
    }
    assert set(got) == set(expected)
    mismatches = {rule_id: (got[rule_id], expected[rule_id]) for rule_id in got if got[rule_id] != expected[rule_id]}
    assert not mismatches
    failing = [rule_id for rule_id, teams in got.items() if any(failed for _, failed in teams.values())]
    assert len(failing) >= 35  # the generated data exercises almost every rule
