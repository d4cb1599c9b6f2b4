"""Errors about the data being checked (schema errors live in ``refcheck.schemas``)."""

from __future__ import annotations

from refcheck.schemas.errors import RefcheckError


class ExtractError(RefcheckError):
    """The extract cannot be read or used; the message starts with the file's name."""
