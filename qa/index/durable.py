"""Writes that survive a power cut: file contents and folder entries fsynced before anything points at them.

A file's data reaches the disk with ``fsync`` of the file; its name (a new file, a rename, a removal)
only with ``fsync`` of the folder holding it. Without both, a power cut can leave a renamed-in file
empty, a version folder without some of its parts, or an acknowledged corpus edit undone. Used by
the index store (a version is complete on disk before ``CURRENT`` names it) and by the admin API's
corpus edits (``qa.indexing.corpus_edits``: on disk before the request is answered).
"""

import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.errors import StorageFull

# errno values of a full disk (or a full quota) and the texts libraries put in place of an errno.
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_TEXTS = ("no space left on device", "database or disk is full", "disk quota exceeded")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make the entries of folder ``path`` (names created, renamed or removed in it) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every file under ``root``, then every folder, deepest first (each after what it holds)."""
    folders: list[Path] = []
    for folder, _, files in os.walk(root):
        for name in files:
            fsync_file(Path(folder, name))
        folders.append(Path(folder))
    for folder in reversed(folders):
        fsync_dir(folder)


def make_dirs(path: Path) -> None:
    """``mkdir -p path``; each folder it creates is made durable in its parent."""
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    path.mkdir(parents=True, exist_ok=True)
    for folder in reversed(missing):
        fsync_dir(folder.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file, fsync, rename, fsync of the folder)."""
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it owner-only; corpus files are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def remove(path: Path) -> None:
    """Remove file ``path`` (if there) and make the removal durable."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk or the quota is full.

    FAISS and SQLite report it in their message rather than with an errno."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if isinstance(current, OSError | RuntimeError | sqlite3.Error):
            if any(text in str(current).lower() for text in _FULL_TEXTS):
                return True
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def full_disk_reported(what: str, folder: Path) -> Iterator[None]:
    """Turn a full-disk failure inside into ``StorageFull`` saying so (naming ``what``, not the path)."""
    try:
        yield
    except StorageFull:
        raise
    except Exception as exc:
        if not disk_full(exc):
            raise
        raise StorageFull(
            f"no space left on the disk holding the {what} ({_free(folder)} free): nothing was changed; "
            "free some space and try again"
        ) from exc


def _free(folder: Path) -> str:
    for candidate in (folder, *folder.parents):
        try:
            return f"{shutil.disk_usage(candidate).free / 2**20:.0f} MiB"
        except OSError:
            continue
    return "unknown"
