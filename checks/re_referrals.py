"""The scorecard's re-referral measure: the same person referred again within some days.

Counted per team from the primary record type's collected flags, after its one pass.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from refcheck.checks.internal import internal
from refcheck.checks.kinds import rows_with_repeated_hash

RE_REFERRAL = internal("re_referral")
PERSON = internal("person")
MOMENT = internal("moment")
HASH = internal("hash")


def re_referrals_checked() -> list[pl.Expr]:
    """Per team, the referrals a re-referral can be asked of: those with a person and a time."""
    return [(pl.col(PERSON).is_not_null() & pl.col(MOMENT).is_not_null()).sum().alias(internal("checked", RE_REFERRAL))]


def re_referrals_failed(flags: pl.DataFrame, within_days: int, team: str) -> pl.DataFrame:
    """Per team, re-referrals: the person had another referral in the days before.

    Sorted by person and time, the latest strictly earlier referral is a shift away. Only the
    person, time and team are sorted, by the person's hash and the time (twice as fast as sorting
    text); two people whose hashes collide would interleave, so then the text decides too.
    Referrals at the same moment are not earlier than each other, so a run of equal times takes the
    time before the run. Only the rows whose hash is on another row are sorted, and counted: a
    person's only referral is never a re-referral (``re_referrals_checked`` counts the referrals
    checked, every row with a person and a time). A row without either is never a re-referral.
    """
    person, moment = pl.col(PERSON), pl.col(MOMENT)
    hashed = flags.select(team, PERSON, MOMENT, person.hash().alias(HASH))
    narrow = by_person(hashed[rows_with_repeated_hash(hashed.get_column(HASH))])
    same_person = (person == person.shift(1)).fill_null(False)
    starts_run = ~same_person | (moment != moment.shift(1)).fill_null(True)
    before = pl.when(same_person & moment.shift(1).is_not_null()).then(moment.shift(1)).otherwise(pl.lit(_NONE))
    earlier = pl.when(starts_run).then(before).forward_fill()
    earlier = pl.when(earlier != pl.lit(_NONE)).then(earlier)
    recent = (moment.dt.date() - earlier.cast(pl.Date)).dt.total_days() <= within_days
    return (narrow.lazy().select(team, recent.fill_null(False).alias(RE_REFERRAL))
            .group_by(team).agg(pl.col(RE_REFERRAL).sum().alias(internal("failed", RE_REFERRAL))).collect())


def by_person(narrow: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted so that each person's referrals are together, oldest first (``HASH`` is the person's hash).

    A missing person is a person apart here: its hash may collide with a real person's too.
    """
    person, key = pl.col(PERSON), pl.col(HASH)
    ordered = narrow.sort(HASH, MOMENT)
    if ordered.select(((key == key.shift(1)) & person.ne_missing(person.shift(1))).any()).item():
        return narrow.sort(HASH, PERSON, MOMENT)  # NOTE: two people share a hash: the text decides
    return ordered


_NONE = dt.datetime(1, 1, 1)
"""Marks "no earlier referral" through a forward fill, which would carry a null over it."""
