"""The ``refcheck`` command group: its commands live one module per group beside this one."""

from __future__ import annotations

from typing import NoReturn

import click

from refcheck.cli.catalogue import rules
from refcheck.cli.check import check
from refcheck.cli.drafts import init, map_, profile
from refcheck.cli.exit_codes import exit_code_help
from refcheck.cli.export import export
from refcheck.cli.guard import GuardedGroup, run
from refcheck.cli.history import history
from refcheck.cli.sample import sample
from refcheck.cli.schema import schema
from refcheck.cli.scorecard import scorecard
from refcheck.reports import refcheck_version


@click.group(name="refcheck", cls=GuardedGroup, epilog=exit_code_help(),
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(refcheck_version(), "--version", prog_name="refcheck", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (exit 5), to report it.")
def cli(debug: bool) -> None:
    """Check children's services referral records for completeness, validity and timeliness."""


for command in (check, sample, scorecard, history, map_, profile, init, schema, export, rules):
    cli.add_command(command)


def main() -> NoReturn:
    """Console-script entry point (``refcheck``): the command, guarded, then the process's exit."""
    run(cli)
