"""Which lines of a CSV Polars may split otherwise than Python's csv module.

The csv module takes a quote as quoting only at a field's start, and a carriage return alone as
the end of a line; Polars does not always. Both split alike every line written as RFC 4180 writes
it: each field unquoted (no quote, separator or carriage return in it), or quoted from its first
character to its last, a quote inside doubled. A line with a quote or a carriage return is tested
against that, read from outside a quoted value or from inside one that an earlier line opened.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

_QUOTED = '(?:[^"]|"")*'
"""The inside of a quoted value: anything, a quote doubled."""


def record_pattern(delimiter: str) -> str:
    """A regular expression of one whole record as RFC 4180 writes it on one line (unanchored)."""
    field = _field(delimiter)
    return f"{field}(?:[{_escaped(delimiter)}]{field})*"


def _field(delimiter: str) -> str:
    return f'(?:[^"{_escaped(delimiter)}\\r]*|"{_QUOTED}")'


def _escaped(delimiter: str) -> str:
    """The delimiter as it is written inside a character class."""
    return "\\" + delimiter if delimiter in "\\]^-[" else delimiter


def quote_marks(line: pl.Expr, quotes: pl.Expr, delimiter: str) -> list[pl.Expr]:
    """Of a line with a quote or a carriage return (``line``, with ``quotes`` quotes), what ``odd_lines`` needs.

    ``odd``: its quotes are odd in number (it opens or closes a value over several lines);
    ``clean_out``: it is written as RFC 4180 writes it, read from outside a quoted value;
    ``clean_in``: so too read from inside one, as far as its doubled quotes tell; and ``text``, kept
    only when its quotes are odd (``odd_lines`` tests those itself).

    NOTE: one regular expression per line: a value left open at the line's end is closed first,
    which makes a line written as RFC 4180 writes it a whole record.
    """
    odd = quotes % 2 == 1
    closed = line + pl.when(odd).then(pl.lit('"')).otherwise(pl.lit(""))
    return [
        odd.alias("odd"),
        closed.str.contains(f"^{record_pattern(delimiter)}$").alias("clean_out"),
        ~line.str.replace_all('""', "", literal=True).str.contains('"', literal=True).alias("clean_in"),
        pl.when(odd).then(line).alias("text"),
    ]


def odd_lines(marks: pl.DataFrame, path: Path, delimiter: str) -> pl.Series:
    """The lines whose quotes or carriage returns Polars may read otherwise than Python's csv module.

    While every earlier line with quotes is written as RFC 4180 writes it, counting quotes tells
    whether a line starts inside a quoted value, and the line is safe when it is written so too. A
    quote still open at the end of the file makes its line odd as well. ``marks`` are the lines
    with a quote or a carriage return in order: ``index`` and ``quote_marks``.
    """
    odd = pl.col("odd").cast(pl.Int64)
    inside = (odd.cum_sum() - odd) % 2 == 1
    lines = marks.with_columns(inside.alias("inside"))
    # NOTE: inside a value, a line closing it (odd quotes) is matched from its kept text; an even
    # one that closes it and opens another is read again, which only a rare file needs.
    closing = pl.col("inside") & pl.col("odd")
    lines = lines.with_columns(pl.when(closing).then(_inside_clean(pl.col("text"), delimiter, odd=True))
                               .otherwise(pl.col("clean_in")).alias("clean_in"))
    doubtful = lines.filter(pl.col("inside") & ~pl.col("clean_in")).get_column("index")
    if not doubtful.is_empty():
        lines = lines.update(_read_again(path, delimiter, doubtful), on="index")
    unsafe = pl.when(pl.col("inside")).then(~pl.col("clean_in")).otherwise(~pl.col("clean_out"))
    found = lines.filter(unsafe).get_column("index")
    if found.is_empty() and lines.get_column("odd").sum() % 2:
        return lines.filter(pl.col("odd")).get_column("index").tail(1)
    return found


def _inside_clean(line: pl.Expr, delimiter: str, *, odd: bool) -> pl.Expr:
    """Whether a line read from inside a quoted value is written as RFC 4180 writes it."""
    balanced = pl.lit('"') + line + pl.lit("" if odd else '"')
    return balanced.str.contains(f"^{record_pattern(delimiter)}$")


def _read_again(path: Path, delimiter: str, indices: pl.Series) -> pl.DataFrame:
    """The given lines (with an even number of quotes) read from inside a quoted value: ``index``, ``clean_in``."""
    return (pl.scan_lines(path, name="text", row_index_name="index")
            .select((pl.col("index").cast(pl.Int64) - 1).alias("index"), "text")
            .filter(pl.col("index").is_in(indices.implode()))
            .select("index", _inside_clean(pl.col("text"), delimiter, odd=False).alias("clean_in"))
            .collect(engine="streaming"))
