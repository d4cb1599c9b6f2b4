"""Database URIs: one parser, one rendering for people, one scrubber for drivers' messages.

A URI may carry a password in its user part or its query. It is parsed once, by SQLAlchemy's
``make_url`` (the parser GX and SQLAlchemy connect with), and shown only as ``display`` renders it:
the password and every query value not known to be harmless as ``***``. Drivers quote URIs and
passwords in their errors, so their messages reach a person only through ``scrub``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from refcheck.checks.errors import ExtractError
from refcheck.checks.extras import DATABASE, require
from refcheck.schemas.quoting import is_token

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.engine import URL

HIDDEN = "***"
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
SHOWN_QUERY_KEYS = frozenset({
    "application_name", "channel_binding", "client_encoding", "connect_timeout", "dbname", "gssencmode", "host",
    "hostaddr", "mode", "port", "sslcert", "sslcrl", "sslmode", "sslrootcert", "target_session_attrs", "user",
})
"""Query keys whose values are shown; any other value (password, sslpassword, token, ...) is hidden."""


def is_uri(text: str) -> bool:
    """Whether an argument is a URI (``scheme://...``, blanks before it too) rather than a file path."""
    return SCHEME.match(text.lstrip()) is not None


def parse_uri(text: str) -> URL:
    """The URI as SQLAlchemy reads it; a malformed or ambiguous one is a one-line ``ExtractError``.

    A raw ``@`` in a password makes the user part ambiguous (each parser splits it elsewhere,
    leaving part of the password as the host), so such a URI is refused rather than guessed.
    Without SQLAlchemy (the ``database`` extra) it is a ``MissingExtra``; ``display`` and ``scrub``
    still work without it, showing no more than the scheme.
    """
    require(DATABASE, "reading a database", "sqlalchemy")
    try:
        url = _make_url(text)
    except Exception:  # noqa: BLE001 - make_url raises ArgumentError, ValueError (a port) and others
        raise ExtractError(f"{display(text)}: not a valid database URI{_ENCODE_HINT}") from None
    if _ambiguous(url, text):
        raise ExtractError(f"{display(text)}: more than one @ in the URI{_ENCODE_HINT}")
    if "\x00" in unquote(text):
        # NOTE: libpq ends its connection string at a NUL: the rest (the port, say) would be dropped silently
        raise ExtractError(f"{display(text)}: a URI cannot hold a NUL character (%00)")
    return url.set(drivername=url.drivername.lower())


_ENCODE_HINT = "; write @, :, / and % in a password %-encoded (%40, %3A, %2F, %25)"


def _ambiguous(url: URL, text: str) -> bool:
    """Whether a URI with a user part has another ``@``: where its password ends is anyone's guess."""
    return (url.username is not None or url.password is not None) and text.count("@") > 1


def _query(url: URL) -> list[tuple[str, str]]:
    """The query's key-value pairs, a key given twice as two pairs."""
    return [(key, value) for key, values in url.query.items()
            for value in (values if isinstance(values, tuple) else (values,))]


def display(text: str) -> str:
    """The URI for messages, labels and reports: never a password or a query value that may be one."""
    found = SCHEME.match(text)
    scheme = found.group() if found else ""
    try:
        url = _make_url(text)
    except Exception:  # noqa: BLE001 - unparsable: show no more than the scheme
        return f"{scheme}{HIDDEN}"
    if _ambiguous(url, text):
        return f"{scheme}{HIDDEN}@{HIDDEN}"
    shown = url.set(password=HIDDEN if url.password is not None else None, query={})
    base = shown.render_as_string(hide_password=True)
    query = "&".join(f"{quote_plus(key)}={_shown_value(key, value)}" for key, value in _query(url))
    return _hide(f"{base}?{query}" if query else base, text)


def _shown_value(key: str, value: str) -> str:
    return quote_plus(value) if key.lower() in SHOWN_QUERY_KEYS else HIDDEN


def secrets(text: str) -> list[str]:
    """Every form in which a credential of the URI might be quoted: raw, %-decoded and %-encoded, longest first.

    Credentials are read both as SQLAlchemy parses the URI and from its raw text (up to its last
    ``@``, and each hidden query value), so a URI no parser can read is scrubbed too.
    """
    try:
        url: URL | None = _make_url(text)
    except Exception:  # noqa: BLE001 - unparsable: its raw text is all there is to go by
        url = None
    plain = [url.password or ""] if url is not None else []
    plain += [value for key, value in _query(url) if key.lower() not in SHOWN_QUERY_KEYS] if url is not None else []
    user_part = text.split("://", 1)[-1].rsplit("@", 1)[0] if "@" in text else ""
    query = text.split("?", 1)[1] if "?" in text else ""
    raw = [user_part.split(":", 1)[1]] if ":" in user_part else []
    raw += [pair.split("=", 1)[1] for pair in query.split("&")
            if "=" in pair and pair.split("=", 1)[0].lower() not in SHOWN_QUERY_KEYS]
    lines = [line for secret in plain + raw for line in [secret, *secret.splitlines()]]
    found = {form for line in lines for form in _forms(line) if form}
    return sorted(found, key=len, reverse=True)


def _forms(secret: str) -> set[str]:
    """A credential as it is written, %-decoded (once or twice) and %-encoded, as drivers may quote it."""
    decoded = {secret, unquote(secret), unquote_plus(secret), unquote(unquote(secret))}
    return decoded | {encode(form) for form in decoded for encode in (quote, quote_plus, _quote_all)}


def _quote_all(text: str) -> str:
    return quote(text, safe="")


def scrub(message: str, text: str) -> str:
    """A driver's message with the URI shown as ``display`` shows it and every credential hidden."""
    return _hide(message.replace(text, display(text)), text)


def _hide(message: str, text: str) -> str:
    """Every credential of the URI hidden wherever it occurs, whatever its letters' case."""
    for secret in secrets(text):
        message = re.sub(re.escape(secret), HIDDEN, message, flags=re.IGNORECASE)
    return message


def driver_reason(err: BaseException, text: str, known: Iterable[str] = ()) -> str:
    """The first line of a driver's error, scrubbed of the URI's credentials and of data, or the error's type."""
    lines = scrub(str(err), text).strip().splitlines()
    return hide_data(lines[0], text, known)[:300] if lines else type(err).__name__


ELIDED = "'\N{HORIZONTAL ELLIPSIS}'"
_DUMPS = (
    # SQLite: "Could not decode to UTF-8 column 'x' with text '<the value>'"; psycopg: "... DETAIL: <the row>"
    (re.compile(r"(\bwith text|\bDETAIL:)\s.*", re.IGNORECASE | re.DOTALL), rf"\1 {ELIDED}"),
    # PostgreSQL: 'Key (name)=(<value>) already exists', 'Failing row contains (<values>)'
    (re.compile(r"\bKey \(.*?\)=\(.*\)", re.DOTALL), "Key (\N{HORIZONTAL ELLIPSIS})=(\N{HORIZONTAL ELLIPSIS})"),
    (re.compile(r"(\brow contains )\(.*\)", re.DOTALL), "\\1(\N{HORIZONTAL ELLIPSIS})"),
    # PostgreSQL: 'invalid byte sequence for encoding "UTF8": 0xe9 0x20' (bytes of a value)
    (re.compile(r"\b0x[0-9A-Fa-f]+(?:\s+0x[0-9A-Fa-f]+)*"), "0x\N{HORIZONTAL ELLIPSIS}"),
)
_OPENING = re.compile(r"(?:^|(?<=[\s(\[{=:,]))['\"]")


def hide_data(message: str, text: str, known: Iterable[str] = ()) -> str:
    """A driver's message with every value it quotes hidden, as ``'…'``.

    Drivers quote data in their errors (SQLite "with text '<a value>'", PostgreSQL "invalid input
    syntax for type integer: "<a value>"", psycopg's DETAIL lines), and an extract's data is
    children's records. A quoted text is kept only when it is a name the user gave or the database
    knows (``known``: the table, its columns; the URI's host, database and user) or a short,
    code-like token (``refcheck.schemas.quoting.is_token``), so "relation "referrals" does not
    exist" still helps. A quote that never closes hides the rest of the message.
    """
    names = set(known) | _uri_names(text)
    for pattern, replacement in _DUMPS:
        message = pattern.sub(replacement, message)
    out: list[str] = []
    position = 0
    while (found := _OPENING.search(message, position)) is not None:
        mark = message[found.start()]
        closing = re.compile(re.escape(mark) + r"(?=$|[\s,.;:)\]}])")
        end = closing.search(message, found.end())
        out.append(message[position:found.start()])
        if end is None:
            out.append(ELIDED)
            return "".join(out)
        inner = message[found.end():end.start()]
        shown = inner in names or is_token(inner) or inner == "\N{HORIZONTAL ELLIPSIS}"
        out.append(f"{mark}{inner}{mark}" if shown else ELIDED)
        position = end.end()
    out.append(message[position:])
    return "".join(out)


def _uri_names(text: str) -> set[str]:
    """The URI's host, database and user, and the URI as shown: names a message may quote."""
    try:
        url = _make_url(text)
    except Exception:  # noqa: BLE001 - unparsable: nothing of it is known
        return set()
    return {name for name in (url.host, url.database, url.username, display(text)) if name}


def _make_url(text: str) -> URL:
    """SQLAlchemy's parser, imported only when a URI is met: importing SQLAlchemy costs a file's check 0.13 s."""
    from sqlalchemy.engine import make_url

    return make_url(text)
