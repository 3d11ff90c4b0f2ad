"""What the user does to a stored request: decisions, notes, archive, corrections, the accept mark, a
re-check of one request. Functions take an open ``Session``; callers own the transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from .. import checker
from ..config.settings import Settings
from ..types import FlagHit
from .context import build_context
from .ingest import apply_check, corrections_for, refresh_status
from .models import Contact, Correction, Decision, Message
from .queries import hits_for
from .rows import context_key


def record_decision(session: Session, identity: str, kind: str, source: str = "reply",
                    when: datetime | None = None) -> None:
    """Record a decision (scenario1 | scenario2 | accept) on a request."""
    session.add(Decision(request_identity=identity, kind=kind, source=source,
                         decided_at=when or datetime.now(UTC)))


def add_negative_contact(session: Session, address: str, name: str | None, note: str | None) -> None:
    """Store (or update) a contact with experience negative (the TUI's ``x``; RF4)."""
    addr = address.strip().lower()
    c = session.exec(select(Contact).where(Contact.address == addr)).first()
    if c is None:
        c = Contact(address=addr, created_at=datetime.now(UTC))
    c.name = name or c.name
    c.experience = "negative"
    c.note = note
    session.add(c)


def set_archived(session: Session, message_pk: int, archived: bool = True) -> None:
    """Archive (local only) or un-archive a request."""
    m = session.get(Message, message_pk)
    if m is None:
        return
    m.archived = archived
    refresh_status(session, m)
    session.add(m)


def set_correction(session: Session, identity: str, code: str, action: str | None) -> None:
    """Store the user's correction of ``code`` on a request: action "dismiss", "add", or None to clear."""
    old = session.exec(select(Correction).where(Correction.identity == identity, Correction.code == code)).first()
    if old is not None:
        session.delete(old)
        session.flush()
    if action:
        session.add(Correction(identity=identity, code=code, action=action, created_at=datetime.now(UTC)))


def corrections_of(session: Session, identity: str) -> dict[str, str]:
    """The user's corrections on one request: code ("RF1".."RF7") -> "dismiss" | "add" (empty: none)."""
    return corrections_for(session, [identity]).get(identity, {})


def recheck_one(session: Session, settings: Settings, message_pk: int, now: datetime | None = None) -> list[FlagHit]:
    """Check one stored request again from its raw bytes (parse -> build_context at ``now`` -> checker.check
    -> ``apply_check``, which honours the user's corrections) and return the hits stored. Used after a
    correction (the TUI's ``c``, README "Keys"). Raises LookupError when the request no longer exists."""
    from ..mail import parse as parse_mod

    m = session.get(Message, message_pk)
    if m is None or m.id is None:
        raise LookupError(f"request {message_pk} no longer exists")
    ctx = build_context(session, settings, now)
    hits = checker.check(parse_mod.parse(bytes(m.raw)), ctx)
    apply_check(session, m, hits, context_key(ctx))
    session.add(m)
    session.flush()
    return hits_for(session, m.id)


def accept_marked(session: Session, identity: str) -> bool:
    """True when the request carries the user's "accepted" mark (a Decision kind "accept" source "mark")."""
    q = select(Decision.id).where(Decision.request_identity == identity, Decision.kind == "accept",
                                  Decision.source == "mark")
    return session.exec(q).first() is not None


def toggle_accept_mark(session: Session, message_pk: int, now: datetime | None = None) -> bool:
    """The TUI's ``y`` ("accepted: I'll take this one", README "Keys" (y)): record a Decision kind "accept"
    source "mark" at ``now`` (aware UTC, default the clock) on the request, or remove the mark's decision
    when it is there. Keeps ``Message.accepted`` in step. Returns the new state (True: marked). The mark
    counts in RF5/RF6 like any accept decision. Raises LookupError when the request no longer exists."""
    m = session.get(Message, message_pk)
    if m is None:
        raise LookupError(f"request {message_pk} no longer exists")
    old = session.exec(select(Decision).where(Decision.request_identity == m.identity, Decision.kind == "accept",
                                              Decision.source == "mark")).all()
    if old:
        for d in old:
            session.delete(d)
        m.accepted = False
    else:
        record_decision(session, m.identity, "accept", "mark", when=now)
        m.accepted = True
    session.add(m)
    session.flush()
    return m.accepted
