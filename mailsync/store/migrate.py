"""Schema migrations on open: ``upgrade`` brings a database to this version's schema (Alembic revisions in
``store/migrations/versions``) before anything else touches it.

* A new, empty database gets every revision from the baseline up.
* A database made before migrations existed (Gracebox 0.1: tables, no ``alembic_version``) is stamped as
  the baseline revision (its schema is exactly that one), then upgraded.
* A database at an older revision is upgraded; an SQLite file is first copied (SQLite's backup API, a
  consistent copy even in WAL mode) to ``<db>.bak-<revision>`` (mode 0600), the revision being the one it
  had.
* A database at a revision this code does not know was made by a newer Gracebox: ``NewerDatabase`` (a
  ConfigError, exit 78) with one line saying to upgrade Gracebox.

Two processes opening the same database at once (the TUI and a cron sync) take turns on a lock file
beside the sync lock (``<lock>.migrate``). Run ``python -m mailsync.store.migrate revision "what changed"``
to write a new revision from the models (review it before committing).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from ..errors import ConfigError
from .files import FILE_MODE
from .lock import file_lock, lock_path, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

#: The folder of env.py and versions/.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The revision whose schema is Gracebox 0.1's (databases made before migrations are stamped with it).
BASELINE = "0001"
#: Seconds to wait for another process that is migrating the same database.
MIGRATE_WAIT_S = 60.0


class NewerDatabase(ConfigError):
    """The database carries a schema revision this Gracebox does not know (exit 78)."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r"^(down_revision|revision) = ['\"]?([^'\"\n]*?)['\"]?$", re.M)


def _revisions() -> dict[str, str | None]:
    """{revision: down_revision} of the files in ``versions/``, read as text (no Alembic import: opening a
    database that is already at head must stay cheap)."""
    out: dict[str, str | None] = {}
    for f in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(f.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            out[found["revision"]] = None if down in (None, "", "None") else down
    return out


def head() -> str:
    """The newest revision this code knows (a string such as "0001"): the one no other revision names as
    its ``down_revision`` (the history is linear). Raises RuntimeError when there is not exactly one."""
    revs = _revisions()
    heads = set(revs) - {d for d in revs.values() if d}
    if len(heads) != 1:
        raise RuntimeError(f"migrations: {len(heads)} heads in {MIGRATIONS_DIR / 'versions'}; keep one line")
    return heads.pop()


def current(connection: Connection) -> str | None:
    """The database's revision, or None when it has no ``alembic_version`` table or row."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def upgrade(engine: Engine, url: str) -> str | None:
    """Bring the database behind ``engine`` (``url``: its SQLAlchemy URL) to ``head()`` as the module
    docstring says. Returns the path of the SQLite backup made, or None. Raises NewerDatabase (78) for a
    database from a newer Gracebox, OSError when the backup can't be written, and what the database raises
    while migrating (the migration runs in a transaction where the database allows, so a failure leaves the
    old schema)."""
    target = head()
    with engine.connect() as conn:
        rev = current(conn)
        if rev == target:
            return None
    with file_lock(lock_path(url).with_name(lock_path(url).name + ".migrate"), wait_s=MIGRATE_WAIT_S,
                   missing_ok=True):
        with engine.begin() as conn:
            rev = current(conn)
            if rev == target:
                return None
            if rev is not None and rev not in _revisions():
                raise NewerDatabase(
                    f"[storage] database_url: the database was made by a newer Gracebox (schema {rev}, this one "
                    f"knows up to {target}); upgrade Gracebox to open it")
            fresh = rev is None and not inspect(conn).has_table("message")
        backup = None
        if not fresh and (rev or BASELINE) != target:  # stamping alone changes no user data
            path = sqlite_path(url)
            if path is not None:
                backup = _backup(path, rev or BASELINE)
        from alembic import command

        with engine.begin() as conn:
            cfg = _config(conn)
            if rev is None and not fresh:
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, target)
        return str(backup) if backup else None


def _backup(path: Path, rev: str) -> Path:
    """Copy the SQLite database ``path`` to ``<path>.bak-<rev>`` (mode 0600) with SQLite's backup API."""
    dest = path.with_name(f"{path.name}.bak-{rev}")
    dest.unlink(missing_ok=True)
    dest.touch(mode=FILE_MODE)
    src = sqlite3.connect(path)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    return dest


def write_revision(message: str, scratch: Path) -> None:
    """Write a new revision file in ``versions/`` from the difference between the models and a database at
    head (an SQLite file made in ``scratch``)."""
    from alembic import command

    from .engine import Store

    store = Store(f"sqlite:///{scratch / 'head.sqlite'}")
    try:
        with store.engine.begin() as conn:
            command.revision(_config(conn), message=message, autogenerate=True)
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    import tempfile

    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m mailsync.store.migrate revision "what changed"')
    with tempfile.TemporaryDirectory() as tmp:
        write_revision(sys.argv[2], Path(tmp))
