"""PostgreSQL through `database_url`: a private server started by the test (initdb + pg_ctl on 127.0.0.1)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailsync import checker
from mailsync.config import settings_from_dict
from mailsync.mail.parse import parse
from mailsync.store import actions, ingest, listing, queries
from mailsync.store import context as store_context
from mailsync.store.engine import Store
from mailsync.store.models import Message


def _pg_bin() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return None
    for v in sorted(base.iterdir(), reverse=True):
        if (v / "bin" / "initdb").exists():
            return v / "bin"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server not installed: apt-get install -y postgresql")
        pytest.skip("PostgreSQL server not installed: apt-get install -y postgresql")
    d = Path(tempfile.mkdtemp(prefix="gracebox-pg-"))  # pytest's tmp root is 0700: postgres can't enter it
    d.chmod(0o755)
    data = d / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(d, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*run_as, str(bindir / "initdb"), "-A", "trust", "--no-sync", "-U", "postgres", "-D", str(data)],
                   check=True, capture_output=True)
    port = _free_port()
    opts = f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(d / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(d, ignore_errors=True)


RAW = (
    b"From: Sam Lee <sam@stranger.example>\r\nTo: me@example.org\r\nSubject: Quick question\r\n"
    b"Date: Fri, 20 Nov 2026 09:14:00 +0000\r\nMessage-ID: <pg1@stranger.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nCould you refer me to the hiring manager?\r\n"
)


def test_store_roundtrip_on_postgresql(pg_url: str) -> None:
    settings = settings_from_dict({"identity": {"email": "me@example.org"}, "storage": {"database_url": pg_url}})
    store = Store(settings.database_url())
    parsed = parse(RAW)
    with store.session() as s:
        ctx = store_context.build_context(s, settings)
        hits = checker.check(parsed, ctx)
        ((pk, _new),) = ingest.ingest(s, [ingest.incoming(parsed, RAW, hits,
                                                          internaldate=datetime(2026, 11, 20, tzinfo=UTC))],
                                      store_context.context_key(ctx))
        actions.record_decision(s, "<pg1@stranger.example>", "accept")
    with store.session() as s:
        rows = queries.list_json(s, settings)
        assert len(rows) == 1
        assert rows[0]["subject"] == "Quick question"
        assert rows[0]["from"] == {"name": "Sam Lee", "address": "sam@stranger.example"}
        assert rows[0]["date"] == "2026-11-20T09:14:00+00:00"
        assert store_context.accepted_counts(s, datetime.now(UTC)) == (1, 1)
        assert listing.count_requests(s, "all", search="hiring manager") == 1
        stored = s.get(Message, pk)
        assert stored is not None and stored.raw == RAW
    store.close()
