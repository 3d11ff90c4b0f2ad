"""Concurrent use (README "Sync from cron"): the TUI open (``GraceboxApp`` under ``run_test``) while ``gracebox sync``
runs as a subprocess every couple of seconds for ~40 s, on the same SQLite file, against the private Dovecot.
New requests arrive on the server all the while; the TUI saves drafts and syncs by itself in between.

Checked: no "database is locked" (or any other error) in any sync's stderr or in anything the TUI reports;
every draft typed in the TUI is in the database; the TUI lists every request the server has. This is a soak,
not a timing test: nothing asserts a duration.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import col, select

import tui.app
from mailsync.config import load_config
from mailsync.store.engine import Store
from mailsync.store.models import Message, Reply
from mailsync.sync import report as sync_report
from mailsync.sync import run as sync_run
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount
from tests.tui.support import settle
from tui.app import GraceboxApp
from tui.messages import DraftSaved, SyncFinished, WorkFailed
from tui.screens.inbox import InboxScreen
from tui.screens.reply import ReplyScreen

REQ = "Networking"
#: `gracebox sync` runs the cron-like loop makes (a count, not a duration: the test means the same on a
#: slow machine).
CRON_RUNS = 8
#: Seconds between two `gracebox sync` runs.
EVERY_S = 1.0
#: Drafts the TUI types at least (it keeps going until the cron loop is done and this many are typed).
MIN_DRAFTS = 5
REPO = Path(__file__).resolve().parents[2]


class RecordingApp(GraceboxApp):
    """The real App, also keeping every error it reports (the handlers still run unchanged)."""

    CSS_PATH = str(Path(tui.app.__file__).resolve().parent / "gracebox.tcss")  # relative paths follow the subclass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.errors: list[str] = []
        self.syncs: list[SyncFinished] = []

    def on_work_failed(self, msg: WorkFailed) -> None:
        self.errors.append(f"{msg.what}: {msg.error}")
        super().on_work_failed(msg)

    def on_draft_saved(self, msg: DraftSaved) -> None:
        if msg.error:
            self.errors.append(f"draft: {msg.error}")
        super().on_draft_saved(msg)

    def on_sync_finished(self, msg: SyncFinished) -> None:
        self.syncs.append(msg)
        if msg.error:
            self.errors.append(f"sync: {msg.error}")
        super().on_sync_finished(msg)


@dataclass
class CronLoop:
    """A thread that appends one new request and runs `gracebox sync --quiet`, CRON_RUNS times, EVERY_S seconds
    apart."""

    acct: ImapAccount
    config: Path
    results: list[tuple[int, str]] = field(default_factory=list)
    appended: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="cron-sync", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # its own IMAP client: the fixture's helper belongs to the test's thread
        other = ImapAccount(self.acct.server, self.acct.user, self.acct.password)
        try:
            n = 0
            while n < CRON_RUNS and not self.stop.is_set():
                other.append(REQ, [mailgen.request(sender=(f"Cron Person {n}", f"cron{n}@example.org"),
                                                   subject=f"Arrived during the soak {n}",
                                                   message_id=f"<soak-{n}@example.org>")])
                self.appended += 1
                n += 1
                proc = subprocess.run([sys.executable, "-m", "mailsync.cli", "--config", str(self.config), "sync",
                                       "--quiet"], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                                      capture_output=True, text=True, timeout=120)
                self.results.append((proc.returncode, proc.stderr))
                self.stop.wait(EVERY_S)
        finally:
            other.close()


async def test_tui_open_while_cron_syncs(tmp_path: Path, imap_account: ImapAccount) -> None:
    imap_account.create_folder("Sent")
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Dana Cho", "dana@example.com")])])
    imap_account.append(REQ, mailgen.series(12))
    cfg = write_config(tmp_path / "config.toml", imap=imap_account.imap_config(),
                       identity={"name": "Alex Rivera", "email": "alex@example.com", "signature": "Alex"},
                       database_url=f"sqlite:///{tmp_path / 'shared.db'}",
                       extra={"ui": {"sync_interval": 0.05}})  # the TUI also syncs by itself every 3 s
    settings = load_config(cfg)
    store = Store(settings.database_url())
    typed: dict[int, list[str]] = {}
    totals: list[int] = []
    cron = CronLoop(imap_account, cfg)
    app = RecordingApp(settings, store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot, rounds=6)
        cron.start()
        i = 0
        while ((cron.thread is not None and cron.thread.is_alive())
               or (sum(map(len, typed.values())) < MIN_DRAFTS and i < 200)):
            assert isinstance(app.screen, InboxScreen)
            cur = app.inbox.request_list.current
            if cur is not None:
                await pilot.press("2")  # Scenario 2 reply editor on the highlighted request
                await settle(app, pilot)
                screen = app.screen
                if isinstance(screen, ReplyScreen) and screen.draft is not None:
                    token = f"soak-draft-{i}"
                    await pilot.press("end", *f" {token}")
                    await pilot.press("escape")  # leaves the editor; the draft is saved by a worker
                    typed.setdefault(cur.id, []).append(token)
                elif app.screen is not app.inbox:
                    await pilot.press("escape")
                await settle(app, pilot)
            await pilot.press("j", "j")
            if i % 3 == 0:
                await pilot.press("s")
            await settle(app, pilot)
            totals.append(app.inbox.request_list.total)
            i += 1
        cron.stop.set()
        # a last sync from the TUI: everything the server has must be listed
        while app.syncing:
            await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot, rounds=8)
        while app.syncing:
            await settle(app, pilot)
        final_total = app.inbox.request_list.total
    server_count = len(imap_account.uids(REQ))

    print(f"\nsoak: {len(cron.results)} cron syncs, {cron.appended} requests appended, {i} TUI rounds, "
          f"{sum(len(v) for v in typed.values())} drafts typed, TUI syncs {len(app.syncs)} "
          f"(locked {sum(1 for s in app.syncs if s.locked)}), list totals {totals[0]}..{totals[-1]}")
    assert len(cron.results) == CRON_RUNS
    assert [rc for rc, _err in cron.results] == [0] * len(cron.results), cron.results
    assert all("locked" not in err.lower() and err == "" for _rc, err in cron.results), cron.results
    assert app.errors == []
    assert all(s.error is None for s in app.syncs)
    assert sum(len(v) for v in typed.values()) >= MIN_DRAFTS  # 200 TUI rounds could not type them: a bug

    # no lost draft: every token typed is in its request's one open draft
    with store.session() as s:
        drafts = {r.message_pk: r for r in s.exec(select(Reply).where(Reply.state == "draft")).all()}
        for pk, tokens in typed.items():
            assert pk in drafts, f"draft of request {pk} lost"
            body = drafts[pk].body
            assert all(t in body for t in tokens), (pk, tokens, body)
        assert len(s.exec(select(Reply)).all()) == len(typed)  # one open draft per request, no extras
        rows = s.exec(select(Message).where(col(Message.uid).is_not(None))).all()
    # the TUI shows the requests that arrived meanwhile
    assert server_count == 12 + cron.appended
    assert len(rows) == server_count
    assert final_total == server_count
    assert totals[-1] > totals[0]
    store.close()


def test_threads_sync_while_drafts_are_saved(tmp_path: Path, imap_account: ImapAccount) -> None:
    """run_sync in four threads at once (one wins the lock, the others return locked) while a fifth thread
    saves drafts: nothing raises, no draft is lost, every request is stored once."""
    from mailsync.outbox import drafts as send

    imap_account.create_folder("Sent")
    imap_account.append(REQ, mailgen.series(60))
    cfg = write_config(tmp_path / "config.toml", imap=imap_account.imap_config(),
                       identity={"name": "Alex Rivera", "email": "alex@example.com"},
                       database_url=f"sqlite:///{tmp_path / 'threads.db'}")
    settings = load_config(cfg)
    store = Store(settings.database_url())
    assert sync_run.run_sync(settings, store=store, flush=False).new == 60
    with store.session() as s:
        ids = [m for m in s.exec(select(Message.id).order_by(col(Message.id))).all() if m is not None]
    other = ImapAccount(imap_account.server, imap_account.user, imap_account.password)
    errors: list[str] = []
    reports: list[sync_report.SyncReport] = []
    saved: dict[int, str] = {}
    lock = threading.Lock()

    def syncer(k: int) -> None:
        for j in range(6):
            try:
                rep = sync_run.run_sync(settings, store=store, flush=False)
                with lock:
                    reports.append(rep)
            except Exception as exc:  # noqa: BLE001 - the test collects and asserts on them
                with lock:
                    errors.append(f"sync {k}/{j}: {type(exc).__name__}: {exc}")

    def drafter() -> None:
        for j in range(120):
            pk = ids[j % len(ids)]
            text = f"draft text {j}"
            try:
                with store.session() as s:
                    m = s.get(Message, pk)
                    assert m is not None
                    send.save_draft(s, m, "scenario2", text, settings=settings)
                saved[pk] = text
            except Exception as exc:  # noqa: BLE001
                errors.append(f"draft {j}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=syncer, args=(k,)) for k in range(4)] + [threading.Thread(target=drafter)]
    for t in threads:
        t.start()
    for n in range(5):  # mail keeps arriving and flags change while they run
        other.append(REQ, mailgen.series(4, domain=f"wave{n}.example"))
        other.add_flags(REQ, [other.uids(REQ)[n]], ["\\Seen"])
    for t in threads:
        t.join(timeout=300)
    other.close()
    assert all(not t.is_alive() for t in threads)
    assert errors == []
    assert sync_run.run_sync(settings, store=store, flush=False).locked is False
    with store.session() as s:
        drafts = {r.message_pk: r.body for r in s.exec(select(Reply)).all()}
        rows = s.exec(select(Message).where(col(Message.uid).is_not(None))).all()
    assert drafts == saved
    assert len(rows) == 80 == len(imap_account.uids(REQ))
    assert len({m.uid for m in rows}) == 80
    assert any(r.locked for r in reports) or len(reports) == 24
    store.close()
