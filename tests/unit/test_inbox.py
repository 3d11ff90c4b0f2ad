"""The store's request queries: corrections survive re-checks, the meter on a fixed clock, filters, JSON shape,
and the feedback export."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mailsync.config import settings_from_dict
from mailsync.mail.parse import parse
from mailsync.service.feedback import export_corpus
from mailsync.store import actions, ingest, listing, queries
from mailsync.store import context as store_context
from mailsync.store.engine import Store
from mailsync.store.models import KnownAddress, Message
from mailsync.types import FlagHit

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def raw(n: int, subject: str = "Quick question", body: str = "Could you refer me?") -> bytes:
    return (
        f"From: Person {n} <p{n}@example.org>\r\nTo: me@example.org\r\nSubject: {subject}\r\n"
        f"Date: Fri, {10 + n} Nov 2026 09:00:00 +0000\r\nMessage-ID: <m{n}@example.org>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def settings(tmp_path: Path, **profile: object):  # type: ignore[no-untyped-def]
    return settings_from_dict({"identity": {"email": "me@example.org", "name": "Me"},
                               "storage": {"database_url": f"sqlite:///{tmp_path}/g.db"},
                               "profile": profile})


def add(store: Store, n: int, hits: list[FlagHit], **kw: object) -> int:
    r = raw(n, **kw)  # type: ignore[arg-type]
    with store.session() as s:
        ((pk, _new),) = ingest.ingest(s, [ingest.incoming(parse(r), r, hits)])
        return pk


RF3 = FlagHit("RF3", "premature-ask", "favour-from-stranger", 3.0, ('asks: "refer me"',))


def test_dismissed_flag_stays_dismissed_and_added_flag_survives_recheck(tmp_path: Path) -> None:
    st = settings(tmp_path)
    store = Store(st.database_url())
    mid = add(store, 1, [RF3])
    with store.session() as s:
        m = s.get(Message, mid)
        assert m is not None and m.flag_codes == "RF3" and m.suggested == "scenario2"
        actions.set_correction(s, m.identity, "RF3", "dismiss")
        actions.set_correction(s, m.identity, "RF7", "add")
        ingest.apply_check(s, m, [RF3])  # a re-check finds RF3 again
    with store.session() as s:
        m = s.get(Message, mid)
        assert m is not None
        assert m.flag_codes == "RF7"
        assert m.suggested == "scenario1"
        hits = queries.hits_for(s, mid)
        assert [(h.code, h.rule) for h in hits] == [("RF7", "corrected-by-you")]


def test_meter_counts_rolling_windows_on_fixed_clock(tmp_path: Path) -> None:
    st = settings(tmp_path, monthly_capacity=4, weekly_limit=2, on_break_until=date(2026, 12, 1))
    store = Store(st.database_url())
    with store.session() as s:
        for days in (1, 3, 10, 29, 31):
            actions.record_decision(s, f"<d{days}@x>", "accept", when=NOW - timedelta(days=days))
        actions.record_decision(s, "<no@x>", "scenario2", when=NOW - timedelta(days=1))
    with store.session() as s:
        m = queries.meter(s, st, now=NOW)
        assert (m.accepted_30d, m.accepted_7d) == (4, 2)
        assert m.text() == "accepted 4 of 4 this month · 2 of 2 this week · on break until 2026-12-01"
        later = queries.meter(s, st, now=NOW + timedelta(days=20))
        assert later.text() == "accepted 3 of 4 this month · 0 of 2 this week"  # 21, 23 and 30 days ago


def test_filters_search_and_json_shape(tmp_path: Path) -> None:
    st = settings(tmp_path)
    store = Store(st.database_url())
    a = add(store, 1, [RF3], subject="Referral please")
    b = add(store, 2, [], subject="Thanks for the talk", body="Loved it.")
    with store.session() as s:
        assert listing.count_requests(s, "flagged") == 1
        assert [r.id for r in listing.list_requests(s, "clean")] == [b]
        assert [r.id for r in listing.list_requests(s, "all", search="loved")] == [b]
        assert [r.id for r in listing.list_requests(s, "all")] == [b, a]  # newest first
        actions.set_archived(s, a)
    with store.session() as s:
        assert listing.count_requests(s, "flagged") == 0
        assert listing.count_requests(s, "archived") == 1
        rows = queries.list_json(s, st, now=NOW)
    by_id = {r["id"]: r for r in rows}
    ra = by_id[a]
    assert list(ra) == ["id", "folder", "uid", "uidvalidity", "message_id", "from", "reply_to", "via", "subject",
                        "date", "status", "suggested", "flags"]
    assert ra["status"] == "archived"
    assert ra["from"] == {"name": "Person 1", "address": "p1@example.org"}
    assert ra["date"] == "2026-11-11T09:00:00+00:00"
    assert ra["flags"] == [{"code": "RF3", "slug": "premature-ask", "rule": "favour-from-stranger",
                            "points": 3.0, "evidence": ['asks: "refer me"']}]
    assert by_id[b]["suggested"] == "accept"


def test_negative_contact_wins_over_config(tmp_path: Path) -> None:
    st = settings_from_dict({"identity": {"email": "me@example.org"},
                             "profile": {"contacts": [{"address": "Jo@Example.net", "experience": "positive"}]}})
    store = Store(f"sqlite:///{tmp_path}/g.db")
    with store.session() as s:
        assert "jo@example.net" in store_context.build_context(s, st).known_addresses
        actions.add_negative_contact(s, "jo@example.net", "Jo", "missed three meetings")
    with store.session() as s:
        ctx = store_context.build_context(s, st)
        assert ctx.contacts["jo@example.net"].experience == "negative"
        assert "jo@example.net" not in ctx.known_addresses


def test_feedback_export_writes_a_corpus(tmp_path: Path) -> None:
    st = settings(tmp_path, expertise=["team leadership"])
    store = Store(st.database_url())
    mid = add(store, 1, [RF3])
    add(store, 2, [])
    with store.session() as s:
        s.add(KnownAddress(address="friend@example.org", name="Friend", count=1))
        m = s.get(Message, mid)
        assert m is not None
        actions.set_correction(s, m.identity, "RF7", "add")
        ingest.apply_check(s, m, [RF3])
    out = tmp_path / "corpus"
    assert export_corpus(st, store, out) == 1
    labels = json.loads((out / "labels.json").read_text())
    assert labels == [{"file": "req-001.eml", "message_id": "<m1@example.org>", "flags": ["RF3", "RF7"],
                       "suggested": "scenario2", "why": "corrected by the user in Gracebox"}]
    assert (out / "requests" / "req-001.eml").read_bytes() == raw(1)
    prof = tomllib.loads((out / "profile.toml").read_text())
    assert prof["expertise"] == ["team leadership"] and prof["email"] == "me@example.org"
    sent = parse((out / "sent" / "known-001.eml").read_bytes())
    assert sent.to[0].address == "friend@example.org"


def test_corrections_and_accepts_become_the_checkers_examples(tmp_path: Path) -> None:
    from mailsync.store.examples import user_examples
    from mailsync.store.models import Correction, Decision

    st = settings(tmp_path)
    store = Store(st.database_url())
    add(store, 1, [RF3])
    add(store, 2, [])
    with store.session() as s:
        assert user_examples(s) == ()
        s.add(Correction(identity="<m1@example.org>", code="RF3", action="dismiss"))
        s.add(Decision(request_identity="<m2@example.org>", kind="accept", source="mark"))
        s.add(Correction(identity="<m2@example.org>", code="RF1", action="add"))
        s.add(Correction(identity="<gone@example.org>", code="RF1", action="add"))  # not stored: skipped
    with store.session() as s:
        ex = user_examples(s)
        got = [(e.identity, e.code, e.present) for e in ex]
        assert got == [("<m1@example.org>", "RF3", False), ("<m2@example.org>", "RF1", True),
                       ("<m2@example.org>", "RF2", False), ("<m2@example.org>", "RF3", False),
                       ("<m2@example.org>", "RF7", False)]
        assert all(len(e.vector) == len(ex[0].vector) > 256 for e in ex)
        ctx = store_context.build_context(s, st, NOW)
        assert ctx.user_examples == ex
