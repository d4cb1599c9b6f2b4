"""Schema text made safe for the generated files it lands in: one line, and Markdown that stays text.

A schema's names, codes, messages and hints are written by people, and sometimes by attackers.
Where they enter a comment or a Markdown page they must stay the text they are: a newline would
end a comment and start a YAML key, a ``#`` or ``|`` would start a heading or a table cell, and a
``<`` raw HTML. (Python, YAML and SQL values are written by ``repr``, a YAML dumper and quoting.)
"""

from __future__ import annotations

import re

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#|~&])")
_LINE_START = re.compile(r"^(\d*)([-+=.)])")


def one_line(text: str) -> str:
    """The text on one line: whitespace runs become a space, other unprintable characters escapes.

    ``str.isprintable`` is false for every line break YAML or a terminal knows (CR, NEL, U+2028)
    and for escape and other control characters, so none of them can survive.
    """
    spaced = re.sub(r"\s+", " ", text)
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in spaced)


def markdown_text(text: str) -> str:
    """Plain text for a Markdown line or table cell: every character that means Markdown is escaped."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(text).strip())
    return _LINE_START.sub(r"\1\\\2", escaped)  # NOTE: a list item or underline starts a line with these
