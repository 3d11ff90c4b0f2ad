"""PostgreSQL through `database_url`: a private server started by the test (initdb + pg_ctl on 127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime

from mailsync import checker
from mailsync.config import settings_from_dict
from mailsync.mail.parse import parse
from mailsync.store import actions, ingest, listing, queries
from mailsync.store import context as store_context
from mailsync.store.engine import Store
from mailsync.store.models import Message

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
