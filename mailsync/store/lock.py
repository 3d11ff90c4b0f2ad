"""The file locks beside the database: one for the sync (full and quick path alike), one for the outbox.

A lock file is ``<database>.lock`` for SQLite (``<database>.lock.outbox`` for the outbox), else
``<data dir>/sync-<digest>.lock`` per database URL. Files are created 0600 in a 0700 folder
(``files.py``). ``filelock`` does the locking (flock where available). Standard library plus ``filelock``:
cheap enough for the quick path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from .files import FILE_MODE, private_dir


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for other databases and in-memory SQLite."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:" and len(url) > len("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return None


def lock_path(url: str) -> Path:
    """The sync lock file of database ``url``: beside the SQLite file, else in the data folder."""
    p = sqlite_path(url)
    if p is not None:
        return p.with_name(p.name + ".lock")
    from ..config.paths import default_data_dir

    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return default_data_dir() / f"sync-{digest}.lock"


def outbox_lock_path(url: str) -> Path:
    """The outbox lock file of database ``url``: the sync lock's path plus ``.outbox``."""
    p = lock_path(url)
    return p.with_name(p.name + ".outbox")


@contextmanager
def file_lock(path: Path, *, wait_s: float = 0.0, missing_ok: bool = False) -> Iterator[bool]:
    """Hold the lock file ``path`` for the block: yields True when held, False when another process held it
    for ``wait_s`` seconds (0: don't wait). The folder is created 0700, the file 0600. When the folder can't
    be created: yields True with ``missing_ok`` (go on unlocked), else raises OSError."""
    from filelock import FileLock, Timeout

    try:
        private_dir(path.parent)
    except OSError:
        if not missing_ok:
            raise
        yield True
        return
    lock = FileLock(str(path), mode=FILE_MODE)
    try:
        lock.acquire(timeout=wait_s)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def sync_lock(url: str) -> AbstractContextManager[bool]:
    """``file_lock`` on the sync lock of database ``url``, without waiting (a second sync exits at once)."""
    return file_lock(lock_path(url))


def outbox_lock(url: str, wait_s: float) -> AbstractContextManager[bool]:
    """``file_lock`` on the outbox lock of database ``url``, waiting up to ``wait_s`` seconds; a folder that
    can't be made means no lock (the flush goes on unlocked, as before)."""
    return file_lock(outbox_lock_path(url), wait_s=wait_s, missing_ok=True)
