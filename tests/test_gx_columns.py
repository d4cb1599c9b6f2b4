"""The GX engine refuses a table without the schema's columns in the words the Polars path uses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from refcheck.checks.errors import ExtractError
from refcheck.checks.interop.gx_engine import validate_sql
from refcheck.checks.readers.columns import OTHER_SYSTEM_HINT
from refcheck.schemas import load_schema
from tests.conftest import SAMPLE_AS_OF


def test_a_table_with_another_systems_headers_gets_the_init_hint(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE referrals ('Ref No' TEXT, 'Team Name' TEXT)")
    url = f"sqlite:///{path}"
    with pytest.raises(ExtractError) as raised:
        validate_sql(url, "referrals", load_schema("wales-referral"), as_of=SAMPLE_AS_OF)
    message = str(raised.value)
    assert message.startswith(f"{url} table referrals: missing columns: referral_id, ")
    assert message.endswith(OTHER_SYSTEM_HINT)
