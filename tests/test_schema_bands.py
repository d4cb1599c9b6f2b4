"""Scorecard bands and targets are checked when the schema loads: a share is 95% or 0.95, never 95."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.schemas import Bands, Kpi, Schema, SchemaError, load_schema

CHILD = "name: council\nextends: wales-referral\n"
KPI = CHILD + "scorecard:\n  kpis:\n    - id: {id}\n      measure: {measure}\n{rule}      bands: {bands}\n"


def _load(tmp_path: Path, text: str) -> Schema:
    path = tmp_path / "council.yaml"
    path.write_text(text)
    return load_schema(path)


def _figure(schema: Schema, kpi_id: str) -> Kpi:
    return next(kpi for kpi in schema.scorecard.kpis if kpi.id == kpi_id)


def _kpi(measure: str, bands: str) -> str:
    rule = {"failed": "      rule: decision_date.required_when_due\n",
            "pass_rate": "      rule: decision_date.timely\n"}
    kpi_id = {"failed": "decisions_overdue", "pass_rate": "decisions_timely", "re_referral_rate": "re_referrals"}
    return KPI.format(id=kpi_id[measure], measure=measure, rule=rule.get(measure, ""), bands=bands)


REFUSED = {
    "bare_number_above_one": (CHILD + "scorecard:\n  bands: {green: 95, amber: 85%}\n",
                              "council.yaml:4: scorecard.bands.green: '95' is not a share: write 95% or 0.95"),
    "category_bare_number": (CHILD + "scorecard:\n  categories:\n    timeliness: {green: 90%, amber: 75}\n",
                             "council.yaml:5: scorecard.categories.timeliness.amber: '75' is not a share: "
                             "write 75% or 0.75"),
    "over_a_hundred_percent": (CHILD + "scorecard:\n  bands: {green: 150%}\n",
                               "council.yaml:4: scorecard.bands.green: a share is from 0% to 100%; got '150%'"),
    "long_bare_number": (CHILD + "scorecard:\n  bands: {green: 99.999999}\n",
                         "council.yaml:4: scorecard.bands.green: a text of 9 characters is not a share: "
                         "write it with %"),
    "not_a_number": (CHILD + "scorecard:\n  bands: {green: high}\n",
                     "council.yaml:4: scorecard.bands.green: expected a share such as 95% or 0.95; got 'high'"),
    "amber_above_green": (_kpi("pass_rate", "{green: 80%, amber: 90%}"),
                          "council.yaml:8: scorecard.kpis[0].bands.green: amber (90%) must be at or below green "
                          "(80%): higher is better"),
    "amber_above_the_default_green": (CHILD + "scorecard:\n  bands: {amber: 97%}\n",
                                      "council.yaml:4: scorecard.bands.amber: amber (97%) must be at or below green "
                                      "(95%): higher is better"),
    "re_referral_green_above_amber": (_kpi("re_referral_rate", "{green: 30%, amber: 25%}"),
                                      "council.yaml:7: scorecard.kpis[0].bands.green: green (30%) must be at or below "
                                      "amber (25%): lower is better for a re_referral_rate KPI"),
    "failed_count_as_share": (_kpi("failed", "{green: 0, amber: 5%}"),
                              "council.yaml:8: scorecard.kpis[0].bands.amber: this KPI's bands are counts of records: "
                              "expected a number such as 10; got '5%'"),
    "failed_green_above_amber": (_kpi("failed", "{green: 10, amber: 2}"),
                                 "council.yaml:8: scorecard.kpis[0].bands.green: green (10) must be at or below amber "
                                 "(2): lower is better for a failed KPI"),
}


@pytest.mark.parametrize(("text", "error"), REFUSED.values(), ids=REFUSED.keys())
def test_a_band_that_cannot_be_meant_is_refused_at_its_key(tmp_path: Path, text: str, error: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # NOTE: a file is named relative to the current directory when under it
    with pytest.raises(SchemaError) as raised:
        _load(tmp_path, text)
    assert str(raised.value) == error


def test_a_share_is_a_percentage_or_a_fraction(tmp_path: Path) -> None:
    as_fraction = _load(tmp_path, CHILD + "scorecard:\n  bands: {green: 1, amber: 0.5}\n")
    as_percent = _load(tmp_path, CHILD + "scorecard:\n  bands: {green: 100%, amber: 50%}\n")
    assert as_fraction.scorecard.bands == as_percent.scorecard.bands == Bands(green=1.0, amber=0.5)


def test_equal_bands_mean_no_amber(tmp_path: Path) -> None:
    schema = _load(tmp_path, _kpi("pass_rate", "{green: 90%, amber: 90%}"))
    assert _figure(schema, "decisions_timely").bands == Bands(green=0.9, amber=0.9)


def test_a_failed_kpi_without_bands_is_green_at_none_and_red_from_one(tmp_path: Path) -> None:
    schema = _load(tmp_path, CHILD + "scorecard:\n  kpis:\n    - id: late_now\n"
                   "      rule: decision_date.required_when_due\n      measure: failed\n")
    late_now = _figure(schema, "late_now")
    assert late_now.bands == Bands(green=0, amber=0)
    assert (late_now.bands.rag(0, lower_is_better=True), late_now.bands.rag(1, lower_is_better=True)) == ("green",
                                                                                                         "red")
