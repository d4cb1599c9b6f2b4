"""Switching an output folder over to a new set of files whole, and never touching a file refcheck did not write.

refcheck keeps, in each folder it writes, a manifest (``.refcheck-manifest.json``) of the files it wrote
there. A run writes its new set into a fresh staging folder. A folder of refcheck's own (new, empty, or
holding only the files its manifest lists) is then exchanged with the staging folder in one rename, so
that a reader, or a kill, sees the old set or the new one and never a mixture. A folder that also holds
other files (a user's) keeps them: the new files are renamed into place one by one, the entry page last,
and only files that the manifest lists are ever removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from refcheck.reports.files import OutputError, is_special, write_output

MANIFEST = ".refcheck-manifest.json"
STAGING = ".refcheck-tmp-"
"""How a staging folder's name starts: beside the output folder (after a dot and its name) or inside it."""
SUBFOLDERS = ("worklists", "due")
"""The folders of a scorecard folder: a worklist, and a due list, per team."""
OWN_FILE = re.compile(r"(index\.html|scorecard\.xlsx|summary\.md|report\.json"
                      r"|(worklists|due)/[a-z0-9-]*-([0-9a-f]{6}|[0-9a-f]{32})\.csv)")
"""The only names a manifest may list (a team's file as safe_file_names makes them): any other is ignored."""
_LEFT_BEHIND = re.compile(rf"{re.escape(MANIFEST)}|((worklists|due)/)?\.[^/]+\.tmp")
"""A write's own temporary files and the manifest: removed with the files refcheck wrote."""
_MANIFEST_LIMIT = 1 << 20
_ENTRY_PAGE_LAST = ("report.json", "summary.md", "scorecard.xlsx", "index.html")


def write_folder(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Have ``write`` make the new set of outputs in a staging folder, then switch ``out`` over to it.

    ``write`` is given the staging folder and returns the files it wrote there. Returns their paths in ``out``.
    """
    out = Path(os.path.abspath(out))  # NOTE: "." has no name; a link to a folder stays a link
    if os.path.exists(out) and not os.path.isdir(out):
        raise OutputError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(out))
    _clear_stale_stages(out)
    listed = read_manifest(out)
    whole = _is_own_folder(out, listed)
    with _stage(out, beside=whole) as stage:
        names = sorted(path.relative_to(stage).as_posix() for path in write(stage))
        _write_manifest(stage, names)
        if not (whole and _switch_whole(stage, out)):
            _move_each(stage, out, names, listed)
    return [out / name for name in names]


def read_manifest(folder: Path) -> frozenset[str]:
    """The files refcheck wrote in ``folder`` last time: none when there is no manifest, or it is not one.

    NOTE: only a regular file of a sane size is read: a pipe or device in its place would block or never end.
    """
    path = folder / MANIFEST
    try:
        found = os.lstat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size > _MANIFEST_LIMIT:
            return frozenset()
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, TypeError, KeyError):
        return frozenset()
    if not isinstance(files, list):
        return frozenset()
    return frozenset(name for name in files if isinstance(name, str) and OWN_FILE.fullmatch(name))


def _write_manifest(folder: Path, names: list[str]) -> None:
    """Replace the manifest (refcheck's own file: a pipe or device put in its place is replaced, not written to)."""
    path = folder / MANIFEST
    if is_special(path):
        path.unlink()
    write_output(path, json.dumps({"written_by": "refcheck", "files": names}, indent=1) + "\n")


def _is_own_folder(out: Path, listed: frozenset[str]) -> bool:
    """Whether ``out`` may be switched whole: missing, or a real folder on its parent's disk with only our files.

    NOTE: never the working folder or one above it, whose switch would move the process's own place.
    """
    try:
        found = os.lstat(out)
    except FileNotFoundError:
        return True
    mode, device = found.st_mode, found.st_dev
    if (not stat.S_ISDIR(mode) or device != os.stat(out.parent).st_dev or not os.access(out.parent, os.W_OK)
            or Path.cwd().is_relative_to(out)):
        return False
    for entry in out.iterdir():
        name = entry.name
        if name in SUBFOLDERS and entry.is_dir() and not entry.is_symlink():
            if any(f"{name}/{inner.name}" not in listed for inner in entry.iterdir()):
                return False
        elif name != MANIFEST and name not in listed:
            return False
    return True


@contextlib.contextmanager
def _stage(out: Path, *, beside: bool) -> Iterator[Path]:
    """A fresh staging folder, locked while this run uses it, and cleared of refcheck's files afterwards.

    NOTE: the lock (on the folder itself) lets a later run clear a folder a killed run left, and only that.
    """
    token = secrets.token_hex(4)
    if beside:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f".{out.name}{STAGING}{token}"
    else:
        out.mkdir(parents=True, exist_ok=True)
        stage = out / f"{STAGING}{token}"
    stage.mkdir(0o777)  # NOTE: as a folder made by mkdir would be (the umask's mode); its files are 0600
    with contextlib.suppress(OSError):
        _copy_owner_and_mode(out, stage)
    lock = os.open(stage, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield stage
    finally:
        _clear(stage)
        os.close(lock)


def _copy_owner_and_mode(source: Path, target: Path) -> None:
    """Give the staging folder the folder's own mode and owner, so that its readers can read the new set."""
    found = os.stat(source)
    os.chmod(target, stat.S_IMODE(found.st_mode))
    if os.geteuid() == 0 and (found.st_uid, found.st_gid) != (os.getuid(), os.getgid()):
        os.chown(target, found.st_uid, found.st_gid)


def _switch_whole(stage: Path, out: Path) -> bool:
    """Put the staged folder in ``out``'s place in one rename; False where the system cannot exchange two folders."""
    if not os.path.lexists(out):
        os.rename(stage, out)
        return True
    exchange = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if exchange is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if exchange(at_cwd, os.fsencode(stage), at_cwd, os.fsencode(out), rename_exchange) == 0:
        return True  # NOTE: the old set is now in the staging folder's place, and is cleared with it
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(out))


def _move_each(stage: Path, out: Path, names: list[str], listed: frozenset[str]) -> None:
    """Rename each new file into ``out`` (the entry page last) and remove the files of the last set only.

    NOTE: the manifest lists the old and new files while they are moved, so that a kill leaves none unlisted.
    """
    _write_manifest(out, sorted(listed | set(names)))
    for name in sorted(names, key=lambda name: _ENTRY_PAGE_LAST.index(name) if name in _ENTRY_PAGE_LAST else -1):
        target = out / name
        target.parent.mkdir(exist_ok=True)
        if is_special(target):
            write_output(target, (stage / name).read_bytes())
        else:
            os.replace(stage / name, target)
    for name in listed - set(names):
        _remove_file(out, name)
    _write_manifest(out, names)


def _clear_stale_stages(out: Path) -> None:
    """Clear the staging folders a killed run left beside or inside ``out`` (they may hold worklists)."""
    found = [*out.parent.glob(f".{_glob_escape(out.name)}{STAGING}*")]
    if os.path.isdir(out):
        found += out.glob(f"{STAGING}*")
    for stage in found:
        with contextlib.suppress(OSError):
            lock = os.open(stage, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # NOTE: fails while its run is alive
                _clear(stage)
            finally:
                os.close(lock)


def _clear(folder: Path) -> None:
    """Remove refcheck's own files from a staging folder, then the folder if nothing else is left in it."""
    if not os.path.isdir(folder) or os.path.islink(folder):
        return
    inner = [path for sub in SUBFOLDERS for path in (*folder.glob(f"{sub}/*"), *folder.glob(f"{sub}/.*"))]
    for path in [*folder.glob("*"), *folder.glob(".*"), *inner]:
        name = path.relative_to(folder).as_posix()
        if OWN_FILE.fullmatch(name) or _LEFT_BEHIND.fullmatch(name):
            _remove_file(folder, name)
    for emptied in (*(folder / sub for sub in SUBFOLDERS), folder):
        with contextlib.suppress(OSError):
            emptied.rmdir()


def _remove_file(folder: Path, name: str) -> None:
    """Remove one file refcheck wrote (or a link in its place), never a folder, nor through a linked folder."""
    path = folder / name
    if path.parent != folder and (os.path.islink(path.parent) or not os.path.isdir(path.parent)):
        return
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            path.unlink()


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
