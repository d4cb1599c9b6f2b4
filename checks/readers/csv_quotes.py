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
    ``clean_in``: so too read from inside one, as far as doubled quotes alone tell (``odd_lines``
    reads again the few lines that this cannot tell).

    One regular expression per line, which closing a value left open at the line's end makes
    a whole record's when the line is written as RFC 4180 writes it.
    """
    odd = quotes % 2 == 1
    return [
        odd.alias("odd"),
        _closed(line, odd, inside=False).str.contains(f"^{record_pattern(delimiter)}$").alias("clean_out"),
        ~line.str.replace_all('""', "", literal=True).str.contains('"', literal=True).alias("clean_in"),
    ]


def _closed(line: pl.Expr, odd: pl.Expr, *, inside: bool) -> pl.Expr:
    """The line as a whole record: the value it goes on from opened, the value it leaves open closed."""
    end = pl.when(odd).then(pl.lit("" if inside else '"')).otherwise(pl.lit('"' if inside else ""))
    return (pl.lit('"') + line if inside else line) + end


def odd_lines(marks: pl.DataFrame, path: Path, delimiter: str) -> pl.Series:
    """The lines whose quotes or carriage returns Polars may read otherwise than Python's csv module.

    While every earlier line with quotes is written as RFC 4180 writes it, counting quotes tells
    whether a line starts inside a quoted value, and the line is safe when it is written so too. A
    quote still open at the end of the file makes its line odd as well. ``marks`` are the lines
    with a quote or a carriage return in order: ``index`` and ``quote_marks``.
    """
    odd = pl.col("odd").cast(pl.Int64)
    lines = marks.with_columns(((odd.cum_sum() - odd) % 2 == 1).alias("inside"))
    doubtful = lines.filter(pl.col("inside") & ~pl.col("clean_in")).get_column("index")
    if not doubtful.is_empty():
        lines = lines.update(_read_inside(path, delimiter, doubtful), on="index")
    unsafe = pl.when(pl.col("inside")).then(~pl.col("clean_in")).otherwise(~pl.col("clean_out"))
    found = lines.filter(unsafe).get_column("index")
    if found.is_empty() and lines.get_column("odd").sum() % 2:
        return lines.filter(pl.col("odd")).get_column("index").tail(1)
    return found


def _read_inside(path: Path, delimiter: str, indices: pl.Series) -> pl.DataFrame:
    """The given lines read again, from inside a quoted value: ``index`` and ``clean_in``.

    Only lines that close a value over several lines (or close one and open another) come
    here: one more pass over the file, which only a file with such values needs.
    """
    line = pl.col("text")
    odd = line.str.count_matches('"', literal=True) % 2 == 1
    return (pl.scan_lines(path, name="text", row_index_name="index")
            .select((pl.col("index").cast(pl.Int64) - 1).alias("index"), "text")
            .filter(pl.col("index").is_in(indices.implode()))
            .select("index", _closed(line, odd, inside=True).str.contains(f"^{record_pattern(delimiter)}$")
                    .alias("clean_in"))
            .collect(engine="streaming"))
