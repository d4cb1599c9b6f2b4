"""Temporary copies of an extract (a transcoded CSV, standard input), never left behind.

A copy holds personal data, so it is removed when the run ends, when refcheck is stopped by a
signal it can catch (SIGTERM, SIGINT, SIGHUP), and otherwise (SIGKILL, a power cut) by the next
run: each copy is named ``refcheck-<pid>-…`` and a copy whose process is gone is stale.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from refcheck.checks.errors import ExtractError

PREFIX = "refcheck-"
_CHUNK = 1 << 20
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

_live: set[Path] = set()
_previous: dict[int, object] = {}


def scratch_file(suffix: str) -> tuple[int, Path]:
    """A new private file (descriptor and path) in the temporary folder, removed however the run ends."""
    remove_stale()
    _catch_signals()
    # NOTE: a signal between making the file and noting it would leave it behind: it waits till both are done.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        handle, name = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=suffix)
        _live.add(Path(name))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return handle, Path(name)


def spool_stdin(suffix_for: Callable[[bytes], str]) -> Path:
    """Standard input copied to a scratch file, whose suffix ``suffix_for`` gives from the first block."""
    source = sys.stdin.buffer
    try:
        first = source.read(_CHUNK)
    except OSError as err:
        raise ExtractError(f"<stdin>: cannot be read ({err.strerror})") from None
    handle, path = scratch_file(suffix_for(first))
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(first)
            shutil.copyfileobj(source, target, _CHUNK)
    except BaseException as err:
        discard(path)
        if isinstance(err, OSError):
            raise ExtractError(f"<stdin>: cannot be copied to a temporary file ({err.strerror})") from None
        raise
    return path


def discard(path: Path) -> None:
    """Remove a scratch file (no error when it is gone already)."""
    path.unlink(missing_ok=True)
    _live.discard(path)


_NAME = re.compile(re.escape(PREFIX) + r"(\d+)-[A-Za-z0-9_]{8}\.[a-z]{2,8}")
"""A scratch file's name exactly as ``scratch_file`` makes it: a file merely named like it is not refcheck's."""


def remove_stale() -> None:
    """Remove the scratch files of this user's refcheck processes that are gone (killed before they could clean up)."""
    for path in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        owner = _NAME.fullmatch(path.name)
        with contextlib.suppress(OSError):
            mine = path.is_file() and not path.is_symlink() and path.stat().st_uid == os.getuid()
            if owner and mine and not _running(int(owner.group(1))):
                path.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # NOTE: another user's process: alive
    return True


def _catch_signals() -> None:
    """Remove the scratch files before a catchable signal ends the process (once, from the main thread)."""
    if _previous or threading.current_thread() is not threading.main_thread():
        return
    for number in SIGNALS:
        if signal.getsignal(number) != signal.SIG_IGN:  # NOTE: nohup's ignored SIGHUP stays ignored
            _previous[number] = signal.signal(number, _on_signal)


def _on_signal(number: int, frame: FrameType | None) -> None:
    for path in list(_live):
        discard(path)
    previous = _previous.get(number)
    if callable(previous):
        previous(number, frame)  # NOTE: SIGINT's default raises KeyboardInterrupt, which ends the run as before
        return
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
