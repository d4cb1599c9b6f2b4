"""Credentials never appear anywhere: not in a message, a label, a report, the history or a page.

A sentinel password goes through every command that takes a database URI, in every form a URI can
carry it (user part, empty user, query parameters, raw ``@``/``:``/``%``, %-escapes), to a server
that refuses, to a real PostgreSQL server as a read-only role, and through drivers' own errors; no
fragment of it may come out. ``check --engine gx`` runs as a read-only role too, and ``check`` and
``scorecard --engine sql`` as a role whose sessions are read-only, every timeliness rule included.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import polars as pl
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from refcheck.checks.readers.uri import display, scrub
from refcheck.checks.synthetic.sample import generate
from refcheck.cli import cli
from refcheck.cli.common import reading
from refcheck.schemas.yamldoc import printable
from tests.conftest import SAMPLE_AS_OF

SENTINEL = "S3ntinel@pw%40:x"
ENCODED = quote(SENTINEL, safe="")
FRAGMENTS = ("s3ntinel", "pw%40:x", "pw@:x", "pw%2540%3ax", "pw%2540")
"""What must never come out, compared in lower case: the password's mark, and its tail in each form."""

BAD_URIS = [
    f"postgresql://reader:{SENTINEL}@127.0.0.1:1/cs",
    f"postgresql://reader:{ENCODED}@127.0.0.1:1/cs",
    f"postgresql://:{ENCODED}@127.0.0.1:1/cs",
    f"postgresql://:{SENTINEL}@127.0.0.1:1/cs",
    f"postgresql://reader@127.0.0.1:1/cs?password={ENCODED}",
    f"postgresql://reader@127.0.0.1:1/cs?sslmode=disable&sslpassword={ENCODED}",
    f"postgresql://reader@127.0.0.1:1/cs?PassWord={SENTINEL}",
    f"postgresql://reader@127.0.0.1:1/cs?nosuchoption={ENCODED}",
    f"postgresql://reader:{ENCODED}@127.0.0.1:notaport/cs",
    f"postgresql://reader:abc%0A{ENCODED}@127.0.0.1:1/cs",
    f"postgres://reader:{ENCODED}@127.0.0.1:1/cs",
    f"mysql://reader:{ENCODED}@127.0.0.1/cs",
    f"postgresql+psycopg2://reader:{ENCODED}@127.0.0.1:1/cs",
    f"sqlite:///nowhere/{ENCODED}.db?password={ENCODED}",
]


def _leaks(*texts: str) -> list[str]:
    return [fragment for text in texts for fragment in FRAGMENTS if fragment in text.lower()]


def _files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file written under a folder as text; a workbook's (zip) members each."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield path / member, archive.read(member).decode("utf-8", "replace")
        else:
            yield path, data.decode("utf-8", "replace")


def _assert_nothing_leaked(result: Result, folder: Path | None = None) -> None:
    assert not _leaks(result.stdout, result.stderr), (result.stdout[-500:], result.stderr[-500:])
    assert "Traceback" not in result.stdout + result.stderr
    for path, text in _files(folder) if folder is not None else ():
        assert not _leaks(text), path


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def _commands(uri: str, out: Path) -> list[tuple[str | Path, ...]]:
    return [
        ("check", uri, "--table", "referrals", "--json", out / "report.json", "--junit", out / "junit.xml"),
        ("profile", uri, "--table", "referrals"),
        ("map", uri, "--table", "referrals", "--out", out / "mapping.yaml"),
        ("init", "--from", uri, "--table", "referrals", "--dir", out / "council"),
        ("scorecard", uri, "--table", "referrals", "--out", out / "scorecard", "--history", out / "history.db"),
        ("check", "--engine", "gx", "--source", uri, "--table", "referrals", "--json", out / "gx.json"),
        ("scorecard", "--engine", "sql", "--source", uri, "--table", "referrals", "--out", out / "sql",
         "--history", out / "history.db", "--calendar-table", "refcheck_calendar"),
        ("export", "calendar", "--source", uri, "--table", "refcheck_calendar"),
    ]


# -- the one rendering, and the scrubber ----------------------------------------------------------


@pytest.mark.parametrize("uri", BAD_URIS + [
    f"postgresql://reader:{SENTINEL}@db.example:5432/cs?token={ENCODED}&api_key={ENCODED}",
    f"postgresql://reader@db.example/cs?sslkey=/k.pem&sslpassword={ENCODED}&passfile={ENCODED}",
    f"postgresql://reader:{ENCODED}@[::1]:5432/cs",
    f"postgresql://reader:{ENCODED}@db.example/cs?password={ENCODED}&password={ENCODED}",
    f"postgresql://reader:{ENCODED.replace('%40', '%2540')}@db.example/cs",
])
def test_a_uri_is_shown_without_any_credential(uri: str) -> None:
    shown = display(uri)
    assert not _leaks(shown), shown
    assert shown.startswith(uri.split("://")[0] + "://")


def test_a_well_formed_uri_keeps_what_identifies_the_database() -> None:
    assert display(f"postgresql://reader:{ENCODED}@db.example:5433/cs?sslmode=require&password={ENCODED}") == (
        "postgresql://reader:***@db.example:5433/cs?sslmode=require&password=***")
    assert display(f"postgresql://:{ENCODED}@db.example/cs") == "postgresql://:***@db.example/cs"
    assert display("sqlite:////srv/extracts/tonight.db") == "sqlite:////srv/extracts/tonight.db"


@pytest.mark.parametrize("uri", BAD_URIS)
def test_a_drivers_message_is_scrubbed_of_the_uri_and_every_form_of_its_password(uri: str) -> None:
    decoded = SENTINEL.replace("%40", "@")
    message = f'cannot connect to "{uri}": bad password "{SENTINEL}" / "{decoded}" / "{ENCODED}" / "{SENTINEL.upper()}"'
    assert not _leaks(scrub(message, uri)), scrub(message, uri)


def test_a_nul_in_a_uri_is_refused_before_anything_connects(tmp_path: Path) -> None:
    uri = f"postgresql://reader:abc%00{ENCODED}@127.0.0.1:1/cs"
    for args in (("check", uri, "--table", "t"), ("check", "--engine", "gx", "--source", uri, "--table", "t")):
        result = _run(*args)
        assert result.exit_code == 4 and "cannot hold a NUL character" in result.stderr, result.stderr
        _assert_nothing_leaked(result)


def test_engine_gx_reads_a_dollar_in_a_uri_as_written_never_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # NOTE: GX substitutes ${NAME} in a connection string from the environment: a password holding
    # one would be replaced by whatever the variable holds (here, a file's name shows where it went)
    monkeypatch.setenv("REFCHECK_ELSEWHERE", "elsewhere")
    path = tmp_path / "${REFCHECK_ELSEWHERE}.db"
    frame = generate(20, seed=5, as_of=SAMPLE_AS_OF).with_columns(team=pl.lit("Bridgend"))
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE referrals ({', '.join(f'{name!r} TEXT' for name in frame.columns)})")
        db.executemany(f"INSERT INTO referrals VALUES ({', '.join('?' for _ in frame.columns)})", frame.rows())
    result = _run("check", "--engine", "gx", "--source", f"sqlite:///{path}", "--table", "referrals")
    assert result.exit_code in {0, 1}, result.stderr
    assert not (tmp_path / "elsewhere.db").exists()


# -- every command, every form, to a server that is not there -------------------------------------


@pytest.mark.parametrize("uri", BAD_URIS)
def test_no_command_shows_a_credential_when_the_database_cannot_be_reached(uri: str, tmp_path: Path) -> None:
    for args in _commands(uri, tmp_path):
        result = _run(*args)
        assert result.exit_code in {2, 4}, (args[0], result.exit_code, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        _assert_nothing_leaked(result, tmp_path)


def test_a_subprocess_ends_in_one_line_and_exit_4_for_a_bad_database(tmp_path: Path) -> None:
    refcheck = shutil.which("refcheck") or ""
    command = [refcheck] if refcheck else [sys.executable, "-m", "refcheck.cli"]
    for uri in (BAD_URIS[0], BAD_URIS[4], BAD_URIS[11]):
        for args in (["check", uri, "--table", "t"], ["check", "--engine", "gx", "--source", uri, "--table", "t"]):
            done = subprocess.run(command + args, capture_output=True, text=True, timeout=300,
                                  env={**os.environ, "CI": "1"})
            assert done.returncode == 4, done.stderr
            assert len(done.stderr.strip().splitlines()) == 1 and not _leaks(done.stdout, done.stderr), done.stderr


# -- a real PostgreSQL server, as read-only roles whose password is the sentinel -------------------

DATABASE = "refcheck_credentials"


def _as_superuser(script: str, database: str = "postgres") -> None:
    if os.geteuid() != 0 or shutil.which("su") is None:
        pytest.skip("creating roles needs root (su postgres) on the test server's machine")
    done = subprocess.run(["su", "postgres", "-c", f"psql -qX -v ON_ERROR_STOP=1 -d {database}"], input=script,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.skip(f"cannot administer the test PostgreSQL server: {done.stderr.strip()[-300:]}")


@pytest.fixture(scope="module")
def readers(postgres_uri: str) -> dict[str, str]:
    """Roles that may only read one table of their own database: ``reader``, and ``frozen`` (read-only sessions)."""
    frame = generate(120, seed=5, as_of=SAMPLE_AS_OF)
    _as_superuser(
        f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);\n"
        "DROP ROLE IF EXISTS refcheck_reader;\nDROP ROLE IF EXISTS refcheck_frozen;\n"
        f"CREATE ROLE refcheck_reader LOGIN PASSWORD '{SENTINEL}';\n"
        f"CREATE ROLE refcheck_frozen LOGIN PASSWORD '{SENTINEL}';\n"
        "ALTER ROLE refcheck_frozen SET default_transaction_read_only = on;\n"
        f"CREATE DATABASE {DATABASE};\n")
    columns = ", ".join(f'"{name}" TEXT' for name in frame.columns)
    _as_superuser(
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n"
        f"CREATE TABLE referrals ({columns});\n"
        "GRANT SELECT ON referrals TO refcheck_reader, refcheck_frozen;\n"
        "COPY referrals FROM STDIN WITH (FORMAT csv, HEADER true);\n" + frame.write_csv() + "\\.\n",
        database=DATABASE)
    server = make_url(postgres_uri)
    where = f"{server.host or '127.0.0.1'}:{server.port or 5432}"
    return {role: f"postgresql://refcheck_{role}:{ENCODED}@{where}/{DATABASE}" for role in ("reader", "frozen")}


@pytest.mark.parametrize("command", ["check", "profile", "map", "scorecard"])
def test_a_read_only_role_runs_every_command_and_its_password_appears_nowhere(
        readers: dict[str, str], command: str, tmp_path: Path) -> None:
    args = next(args for args in _commands(readers["reader"], tmp_path) if args[0] == command)
    result = _run(*args)
    assert result.exit_code in {0, 1}, result.stderr
    _assert_nothing_leaked(result, tmp_path)
    if command == "check":
        assert json.loads((tmp_path / "report.json").read_text())["source"]["path"] == display(readers["reader"])
        assert "refcheck_reader:***@" in display(readers["reader"])


def test_init_from_a_database_writes_no_password_into_the_folder(readers: dict[str, str], tmp_path: Path) -> None:
    result = _run("init", "--from", readers["reader"], "--table", "referrals", "--dir", tmp_path / "council")
    assert result.exit_code == 0, result.stderr
    _assert_nothing_leaked(result, tmp_path)


def test_drivers_errors_from_a_real_server_are_one_line_without_the_password(
        readers: dict[str, str], tmp_path: Path) -> None:
    wrong = readers["reader"].replace(ENCODED, quote("S3ntinel-wrong%", safe=""))
    cases = [
        (wrong, ("--table", "referrals"), "password authentication failed"),
        (readers["reader"], ("--table", "nope"), "nope"),
        (readers["reader"], ("--query", "SELEC broken"), "syntax error"),
        (readers["reader"].replace(DATABASE, "no_such_database"), ("--table", "referrals"), "no_such_database"),
    ]
    for uri, options, said in cases:
        for command in ("check", "profile"):
            result = _run(command, uri, *options)
            assert result.exit_code == 4, result.stderr
            assert len(result.stderr.strip().splitlines()) == 1 and said in result.stderr, result.stderr
            _assert_nothing_leaked(result, tmp_path)
    gx = _run("check", "--engine", "gx", "--source", wrong, "--table", "referrals")
    assert gx.exit_code == 4 and "password authentication failed" in gx.stderr, gx.stderr
    _assert_nothing_leaked(gx)


def test_engine_gx_as_a_read_only_role_gives_the_polars_engines_counts(readers: dict[str, str],
                                                                      tmp_path: Path) -> None:
    args = ("--table", "referrals", "--as-of", SAMPLE_AS_OF.isoformat())
    gx = _run("check", "--engine", "gx", "--source", readers["reader"], *args, "--json", tmp_path / "gx.json",
              "--junit", tmp_path / "gx.xml")
    polars = _run("check", readers["reader"], *args, "--json", tmp_path / "polars.json")
    assert gx.exit_code == polars.exit_code == 1, gx.stderr
    _assert_nothing_leaked(gx, tmp_path)
    gx_report, polars_report = (json.loads((tmp_path / name).read_text()) for name in ("gx.json", "polars.json"))
    assert gx_report["rules"] == polars_report["rules"]
    assert gx_report["source"]["path"] == f"{display(readers['reader'])} table referrals"


def test_engine_sql_in_a_read_only_session_gives_the_polars_engines_counts(readers: dict[str, str],
                                                                           tmp_path: Path) -> None:
    """A role that may not create even a temporary table runs every rule, timeliness included."""
    args = ("--table", "referrals", "--as-of", SAMPLE_AS_OF.isoformat())
    in_sql = _run("check", "--engine", "sql", "--source", readers["frozen"], *args, "--json", tmp_path / "sql.json")
    polars = _run("check", readers["reader"], *args, "--json", tmp_path / "polars.json")
    assert in_sql.exit_code == polars.exit_code == 1, in_sql.stderr
    _assert_nothing_leaked(in_sql, tmp_path)
    sql_report, polars_report = (json.loads((tmp_path / name).read_text()) for name in ("sql.json", "polars.json"))
    assert sql_report["rules"] == polars_report["rules"]
    wrong = readers["reader"].replace(ENCODED, quote("S3ntinel-wrong%", safe=""))
    refused = _run("check", "--engine", "sql", "--source", wrong, "--table", "referrals")
    assert refused.exit_code == 4 and "password authentication failed" in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    _assert_nothing_leaked(refused)


def test_engine_gx_where_not_even_a_temporary_table_may_be_made_says_so_in_one_line(
        readers: dict[str, str]) -> None:
    result = _run("check", "--engine", "gx", "--source", readers["frozen"], "--table", "referrals")
    assert result.exit_code == 4, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "refcheck_calendar" in result.stderr and "refcheck export calendar" in result.stderr
    _assert_nothing_leaked(result)


@pytest.mark.parametrize("uri", BAD_URIS)
def test_an_os_error_while_reading_a_database_names_it_without_its_password(uri: str) -> None:
    with pytest.raises(click.ClickException) as caught, reading(uri):
        raise OSError(errno.ECONNRESET, os.strerror(errno.ECONNRESET))
    message = caught.value.format_message()
    assert message == f"{printable(display(uri))}: cannot be read ({os.strerror(errno.ECONNRESET)})"
    assert not any(fragment in message.lower() for fragment in FRAGMENTS) and "\n" not in message


def _timeliness_ran(report: dict[str, Any]) -> list[str]:
    """The timeliness rules that ran and checked rows; the report must have some."""
    timely = [rule for rule in report["rules"] if rule["category"] == "timeliness"]
    assert timely
    return [rule["id"] for rule in timely if rule["status"] == "run" and rule["checked"] > 0]


def test_engine_sql_scorecard_in_a_read_only_session_gives_the_polars_engines_files(readers: dict[str, str],
                                                                                   tmp_path: Path) -> None:
    """Every timeliness rule, its worklist rows and working days, for a role that may create nothing."""
    args = ("--table", "referrals", "--as-of", SAMPLE_AS_OF.isoformat(), "--include-columns", "child_id")
    in_sql = _run("scorecard", "--engine", "sql", "--source", readers["frozen"], *args, "--out", tmp_path / "sql",
                  "--history", tmp_path / "history.db")
    polars = _run("scorecard", readers["reader"], *args, "--out", tmp_path / "polars", "--no-history")
    assert in_sql.exit_code == polars.exit_code == 0, in_sql.stderr
    _assert_nothing_leaked(in_sql, tmp_path)
    sql_report, polars_report = (json.loads((tmp_path / name / "report.json").read_text())
                                 for name in ("sql", "polars"))
    assert sql_report["rules"] == polars_report["rules"]
    timely = _timeliness_ran(sql_report)
    assert len(timely) == len([rule for rule in sql_report["rules"] if rule["category"] == "timeliness"]), timely
    for worklist in (tmp_path / "polars" / "worklists").iterdir():
        assert (tmp_path / "sql" / "worklists" / worklist.name).read_bytes() == worklist.read_bytes(), worklist.name


def test_a_calendar_table_serves_a_read_only_role_and_only_its_owner_may_make_it(readers: dict[str, str],
                                                                                 tmp_path: Path) -> None:
    refused = _run("export", "calendar", "--source", readers["frozen"], "--table", "refcheck_calendar")
    assert refused.exit_code == 4 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "table refcheck_calendar: cannot be written (" in refused.stderr
    _assert_nothing_leaked(refused)
    _as_superuser("DROP TABLE IF EXISTS refcheck_calendar;\n" + _run("export", "calendar", "--format", "sql").stdout
                  + "GRANT SELECT ON refcheck_calendar TO refcheck_reader, refcheck_frozen;\n", database=DATABASE)
    args = ("--table", "referrals", "--as-of", SAMPLE_AS_OF.isoformat())
    with_table = _run("check", "--engine", "sql", "--source", readers["frozen"], *args, "--calendar-table",
                      "refcheck_calendar", "--json", tmp_path / "table.json")
    polars = _run("check", readers["reader"], *args, "--json", tmp_path / "polars.json")
    assert with_table.exit_code == polars.exit_code == 1, with_table.stderr
    _assert_nothing_leaked(with_table, tmp_path)
    table_report, polars_report = (json.loads((tmp_path / name).read_text()) for name in ("table.json", "polars.json"))
    assert table_report["rules"] == polars_report["rules"] and _timeliness_ran(table_report)
