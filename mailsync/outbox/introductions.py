"""Scenario 1 introductions with consent (README "Keys": ctrl+r, i, I; the article's advice: introduce people only after
the third person agreed).

Flow, one ``models.Introduction`` row per (request, referral):

1. ``suggest_referrals`` picks ``[[profile.referrals]]`` whose topics share a word stem with the RF7 evidence
   topic (the checker's ``topic "..." (domain)`` evidence line).
2. ``ask_consent`` queues a consent request to the referral only (``consent_request.txt.j2``; the
   requester's name, address and own subject are withheld) as an outbox ``Reply`` with scenario
   ``consent``: ``outbox.flush.flush_outbox`` sends it, copies it to Sent, records no decision and sets no
   \\Answered on the request. Its ``request_identity`` is ``<identity>#consent`` so the request's status is
   not changed by a mail to a third person. State ``asked``.
3. ``link_consent_replies`` (called once per sync) marks ``reply_seen`` when a message from the referral
   whose In-Reply-To/References name the consent request's Message-ID is in the requests folder.
4. ``mark`` sets ``agreed`` or ``declined`` (the user's call, also after a reply was seen).
5. ``introduce`` (``agreed`` only) queues the introduction to both people, threaded as a reply to the
   request, scenario ``introduction``. State ``introduced``.

No function here sends mail or commits: callers commit and run ``outbox.flush.flush_outbox(only=reply.id)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, func, select

from ..config import Settings
from ..errors import GraceboxError
from ..store.models import Introduction, Message, Reply
from ..types import Address, FlagHit, Referral

if TYPE_CHECKING:
    from ..store.engine import Store

#: Introduction states.
STATES = ("asked", "agreed", "declined", "introduced")
#: Suffix of the consent Reply's ``request_identity`` (keeps it out of the request's status).
CONSENT_SUFFIX = "#consent"

_TOPIC_EVIDENCE = re.compile(r'topic "([^"]*)"(?: \(([^)]*)\))?')
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*[a-z0-9+#]|[a-z0-9]")
_STOP = frozenset({"and", "or", "of", "the", "a", "an", "for", "to", "in", "on", "with", "your", "my", "law"})


_SUFFIXES = (
    "izations", "isations", "ization", "isation", "ational", "ations", "ation", "nesses", "ments", "ment",
    "ness", "ships", "ship", "ings", "ing", "ities", "ity", "ives", "ive", "ions", "ion", "ers", "er",
    "ies", "ied", "ed", "es", "s", "ly", "al",
)


def _stem(word: str) -> str:
    """A light suffix-stripping stemmer (``presentations``/``presenting`` -> ``present``): enough to compare a
    question's topic words with a referral's topics; not linguistics."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    for _ in range(2):
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                if suf == "ies":
                    w += "y"
                break
        else:
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _rf7_topics(hits: Iterable[FlagHit]) -> Iterator[re.Match[str]]:
    """Each ``topic "..."`` match in the RF7 hits' evidence (the format of ``checker.flags._rf7``)."""
    for h in hits:
        if h.code == "RF7":
            for ev in h.evidence:
                m = _TOPIC_EVIDENCE.search(ev)
                if m:
                    yield m


def rf7_topic(hits: Iterable[FlagHit]) -> str:
    """The topic terms of the first RF7 hit's evidence (``topic "a, b" (domain)`` -> "a, b"), or "" without one."""
    m = next(_rf7_topics(hits), None)
    return m.group(1).strip() if m else ""


def _topic_words(hits: Iterable[FlagHit]) -> set[str]:
    out: set[str] = set()
    for m in _rf7_topics(hits):
        out |= _stems(m.group(1)) | _stems(m.group(2) or "")
    return out


def suggest_referrals(settings: Settings, hits: Sequence[FlagHit]) -> list[Referral]:
    """Referrals from ``settings.referrals()`` whose topics share a word stem (``_stem``) with the
    RF7 evidence topic words (terms and domain names), most shared stems first, config order on ties.
    ``[]`` when there is no RF7 hit or nothing matches."""
    words = _topic_words(hits)
    if not words:
        return []
    scored: list[tuple[int, int, Referral]] = []
    for i, r in enumerate(settings.referrals()):
        n = len(words & _stems(" ".join(r.topics)))
        if n:
            scored.append((-n, i, r))
    return [r for _n, _i, r in sorted(scored, key=lambda x: (x[0], x[1]))]


def for_request(session: Session, identity: str) -> list[Introduction]:
    """The request's introductions, oldest first."""
    return list(session.exec(select(Introduction).where(Introduction.request_identity == identity)
                             .order_by(col(Introduction.id))).all())


def ask_consent(session: Session, settings: Settings, request: Message, referral: Referral,
                hits: Sequence[FlagHit] = ()) -> Introduction:
    """Queue the consent request to ``referral`` and record an ``asked`` Introduction; returns it (flushed,
    ``consent_reply_id`` set). The mail goes To the referral only; subject "Introduction? <topic>" and body
    from ``consent_request.txt.j2`` name only the RF7 topic (from ``hits``) - never the requester's name,
    address or subject. Raises GraceboxError when the referral was already asked for this request (and not
    declined), when the body or subject would still contain the requester's address or name (a user
    template), errors.TemplateError / errors.MessageError from compose. The caller commits and flushes."""
    from ..mail import compose, templates

    addr = referral.address.lower()
    for old in for_request(session, request.identity):
        if old.referral_address.lower() == addr and old.state != "declined":
            raise GraceboxError(f"{referral.name} was already asked about this request ({old.state})")
    topic = rf7_topic(hits)
    body = templates.render_consent_request(settings, request, referral, topic=topic or None)
    now = datetime.now(UTC)
    mid = compose.make_message_id(settings)
    msg = compose.build_consent_request(settings, request, referral, body, message_id=mid, now=now,
                                        topic=topic or "a question in your field")
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    if _names_requester(request, f"{msg['Subject']}\n{body}"):
        raise GraceboxError("the consent request would name the requester; fix consent_request.txt.j2 "
                                "(their details are shared only after the referral agreed)")
    to = [Address(referral.name, compose.normalize_address(referral.address) or referral.address)]
    reply = Reply(message_pk=request.id, request_identity=request.identity + CONSENT_SUFFIX, scenario="consent",
                  to_addrs=[a.as_json() for a in to], subject=str(msg["Subject"] or ""), body=body,
                  message_id=mid, raw=raw, state="queued", created_at=now, updated_at=now)
    session.add(reply)
    session.flush()
    intro = Introduction(request_identity=request.identity, referral_name=referral.name,
                         referral_address=addr, topic=topic, state="asked", consent_reply_id=reply.id,
                         created_at=now, updated_at=now)
    session.add(intro)
    session.flush()
    return intro


def _names_requester(request: Message, text: str) -> bool:
    """Does ``text`` contain the requester's address or their full display name?"""
    low = " ".join(text.lower().split())
    needles = [(request.from_address or "").strip().lower()]
    name = " ".join((request.from_name or "").lower().split())
    if "@" not in name:
        needles.append(name)
    return any(len(n) >= 3 and re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", low) for n in needles)


def mark(session: Session, intro_id: int, state: str) -> Introduction:
    """Record the referral's answer: ``state`` "agreed" | "declined", allowed from ``asked`` (and switching
    between agreed/declined before the introduction). Raises GraceboxError for an unknown id or state, or an
    introduction already made. The caller commits."""
    if state not in ("agreed", "declined"):
        raise GraceboxError(f"unknown introduction state {state!r}; use agreed or declined")
    intro = session.get(Introduction, intro_id)
    if intro is None:
        raise GraceboxError(f"introduction {intro_id} does not exist")
    if intro.state == "introduced":
        raise GraceboxError(f"introduction {intro_id} was already made")
    intro.state = state
    intro.updated_at = datetime.now(UTC)
    session.add(intro)
    session.flush()
    return intro


def introduce(session: Session, settings: Settings, intro_id: int) -> Reply:
    """Queue the introduction mail (``introduction.txt.j2``) To the requester and the referral, threaded as a
    reply to the request (scenario ``introduction``: \\Answered on the request, no decision); the
    Introduction becomes ``introduced``. Returns the queued Reply (flushed). Raises GraceboxError unless the
    state is ``agreed`` (asked, declined or already introduced: nothing is queued), when the request is gone
    or can't be answered by mail; errors.TemplateError / MessageError from compose. The caller commits."""
    from ..mail import compose, templates
    from .drafts import no_reply_reason

    intro = session.get(Introduction, intro_id)
    if intro is None:
        raise GraceboxError(f"introduction {intro_id} does not exist")
    if intro.state != "agreed":
        raise GraceboxError(f"{intro.referral_name} has not agreed (state {intro.state}); nothing is sent")
    request = session.exec(select(Message).where(Message.identity == intro.request_identity)).first()
    if request is None:
        raise GraceboxError("the request of this introduction is no longer in the database")
    reason = no_reply_reason(request)
    if reason:
        raise GraceboxError(reason)
    referral = Referral(intro.referral_name, intro.referral_address,
                        next((r.topics for r in settings.referrals()
                              if r.address.lower() == intro.referral_address.lower()), ()))
    body = templates.render_introduction(settings, request, referral)
    now = datetime.now(UTC)
    mid = compose.make_message_id(settings)
    msg = compose.build_introduction(settings, request, referral, body, message_id=mid, now=now)
    to = [*compose.reply_recipients(request), Address(referral.name, referral.address)]
    reply = Reply(message_pk=request.id, request_identity=request.identity, scenario="introduction",
                  to_addrs=[a.as_json() for a in to], subject=str(msg["Subject"] or ""), body=body,
                  message_id=mid, in_reply_to=str(msg["In-Reply-To"]) if msg["In-Reply-To"] else None,
                  references=str(msg["References"] or "").split(),
                  raw=msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")), state="queued",
                  created_at=now, updated_at=now)
    session.add(reply)
    session.flush()
    intro.intro_reply_id = reply.id
    intro.state = "introduced"
    intro.updated_at = now
    session.add(intro)
    session.flush()
    return reply


def _link(session: Session) -> int:
    n = 0
    waiting = session.exec(select(Introduction).where(Introduction.state == "asked",
                                                      col(Introduction.reply_seen).is_(False))).all()
    for intro in waiting:
        reply = session.get(Reply, intro.consent_reply_id) if intro.consent_reply_id else None
        if reply is None or reply.state != "sent":
            continue
        mid = reply.message_id
        rows = session.exec(select(Message).where(
            func.lower(Message.from_address) == intro.referral_address.lower())).all()
        for m in rows:
            if m.in_reply_to == mid or mid in (m.references or []) or (m.in_reply_to and mid in m.in_reply_to):
                intro.reply_seen = True
                intro.reply_identity = m.identity
                intro.updated_at = datetime.now(UTC)
                session.add(intro)
                n += 1
                break
    return n


def link_consent_replies(store: Store) -> list[str]:
    """The sync hook: mark ``reply_seen`` on ``asked`` introductions whose referral answered the consent
    request (a message From the referral address whose In-Reply-To or References hold the consent mail's
    Message-ID, RFC 5322 §3.6.4) in the synced requests folder. Never raises: trouble is returned as a
    one-line warning (the sync goes on). Returns the warnings ([] normally)."""
    try:
        with store.session() as s:
            _link(s)
    except Exception as exc:  # noqa: BLE001 - a hook must never break a sync
        return [f"introductions: consent replies not linked ({type(exc).__name__})"]
    return []
