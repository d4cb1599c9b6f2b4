"""The Jinja2 environment every HTML page is rendered in: autoescaping, so no value from the data is markup."""

from __future__ import annotations

import jinja2

PAGES = jinja2.Environment(
    loader=jinja2.PackageLoader("refcheck.reports", "templates"),
    autoescape=True,  # team names, column names and values all come from the extract
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
