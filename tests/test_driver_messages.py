"""A driver's error message may quote data; what reaches a person (and a CI log) never does.

A value SQLite cannot decode is quoted whole in its error ("with text '<the value>'"), and
PostgreSQL quotes a value it cannot cast; such messages become refcheck's one-line errors only with
every quoted value hidden, while the names that help (the table, a column, the host) stay.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from refcheck.checks.readers.uri import hide_data
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import cli
from tests.conftest import SAMPLE_AS_OF

TEXT = "Jane Sm\xefth SENTINEL said dad hit her"
FRAGMENTS = ("SENTINEL", "Jane", "dad hit")


def _undecodable_table(path: Path) -> str:
    """A SQLite table whose referral_reason holds Latin-1 bytes typed as text, as a bad load leaves them."""
    frame = generate(20, seed=1, as_of=SAMPLE_AS_OF).select(pl.all().cast(pl.String))
    names = frame.columns
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t ({})".format(", ".join(f'"{name}" text' for name in names)))
    for row in frame.iter_rows():
        values = [sqlite3.Binary(TEXT.encode("latin-1")) if name == "referral_reason" else value
                  for name, value in zip(names, row, strict=True)]
        connection.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(names))})", values)
    connection.execute("UPDATE t SET referral_reason = CAST(referral_reason AS TEXT)")
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", ["check", "profile", "map", "init", "gx"])
def test_a_value_sqlite_cannot_decode_is_not_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    command: str) -> None:
    uri = _undecodable_table(tmp_path / "l1.sqlite")
    monkeypatch.chdir(tmp_path)
    args = {"init": ["init", "--from", uri], "gx": ["check", "--engine", "gx", "--source", uri]}.get(command,
                                                                                          [command, uri])
    result = CliRunner().invoke(cli, [*args, "--table", "t"])
    output = result.stdout + result.stderr
    assert result.exit_code == 4, output
    assert len(output.strip().splitlines()) == 1, output
    assert not [fragment for fragment in FRAGMENTS if fragment in output], output
    assert "column 'referral_reason'" in output


@pytest.mark.parametrize(("message", "shown"), [
    ('connection to server at "127.0.0.1", port 1 failed: Connection refused',
     'connection to server at "127.0.0.1", port 1 failed: Connection refused'),
    ('relation "referrals" does not exist', 'relation "referrals" does not exist'),
    ('column "Referral reason" does not exist', 'column "Referral reason" does not exist'),
    ('invalid input syntax for type integer: "SENTINEL text"', "invalid input syntax for type integer: '…'"),
    ('invalid byte sequence for encoding "UTF8": 0xef 0x74', 'invalid byte sequence for encoding "UTF8": 0x…'),
    ('duplicate key value violates unique constraint "pk" DETAIL:  Key (id)=(Jane SENTINEL) already exists.',
     "duplicate key value violates unique constraint \"pk\" DETAIL: '…'"),
    ("Key (id)=(Jane SENTINEL) already exists", "Key (…)=(…) already exists"),
    ("Failing row contains (1, Jane SENTINEL).", "Failing row contains (…)."),
    ("value 'Jane O'Brien SENTINEL' is too long", "value '…' is too long"),
    ('unterminated "Jane SENTINEL', "unterminated '…'"),
    ("can't read 'Jane SENTINEL', sorry", "can't read '…', sorry"),
])
def test_quoted_values_are_hidden_and_names_kept(message: str, shown: str) -> None:
    assert hide_data(message, "postgresql://reader@127.0.0.1:1/cs", ["t", "Referral reason"]) == shown


def test_a_value_postgresql_cannot_cast_is_not_quoted(postgres_uri: str) -> None:
    query = "SELECT CAST('Jane SENTINEL text' AS integer) AS n"
    result = CliRunner().invoke(cli, ["check", postgres_uri, "--query", query])
    output = result.stdout + result.stderr
    assert result.exit_code == 4, output
    assert len(output.strip().splitlines()) == 1, output
    assert not [fragment for fragment in FRAGMENTS if fragment in output], output
    assert "integer" in output
