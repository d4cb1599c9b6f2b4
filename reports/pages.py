"""The Jinja2 environment every HTML page is rendered in: autoescaping, so no value from the data is markup."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from refcheck.reports.escapes import visible


def _shown(value: Any) -> Any:
    """Every text a page shows has its control characters escaped (``visible``) before it is autoescaped."""
    return visible(value) if isinstance(value, str) and not isinstance(value, Markup) else value


PAGES = jinja2.Environment(
    loader=jinja2.PackageLoader("refcheck.reports", "templates"),
    autoescape=True,  # team names, column names and values all come from the extract
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_shown,
)
