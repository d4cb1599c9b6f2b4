"""Text from an extract or a schema, made inert for each kind of output.

Team names come from the extract, and names, messages and hints from a council's schema: any of
them may hold control characters, terminal escape sequences, bidi overrides or a CI runner's
workflow command. Each output kind has one function here that every such text goes through.
"""

from __future__ import annotations

import re

CONTROLS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
"""Characters a reader must never get raw: C0, DEL, C1, bidi marks and overrides, line and paragraph
separators, lone surrogates and the two non-characters XML forbids."""

NOT_XML = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"
"""Characters XML 1.0 cannot hold (a regex for Python and Polars alike; Polars' text has no lone surrogates)."""

_CONTROL = re.compile(f"[{CONTROLS}]")
_JSON_RAW = re.compile(f"(?![\t\n\r])[{CONTROLS}]")
_NOT_XML = re.compile(NOT_XML[:-1] + "\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_COMMAND = re.compile(r"^((?:[^\S\n]|\x1b\[[0-9;]*m)*)(?=::|##\w*\[)", re.MULTILINE)
"""A line that CI runners take as a command: ``::error::`` and ``##[error]`` (GitHub), ``##vso[`` (Azure),
``##teamcity[``. They look past leading white space, so the match does too (and past colour codes)."""


def visible(text: str) -> str:
    r"""The text with each control character shown as its escape (``\x1b``, ``\n``, ``\u202e``)."""
    return _CONTROL.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    char = found[0]
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def inert_lines(text: str) -> str:
    r"""Text whose lines no CI runner takes as a command: a leading ``::`` or ``##…[`` gets a ``\`` before it."""
    return _COMMAND.sub(lambda found: found[1] + "\\", text)


def xml_text(text: str) -> str:
    """The text with each character XML 1.0 forbids replaced by U+FFFD, so that any XML holding it is well-formed."""
    return _NOT_XML.sub("\ufffd", text)


def json_text(document: str) -> str:
    r"""JSON text with the controls that JSON leaves raw (DEL, C1, bidi, U+2028...) written as ``\uXXXX`` escapes.

    JSON escapes C0 in strings itself (tab, newline and CR outside them are its white space); these
    others can only stand inside its strings, where the escape means the same.
    """
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found[0]):04x}", document)
