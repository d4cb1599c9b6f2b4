"""The history's key: the secret that record hashes are keyed with, and the warnings about it.

An unkeyed hash of an id is the id to anyone who can guess ids, so a key of fewer than 32 bytes is
refused, and so is one of too little variety (see ``varied``); a key file others may read, a key file
made anew for a history with runs, and a key unlike the one the last run was stored with are warned of
(``HistoryWarning``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import stat
import warnings
from pathlib import Path

from refcheck.schemas import RefcheckError

KEY_VARIABLE = "REFCHECK_HISTORY_KEY"
MIN_KEY_BYTES = 32
"""A shorter key (an empty file, an unset CI secret) would let record ids be guessed back from their hashes."""
MIN_KEY_VALUES = 8
"""A key of fewer different byte values, or with one value over half of it (40 NULs, ``\\xff\\xfe`` x 20),
is refused as guessable. A generated key (64 hex digits: 16 values, about 4 of each) fails
with a chance under 1e-18, and is then made anew."""
_MAX_KEY_BYTES = 4096
_KEY_CHECK = b"refcheck history key check"
"""Hashed with the key and kept, so that a run made with another key is noticed (nothing else would)."""


class HistoryError(RefcheckError):
    """The history file cannot be used."""


class HistoryWarning(UserWarning):
    """Something about the history to put right, though the run goes on: one line for the user."""


def key_path(history: Path) -> Path:
    """Where a history's key file is kept: beside it."""
    return history.with_name(history.name + ".key")


def history_key(history: Path) -> tuple[bytes, bool]:
    """The secret for record hashes, and whether its key file was made just now.

    ``REFCHECK_HISTORY_KEY`` when set, even to nothing (an unset CI secret must fail, not fall back to a
    new key file); else the key file beside the history, made on first use. Any bytes will do; fewer than
    ``MIN_KEY_BYTES``, or too little variety (``varied``), are refused.
    """
    if KEY_VARIABLE in os.environ:
        return _strong(os.fsencode(os.environ[KEY_VARIABLE]), KEY_VARIABLE), False
    path = key_path(history)
    made = _make_key_file(path)
    return _strong(_read_key_file(path), str(path)), made


def varied(key: bytes) -> bool:
    """Whether a key has ``MIN_KEY_VALUES`` different byte values, none making up over half of it."""
    return len(set(key)) >= MIN_KEY_VALUES and max(key.count(value) for value in set(key)) * 2 <= len(key)


def _strong(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES or not key.strip() or not varied(key):
        raise HistoryError(f"{where}: the history key must be at least {MIN_KEY_BYTES} bytes of at least "
                           f"{MIN_KEY_VALUES} different values, none over half of it (it has {len(key)} "
                           f"bytes, {len(set(key))} different); record ids could be guessed back from hashes "
                           "made with it")
    return key


def _new_key() -> str:
    """64 random hex digits that pass ``varied`` (all but under 1e-18 of them do at once)."""
    while not varied((key := secrets.token_hex(32)).encode()):
        pass
    return key


def _make_key_file(path: Path) -> bool:
    """Make a random key file, readable by its owner only, unless there is one; whether it was made."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as err:
        raise HistoryError(f"{path}: the history key cannot be made ({err.strerror})") from None
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(_new_key())
    except OSError as err:
        path.unlink(missing_ok=True)
        raise HistoryError(f"{path}: the history key cannot be made ({err.strerror})") from None
    return True


def _read_key_file(path: Path) -> bytes:
    """A key file's bytes without surrounding white space; warns when others may read it.

    NOTE: opened without blocking and read only when a regular file: a FIFO or a device never hangs a run.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            mode = os.fstat(descriptor).st_mode
            key = os.read(descriptor, _MAX_KEY_BYTES + 1) if stat.S_ISREG(mode) else None
        finally:
            os.close(descriptor)
    except OSError as err:
        raise HistoryError(f"{path}: the history key cannot be read ({err.strerror})") from None
    if key is None:
        raise HistoryError(f"{path}: the history key is not a regular file")
    if len(key) > _MAX_KEY_BYTES:
        raise HistoryError(f"{path}: too large for a history key (over {_MAX_KEY_BYTES:,} bytes)")
    if mode & 0o077:
        warnings.warn(f"{path}: others may read the history key (mode {stat.S_IMODE(mode):o}); chmod 600 it",
                      HistoryWarning, stacklevel=4)
    return key.strip()


def check_key(db: sqlite3.Connection, history: Path, key: bytes, made: bool) -> None:
    """Warn when this run's key is not the one earlier runs were stored with, and keep this one's check."""
    digest = hashlib.blake2b(_KEY_CHECK, key=key[:64], digest_size=16).digest()
    kept = db.execute("SELECT digest FROM key_check").fetchone()
    if made and db.execute("SELECT 1 FROM runs LIMIT 1").fetchone():
        warnings.warn(f"{key_path(history)}: no key file, so a new key was made; the runs already in "
                      f"{history} were stored with the lost one, so every failure will look new",
                      HistoryWarning, stacklevel=4)
    elif kept is not None and kept[0] != digest:
        warnings.warn(f"{history}: its earlier runs were stored with another key, so every failure will "
                      f"look new (give the key they were stored with to compare with them)",
                      HistoryWarning, stacklevel=4)
    db.execute("INSERT OR REPLACE INTO key_check VALUES (1, ?)", (digest,))

