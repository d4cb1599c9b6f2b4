"""How an error message may show a value taken from a file: only as a short, code-like token.

A schema error must help its author ("got 'eror'") without ever printing what a data file
holds, because a data file given by mistake as a schema, mapping or ``extends`` reaches the same
messages. So a value is quoted only when it looks like a YAML key, a code or a small number: at
most 64 characters of ASCII letters, digits, ``_ . -``, starting with a letter or ``_``, or a
number of at most six characters (``-1``, ``2.5%``). Anything else (free text, a name with a
space, a date, an NHS number, a whole file read as one text) is described by its size instead.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}|[-+]?[0-9][0-9.]{0,4}%?")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def is_token(text: str) -> bool:
    """Whether ``text`` is short and code-like enough to be shown in a message."""
    return _TOKEN.fullmatch(text) is not None and len(text) <= 64


def quoted(text: object) -> str:
    """``'eror'`` for a code-like token; otherwise what it is, never what it says."""
    value = str(text)
    if is_token(value):
        return repr(value)
    return _size(value, "a text")


def key_name(text: str) -> str:
    """A mapping key as a step of a document path: itself when code-like, else its size."""
    return text if is_token(text) else f"<{_size(text, 'a key')}>"


def scrub(message: str) -> str:
    """A parser's message with every quoted fragment that is not a token replaced by its size.

    NOTE: PyYAML's problems quote the source ("found undefined alias 'x'", "found duplicate
    anchor"), so they are shown only through this.
    """
    def replace(match: re.Match[str]) -> str:
        inner = match.group(0)[1:-1]
        return match.group(0) if is_token(inner) or _is_symbol(inner) else _size(inner, "a text")

    return _QUOTED.sub(replace, " ".join(message.split()))


def _is_symbol(text: str) -> bool:
    """One character, plain or escaped as a parser shows it (a tab), or a parser's name such as ``<scalar>``."""
    if len(text) <= 1 or re.fullmatch(r"\\(?:[a-z0]|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", text):
        return True
    return text.startswith("<") and text.endswith(">") and is_token(text[1:-1].replace(" ", "_"))


def _size(text: str, what: str) -> str:
    length = len(text)
    return f"{what} of {length} character{'s' if length != 1 else ''}"
