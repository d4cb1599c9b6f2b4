"""Durations as schemas write them, and the one message for anything else."""

from __future__ import annotations

import pytest

from refcheck.checks.durations import Duration, DurationText, Unit, duration


@pytest.mark.parametrize(("text", "expected"), [
    ("10 working days", Duration(10, Unit.WORKING_DAYS)),
    ("1 working day", Duration(1, Unit.WORKING_DAYS)),
    ("30 days", Duration(30, Unit.DAYS)),
    ("1 day", Duration(1, Unit.DAYS)),
    ("4 weeks", Duration(4, Unit.WEEKS)),
    ("1 week", Duration(1, Unit.WEEKS)),
    ("3 months", Duration(3, Unit.MONTHS)),
    ("1 month", Duration(1, Unit.MONTHS)),
    ("  6   Months ", Duration(6, Unit.MONTHS)),
    ("0 working days", Duration(0, Unit.WORKING_DAYS)),
])
def test_a_duration_is_a_whole_number_and_a_unit(text: str, expected: Duration) -> None:
    assert duration(text) == expected


@pytest.mark.parametrize("text", ["10", "working days", "ten days", "10 wrking days", "1.5 days", "-3 days",
                                  "10 business days", "3 months ago", "10working days", ""])
def test_anything_else_is_refused_with_the_forms_it_may_take(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration; write a whole number and a unit, such as "
                                         r'"10 working days", "1 working day", "30 days", "4 weeks" or "3 months"'):
        duration(text)


def test_a_duration_is_written_back_as_a_schema_would_write_it() -> None:
    assert [str(duration(text)) for text in ("1 working days", "10 working day", "1 months", "4 week")] == \
        ["1 working day", "10 working days", "1 month", "4 weeks"]


def test_a_timescale_is_days_or_a_written_duration_exactly_one() -> None:
    from refcheck.checks.kinds.presence import RequiredWhen
    from refcheck.checks.kinds.timeliness import WithinWorkingDays

    assert WithinWorkingDays.exactly_one_of == (("days", "within"),)
    assert WithinWorkingDays(start="a", end="b", within="3 months").limit == Duration(3, Unit.MONTHS)
    assert WithinWorkingDays(start="a", end="b", days=2).limit == Duration(2, Unit.WORKING_DAYS)
    for given in ({}, {"days": 1, "within": "1 working day"}):
        with pytest.raises(ValueError, match="^give exactly one of days or within$"):
            WithinWorkingDays(start="a", end="b", **given)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^within: a text of 14 characters is not a duration; write a whole number"):
        WithinWorkingDays(start="a", end="b", within="10 wrking days")
    assert RequiredWhen(field="f", overdue_since="s", overdue_after="4 weeks").overdue_limit == Duration(4, Unit.WEEKS)
    with pytest.raises(ValueError, match="^give exactly one of working_days or overdue_after$"):
        RequiredWhen(field="f", overdue_since="s", working_days=1, overdue_after="1 day")
    with pytest.raises(ValueError, match="^working_days and overdue_after go with overdue_since$"):
        RequiredWhen(field="f", present="p", overdue_after="1 day")


def test_a_duration_parameter_keeps_its_text_and_refuses_a_number_or_a_list() -> None:
    assert DurationText.parse("4  Weeks", "first") == "4  Weeks"
    assert DurationText.parse(Duration(1, Unit.MONTHS)) == "1 month"
    with pytest.raises(ValueError, match="^every: a duration is a whole number and a unit, such as .*; got a number$"):
        DurationText.parse(10, "every")
    with pytest.raises(ValueError, match="^a duration is a whole number and a unit, such as .*; got a list$"):
        DurationText.parse(["10 days"])
    with pytest.raises(ValueError, match="^first: a text of 12 characters is not a duration"):
        DurationText.parse("10 work days", "first")
