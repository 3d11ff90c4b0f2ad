"""Introductions with consent (README "Keys": ctrl+r, i, I) against the real SMTP (aiosmtpd) and IMAP (Dovecot) test
servers: the consent request reaches only the referral and names only the topic; the introduction reaches
both people only after the referral agreed; a referral's answer synced into the requests folder is linked."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailsync import checker
from mailsync.config import Settings, load_config
from mailsync.errors import GraceboxError
from mailsync.mail.parse import parse
from mailsync.outbox import flush as send
from mailsync.outbox import introductions
from mailsync.store.engine import Store
from mailsync.store.models import Decision, Introduction, Message, Reply
from mailsync.sync.run import run_sync
from mailsync.types import CheckContext, FlagHit, Referral
from tests.servers.config_factory import write_config
from tests.servers.smtp import SmtpTestServer

ME = "alex@example.test"
FOLDER = "Networking"
REQUESTER = "kofi.mensah@bakehouse.example"
DANA = Referral("Dana Cho", "dana@ledger.example", ("vat", "sales tax", "bookkeeping"))
PROFILE = {
    "expertise": ["engineering management", "team leadership"],
    "referrals": [
        {"name": "Ravi Patel", "address": "ravi@clusters.example", "topics": ["kubernetes", "platform engineering"]},
        {"name": DANA.name, "address": DANA.address, "topics": list(DANA.topics)},
    ],
}
REQUEST = (
    f"From: Kofi Mensah <{REQUESTER}>\r\nTo: Alex Rivera <{ME}>\r\n"
    "Subject: Kofi from the Bakehouse - a quick question\r\nDate: Thu, 19 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <bake1@bakehouse.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hi Alex,\r\n\r\nI run a small bakery. Should I register for VAT now, and how do I handle sales tax on\r\n"
    "online orders?\r\n\r\nThanks, Kofi Mensah\r\n+44 20 7946 0000\r\n"
).encode()


def make_settings(tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> Settings:
    path = write_config(
        tmp_path / "config.toml",
        imap=imap_account.imap_config(requests_folder=FOLDER, sent_folder="Sent"),
        smtp=smtp.smtp_config(),
        identity={"name": "Alex Rivera", "email": ME, "signature": "Alex"},
        profile=PROFILE,
        database_url=f"sqlite:///{tmp_path / 'gb.db'}",
    )
    return load_config(path)


def synced_request(settings: Settings, store: Store, imap_account: Any) -> tuple[Message, list[FlagHit]]:
    imap_account.append(FOLDER, [REQUEST])
    run_sync(settings, store=store, flush=False)
    hits = checker.check(parse(REQUEST), CheckContext(me=ME, expertise=tuple(PROFILE["expertise"])))
    with store.session() as s:
        m = s.exec(select(Message).where(Message.identity == "<bake1@bakehouse.example>")).one()
    return m, hits


def ask(settings: Settings, store: Store, request: Message, hits: list[FlagHit]) -> Introduction:
    [dana] = introductions.suggest_referrals(settings, hits)
    with store.session() as s:
        req = s.get(Message, request.id)
        assert req is not None
        intro = introductions.ask_consent(s, settings, req, dana, hits)
    assert intro.consent_reply_id is not None
    [res] = send.flush_outbox(settings, store, only=intro.consent_reply_id)
    assert res.state == "sent", res.detail
    return intro


def test_suggest_matches_the_rf7_topic_by_stem(tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    settings = make_settings(tmp_path, smtp, imap_account)
    hits = checker.check(parse(REQUEST), CheckContext(me=ME, expertise=tuple(PROFILE["expertise"])))
    assert introductions.rf7_topic(hits) == "register vat sales tax online orders"
    assert introductions.suggest_referrals(settings, hits) == [DANA]
    assert introductions.suggest_referrals(settings, [h for h in hits if h.code != "RF7"]) == []
    taxes = FlagHit("RF7", "out-of-depth", "off-expertise-question", 3.0,
                    ('topic "taxes, kubernetes clusters" (tax) is outside your expertise (x)',))
    assert introductions.suggest_referrals(settings, [taxes]) == [
        Referral("Ravi Patel", "ravi@clusters.example", ("kubernetes", "platform engineering")), DANA]


def test_consent_reaches_only_the_referral_then_introduction_reaches_both(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    settings = make_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    request, hits = synced_request(settings, store, imap_account)
    intro = ask(settings, store, request, hits)

    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.rcpt_tos == (DANA.address,)
    msg = email.message_from_bytes(got.raw, policy=email.policy.default)
    assert msg["To"] == "Dana Cho <dana@ledger.example>"
    assert msg["Subject"] == "Introduction? register vat sales tax online orders"
    assert msg["In-Reply-To"] is None and msg["References"] is None
    text = got.raw.decode("utf-8", "replace") + msg.get_content()
    for detail in (REQUESTER, "bakehouse", "Kofi", "Mensah", "7946", "bakery", "Bakehouse - a quick question"):
        assert detail not in text, detail
    assert "question about register vat sales tax online orders" in msg.get_content()
    assert "open to an introduction" in msg.get_content()
    with store.session() as s:
        req = s.get(Message, request.id)
        assert req is not None and req.status != "replied"  # a mail to a third person answers nothing
        assert "\\Answered" not in req.imap_flags
        assert s.exec(select(Decision)).all() == []
        row = s.get(Introduction, intro.id)
        assert row is not None and (row.state, row.topic) == ("asked", "register vat sales tax online orders")
    (uid,) = imap_account.uids(FOLDER)
    assert "\\Answered" not in imap_account.flags(FOLDER, uid)

    with store.session() as s, pytest.raises(GraceboxError, match="has not agreed"):
        introductions.introduce(s, settings, intro.id or 0)
    with store.session() as s:
        introductions.mark(s, intro.id or 0, "agreed")
        reply = introductions.introduce(s, settings, intro.id or 0)
    [res] = send.flush_outbox(settings, store, only=reply.id)
    assert res.state == "sent", res.detail
    assert len(smtp.received) == 2
    both = smtp.received[1]
    assert sorted(both.rcpt_tos) == [DANA.address, REQUESTER]
    msg2 = email.message_from_bytes(both.raw, policy=email.policy.default)
    assert msg2["In-Reply-To"] == "<bake1@bakehouse.example>"
    assert "Hi Kofi and Dana" in msg2.get_content()
    with store.session() as s:
        row = s.get(Introduction, intro.id)
        assert row is not None and (row.state, row.intro_reply_id) == ("introduced", reply.id)
        assert s.exec(select(Decision)).all() == []
    assert "\\Answered" in imap_account.flags(FOLDER, uid)
    with store.session() as s, pytest.raises(GraceboxError):
        introductions.introduce(s, settings, intro.id or 0)
    assert send.flush_outbox(settings, store) == []
    assert len(smtp.received) == 2


def test_declined_never_introduces(tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    settings = make_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    request, hits = synced_request(settings, store, imap_account)
    intro = ask(settings, store, request, hits)
    with store.session() as s:
        introductions.mark(s, intro.id or 0, "declined")
    with store.session() as s, pytest.raises(GraceboxError, match="state declined"):
        introductions.introduce(s, settings, intro.id or 0)
    assert send.flush_outbox(settings, store) == []
    assert len(smtp.received) == 1
    assert all(REQUESTER not in r.rcpt_tos for r in smtp.received)
    with store.session() as s:
        replies = s.exec(select(Reply)).all()
    assert [(r.scenario, r.state) for r in replies] == [("consent", "sent")]


def test_referrals_answer_synced_into_the_folder_is_linked(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    settings = make_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    request, hits = synced_request(settings, store, imap_account)
    intro = ask(settings, store, request, hits)
    with store.session() as s:
        consent = s.get(Reply, intro.consent_reply_id)
        assert consent is not None
    stranger = (f"From: Someone Else <other@elsewhere.example>\r\nTo: {ME}\r\nSubject: Re: Introduction?\r\n"
                f"Message-ID: <x1@elsewhere.example>\r\nIn-Reply-To: {consent.message_id}\r\n\r\nHappy to!\r\n")
    answer = (f"From: Dana Cho <{DANA.address}>\r\nTo: {ME}\r\nSubject: Re: Introduction? vat, sales tax\r\n"
              f"Message-ID: <d1@ledger.example>\r\nIn-Reply-To: {consent.message_id}\r\n"
              f"References: {consent.message_id}\r\n\r\nSure, happy to talk to them.\r\n")
    imap_account.append(FOLDER, [stranger.encode()])
    report = run_sync(settings, store=store, flush=False)
    assert report.warnings == []
    with store.session() as s:
        row = s.get(Introduction, intro.id)
        assert row is not None and (row.reply_seen, row.reply_identity) == (False, None)
    imap_account.append(FOLDER, [answer.encode()])
    report = run_sync(settings, store=store, flush=False)
    assert report.warnings == []
    with store.session() as s:
        row = s.get(Introduction, intro.id)
        assert row is not None
        assert (row.state, row.reply_seen, row.reply_identity) == ("asked", True, "<d1@ledger.example>")
