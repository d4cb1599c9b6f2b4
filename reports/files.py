"""Writing output files safely: atomically, with formula-safe cells and portable names."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl

STDOUT = Path("-")
"""The output path that means standard output."""

Content = str | bytes | Sequence[bytes] | Callable[[Path | BinaryIO], None]
"""An output's text or bytes (or its bytes in pieces, in order), or a function that writes it to the path or
binary stream it is given."""


@dataclass(frozen=True, slots=True)
class Modes:
    """The permissions of the files (and folders) refcheck writes: its owner's only, unless a team shares them."""

    file: int = 0o600
    folder: int | None = None
    """A folder refcheck makes (``worklists/``); None leaves it as ``mkdir`` makes it (the umask's mode)."""


OWNER_ONLY = Modes()
"""The default: files readable and writable by their owner only (0600); they may hold record ids."""
GROUP_READABLE = Modes(file=0o640, folder=0o750)
"""``--group-readable``: the owner's group may read the files (0640) and enter the folders refcheck makes (0750)."""


class OutputError(OSError):
    """An output that cannot be written: one line naming it, never a read error's message."""

    def __str__(self) -> str:
        return f"{self.filename}: cannot be written ({self.strerror})"


def write_output(path: Path, content: Content, modes: Modes = OWNER_ONLY) -> None:
    """Write an output whole: a regular file (or a new one) atomically, with ``modes``; anything else in place.

    A regular file or a symbolic link (the link itself, not what it points to) is replaced by a
    temporary file renamed over it, so that a reader never sees half of it. A device (``/dev/null``),
    a named pipe or ``-`` (standard output) is written to as it is: renaming over it would replace the
    device with a file.
    """
    try:
        if path == STDOUT or _is_standard_output(path):
            sys.stdout.flush()
            _write_stream(sys.stdout.buffer, content)
            sys.stdout.buffer.flush()
        elif writes_in_place(path):
            with _open_in_place(path) as stream:
                _write_stream(stream, content)
        else:
            _replace_atomically(path, content, modes)
    except OutputError:
        raise
    except OSError as err:
        raise _output_error(err, path) from None


def _output_error(err: OSError, path: Path) -> OutputError:
    """The error naming the output, in the system's words for its errno: never the error's own text.

    Polars' own write errors name no file and carry no errno, only ``(os error 28)`` in their text.
    """
    found = re.search(r"\(os error (\d+)\)", str(err))
    code = err.errno or (int(found.group(1)) if found else None)
    return OutputError(code, os.strerror(code) if code else err.strerror or type(err).__name__, str(path))


def writes_in_place(path: Path) -> bool:
    """Whether an output is written where it is, never replaced: a device, pipe or socket, or a link to one.

    A link into ``/proc`` or ``/dev`` (``/dev/stdout`` is a link to ``/proc/self/fd/1``) is written
    through whatever it resolves to: replacing it would break the machine for every later program.
    Any other link to a regular file is replaced, not followed, like a regular file.
    """
    if is_special(path):
        return True
    if not path.is_symlink():
        return False
    if str(path.absolute()).startswith("/dev/") or os.path.join(str(path.parent), os.readlink(path)).startswith(
            ("/proc/", "/dev/")) or os.path.realpath(path).startswith(("/proc/", "/dev/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # NOTE: a dangling link is replaced, as a new file would be written
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _is_standard_output(path: Path) -> bool:
    """Whether the path is this process's standard output by another name (``/dev/stdout``, ``/dev/fd/1``).

    Written through ``sys.stdout``, so that it and the summary share one offset instead of overwriting each other.
    """
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):
        return False  # NOTE: no such path, or no real standard output (a captured one in tests)


def is_special(path: Path) -> bool:
    """Whether the path is there and is neither a regular file, a link nor a folder: a device, pipe or socket."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode))


def _open_in_place(path: Path) -> BinaryIO:
    """A device or pipe opened for writing without waiting: a pipe no one reads is refused (ENXIO), not a hang."""
    descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_TRUNC)  # NOTE: as a shell's > would
    os.set_blocking(descriptor, True)  # NOTE: once open, a slow reader makes refcheck wait, as a shell would
    return os.fdopen(descriptor, "wb")


def _write_stream(stream: BinaryIO, content: Content) -> None:
    if callable(content):
        content(stream)
        return
    if isinstance(content, str):
        content = content.encode("utf-8")
    stream.writelines([content] if isinstance(content, bytes) else content)


def make_folder(folder: Path, modes: Modes) -> None:
    """Make a folder and any missing above it, each with ``modes.folder`` (a folder that is there keeps its own)."""
    if modes.folder is None or folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        return
    make_folder(folder.parent, modes)
    folder.mkdir(exist_ok=True)
    folder.chmod(modes.folder)  # NOTE: mkdir's mode would be narrowed by the umask


def _replace_atomically(path: Path, content: Content, modes: Modes) -> None:
    """Write to a temporary file beside ``path``, then give it its mode and rename it into place."""
    make_folder(path.parent, modes)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if callable(content):
            os.close(handle)
            content(Path(temporary))
        else:
            with os.fdopen(handle, "wb") as stream:
                _write_stream(stream, content)
        if modes.file != OWNER_ONLY.file:
            os.chmod(temporary, modes.file)  # NOTE: mkstemp's file is the owner's only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_LEADING = "\\x00-\\x20\\x7f-\\xa0\\xad\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\ufeff"
"""What a spreadsheet, an import or a trim may drop before a value's first visible character: blanks, controls
and invisible format marks (written so that Python's and Polars' regex engines read it alike)."""

FORMULA_START = f"^(?:[\\t\\r]|[{_LEADING}]*[=+\\-@])"
"""What a spreadsheet may read as the start of a formula: a tab or a carriage return, or ``=``, ``+``, ``-`` or
``@`` as the first visible character, so that a value stays inert however it is trimmed afterwards."""

_STARTS_FORMULA = re.compile(FORMULA_START)


def safe_cell(text: str) -> str:
    """A cell value that no spreadsheet will run: one that would start a formula is quoted."""
    return "'" + text if _STARTS_FORMULA.match(text) else text


def safe_cells(text: pl.Expr) -> pl.Expr:
    """``safe_cell`` for a whole column of text."""
    return pl.when(text.str.contains(FORMULA_START)).then(pl.lit("'") + text).otherwise(text)


def starts_formula(text: pl.Expr) -> pl.Expr:
    """Whether any cell of a column of text starts like a formula: only then need its cells be made safe.

    Quoting costs a new copy of the column's text; asking first costs a look at each first character.
    """
    return text.str.contains(FORMULA_START).any()


def safe_file_names(names: Sequence[str]) -> dict[str, str]:
    """A portable file-name stem for each name, made from that name alone: ``bridgend-3f2a9c`` for "Bridgend".

    A readable slug of the name and a short hash of its exact text, so that a team's worklist keeps its
    file whatever other teams come and go. Only should two names share a stem (a hash prefix collides) do
    those two get the whole hash.
    """
    digits = dict.fromkeys(names, 6)
    while True:
        stems = {name: _stem(name, count) for name, count in digits.items()}
        uses = Counter(stems.values())
        clashing = [name for name, stem in stems.items() if uses[stem] > 1 and digits[name] < 32]
        if not clashing:
            break
        digits |= dict.fromkeys(clashing, 32)
    if len(uses) < len(stems):
        raise ValueError("two names have one file name")  # NOTE: two 128-bit hashes alike: not to be met
    return stems


def _stem(name: str, digits: int) -> str:
    """A lower-case ASCII slug of the name (its letters without their accents), a dash, and its hash's first digits."""
    letters = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")[:40].strip("-") or "team"
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"{slug}-{digest[:digits]}"
