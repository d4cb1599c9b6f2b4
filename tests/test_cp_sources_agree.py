"""Issue 28's promise: the same child protection records read from a folder, an Excel workbook, SQLite and
PostgreSQL give the same report, rule by rule and team by team, with the same rows for every record type."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from refcheck.checks import Report, validate
from tests.conftest import ROOT

AS_OF = dt.date(2026, 11, 20)
TYPES = ("referrals", "cp_plans", "cp_visits", "cp_reviews")
DATABASE = "refcheck_cp_sources"


def _rows(name: str) -> tuple[list[str], list[list[str]]]:
    with (ROOT / "sample_data" / f"{name}.csv").open(newline="", encoding="utf-8") as source:
        header, *rows = list(csv.reader(source))
    return header, rows


def _shape(report: Report) -> tuple[object, ...]:
    """What must not depend on where the records were read from: every count, and each record type's rows."""
    rows = {name: (s.source.rows_read, s.source.rows_checked, s.source.rows_unreadable) if s.source else None
            for name, s in report.sources.items()}
    return ([(r.rule.id, r.ran, r.by_team) for r in report.results], rows, report.teams,
            [(w.field, w.kind, w.share) for w in report.warnings])


@pytest.fixture(scope="module")
def from_folder() -> Report:
    return validate(ROOT / "sample_data", "wales", as_of=AS_OF)


def test_a_workbook_with_a_sheet_per_record_type_gives_the_folders_report(from_folder: Report, tmp_path: Path) -> None:
    import xlsxwriter

    book = tmp_path / "extract.xlsx"
    workbook = xlsxwriter.Workbook(book)
    for name in TYPES:
        header, rows = _rows(name)
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate([header, *rows]):
            for column, value in enumerate(row):
                if value != "":
                    sheet.write_string(number, column, value)
    workbook.close()
    assert _shape(validate(book, "wales", as_of=AS_OF)) == _shape(from_folder)


def test_sqlite_with_a_table_per_record_type_gives_the_folders_report(from_folder: Report, tmp_path: Path) -> None:
    database = tmp_path / "extract.db"
    with sqlite3.connect(database) as connection:
        for name in TYPES:
            header, rows = _rows(name)
            connection.execute(f"CREATE TABLE {name} ({', '.join(f'{column} TEXT' for column in header)})")
            connection.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(header))})", rows)
    connection.close()
    assert _shape(validate(f"sqlite:///{database}", "wales", as_of=AS_OF)) == _shape(from_folder)


def test_postgresql_with_a_table_per_record_type_gives_the_folders_report(from_folder: Report,
                                                                          postgres_uri: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(postgres_uri) as db:
        db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(DATABASE)))
        db.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(DATABASE)))
        for name in TYPES:
            header, rows = _rows(name)
            table = sql.Identifier(DATABASE, name)
            db.execute(sql.SQL("CREATE TABLE {} ({})").format(
                table, sql.SQL(", ").join(sql.SQL("{} TEXT").format(sql.Identifier(column)) for column in header)))
            with db.cursor() as cursor:
                cursor.executemany(sql.SQL("INSERT INTO {} VALUES ({})").format(
                    table, sql.SQL(", ").join(sql.Placeholder() for _ in header)),
                    [[value if value != "" else None for value in row] for row in rows])
    joiner = "&" if "?" in postgres_uri else "?"
    uri = f"{postgres_uri}{joiner}options=-csearch_path%3D{DATABASE}"  # NOTE: the tables of this schema alone
    report = validate(uri.replace("postgresql://", "postgresql+psycopg://", 1), "wales", as_of=AS_OF)
    assert _shape(report) == _shape(from_folder)
