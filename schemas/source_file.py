"""Read a schema or mapping file with bounded work, whatever the path names.

A schema path may be mistyped into a FIFO (which blocks a plain ``open`` forever), a device such
as ``/dev/zero`` (which never ends), a data file of gigabytes, or binary. So the file is opened
without blocking, must be a regular file of at most ``MAX_BYTES``, and must be UTF-8 text
without NUL bytes; anything else is one ``SchemaError`` naming the file (and the line, for bad
bytes), never the bytes themselves.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from refcheck.schemas.errors import MissingFile, SchemaError

MAX_BYTES = 1024 * 1024
"""The largest schema or mapping file read: the bundled schemas are under 40 KB."""
_LONGEST_SHOWN = 200
"""The longest path a message shows whole: a longer one is shortened (the system refuses it anyway)."""
_URI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/")
"""``scheme://`` (a path object keeps one slash of the two): a database URI may hold a password."""


def refuse_uri(text: str) -> None:
    """A URI given where a schema or mapping file is expected is refused by its scheme alone."""
    scheme = _URI.match(text.lstrip())
    if scheme:
        raise SchemaError(f"{scheme.group(1)}://...: a schema or mapping is a YAML file, not a URI")


def read_text(path: Path, what: str = "schema") -> str:
    """The file's text, or a one-line error saying why it is not a ``what`` (schema or mapping) file refcheck reads."""
    refuse_uri(str(path))
    raw = _read_bytes(path, what)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SchemaError(f"{path}:{_line_at(raw, nul)}: holds a NUL byte; not a text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SchemaError(f"{path}:{_line_at(raw, err.start)}: not UTF-8 text (byte {err.start})") from None


def _read_bytes(path: Path, what: str) -> bytes:
    """At most ``MAX_BYTES`` bytes of a regular file, opened so that no FIFO or device can block."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise MissingFile(f"{named(path)}: no such {what} file") from None
    except OSError as err:
        raise SchemaError(f"{named(path)}: cannot be read ({err.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SchemaError(f"{path}: is a directory, not a {what} file")
        if not stat.S_ISREG(mode):
            raise SchemaError(f"{path}: is not a regular file (a {_kind(mode)}); a {what} is a YAML file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as err:
        raise SchemaError(f"{path}: cannot be read ({err.strerror})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise SchemaError(f"{path}: is over {MAX_BYTES // 1024 // 1024} MiB; a {what} file is smaller "
                          "(is it a data file?)")
    return raw


def shown(path: Path) -> str:
    """A file as messages name it: relative to the current directory when under it, else absolute.

    So that two files of one name (a council's schema and the one it extends) are told apart.
    """
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except (OSError, ValueError):  # NOTE: the current directory removed, or on another drive
        return named(absolute)
    return named(absolute if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative)


def named(path: Path | str) -> str:
    """A path as a message names it: one too long to be a file's name (ENAMETOOLONG) shortened, its length said."""
    text = str(path)
    if len(text) <= _LONGEST_SHOWN:
        return text
    return f"{text[:40]}...{text[-40:]} ({len(text):,} characters)"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "socket" if stat.S_ISSOCK(mode) else "special file"


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1
