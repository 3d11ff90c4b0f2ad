"""Database engine and sessions.

SQLite by default, in WAL mode with a busy timeout so the TUI and a cron sync can share the file; any
SQLAlchemy URL works (``postgresql+psycopg://...``). On open the schema is brought to this version
(``migrate.py``, Alembic) and, on SQLite, the FTS5 search index of ``search.py`` is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Index, event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from ..errors import ConfigError
from . import (
    migrate,
    models,  # noqa: F401  (registers the tables)
    search,
)
from .files import private_dir, private_file
from .lock import sqlite_path

#: (context_key, checker_version) of every request: the sync's re-check query and the no-op fast path
#: (``sync.quick``: range seeks, the same cost at 100k rows) use it. Created on open, also in
#: databases made before it existed.
_MESSAGE_COLS = models.Message.__table__.c  # type: ignore[attr-defined]
RECHECK_INDEX = Index("ix_message_recheck", _MESSAGE_COLS.context_key, _MESSAGE_COLS.checker_version)

#: Seconds SQLite waits for a lock held by another process (the TUI and cron sync share the file).
BUSY_TIMEOUT_S = 30


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and bring its schema to this version (``migrate.upgrade``: tables made
    for a new database, an old one upgraded after an SQLite backup, a newer one refused).

    SQLite: the parent folder is created 0700 and the file 0600 (``files.py``), WAL journal,
    ``busy_timeout`` = BUSY_TIMEOUT_S seconds,
    ``synchronous=NORMAL``. Raises ConfigError (naming ``[storage] database_url``) when it can't open, and
    ``migrate.NewerDatabase`` (a ConfigError, exit 78) for a database made by a newer Gracebox.
    """
    kwargs: dict[str, Any] = {}
    path = sqlite_path(url)
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        if path is not None:
            try:
                private_dir(path.parent)
                private_file(path)  # SQLite gives its -wal and -shm files the database file's mode
            except OSError as exc:
                raise ConfigError(
                    f"[storage] database_url: cannot create {path.parent} ({exc.strerror}); fix the path"
                ) from None
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises many kinds for a bad URL
        raise ConfigError(f"[storage] database_url: {type(exc).__name__}: {exc}; fix the URL") from None
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if path is not None:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    try:
        migrate.upgrade(engine, url)  # the schema of this version (ConfigError: a newer Gracebox's database)
        RECHECK_INDEX.create(engine, checkfirst=True)  # databases made before the index existed
        search.ensure_index(engine)  # SQLite: FTS5 index + triggers, rebuilt when missing
    except ConfigError:
        engine.dispose()
        raise
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        raise ConfigError(
            f"[storage] database_url: cannot open the database ({type(exc).__name__}); check it is reachable"
        ) from None
    return engine


class Store:
    """A database handle: ``engine`` plus a ``session()`` context manager that commits on success."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a Session; commit when the block ends without error, roll back otherwise."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        """Dispose of the engine's connections."""
        self.engine.dispose()
