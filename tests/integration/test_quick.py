"""The quick path of ``gracebox sync`` (mailsync/sync/quick.py) against the private Dovecot.

Each run is a real ``gracebox sync`` in a subprocess; a marker file says whether SQLModel was imported, i.e.
whether the full path ran. Nothing changed -> the fast path answers and the database file is byte-for-byte
the same; a new message, a flag change, a Sent message, a queued reply, a stale check or a config edit -> the
full path runs (and a broken config still exits 78).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailsync.outbox import replies as send
from mailsync.store import actions as inbox
from mailsync.store.engine import Store
from mailsync.store.models import Message, Reply
from mailsync.sync import quick as fastpath
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount
from tests.servers.proxy import CutProxy

ROOT = Path(__file__).resolve().parents[2]
REQ = "Networking"
SUMMARY = "synced: 0 new, 0 updated, 0 expunged, 0 re-checked; outbox: 0 sent, 0 failed"

_RUNNER = (
    "import sys\n"
    "from mailsync.cli import main\n"
    "rc = main(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str('sqlmodel' in sys.modules))\n"
    "sys.exit(rc)\n"
)


@dataclass
class Run:
    code: int
    out: str
    err: str
    full: bool  # True when the full path ran (SQLModel was imported)


def gracebox(cfg: Path, *args: str) -> Run:
    """Run ``gracebox --config cfg sync ARGS`` in a fresh interpreter."""
    mark = cfg.parent / "full-path.txt"
    mark.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRACEBOX_CONFIG", None)
    p = subprocess.run([sys.executable, "-c", _RUNNER, str(mark), "--config", str(cfg), "sync", *args],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    full = mark.read_text() == "True" if mark.exists() else True
    return Run(p.returncode, p.stdout.strip(), p.stderr.strip(), full)


def config(tmp_path: Path, acct: ImapAccount, **imap_kw: Any) -> Path:
    acct.create_folder("Sent")
    profile = imap_kw.pop("profile", None)
    return write_config(tmp_path / "config.toml", imap=acct.imap_config(**imap_kw),
                        identity={"name": "Alex Rivera", "email": "alex@example.com"}, profile=profile,
                        database_url=f"sqlite:///{tmp_path}/db.sqlite")


def db_bytes(tmp_path: Path) -> str:
    """sha256 of the database file and of any WAL beside it."""
    h = hashlib.sha256()
    for name in ("db.sqlite", "db.sqlite-wal"):
        p = tmp_path / name
        h.update(name.encode() + (p.read_bytes() if p.exists() else b"-"))
    return h.hexdigest()


@pytest.fixture
def synced(tmp_path: Path, imap_account: ImapAccount) -> Path:
    """Two requests, synced once by the full path (which records the fast path's state)."""
    imap_account.append(REQ, [mailgen.request(sender=("Sam Lee", "sam@example.org"), message_id="<a1@example.org>"),
                              mailgen.request(sender=("Riley Fox", "riley@vendor.example"), kind="selling",
                                              message_id="<a2@vendor.example>")])
    cfg = config(tmp_path, imap_account)
    first = gracebox(cfg)
    assert (first.code, first.full) == (0, True), first.err
    assert first.out.startswith("synced: 2 new")
    assert fastpath.state_path(tmp_path / "db.sqlite").exists()
    return cfg


def test_nothing_changed_takes_the_fast_path_and_writes_nothing(tmp_path: Path, synced: Path) -> None:
    before = db_bytes(tmp_path)
    r = gracebox(synced)
    assert (r.code, r.full, r.out, r.err) == (0, False, SUMMARY, "")
    quiet = gracebox(synced, "--quiet")
    assert (quiet.code, quiet.full, quiet.out, quiet.err) == (0, False, "", "")
    assert db_bytes(tmp_path) == before
    # the full path on the same no-op prints the same line
    fastpath.forget(tmp_path / "db.sqlite")
    full = gracebox(synced)
    assert (full.code, full.full, full.out) == (0, True, SUMMARY)
    assert gracebox(synced).full is False  # recorded again


def test_new_message_runs_the_full_path_then_nothing_to_do(tmp_path: Path, synced: Path,
                                                           imap_account: ImapAccount) -> None:
    imap_account.append(REQ, [mailgen.request(message_id="<a3@example.org>", subject="Another one")])
    r = gracebox(synced)
    assert (r.code, r.full, r.err) == (0, True, "")  # the quick path never writes: the full path stores it
    assert r.out == "synced: 1 new, 0 updated, 0 expunged, 0 re-checked; outbox: 0 sent, 0 failed"
    store = _store(tmp_path)
    try:
        with store.session() as s:
            rows = s.exec(select(Message).order_by(Message.uid)).all()
            assert [(m.uid, m.subject) for m in rows][-1] == (3, "Another one")
            assert rows[-1].status == "new" and rows[-1].context_key == rows[0].context_key
    finally:
        store.close()
    n = gracebox(synced)
    assert (n.full, n.out) == (False, SUMMARY)


def test_flag_change_runs_the_full_path(tmp_path: Path, synced: Path, imap_account: ImapAccount) -> None:
    imap_account.add_flags(REQ, [1], ["\\Seen"])
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True)
    assert r.out.startswith("synced: 0 new, 1 updated")
    store = Store(f"sqlite:///{tmp_path}/db.sqlite")
    try:
        with store.session() as s:
            assert s.exec(select(Message.status).where(Message.uid == 1)).one() == "read"
    finally:
        store.close()


def test_sent_message_runs_the_full_path(tmp_path: Path, synced: Path, imap_account: ImapAccount) -> None:
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Sam Lee", "sam@example.org")])])
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True)
    assert "2 re-checked" in r.out  # Sam became known: the context changed
    assert gracebox(synced).full is False


def _store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path}/db.sqlite")


def test_outbox_work_runs_the_full_path(tmp_path: Path, synced: Path) -> None:
    store = _store(tmp_path)
    try:
        with store.session() as s:
            m = s.exec(select(Message).where(Message.uid == 1)).one()
            s.add(Reply(message_pk=m.id, request_identity=m.identity, message_id="<r1@example.com>",
                        state="queued", raw=b"x"))
    finally:
        store.close()
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True)  # no [smtp]: the reply stays queued ...
    assert gracebox(synced).full is True  # ... so every run looks at it
    store = _store(tmp_path)
    try:
        with store.session() as s:
            rep = s.exec(select(Reply)).one()
            rep.state, rep.appended, rep.answered = "sent", True, False  # \Answered still to do
            s.add(rep)
    finally:
        store.close()
    assert gracebox(synced).full is True  # the flush stores \Answered on the original ...
    store = _store(tmp_path)
    try:
        with store.session() as s:
            assert s.exec(select(Reply.answered)).one() is True
    finally:
        store.close()
    assert gracebox(synced).full is True  # ... which raised the folder's HIGHESTMODSEQ: one more look
    assert gracebox(synced).full is False  # finished replies are nothing to do


def test_stale_check_or_new_contact_runs_the_full_path(tmp_path: Path, synced: Path) -> None:
    store = _store(tmp_path)
    try:
        with store.session() as s:
            m = s.exec(select(Message).where(Message.uid == 2)).one()
            m.checker_version = 0  # e.g. the checker failed on it last time
            s.add(m)
    finally:
        store.close()
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True) and "1 re-checked" in r.out
    assert gracebox(synced).full is False
    store = _store(tmp_path)
    try:
        with store.session() as s:
            inbox.add_negative_contact(s, "riley@vendor.example", "Riley Fox", "pushy")  # the TUI's "x"
    finally:
        store.close()
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True) and "2 re-checked" in r.out


def test_config_edit_runs_the_full_path_and_a_broken_one_exits_78(tmp_path: Path, synced: Path,
                                                                  imap_account: ImapAccount) -> None:
    text = synced.read_text()
    synced.write_text(text + '\n[profile]\nexpertise = ["kubernetes"]\n')
    r = gracebox(synced)
    assert (r.code, r.full) == (0, True)
    assert "2 re-checked" in r.out  # the profile is part of the check context
    synced.write_text(text.replace("[imap]\n", "[imap]\nbogus = 1\n"))
    bad = gracebox(synced)
    assert bad.code == 78
    assert bad.err.count("\n") == 0 and "bogus" in bad.err and "unknown key" in bad.err
    synced.write_text(text)
    assert gracebox(synced).code == 0


def test_password_command_runs_once_per_process(tmp_path: Path, imap_account: ImapAccount) -> None:
    counter = tmp_path / "runs.txt"
    script = (f"import pathlib; p = pathlib.Path({str(counter)!r}); "
              f"p.write_text((p.read_text() if p.exists() else '') + 'x'); print({imap_account.password!r})")
    imap_account.append(REQ, [mailgen.request(message_id="<p1@example.org>")])
    cfg = config(tmp_path, imap_account, password=None, password_command=[sys.executable, "-c", script])
    text = cfg.read_text()
    cfg.write_text("\n".join(line for line in text.splitlines() if not line.startswith("password =")) + "\n")
    assert gracebox(cfg).full is True
    assert counter.read_text() == "x"
    assert gracebox(cfg).full is False
    assert counter.read_text() == "xx"
    imap_account.add_flags(REQ, [1], ["\\Seen"])
    r = gracebox(cfg)  # the quick path runs the command, sees a flag change; the full path reuses the password
    assert (r.code, r.full) == (0, True) and r.out.startswith("synced: 0 new, 1 updated")
    assert counter.read_text() == "xxx"


def test_server_without_condstore_always_takes_the_full_path(tmp_path: Path,
                                                             imap_account_no_condstore: ImapAccount) -> None:
    imap_account_no_condstore.append(REQ, [mailgen.request(message_id="<n1@example.org>")])
    cfg = config(tmp_path, imap_account_no_condstore)
    assert gracebox(cfg).full is True
    r = gracebox(cfg)
    assert (r.code, r.full, r.out) == (0, True, SUMMARY)  # without HIGHESTMODSEQ flag changes can't be ruled out


def test_a_server_that_stops_answering_is_75_without_a_second_wait(tmp_path: Path, imap_account: ImapAccount) -> None:
    imap_account.append(REQ, [mailgen.request(message_id="<t1@example.org>")])
    with CutProxy(target_port=imap_account.server.tls_port) as proxy:
        cfg = config(tmp_path, imap_account, port=proxy.port, timeout=1)
        assert gracebox(cfg).code == 0
        proxy.arm(cut_s2c=0, stall=True, cut_connections=None)
        r = gracebox(cfg)
    assert (r.code, r.full) == (75, False)
    assert r.err == (f"gracebox: IMAP 127.0.0.1:{proxy.port}: cannot connect (timed out); "
                     "check [imap] host and port, or try later")


def test_outbox_states_match_the_flush() -> None:
    assert fastpath.OUTBOX_STATES == send.OPEN_STATES


def test_requests_unchanged_needs_highestmodseq() -> None:
    assert fastpath.requests_unchanged((7, 10, 9, 55), (7, 10, 9, 55)) is True
    assert fastpath.requests_unchanged((7, 10, 9, 55), (7, 10, 9, 56)) is False  # a flag changed
    assert fastpath.requests_unchanged((7, 10, 9, 55), (7, 11, 10, 56)) is False  # new mail
    assert fastpath.requests_unchanged((7, 10, 9, None), (7, 10, 9, None)) is False
    assert fastpath.requests_unchanged(None, (7, 10, 9, 55)) is False
    assert fastpath.sent_unchanged((3, 5, 4, None), (3, 5, 4, 99)) is True
    assert fastpath.sent_unchanged((None, None, None, None), (3, 5, 4, None)) is False


def test_quick_path_steps_aside(tmp_path: Path, synced: Path, imap_account: ImapAccount) -> None:
    imap_account.append(REQ, [mailgen.request(message_id="<s1@example.org>")])
    imap_account.add_flags(REQ, [2], ["\\Flagged"])
    r = gracebox(synced)  # new mail and a flag change: the full path
    assert (r.full, r.out.startswith("synced: 1 new, 1 updated")) == (True, True)
    imap_account.append(REQ, [mailgen.request(message_id="<s2@example.org>")])
    imap_account.expunge(REQ, [1])
    r = gracebox(synced)  # new mail and an expunge: the full path
    assert (r.full, r.out.startswith("synced: 1 new, 0 updated, 1 expunged")) == (True, True)
