"""``refcheck schema``: check a schema (and a mapping) without data, or show it as written or resolved."""

from __future__ import annotations

from pathlib import Path

import click

from refcheck.checks import bind_rules
from refcheck.cli.common import say
from refcheck.cli.exit_codes import READS_SCHEMA, epilog
from refcheck.cli.guard import GuardedGroup
from refcheck.schemas import DEFAULT_SCHEMA, load_mapping, load_schema
from refcheck.schemas.loader import schema_text
from refcheck.schemas.show import resolved_yaml
from refcheck.schemas.yamldoc import printable


@click.group(cls=GuardedGroup)
def schema() -> None:
    """Check a schema without data, or show the effective schema after extends."""


@schema.command(name="check", epilog=epilog("refcheck schema check council.yaml", codes=READS_SCHEMA))
@click.argument("schema_file", metavar="FILE|NAME")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also validate this mapping file against the schema's fields.")
def schema_check(schema_file: str, mapping_path: Path | None) -> None:
    """Validate a schema (and a mapping): every key, kind, parameter, field and id, with file:line errors."""
    resolved = load_schema(schema_file)
    rules = bind_rules(resolved)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    extends = f" (extends {' -> '.join(resolved.extends)})" if resolved.extends else ""
    say(printable(f"{schema_file}: valid schema {resolved.name!r} v{resolved.version}{extends}: {len(resolved.fields)} "
                  f"fields, {len(rules)} rules, {len(resolved.scorecard.kpis)} headline figures"))
    if mapping is not None:
        say(printable(f"{mapping_path}: valid mapping: {len(mapping.fields)} fields, "
                      f"{len(mapping.null_tokens)} null tokens"))


@schema.command(name="show",
                epilog=epilog("refcheck schema show --schema council.yaml --resolved", codes=READS_SCHEMA))
@click.option("--schema", "schema_name", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="A bundled schema name or a schema file.")
@click.option("--resolved", is_flag=True, help="The effective schema: extends applied and shorthands expanded.")
def schema_show(schema_name: str, resolved: bool) -> None:
    """Print a schema as written, or resolved (a valid schema itself, ready to save and edit)."""
    loaded = load_schema(schema_name)
    bind_rules(loaded)
    say(resolved_yaml(loaded) if resolved else schema_text(schema_name), nl=False)
