"""The speed-ups of the sync path give the same results as the plain ways (issue "Fast on big mailboxes"):
imaplib FETCH parsing vs imapclient's, the bulk insert vs the ORM one, the process pool vs parsing here, and
the compat32 parse vs ``parse.parse``. Real Dovecot, real SQLite."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailsync.config import Settings, load_config
from mailsync.imap.login import connect
from mailsync.mail import parse
from mailsync.store import context as store_context
from mailsync.store import ingest, queries, rows
from mailsync.store.engine import Store
from mailsync.store.models import Correction, Message, Reply
from mailsync.sync import limits, pool
from mailsync.sync import run as sync_run
from mailsync.types import CheckContext, FlagHit
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount

REQ = "Networking"


def variety() -> list[bytes]:
    """Requests of every shape the generator makes, plus bodies that look like IMAP syntax."""
    out = [mailgen.request(kind=k, message_id=f"<{k}@example.org>")
           for k in ("clean", "selling", "stranger-ask", "reputation", "out-of-depth")]
    out.append(mailgen.request(html="<p>Hello <b>there</b></p><p>Could you refer me?</p>", body=None,
                               message_id="<html@example.org>"))
    out.append(mailgen.request(body="A line with ) and {12}\r\n and * 3 FETCH (UID 9) inside.", charset="utf-8",
                               message_id="<syntax@example.org>"))
    out.append(mailgen.request(sender=("Zoë Ünal", "zoe@example.org"), subject="Grüße aus Köln",
                               charset="iso-8859-1", body="Schöne Grüße", message_id="<latin@example.org>"))
    out.append(mailgen.request(message_id=None, subject="No Message-ID"))
    out.append(mailgen.notification())
    out.append(mailgen.broken_message())
    return out


def settings_for(tmp_path: Path, acct: ImapAccount, db: str = "db.sqlite") -> Settings:
    acct.create_folder("Sent")
    path = write_config(tmp_path / f"{db}.toml", imap=acct.imap_config(),
                        identity={"name": "Alex Rivera", "email": "alex@example.com"},
                        database_url=f"sqlite:///{tmp_path}/{db}")
    return load_config(path)


def test_fetch_messages_reads_bodies_flags_and_dates(tmp_path: Path, imap_account: ImapAccount) -> None:
    raws = variety()
    uids = imap_account.append(REQ, raws[:6], when=datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    uids += imap_account.append(REQ, raws[6:], flags=["\\Seen", "$Label1"])
    imap_account.add_flags(REQ, uids[:2], ["\\Flagged", "\\Answered"])
    with connect(settings_for(tmp_path, imap_account)) as conn:
        conn.select(REQ)
        got = conn.fetch_messages(uids)
        assert [fm.uid for fm in got] == uids
        assert [fm.raw for fm in got][:-1] == raws[:-1]  # the broken last one Dovecot may store repaired
        assert all(fm.size == len(fm.raw) for fm in got)
        assert got[0].internaldate == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
        assert set(got[0].flags) == {"\\Flagged", "\\Answered"}
        assert set(got[-1].flags) == {"\\Seen", "$Label1"}
        assert conn.fetch_messages([max(uids) + 5]) == []  # a UID that does not exist: absent


def _rows(db: Path, table: str, skip: tuple[str, ...]) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        cur = con.execute(f"SELECT * FROM {table} ORDER BY id")
        return [{k: r[k] for k in r.keys() if k not in skip} for r in cur]  # noqa: SIM118 - sqlite3.Row
    finally:
        con.close()


def test_ingest_applies_corrections_and_reply_states(tmp_path: Path) -> None:
    raws = variety()
    hits = [FlagHit("RF3", "premature-ask", "favour-from-stranger", 3.0, ('asks: "refer me"',)),
            FlagHit("RF1", "selling", "pitch", 2.5, ("offer", "demo\udcff"))]
    store = Store(f"sqlite:///{tmp_path}/db.sqlite")
    parsed = [parse.parse(r) for r in raws]
    idents = [rows.identity_of(p, r)[0] for p, r in zip(parsed, raws, strict=True)]
    with store.session() as s:  # corrections and replies exist before the messages arrive
        s.add(Correction(identity=idents[0], code="RF3", action="dismiss"))
        s.add(Correction(identity=idents[0], code="RF7", action="add"))
        s.add(Reply(request_identity=idents[1], message_id="<d@x>", state="draft"))
        s.add(Reply(request_identity=idents[2], message_id="<s@x>", state="sent"))
    with store.session() as s:
        got = ingest.ingest(s, [ingest.incoming(p, r, hits if i < 4 else [], i != 5, uid=i + 1, uidvalidity=9,
                                                imap_flags=["\\Seen"] if i % 2 else [], size=len(r) + 1,
                                                internaldate=datetime(2026, 11, 1, i, tzinfo=UTC))
                                for i, (p, r) in enumerate(zip(parsed, raws, strict=True))], "key1")
        assert [new for _pk, new in got] == [True] * len(raws)
    store.close()
    msgs = _rows(tmp_path / "db.sqlite", "message", ())
    assert [r["status"] for r in msgs][:4] == ["new", "draft", "replied", "read"]  # a draft outranks \Seen
    assert [r["flag_codes"] for r in msgs][:2] == ["RF1 RF7", "RF1 RF3"]
    assert [r["checker_version"] == 0 for r in msgs] == [i == 5 for i in range(len(raws))]
    assert {r["context_key"] for r in msgs} == {"key1"} and all(r["created_at"] for r in msgs)
    hit_rows = _rows(tmp_path / "db.sqlite", "flag_hit", ())
    assert sorted(h["code"] for h in hit_rows if h["message_pk"] == msgs[0]["id"]) == ["RF1", "RF7"]


def test_pool_and_serial_sync_store_the_same(tmp_path: Path, imap_account: ImapAccount,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    raws = variety() + mailgen.series(12, kind="selling")
    imap_account.append(REQ, raws)
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Person 1", "person1@example.org")])])
    monkeypatch.setattr(limits, "BATCH_SIZE", 5)  # several batches: the pipeline overlaps them
    dbs = {}
    for mode, pool_min in (("serial", 10**9), ("pool", 0)):
        monkeypatch.setattr(limits, "POOL_MIN", pool_min)
        settings = settings_for(tmp_path, imap_account, f"{mode}.sqlite")
        store = Store(settings.database_url())
        phases: list[tuple[str, int, int]] = []

        def progress(phase: str, done: int, total: int, phases: list[tuple[str, int, int]] = phases) -> None:
            phases.append((phase, done, total))

        report = sync_run.run_sync(settings, store=store, flush=False, progress=progress)
        store.close()
        assert (report.new, report.warnings) == (len(raws), [])
        assert [p for p in phases if p[0] == "fetch"] == [("fetch", min(n, len(raws)), len(raws))
                                                         for n in range(5, len(raws) + 5, 5)]
        dbs[mode] = tmp_path / f"{mode}.sqlite"
    for table, skip in (("message", ("created_at",)), ("flag_hit", ())):
        assert _rows(dbs["serial"], table, skip) == _rows(dbs["pool"], table, skip)


def test_pool_survives_a_dead_worker(tmp_path: Path, imap_account: ImapAccount,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    imap_account.append(REQ, mailgen.series(6))
    monkeypatch.setattr(limits, "POOL_MIN", 0)
    monkeypatch.setattr(limits, "BATCH_SIZE", 3)
    monkeypatch.setattr(pool, "_pool_prepare", _dying_prepare)
    monkeypatch.setattr(pool, "pool_size", lambda n: 2)
    settings = settings_for(tmp_path, imap_account)
    store = Store(settings.database_url())
    try:
        report = sync_run.run_sync(settings, store=store, flush=False)
        with store.session() as s:
            assert sorted(m.uid for m in s.exec(select(Message))) == [1, 2, 3, 4, 5, 6]
    finally:
        store.close()
    assert report.new == 6


def _dying_prepare(items: list[tuple[int, bytes]]) -> list[rows.Prepared]:
    """A pool task whose worker process dies on the batch holding UID 1 (e.g. killed for memory)."""
    import os

    if items[0][0] == 1:
        os._exit(3)
    return [rows.prepare(REQ, uid, raw, CheckContext()) for uid, raw in items]


def test_compat32_parse_gives_the_same_result() -> None:
    for raw in variety() + mailgen.series(3, kind="stranger-ask"):
        assert rows.parse_bytes(raw) == parse.parse(raw)


def test_recheck_index_exists(tmp_path: Path) -> None:
    Store(f"sqlite:///{tmp_path}/x.sqlite").close()
    con = sqlite3.connect(tmp_path / "x.sqlite")
    try:
        cols = [r[2] for r in con.execute("PRAGMA index_info('ix_message_recheck')")]
    finally:
        con.close()
    assert cols == ["context_key", "checker_version"]


def test_bulk_recheck_matches_one_by_one(tmp_path: Path, imap_account: ImapAccount,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from mailsync import checker

    raws = variety() + mailgen.series(6, kind="stranger-ask")
    imap_account.append(REQ, raws)
    monkeypatch.setattr(limits, "RECHECK_BATCH", 4)
    dbs = {}
    for mode, pool_min in (("reference", None), ("serial", 10**9), ("pool", 0)):
        settings = settings_for(tmp_path, imap_account, f"{mode}.sqlite")
        store = Store(settings.database_url())
        sync_run.run_sync(settings, store=store, flush=False)
        with store.session() as s:  # a correction that must survive the re-check
            first = s.exec(select(Message).where(Message.uid == 2)).one()
            s.add(Correction(identity=first.identity, code="RF1", action="dismiss"))
        # a contact makes Person 1 known: the context key changes, every request is checked again
        path = write_config(tmp_path / f"{mode}-2.toml", imap=imap_account.imap_config(),
                            identity={"name": "Alex Rivera", "email": "alex@example.com"},
                            profile={"contacts": [{"address": "person1@example.org", "experience": "positive"}]},
                            database_url=f"sqlite:///{tmp_path}/{mode}.sqlite")
        changed = load_config(path)
        if pool_min is None:  # the plain way: one apply_check per stored request
            with store.session() as s:
                ctx = store_context.build_context(s, changed)
                key = store_context.context_key(ctx)
                for m in s.exec(select(Message).order_by(Message.id)).all():
                    ingest.apply_check(s, m, list(checker.check(parse.parse(m.raw), ctx)), key)
                    s.add(m)
        else:
            monkeypatch.setattr(limits, "POOL_MIN", pool_min)
            report = sync_run.run_sync(changed, store=store, flush=False)
            assert (report.rechecked, report.warnings) == (len(raws), [])
        store.close()
        dbs[mode] = tmp_path / f"{mode}.sqlite"
    ref_m = _rows(dbs["reference"], "message", ("created_at",))
    ref_h = sorted((tuple(r.values()) for r in _rows(dbs["reference"], "flag_hit", ("id",))), key=lambda t: t[0])
    for mode in ("serial", "pool"):
        assert _rows(dbs[mode], "message", ("created_at",)) == ref_m
        got = sorted((tuple(r.values()) for r in _rows(dbs[mode], "flag_hit", ("id",))), key=lambda t: t[0])
        assert got == ref_h
    assert any(r["flag_codes"] for r in ref_m) and any("RF3" in r["flag_codes"] for r in ref_m)


def test_bulk_paths_on_postgresql(tmp_path: Path, imap_account: ImapAccount, pg_url: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk insert (INSERT ... RETURNING in parameter order) and the bulk re-check on PostgreSQL store
    what they store on SQLite."""
    raws = variety() + mailgen.series(4, kind="selling")
    imap_account.append(REQ, raws)
    monkeypatch.setattr(limits, "BATCH_SIZE", 4)
    monkeypatch.setattr(limits, "RECHECK_BATCH", 3)
    seen = {}
    for name, url in (("sqlite", f"sqlite:///{tmp_path}/pg-twin.sqlite"), ("postgresql", pg_url)):
        imap_account.create_folder("Sent")
        cfg = {"imap": imap_account.imap_config(), "identity": {"name": "Alex Rivera", "email": "alex@example.com"}}
        path = write_config(tmp_path / f"{name}.toml", database_url=url, **cfg)  # type: ignore[arg-type]
        path2 = write_config(tmp_path / f"{name}-2.toml", database_url=url,
                             profile={"contacts": [{"address": "person1@example.org", "experience": "positive"}]},
                             **cfg)  # type: ignore[arg-type]
        store = Store(url)
        try:
            first = sync_run.run_sync(load_config(path), store=store, flush=False)
            second = sync_run.run_sync(load_config(path2), store=store, flush=False)
            assert (first.new, first.warnings, second.rechecked, second.warnings) == (len(raws), [], len(raws), [])
            with store.session() as s:
                seen[name] = [(m.uid, m.identity, m.subject, m.flag_codes, m.suggested, m.status, m.context_key,
                               m.checker_version, sorted((h.code, h.rule) for h in queries.hits_for(s, m.id)))
                              for m in s.exec(select(Message).order_by(Message.uid)).all() if m.id is not None]
        finally:
            store.close()
    assert seen["postgresql"] == seen["sqlite"]
    assert any(row[3] for row in seen["sqlite"])
