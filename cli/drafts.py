"""A council's first steps with its own export: ``profile`` it, draft a ``map``ping, ``init`` its folder."""

from __future__ import annotations

import os
from pathlib import Path

import click

from refcheck.checks.wording import counted
from refcheck.cli.common import BadOutput, LocalPath, reading, say, shown, takes_stdout, tell, write, writing
from refcheck.cli.exit_codes import READS_EXTRACT, epilog
from refcheck.cli.read_options import ReadSettings, read_options
from refcheck.schemas import DEFAULT_SCHEMA, load_mapping, load_schema, proposal_yaml
from refcheck.schemas.mapping import NO_DRAFT
from refcheck.schemas.yamldoc import printable


@click.command(name="map", epilog=epilog("refcheck map their-export.csv --out mapping.yaml", codes=READS_EXTRACT))
@click.argument("extract", metavar="EXTRACT")
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema whose fields the headers are matched to.")
@click.option("--out", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Write the proposed mapping here (default: standard output).")
@read_options("sheet", "table", "query")
def map_(extract: str, schema: str, out: Path | None, read: ReadSettings) -> None:
    """Propose a column mapping from EXTRACT's headers and values to the schema's fields, for you to check and edit.

    From one profile of EXTRACT it also drafts value translations for code columns written in the
    system's own words, a date_format for dates written in another form, and null_tokens, each marked
    to check.
    """
    from refcheck.checks.drafting import draft_mapping, drafted_summary

    options = read.options_for(extract)
    resolved = load_schema(schema)
    with reading(extract):
        drafted = draft_mapping(extract, resolved, options)
    proposal = drafted.proposal
    text = proposal_yaml(proposal, drafted.source, drafted.draft)
    if out is None:
        say(text, nl=False)
    else:
        write(out, text)
    exact = sum(1 for _, how in proposal.matches.values() if how == "exact")
    click.echo(f"{len(proposal.matches)} of {counted(len(resolved.fields), 'field')} matched ({exact} exactly); "
               f"not matched: {', '.join(proposal.unmapped_fields) or 'none'}", err=True)
    click.echo(drafted_summary(drafted), err=True)


@click.command(epilog=epilog("refcheck profile their-export.csv --html profile.html", codes=READS_EXTRACT))
@click.argument("extract", metavar="EXTRACT")
@click.option("--schema", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema whose fields and code lists the columns are compared with.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A column mapping.  [default: the schema's, else headers matched as refcheck map proposes]")
@read_options()
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the most common values to show per column.")
@click.option("--show-values", is_flag=True,
              help="Show values of every column, personal ones included (default: code-like columns only).")
@click.option("--html", "html_path", type=LocalPath(dir_okay=False, path_type=Path), default=None,
              help="Also write the profile as a self-contained HTML page.")
@click.option("--json", "json_path", metavar="PATH|-", default=None, type=LocalPath(dir_okay=False, allow_dash=True),
              help="Also write it as JSON ('-': stdout).")
def profile(extract: str, schema: str, mapping_path: Path | None, read: ReadSettings, top: int, show_values: bool,
            html_path: Path | None, json_path: str | None) -> None:
    """Profile EXTRACT before checking it: fill rates, values, date forms and codes outside the lists."""
    from refcheck.checks.profile import profile_extract
    from refcheck.reports.profile import render_profile_html, render_profile_json, render_profile_text

    quiet = takes_stdout({"--html": html_path, "--json": json_path})
    options = read.options_for(extract)
    resolved = load_schema(schema)
    mapping = load_mapping(mapping_path, resolved) if mapping_path else None
    with reading(extract):
        found = profile_extract(extract, resolved, mapping=mapping, top=top, show_values=show_values,
                                options=options)
    if html_path is not None:
        write(html_path, render_profile_html(found))
    if json_path:
        write(Path(json_path), render_profile_json(found))
    tell(render_profile_text(found), err=quiet, nl=False)


@click.command(epilog=epilog("refcheck init --from their-export.csv", codes=READS_EXTRACT))
@click.option("--extends", default=DEFAULT_SCHEMA, show_default=True, metavar="NAME|PATH",
              help="The schema to build on: a bundled name or a schema file.")
@click.option("--from", "extract", default=None, metavar="EXTRACT",
              help="An extract from your system: its headers give a proposed mapping.yaml.")
@click.option("--name", default=None, help="The schema's name.  [default: the folder's name]")
@click.option("--dir", "folder", type=LocalPath(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Where to write the files.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@read_options("sheet", "table", help_for={"sheet": "Excel sheet of --from.  [default: the first]",
                                          "table": "Database table of --from (a database URI)."})
def init(extends: str, extract: str | None, name: str | None, folder: Path, force: bool, read: ReadSettings) -> None:
    """Start a council's folder: a schema extending the standard, a proposed mapping, a README."""
    from refcheck.checks.drafting import draft_mapping, drafted_summary
    from refcheck.schemas.scaffold import scaffold, slug

    extends_as = _relative_schema(extends, folder)
    drafted = None
    if extract is not None:
        options = read.options_for(extract)
        parent = load_schema(extends)
        with reading(extract):
            drafted = draft_mapping(extract, parent, options)
    made = scaffold(name or slug(folder.resolve().name), extends, extends_as=extends_as,
                    proposal=drafted.proposal if drafted else None, draft=drafted.draft if drafted else NO_DRAFT,
                    extract=None if extract is None else shown(extract))
    with writing(folder):
        existing = [file for file in made.files if (folder / file).exists()]
        if existing and not force:
            raise BadOutput(printable(f"{folder / existing[0]}: exists; use --force to overwrite"))
        folder.mkdir(parents=True, exist_ok=True)
    for file, text in made.files.items():
        write(folder / file, text)
    say(printable(f"wrote {', '.join(str(folder / file) for file in made.files)}"))
    if drafted is not None:
        say(f"mapping: {counted(made.matched, 'field')} matched; check mapping.yaml"
            + (f"; not matched: {', '.join(made.unmatched)}" if made.unmatched else ""))
        say(drafted_summary(drafted))
    say(printable(f"next: refcheck schema check {folder / 'schema.yaml'}"))


def _relative_schema(extends: str, folder: Path) -> str | None:
    """The --extends file as the new schema names it, relative to its folder; None for a bundled name."""
    try:
        return os.path.relpath(Path(extends).resolve(), folder.resolve()) if Path(extends).is_file() else None
    except OSError:
        return None  # NOTE: not a file refcheck can use: the schema loader says why, in one line
