"""The user's files stay theirs: folders Gracebox creates are 0700, files it creates (database, state, lock)
0600. Standard library only (the quick sync path uses it before anything heavy)."""

from __future__ import annotations

import os
from pathlib import Path

#: Mode of folders Gracebox creates (the data folder, the database's folder).
DIR_MODE = 0o700
#: Mode of files Gracebox creates (the database and its -wal/-shm files, state files, lock files).
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Create folder ``path`` (and missing parents) with mode 0700; an existing folder is left as it is.
    Raises OSError when it can't be created."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 when it does not exist (an existing file keeps its mode and
    bytes). Raises OSError when it can't be created."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(fd)
