"""``refcheck schema``: check a schema (and a mapping) without data, or show it as written or resolved."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from refcheck.checks import bind_rules
from refcheck.checks.wording import counted
from refcheck.cli.common import reading, say, shown
from refcheck.cli.exit_codes import READS_EXTRACT, READS_SCHEMA, epilog
from refcheck.cli.guard import GuardedGroup
from refcheck.cli.read_options import ReadSettings, read_options
from refcheck.schemas import DEFAULT_SCHEMA, Schema, SchemaError, Where, load_mapping, load_schema
from refcheck.schemas.errors import all_of
from refcheck.schemas.loader import read_schema, schema_text
from refcheck.schemas.mapping import date_format_places
from refcheck.schemas.show import resolved_yaml
from refcheck.schemas.yamldoc import load_yaml, printable


@click.group(cls=GuardedGroup)
def schema() -> None:
    """Check a schema without data, or show the effective schema after extends."""


@schema.command(name="check", epilog=epilog("refcheck schema check schema.yaml --mapping mapping.yaml "
                                             "--against export.csv", codes=READS_EXTRACT))
@click.argument("schema_file", metavar="FILE|NAME")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also validate this mapping file against the schema's fields.")
@click.option("--against", "extract", default=None, metavar="EXTRACT",
              help="Also try the mapping (else the schema's own) on this extract: its columns are there, and "
                   "each date_format reads some of its column's values.")
@read_options()
def schema_check(schema_file: str, mapping_path: Path | None, extract: str | None, read: ReadSettings) -> None:
    """Validate a schema (and a mapping): every key, kind, parameter, field and id, with file:line errors.

    With --against, the mapping is tried on an extract: a date_format that reads none of its column's
    values is refused (exit 3) at its line, and how many each reads is said otherwise.
    """
    if extract is None and any(value is not None for value in dataclasses.asdict(read.given).values()):
        raise click.UsageError("the read options are for --against EXTRACT; give it, or leave them out")
    resolved, problems = read_schema(schema_file)
    rules = problems.attempt(lambda: bind_rules(resolved), ()) if resolved is not None and not problems.found else ()
    mapping = problems.attempt(lambda: load_mapping(mapping_path, resolved), None) if mapping_path else None
    problems.raise_any()  # NOTE: the schema's mistakes and the mapping's, together
    assert resolved is not None  # NOTE: without a schema, raise_any has raised why
    extends = f" (extends {' -> '.join(resolved.extends)})" if resolved.extends else ""
    say(printable(f"{schema_file}: valid schema {resolved.name!r} v{resolved.version}{extends}: "
                  f"{_amounts(resolved, len(rules))}, {counted(len(resolved.scorecard.kpis), 'headline figure')}"))
    if mapping is not None:
        say(printable(f"{mapping_path}: valid mapping: {counted(len(mapping.fields), 'field')}, "
                      f"{counted(len(mapping.null_tokens), 'null token')}"))
    if extract is not None:
        _try_against(extract, read, resolved, schema_file, mapping_path)


def _try_against(extract: str, read: ReadSettings, resolved: Schema, schema_file: str,
                 mapping_path: Path | None) -> None:
    """Try the mapping's date formats on EXTRACT: refuse those that read nothing, each at its line; count the rest.

    One date_format shared by every date field is refused only when it reads nothing in any of them: a
    column written in ISO or UK form is read without it.
    """
    from refcheck.checks.format_trial import FormatTrial, try_date_formats

    mapping = load_mapping(mapping_path, resolved) if mapping_path else resolved.mapping
    places = _format_places(schema_file, mapping_path, resolved)
    with reading(extract):
        trials = try_date_formats(extract, resolved, mapping, read.options_for(extract))
    by_place: dict[str, list[FormatTrial]] = {}
    for trial in trials:
        place = places.get(trial.field)
        by_place.setdefault(str(place) if place else f"{schema_file}: mapping.fields.{trial.field}.date_format",
                            []).append(trial)
    refused = []
    for where, tried in by_place.items():
        said = f"{where}: {tried[0].date_format!r} reads"
        if sum(trial.read for trial in tried) == 0 and any(trial.present for trial in tried):
            columns = ", ".join(repr(trial.column) for trial in tried)
            place = places.get(tried[0].field)
            refused.append(SchemaError(printable(f"{said} none of the values of column{'s' if len(tried) > 1 else ''} "
                                                 f"{columns}"), (place.file, place.line) if place else None))
            continue
        for trial in tried:
            say(printable(f"{said} {trial.read:,} of {counted(trial.present, 'value')} of column {trial.column!r}"))
    if refused:
        raise all_of(refused)
    if not trials:
        say(printable(f"{shown(extract)}: has every mapped column; no date_format to try"))


def _format_places(schema_file: str, mapping_path: Path | None, resolved: Schema) -> dict[str, Where]:
    """Where each date field's date_format is written: in the mapping file, else in the schema file's mapping."""
    if mapping_path is not None:
        return date_format_places(load_yaml(mapping_path, "mapping"), resolved.fields)
    if not Path(schema_file).is_file():
        return {}
    section = load_yaml(Path(schema_file)).mapping().get("mapping")
    return date_format_places(section, resolved.fields) if section is not None and section.is_mapping else {}


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


def _amounts(schema: Schema, primary_rules: int) -> str:
    """What a schema holds: its fields and rules, and, with several record types, which and over all of them."""
    if not schema.others:
        return f"{counted(len(schema.fields), 'field')}, {counted(primary_rules, 'rule')}"
    types = schema.record_types
    names = ", ".join(record.record_type for record in types)
    return (f"{counted(len(types), 'record type')} ({names}), "
            f"{counted(sum(len(record.fields) for record in types), 'field')}, "
            f"{counted(sum(len(record.rules) for record in types), 'rule')}")
