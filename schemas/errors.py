"""Errors every layer can raise: one line that says where and what, never a record value."""

from __future__ import annotations


class RefcheckError(Exception):
    """Bad input, reported to the user as one line: ``<where>: <problem>``."""


class SchemaError(RefcheckError):
    """A schema file is invalid; the message starts with ``file:line: path.in.document:``."""
