"""``refcheck rules``: the rule catalogue of a schema."""

from __future__ import annotations

import click

from refcheck.checks.catalogue import catalogue
from refcheck.cli.common import fail, say
from refcheck.cli.exit_codes import READS_SCHEMA, epilog
from refcheck.reports.catalogue import render_catalogue_json, render_catalogue_markdown, render_catalogue_text
from refcheck.schemas import DEFAULT_SCHEMA, RefcheckError, load_schema

_RENDER = {"text": render_catalogue_text, "markdown": render_catalogue_markdown, "json": render_catalogue_json}


@click.command(epilog=epilog("refcheck rules --schema council.yaml --format markdown > rules.md",
                            codes=READS_SCHEMA))
@click.option("--schema", "schema_name", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--format", "form", type=click.Choice(list(_RENDER)), default="text", show_default=True,
              help="How to print the catalogue.")
def rules(schema_name: str, form: str) -> None:
    """List every rule: what it checks, why, how to fix it, examples, and its pandera and GX export."""
    try:
        schema = load_schema(schema_name)
        entries = catalogue(schema)
    except RefcheckError as err:
        raise fail(err) from None
    say(_RENDER[form](schema, entries), nl=False)
