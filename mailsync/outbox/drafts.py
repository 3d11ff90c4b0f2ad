"""Drafts and the send queue: a reply row from ``draft`` to ``queued`` (the exact MIME bytes built), and
the user's decision on an ``unknown`` one."""

from __future__ import annotations

import email
import email.errors
import email.message
import email.policy
import email.utils
from datetime import UTC, datetime
from typing import Literal

from sqlmodel import Session, col, select

from ..config.settings import Settings
from ..errors import GraceboxError
from ..store import actions, ingest
from ..store.models import Message, Reply
from ..types import Address
from .replies import _PLACEHOLDER_DOMAIN, NOT_DECISIONS, _now, _request_of

# --- drafts and the queue ---------------------------------------------------------------------------------


def open_draft(session: Session, request: Message) -> Reply | None:
    """The request's open draft (state ``draft``), newest first, or None."""
    return session.exec(
        select(Reply).where(Reply.request_identity == request.identity, Reply.state == "draft")
        .order_by(col(Reply.id).desc())
    ).first()


def save_draft(session: Session, request: Message, scenario: str, body: str, *,
               settings: Settings | None = None) -> Reply:
    """Create or update the one open draft for ``request`` and return it (flushed, so it has an id).

    ``scenario`` is scenario1 | scenario2 | accept (recorded as the decision when sent); ``body`` the text.
    The Message-ID is made on creation with ``compose.make_message_id(settings)``; without ``settings`` a
    placeholder-domain id is made and replaced by ``queue_reply`` (nothing has been sent by then).
    Subject and recipients are stored for display (``compose.reply_subject`` / ``reply_recipients``).
    The request's status becomes ``draft``. The caller commits.
    """
    from ..mail import compose

    now = datetime.now(UTC)
    reply = open_draft(session, request)
    if reply is None:
        mid = compose.make_message_id(settings) if settings is not None else \
            email.utils.make_msgid(domain="gracebox.invalid")
        reply = Reply(message_pk=request.id, request_identity=request.identity, message_id=mid,
                      state="draft", created_at=now)
    elif settings is not None and reply.message_id.endswith(_PLACEHOLDER_DOMAIN):
        reply.message_id = compose.make_message_id(settings)
    reply.scenario = scenario
    reply.body = body
    reply.subject = compose.reply_subject(request.subject or "")
    reply.to_addrs = [a.as_json() for a in compose.reply_recipients(request)]
    reply.updated_at = now
    session.add(reply)
    session.flush()
    ingest.refresh_status(session, request)
    session.add(request)
    return reply


def no_reply_reason(request: Message, to: list[Address] | None = None) -> str | None:
    """Why ``request`` can't be answered by mail, or None: it came through a networking site's relay
    (``via``), or the recipients are no-reply addresses (``notify.is_no_reply``), or there is nobody to send
    to. The text says to copy the reply and answer on the site."""
    from ..mail import compose

    if request.via:
        site = request.via.get("site") or request.via.get("address") or "a networking site"
        return (f"this request came through {site}'s notification relay and can't be answered by mail; "
                "copy the text and reply on the site")
    recipients = to if to is not None else compose.reply_recipients(request)
    if not recipients:
        return "there is no address to answer (a no-reply sender); copy the text and reply another way"
    bad = [a.address for a in recipients if a.address and _is_no_reply(a.address)]
    if bad:
        return f"{bad[0]} is a no-reply address and can't be answered by mail; copy the text and reply another way"
    return None


def _is_no_reply(addr: str) -> bool:
    try:
        from ..mail.notify import is_no_reply
    except ImportError:  # notify.py not there: only ``via`` marks a relay
        return False
    return bool(is_no_reply(addr))


def queue_reply(session: Session, settings: Settings, reply: Reply, to: list[Address] | None = None) -> Reply:
    """Build the reply's exact bytes and queue it for ``flush_outbox``; returns the reply (state ``queued``).

    ``raw`` is ``compose.build_reply(settings, request, reply.body, message_id=reply.message_id, to=to)``
    serialised with CRLF line ends; recipients default to Reply-To, else From. Allowed from draft, queued
    (rebuilt) and failed (retry after a permanent refusal, same Message-ID).
    Raises GraceboxError (one line) when the request is gone, the reply is already sending/sent/unknown, or
    the sender can't be answered by mail (``no_reply_reason``); errors.MessageError from compose for an
    invalid address. The caller commits.
    """
    from ..mail import compose

    if reply.state not in ("draft", "queued", "failed"):
        raise GraceboxError(f"reply {reply.id} is {reply.state}; it can't be queued again")
    request = _request_of(session, reply)
    if request is None:
        raise GraceboxError(f"reply {reply.id}: the request it answers is no longer in the database")
    reason = no_reply_reason(request, to)
    if reason:
        raise GraceboxError(reason)
    if reply.message_id.endswith(_PLACEHOLDER_DOMAIN):
        reply.message_id = compose.make_message_id(settings)
    now = datetime.now(UTC)
    msg = compose.build_reply(settings, request, reply.body, message_id=reply.message_id, to=to, now=now)
    reply.raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    recipients = to if to is not None else compose.reply_recipients(request)
    reply.to_addrs = [Address(a.name, compose.normalize_address(a.address) or a.address).as_json()
                      for a in recipients]
    reply.subject = str(msg["Subject"] or "")
    reply.in_reply_to = str(msg["In-Reply-To"]) if msg["In-Reply-To"] else None
    reply.references = str(msg["References"] or "").split()
    reply.state = "queued"
    reply.error = None
    reply.attempts = 0
    reply.next_attempt_at = None
    reply.updated_at = now
    session.add(reply)
    session.flush()
    ingest.refresh_status(session, request)
    session.add(request)
    return reply


def resolve_unknown(session: Session, reply_id: int,
                    action: Literal["resend", "mark-sent", "discard"], *, now: datetime | None = None) -> Reply:
    """The user's decision on a reply in state ``unknown`` (connection lost after the DATA).

    ``resend``: back to ``queued`` (same Message-ID and bytes; the next flush sends it). ``mark-sent``:
    ``sent`` now, the decision is recorded, and the next flush copies it to Sent and sets \\Answered.
    ``discard``: ``discarded`` (the request's status no longer shows a draft). Raises GraceboxError when the
    reply does not exist, is not ``unknown``, or ``action`` is not one of the three. The caller commits.
    """
    n = _now(now)
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise GraceboxError(f"reply {reply_id} does not exist")
    if reply.state != "unknown":
        raise GraceboxError(f"reply {reply_id} is {reply.state}, not unknown; nothing to resolve")
    if action == "resend":
        reply.state, reply.error, reply.next_attempt_at = "queued", None, None
    elif action == "mark-sent":
        reply.state, reply.error, reply.sent_at = "sent", None, n
        if reply.scenario not in NOT_DECISIONS:
            actions.record_decision(session, reply.request_identity, reply.scenario, "reply", n)
    elif action == "discard":
        reply.state = "discarded"
        reply.error = "discarded by you; delivery unknown"
    else:
        raise GraceboxError(f"unknown action {action!r}; use resend, mark-sent or discard")
    reply.updated_at = n
    session.add(reply)
    session.flush()
    request = _request_of(session, reply)
    if request is not None:
        ingest.refresh_status(session, request)
        session.add(request)
    return reply


