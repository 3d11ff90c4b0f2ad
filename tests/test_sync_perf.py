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

from mailsync import inbox, parse, sync
from mailsync.config import Settings, load_config
from mailsync.imap import ImapConnection, connect
from mailsync.models import Correction, Message, Reply
from mailsync.store import Store
from mailsync.types import CheckContext, FlagHit
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount
from tests.test_postgres import pg_url  # noqa: F401  (the private PostgreSQL fixture)

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


def test_quick_fetch_matches_imapclient(tmp_path: Path, imap_account: ImapAccount) -> None:
    raws = variety()
    uids = imap_account.append(REQ, raws[:6], when=datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    uids += imap_account.append(REQ, raws[6:], flags=["\\Seen", "$Label1"])
    imap_account.add_flags(REQ, uids[:2], ["\\Flagged", "\\Answered"])
    with connect(settings_for(tmp_path, imap_account)) as conn:
        conn.select(REQ)
        quick = conn._fetch_bodies_quick(uids)
        assert quick is not None
        plain = conn.client.fetch(list(uids), ["BODY.PEEK[]", "FLAGS", "INTERNALDATE", "RFC822.SIZE"])
        assert [fm.uid for fm in quick] == uids
        for fm in quick:
            d = plain[fm.uid]
            assert fm.raw == bytes(d[b"BODY[]"])
            assert fm.flags == tuple(f.decode() for f in d[b"FLAGS"])
            assert fm.internaldate == d[b"INTERNALDATE"].astimezone(UTC)
            assert fm.size == d[b"RFC822.SIZE"] == len(fm.raw)
        assert quick[0].internaldate == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
        assert set(quick[0].flags) == {"\\Flagged", "\\Answered"}
        assert set(quick[-1].flags) == {"\\Seen", "$Label1"}
        assert conn.fetch_messages(uids) == quick
        assert conn.fetch_messages([max(uids) + 5]) == []  # a UID that does not exist: absent


def test_quick_fetch_declines_unknown_shapes(tmp_path: Path, imap_account: ImapAccount,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    uids = imap_account.append(REQ, variety()[:2])
    with connect(settings_for(tmp_path, imap_account)) as conn:
        conn.select(REQ)
        expected = conn.fetch_messages(uids)
        real_uid = conn.client._imap.uid

        def odd(*args: Any) -> Any:  # an answer with an item the quick parser does not know
            typ, data = real_uid(*args)
            first = data[0]
            return typ, [(first[0].replace(b"UID ", b"X-ODD 1 UID "), first[1]), *data[1:]]

        monkeypatch.setattr(conn.client._imap, "uid", odd)
        assert conn._fetch_bodies_quick(uids) is None
        monkeypatch.setattr(conn.client._imap, "uid", real_uid)
        monkeypatch.setattr(ImapConnection, "_fetch_bodies_quick", lambda self, u: None)
        assert conn.fetch_messages(uids) == expected  # the imapclient path gives the same


def _rows(db: Path, table: str, skip: tuple[str, ...]) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        cur = con.execute(f"SELECT * FROM {table} ORDER BY id")
        return [{k: r[k] for k in r.keys() if k not in skip} for r in cur]  # noqa: SIM118 - sqlite3.Row
    finally:
        con.close()


def test_bulk_insert_makes_the_same_rows_as_the_orm(tmp_path: Path) -> None:
    raws = variety()
    hits = [FlagHit("RF3", "premature-ask", "favour-from-stranger", 3.0, ('asks: "refer me"',)),
            FlagHit("RF1", "selling", "pitch", 2.5, ("offer", "demo\udcff"))]
    dbs = {}
    for mode in ("orm", "bulk"):
        db = tmp_path / f"{mode}.sqlite"
        store = Store(f"sqlite:///{db}")
        parsed = [parse.parse(r) for r in raws]
        idents = [inbox.identity_of(p, r)[0] for p, r in zip(parsed, raws, strict=True)]
        with store.session() as s:  # corrections and replies exist before the messages arrive
            s.add(Correction(identity=idents[0], code="RF3", action="dismiss"))
            s.add(Correction(identity=idents[0], code="RF7", action="add"))
            s.add(Reply(request_identity=idents[1], message_id="<d@x>", state="draft"))
            s.add(Reply(request_identity=idents[2], message_id="<s@x>", state="sent"))
        with store.session() as s:
            for i, (p, r) in enumerate(zip(parsed, raws, strict=True)):
                fields = {"uid": i + 1, "uidvalidity": 9, "imap_flags": ["\\Seen"] if i % 2 else [],
                          "internaldate": datetime(2026, 11, 1, i, tzinfo=UTC), "size": len(r) + 1}
                item_hits = hits if i < 4 else []
                checked = i != 5
                if mode == "orm":
                    m = inbox.new_message(p, r)
                    for key, value in fields.items():  # as the sync sets them, after the parsed fields
                        setattr(m, key, value)
                    s.add(m)
                    s.flush()
                    inbox.apply_check(s, m, item_hits, "key1")
                    if not checked:
                        m.checker_version = 0
                    inbox.refresh_status(s, m)
                else:
                    ids = inbox.insert_messages(s, [inbox.NewMessage({**inbox.message_fields(p, r), **fields},
                                                                     item_hits, checked)], "key1")
                    assert len(ids) == 1
        store.close()
        dbs[mode] = db
    for table, skip in (("message", ("created_at",)), ("flag_hit", ())):
        orm, bulk = _rows(dbs["orm"], table, skip), _rows(dbs["bulk"], table, skip)
        assert orm == bulk and orm
    statuses = [r["status"] for r in _rows(dbs["bulk"], "message", ())]
    assert statuses[:4] == ["new", "draft", "replied", "read"]  # a draft outranks \Seen, a sent reply all
    assert [r["flag_codes"] for r in _rows(dbs["bulk"], "message", ())][:2] == ["RF1 RF7", "RF1 RF3"]


def test_pool_and_serial_sync_store_the_same(tmp_path: Path, imap_account: ImapAccount,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    raws = variety() + mailgen.series(12, kind="selling")
    imap_account.append(REQ, raws)
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Person 1", "person1@example.org")])])
    monkeypatch.setattr(sync, "BATCH_SIZE", 5)  # several batches: the pipeline overlaps them
    dbs = {}
    for mode, pool_min in (("serial", 10**9), ("pool", 0)):
        monkeypatch.setattr(sync, "POOL_MIN", pool_min)
        settings = settings_for(tmp_path, imap_account, f"{mode}.sqlite")
        store = Store(settings.database_url())
        phases: list[tuple[str, int, int]] = []

        def progress(phase: str, done: int, total: int, phases: list[tuple[str, int, int]] = phases) -> None:
            phases.append((phase, done, total))

        report = sync.run_sync(settings, store=store, flush=False, progress=progress)
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
    monkeypatch.setattr(sync, "POOL_MIN", 0)
    monkeypatch.setattr(sync, "BATCH_SIZE", 3)
    monkeypatch.setattr(sync, "_pool_prepare", _dying_prepare)
    monkeypatch.setattr(sync, "pool_size", lambda n: 2)
    settings = settings_for(tmp_path, imap_account)
    store = Store(settings.database_url())
    try:
        report = sync.run_sync(settings, store=store, flush=False)
        with store.session() as s:
            assert sorted(m.uid for m in s.exec(select(Message))) == [1, 2, 3, 4, 5, 6]
    finally:
        store.close()
    assert report.new == 6


def _dying_prepare(items: list[tuple[int, bytes]]) -> list[sync.Prepared]:
    """A pool task whose worker process dies on the batch holding UID 1 (e.g. killed for memory)."""
    import os

    if items[0][0] == 1:
        os._exit(3)
    return [sync.prepare(REQ, uid, raw, CheckContext()) for uid, raw in items]


def test_compat32_parse_gives_the_same_result() -> None:
    for raw in variety() + mailgen.series(3, kind="stranger-ask"):
        assert sync.parse_bytes(raw) == parse.parse(raw)


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
    monkeypatch.setattr(sync, "RECHECK_BATCH", 4)
    dbs = {}
    for mode, pool_min in (("reference", None), ("serial", 10**9), ("pool", 0)):
        settings = settings_for(tmp_path, imap_account, f"{mode}.sqlite")
        store = Store(settings.database_url())
        sync.run_sync(settings, store=store, flush=False)
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
                ctx = inbox.build_context(s, changed)
                key = inbox.context_key(ctx)
                for m in s.exec(select(Message).order_by(Message.id)).all():
                    inbox.apply_check(s, m, list(checker.check(parse.parse(m.raw), ctx)), key)
                    s.add(m)
        else:
            monkeypatch.setattr(sync, "POOL_MIN", pool_min)
            report = sync.run_sync(changed, store=store, flush=False)
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


def test_row_defaults_match_the_model() -> None:
    from mailsync import rows

    model = {name: info.get_default(call_default_factory=True) for name, info in Message.model_fields.items()
             if name != "id" and not info.is_required()}
    assert model == rows.MESSAGE_DEFAULTS


def test_context_json_round_trip(tmp_path: Path) -> None:
    import json
    from datetime import date

    from mailsync import rows
    from mailsync.config import settings_from_dict
    from mailsync.models import Contact, KnownAddress

    settings = settings_from_dict({
        "identity": {"email": "me@example.org"},
        "profile": {"expertise": ["Kubernetes", "leadership"], "monthly_capacity": 4, "weekly_limit": 2,
                    "on_break_until": date(2027, 1, 15),
                    "network_warnings": [{"pattern": "*@pushy.example", "reason": "spam", "reported_by": "Jo"}],
                    "reputation_watch": [{"pattern": "deals@shady.example", "reason": "reviews"}],
                    "contacts": [{"address": "Jo@Example.net", "name": "Jo", "experience": "positive", "note": "n"}],
                    "referrals": [{"name": "Dana", "address": "dana@example.com", "topics": ["K8s"]}]},
        "checker": {"phrases": {"RF1": ["our platform"]}, "weights": {"rf1-pitch": 2}, "thresholds": {"RF3": 2.5}},
    })
    store = Store(f"sqlite:///{tmp_path}/c.sqlite")
    try:
        with store.session() as s:
            s.add(KnownAddress(address="sam@example.org", name="Sam Lee", count=1))
            s.add(Contact(address="bad@example.org", name="Bad", experience="negative", note="late"))
        with store.session() as s:
            ctx = inbox.build_context(s, settings, datetime(2026, 11, 20, tzinfo=UTC))
    finally:
        store.close()
    data = json.loads(json.dumps(rows.context_to_json(ctx)))
    back = rows.context_from_json(data, today=ctx.today, accepted_30d=ctx.accepted_30d, accepted_7d=ctx.accepted_7d)
    assert back == ctx
    assert rows.context_key(back) == inbox.context_key(ctx)


def test_bulk_paths_on_postgresql(tmp_path: Path, imap_account: ImapAccount, pg_url: str,  # noqa: F811
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk insert (INSERT ... RETURNING in parameter order) and the bulk re-check on PostgreSQL store
    what they store on SQLite."""
    raws = variety() + mailgen.series(4, kind="selling")
    imap_account.append(REQ, raws)
    monkeypatch.setattr(sync, "BATCH_SIZE", 4)
    monkeypatch.setattr(sync, "RECHECK_BATCH", 3)
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
            first = sync.run_sync(load_config(path), store=store, flush=False)
            second = sync.run_sync(load_config(path2), store=store, flush=False)
            assert (first.new, first.warnings, second.rechecked, second.warnings) == (len(raws), [], len(raws), [])
            with store.session() as s:
                seen[name] = [(m.uid, m.identity, m.subject, m.flag_codes, m.suggested, m.status, m.context_key,
                               m.checker_version, sorted((h.code, h.rule) for h in inbox.hits_for(s, m.id)))
                              for m in s.exec(select(Message).order_by(Message.uid)).all() if m.id is not None]
        finally:
            store.close()
    assert seen["postgresql"] == seen["sqlite"]
    assert any(row[3] for row in seen["sqlite"])
