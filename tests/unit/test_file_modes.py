"""The user's files stay theirs: the database (and its -wal/-shm), the sync and outbox lock files, the
migration lock, the quick path's state file and the demo's outbox are created 0600 in 0700 folders, also
under a permissive umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from mailsync.outbox.flush import flush_outbox
from mailsync.service.demo import prepare_demo
from mailsync.store.engine import Store
from mailsync.store.lock import outbox_lock, sync_lock
from mailsync.store.models import Message
from mailsync.sync import quick


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """A umask that would give 0644/0755 (the usual default): the modes must not depend on it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_database_and_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "gracebox"
    store = Store(f"sqlite:///{folder / 'gracebox.db'}")
    try:
        with store.session() as s:
            s.exec(select(Message)).all()
            assert {p.name for p in folder.iterdir()} >= {"gracebox.db", "gracebox.db-wal", "gracebox.db-shm"}
            for p in folder.iterdir():
                assert mode(p) == 0o600, p.name
    finally:
        store.close()
    assert mode(folder) == 0o700
    assert mode(folder / "gracebox.db") == 0o600


def test_lock_and_state_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'g.db'}"
    with sync_lock(url) as held, outbox_lock(url, 0.0) as held_outbox:
        assert held and held_outbox
    assert mode(tmp_path / "db") == 0o700
    assert mode(tmp_path / "db" / "g.db.lock") == 0o600
    assert mode(tmp_path / "db" / "g.db.lock.outbox") == 0o600
    Store(url).close()
    assert mode(tmp_path / "db" / "g.db.lock.migrate") == 0o600
    quick.remember(tmp_path / "db" / "g.db", "digest", context_key="k", checker_version=1, digests={})
    assert mode(quick.state_path(tmp_path / "db" / "g.db")) == 0o600


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    Store(f"sqlite:///{db}").close()
    db.chmod(0o640)  # the user's choice
    Store(f"sqlite:///{db}").close()
    assert mode(db) == 0o640


def test_demo_outbox_files(tmp_path: Path) -> None:
    demo = prepare_demo(tmp_path / "demo", outbox_dir=tmp_path / "out")
    try:
        assert mode(tmp_path / "demo") == 0o700 and mode(tmp_path / "out") == 0o700
        from mailsync.outbox.drafts import queue_reply, save_draft

        with demo.store.session() as s:
            m = s.exec(select(Message)).first()
            assert m is not None
            r = queue_reply(s, demo.settings, save_draft(s, m, "scenario2", "No, thanks."))
            rid = r.id
        done = flush_outbox(demo.settings, demo.store, only=rid, folder_out=demo.outbox_dir)
        assert [x.state for x in done] == ["sent"]
        files = list((tmp_path / "out").glob("*.eml"))
        assert files and all(mode(f) == 0o600 for f in files)
    finally:
        demo.close()
