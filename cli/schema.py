"""``refcheck schema``: check a schema (and a mapping) without data, or show it as written or resolved."""

from __future__ import annotations

from pathlib import Path

import click

from refcheck.checks import bind_rules
from refcheck.checks.wording import counted
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
    say(printable(f"{schema_file}: valid schema {resolved.name!r} v{resolved.version}{extends}: "
                  f"{counted(len(resolved.fields), 'field')}, {counted(len(rules), 'rule')}, "
                  f"{counted(len(resolved.scorecard.kpis), 'headline figure')}"))
    if mapping is not None:
        say(printable(f"{mapping_path}: valid mapping: {counted(len(mapping.fields), 'field')}, "
                      f"{counted(len(mapping.null_tokens), 'null token')}"))


@schema.command(name="show", epilog=epilog("refcheck schema show council.yaml --resolved", codes=READS_SCHEMA))
@click.argument("schema_file", metavar="[FILE|NAME]", required=False)
@click.option("--schema", "schema_option", default=None, metavar="NAME|PATH",
              help=f"The same as FILE|NAME, as other commands name it.  [default: {DEFAULT_SCHEMA}]")
@click.option("--resolved", is_flag=True, help="The effective schema: extends applied and shorthands expanded.")
def schema_show(schema_file: str | None, schema_option: str | None, resolved: bool) -> None:
    """Print a schema (FILE|NAME) as written, or resolved (a valid schema itself, ready to save and edit)."""
    if schema_file is not None and schema_option is not None:
        raise click.UsageError("give the schema as FILE|NAME or as --schema, not both")
    name = schema_file or schema_option or DEFAULT_SCHEMA
    loaded = load_schema(name)
    bind_rules(loaded)
    say(resolved_yaml(loaded) if resolved else schema_text(name), nl=False)
