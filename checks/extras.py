"""Optional dependencies: what ``pip install refcheck[EXTRA]`` adds, and the one line saying so when it is missing.

``pip install refcheck`` is for the nightly job (check, scorecard, profile, init) and stays small;
running the rules in Great Expectations, reading databases and generating the synthetic sample
need heavier libraries, installed as extras. Each path calls ``require`` where it first imports
one, so that a missing library is a usage error naming the extra, not a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass

from refcheck.schemas import RefcheckError


@dataclass(frozen=True, slots=True)
class Extra:
    """A pip extra of refcheck: the modules it installs, each with the name people know its library by."""

    name: str
    libraries: Mapping[str, str]


GX = Extra("gx", {"great_expectations": "Great Expectations", "sqlalchemy": "SQLAlchemy"})
DATABASE = Extra("database", {"sqlalchemy": "SQLAlchemy", "psycopg": "psycopg"})
SAMPLE = Extra("sample", {"numpy": "NumPy"})
DUCKDB = Extra("duckdb", {"duckdb": "DuckDB", "duckdb_engine": "duckdb-engine", "sqlalchemy": "SQLAlchemy"})


class MissingExtra(RefcheckError):
    """A library that a command needs is not installed: the message names the extra that installs it."""

    def __init__(self, needed_by: str, library: str, extra: Extra) -> None:
        super().__init__(f"{needed_by} needs {library}: pip install 'refcheck[{extra.name}]'")
        self.extra = extra


def require(extra: Extra, needed_by: str, *modules: str) -> None:
    """Import the extra's modules (or only ``modules`` of them), or raise ``MissingExtra`` naming the first missing.

    ``needed_by`` says what needs it, as the message's subject: ``refcheck export gx``, ``reading a database``.
    """
    for module in modules or tuple(extra.libraries):
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtra(needed_by, extra.libraries[module], extra) from None
