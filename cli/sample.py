"""``refcheck sample``: a synthetic extract to try refcheck on, with no real person's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from refcheck.checks.extras import SAMPLE, require
from refcheck.checks.wording import counted
from refcheck.cli.common import AsOfDate, LocalPath, write
from refcheck.cli.exit_codes import WRITES_ONLY, epilog
from refcheck.schemas.yamldoc import printable


@click.command(epilog=epilog("refcheck sample --rows 1000000 --seed 7 --out big.csv", codes=WRITES_ONLY))
@click.option("--rows", type=click.IntRange(min=1), default=5000, show_default=True, help="How many referrals.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same file.")
@click.option("--as-of", type=AsOfDate(), default="2026-11-20", show_default=True,
              help="The day the extract is taken (YYYY-MM-DD or DD/MM/YYYY): referrals fall in the 14 months "
                   "before it.")
@click.option("--out", type=LocalPath(dir_okay=False, path_type=Path), required=True, help="The CSV file to write.")
def sample(rows: int, seed: int, as_of: dt.date, out: Path) -> None:
    """Write a synthetic extract of referrals (no real person's data) for demos, tests and benchmarks.

    It needs NumPy: pip install 'refcheck[sample]'.
    """
    require(SAMPLE, "refcheck sample")
    from refcheck.checks.synthetic.sample import generate

    frame = generate(rows, seed=seed, as_of=as_of)
    write(out, frame.write_csv)  # NOTE: a device or pipe in place (one with no reader refused), a file atomically
    click.echo(printable(f"wrote {counted(rows, 'synthetic referral')} to {out}"), err=True)
