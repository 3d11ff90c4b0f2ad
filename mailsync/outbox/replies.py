"""Reply rows of the outbox: their states and limits, the result of a flush, and the small committed
updates the flush makes to one reply (``_set``, ``_mark_sent``, ``_claim``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..store import actions, ingest
from ..store.engine import Store
from ..store.models import Message, Reply

#: Seconds to wait before retry n (1-based) after a temporary (4xx) refusal; the last value repeats.
BACKOFF_S: tuple[int, ...] = (60, 300, 900, 3600)
#: Temporary refusals after which a reply is marked failed (about a day at the last backoff step).
MAX_ATTEMPTS = 24
#: Seconds ``flush_outbox`` waits for another process's flush to end before leaving the work to it.
LOCK_WAIT_S = 10.0
#: Reply states a flush works on.
OPEN_STATES = ("queued", "sending", "sent")
#: ``Reply.scenario`` values of the introduction flow (``introductions``): not a decision on the request
#: (RF5/RF6 count decisions); a ``consent`` mail goes to a third person, so the original gets no \\Answered.
NOT_DECISIONS = ("consent", "introduction")
#: The message shown when there is no ``[smtp]`` table.
NO_SMTP = "no [smtp] in the config; sending is off"

_PLACEHOLDER_DOMAIN = "@gracebox.invalid>"


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a flush did with one reply: ``state`` is the reply's state afterwards (sent, queued, failed,
    unknown); ``detail`` a one-line explanation (the server's words, the file written, what is pending)."""

    reply_id: int
    state: str
    detail: str | None = None


def _now(now: datetime | None) -> datetime:
    n = now or datetime.now(UTC)
    return n if n.tzinfo else n.replace(tzinfo=UTC)


def _aware(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _one_line(s: str, limit: int = 300) -> str:
    return " ".join(s.split())[:limit]


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` temporary refusals (1-based): 1, 5, 15, then 60 minutes."""
    i = max(1, attempts) - 1
    return timedelta(seconds=BACKOFF_S[min(i, len(BACKOFF_S) - 1)])


# --- the flush --------------------------------------------------------------------------------------------


def _set(store: Store, reply_id: int, **fields: Any) -> Reply:
    """Update one reply in its own committed transaction; return the fresh row."""
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        for k, v in fields.items():
            setattr(r, k, v)
        s.add(r)
    return r


def _mark_sent(store: Store, reply_id: int, now: datetime, **fields: Any) -> None:
    """State ``sent`` + the decision + the request's status, in one committed transaction."""
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        r.state, r.sent_at, r.updated_at = "sent", now, now
        for k, v in fields.items():
            setattr(r, k, v)
        s.add(r)
        if r.scenario not in NOT_DECISIONS:
            actions.record_decision(s, r.request_identity, r.scenario, "reply", now)
        s.flush()
        req = _request_of(s, r)
        if req is not None:
            ingest.refresh_status(s, req)
            s.add(req)


def _claim(store: Store, reply_id: int, now: datetime) -> bool:
    """queued -> sending, atomically (compare-and-set), committed before SMTP is spoken to."""
    with store.session() as s:
        res = s.connection().execute(
            update(Reply).where(col(Reply.id) == reply_id, col(Reply.state) == "queued")
            .values(state="sending", attempts=col(Reply.attempts) + 1, updated_at=now)
        )
        return bool(res.rowcount == 1)


def _safe_name(message_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._@+-]", "_", message_id.strip().strip("<>"))
    return (name or "reply")[:200]


def _request_of(session: Session, reply: Reply) -> Message | None:
    if reply.message_pk is not None:
        m = session.get(Message, reply.message_pk)
        if m is not None:
            return m
    return session.exec(select(Message).where(Message.identity == reply.request_identity)).first()
