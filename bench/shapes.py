"""Extracts shaped otherwise than ``refcheck sample`` writes them, to see that the targets hold on data not tuned for.

Each is made from a sample of another seed: as it is; with commas in 30% of the referral reasons
(so that CSV quotes them); with 1% of the reasons over two lines (a newline typed into free
text, which makes a record span lines); and with Windows line ends.

Usage (the harness runs it so, in a process of its own):
    python bench/shapes.py ROWS DATA_FOLDER REFCHECK

It makes what is missing in DATA_FOLDER and prints each shape's label and file as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

SEED = 2026
_REASON = pl.col("referral_reason")


def _picked(low: int, high: int) -> pl.Expr:
    """The same rows every time, spread through the file: those whose index x 37 falls in [low, high) mod 100."""
    place = pl.int_range(pl.len(), dtype=pl.Int64) * 37 % 100
    return (place >= low) & (place < high)


def _quoted(frame: pl.DataFrame, path: Path) -> None:
    frame.with_columns(pl.when(_picked(0, 30)).then(_REASON.str.replace(" ", ", ", literal=True))
                       .otherwise(_REASON)).write_csv(path)


def _over_two_lines(frame: pl.DataFrame, path: Path) -> None:
    frame.with_columns(pl.when(_picked(30, 31)).then(_REASON.str.replace(" ", "\n", literal=True))
                       .otherwise(_REASON)).write_csv(path)


def _windows_line_ends(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path, line_terminator="\r\n")


VARIANTS: dict[str, tuple[str, Callable[[pl.DataFrame, Path], None]]] = {
    "30% of reasons quoted": ("quoted", _quoted),
    "1% of reasons over two lines": ("two-lines", _over_two_lines),
    "Windows line ends": ("crlf", _windows_line_ends),
}


def make_shapes(rows: int, data: Path, refcheck: str) -> dict[str, Path]:
    """Each shape's extract of ``rows`` rows, made in ``data`` unless it is there already."""
    base = data / f"shape-{rows}-seed-{SEED}.csv"
    if not base.exists():
        subprocess.run([refcheck, "sample", "--rows", str(rows), "--seed", str(SEED), "--out", str(base)],
                       check=True, stdout=subprocess.DEVNULL)
    made = {f"another seed ({SEED})": base}
    frame: pl.DataFrame | None = None
    for label, (name, make) in VARIANTS.items():
        path = data / f"shape-{rows}-{name}.csv"
        if not path.exists():
            frame = frame if frame is not None else pl.read_csv(base, infer_schema=False)
            make(frame, path)
        made[label] = path
    return made


if __name__ == "__main__":
    made = make_shapes(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
    print(json.dumps({label: str(path) for label, path in made.items()}))
