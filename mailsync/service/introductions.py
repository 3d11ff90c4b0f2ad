"""Worker-side calls for introductions with consent (README "Keys": ctrl+r, i, I); run in thread workers, never in a
widget. They wrap ``mailsync.outbox.introductions`` and ``outbox.flush.flush_outbox`` (demo: ``folder_out``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailsync.config import Settings
from mailsync.store.engine import Store
from mailsync.store.models import Message
from mailsync.types import Referral

from .inbox import load_detail
from .replies import SendOutcome


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Referrals to offer for a request: ``topic`` the RF7 topic ("" without RF7), ``referrals`` those whose
    topics match it, ``asked`` lower-case referral address -> state of an earlier Introduction."""

    topic: str
    referrals: tuple[Referral, ...]
    asked: dict[str, str]


def suggestions(store: Store, settings: Settings, message_pk: int, now: datetime) -> Suggestions:
    """The RF7 topic and matching referrals (``introductions.suggest_referrals``) of request ``message_pk``."""
    from mailsync.outbox import introductions

    d = load_detail(store, settings, message_pk, now)
    if d is None:
        return Suggestions("", (), {})
    hits = list(d.hits)
    with store.session() as s:
        asked = {i.referral_address.lower(): i.state for i in introductions.for_request(s, d.message.identity)}
    return Suggestions(introductions.rf7_topic(hits), tuple(introductions.suggest_referrals(settings, hits)), asked)


def _flush(store: Store, settings: Settings, reply_id: int, demo_outbox: Path | None) -> SendOutcome:
    from mailsync.outbox import flush as send

    for r in send.flush_outbox(settings, store, only=reply_id, folder_out=demo_outbox):
        if r.reply_id == reply_id:
            return SendOutcome(reply_id, r.state, r.detail)
    return SendOutcome(reply_id, "queued", "goes out with the next send")


def ask_consent(store: Store, settings: Settings, message_pk: int, referral: Referral, now: datetime,
                demo_outbox: Path | None) -> SendOutcome:
    """Queue the consent request to ``referral`` (committed) and flush only it. Raises GraceboxError as
    ``introductions.ask_consent``."""
    from mailsync.outbox import introductions

    d = load_detail(store, settings, message_pk, now)
    if d is None:
        return SendOutcome(None, "failed", "the request is gone from the database")
    with store.session() as s:
        m = s.get(Message, message_pk)
        assert m is not None
        intro = introductions.ask_consent(s, settings, m, referral, list(d.hits))
        reply_id = intro.consent_reply_id
    assert reply_id is not None
    return _flush(store, settings, reply_id, demo_outbox)


def mark(store: Store, intro_id: int, state: str) -> None:
    """Record agreed | declined (``introductions.mark``, committed)."""
    from mailsync.outbox import introductions

    with store.session() as s:
        introductions.mark(s, intro_id, state)


def introduce(store: Store, settings: Settings, intro_id: int, demo_outbox: Path | None) -> SendOutcome:
    """Queue the introduction to both people (agreed only; committed) and flush only it. Raises
    GraceboxError as ``introductions.introduce``."""
    from mailsync.outbox import introductions

    with store.session() as s:
        reply_id = introductions.introduce(s, settings, intro_id).id
    assert reply_id is not None
    return _flush(store, settings, reply_id, demo_outbox)
