"""The installed refcheck version, for reports."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def refcheck_version() -> str:
    """The version of the installed distribution."""
    try:
        return version("refcheck")
    except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled tree
        return "0+unknown"
