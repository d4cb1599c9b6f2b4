"""``refcheck sample``: a synthetic extract to try refcheck on, with no real person's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from refcheck.checks.extras import SAMPLE, require
from refcheck.checks.wording import counted
from refcheck.cli.common import AsOfDate, LocalPath, write, writing
from refcheck.cli.exit_codes import WRITES_ONLY, epilog
from refcheck.schemas.yamldoc import printable

WRITTEN = {"referrals": "synthetic referral", "cp_plans": "child protection plan", "cp_visits": "visit",
           "cp_reviews": "review conference"}


@click.command(epilog=epilog("refcheck sample --rows 1000000 --seed 7 --out big.csv", codes=WRITES_ONLY))
@click.option("--rows", type=click.IntRange(min=1), default=5000, show_default=True, help="How many referrals.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same file.")
@click.option("--as-of", type=AsOfDate(), default="2026-11-20", show_default=True,
              help="The day the extract is taken (YYYY-MM-DD or DD/MM/YYYY): referrals fall in the 14 months "
                   "before it.")
@click.option("--out", type=LocalPath(path_type=Path), required=True,
              help="The CSV file to write (referrals only); or a folder (an existing one, or a new path not "
                   "ending .csv) to write referrals.csv, cp_plans.csv, cp_visits.csv and cp_reviews.csv in.")
def sample(rows: int, seed: int, as_of: dt.date, out: Path) -> None:
    """Write a synthetic extract of referrals, or a folder with their child protection records too.

    No real person's data: for demos, tests and benchmarks. It needs NumPy: pip install 'refcheck[sample]'.
    """
    require(SAMPLE, "refcheck sample")
    with writing(out):
        folder = _is_folder(out)
    if not folder:
        from refcheck.checks.synthetic.sample import generate

        frame = generate(rows, seed=seed, as_of=as_of)
        write(out, frame.write_csv)  # NOTE: a device or pipe in place (one with no reader refused), a file atomically
        click.echo(printable(f"wrote {counted(rows, 'synthetic referral')} to {out}"), err=True)
        return
    from refcheck.checks.synthetic.cp_sample import generate_folder

    frames = generate_folder(rows, seed=seed, as_of=as_of)
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    for name, table in frames.items():
        write(out / f"{name}.csv", table.write_csv)
    written = [counted(frames[name].height, label) for name, label in WRITTEN.items()]
    click.echo(printable(f"wrote {', '.join(written[:-1])} and {written[-1]} to {out}"), err=True)


def _is_folder(out: Path) -> bool:
    """Whether ``--out`` names a folder: an existing one, or a new path whose name does not end ``.csv``.

    An existing file, device or pipe, and ``-`` (standard output), take the referrals alone, as they always have.
    """
    if str(out) == "-":
        return False
    if out.is_dir():
        return True
    return not (out.exists() or out.is_symlink()) and out.suffix.lower() != ".csv"
