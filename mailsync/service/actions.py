"""The user's actions on a request for the TUI's workers: correct a flag, the accept mark, archive, note a
bad experience with the sender. Each re-checks what it changes and returns a plain result."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from mailsync.config import Settings
from mailsync.store.engine import Store
from mailsync.store.models import Message


def set_correction(store: Store, settings: Settings, message_pk: int, code: str, action: str | None,
                   now: datetime) -> str:
    """Store the user's correction of ``code`` on a request (action "dismiss" | "add" | None to clear,
    ``actions.set_correction``) and re-check it from its raw bytes (``actions.recheck_one``). Returns a one-line
    note for the status line. Raises LookupError when the request no longer exists."""
    from mailsync.store import actions

    with store.session() as s:
        m = s.get(Message, message_pk)
        if m is None:
            raise LookupError("the request is gone from the database")
        actions.set_correction(s, m.identity, code, action)
        s.flush()
        actions.recheck_one(s, settings, message_pk, now)
    return {"dismiss": f"{code} dismissed by you", "add": f"{code} added by you"}.get(
        action or "", f"your correction of {code} cleared")


def toggle_accept(store: Store, message_pk: int, now: datetime) -> bool:
    """Toggle the "accepted: I'll take this one" mark (``actions.toggle_accept_mark``); returns the new state."""
    from mailsync.store import actions

    with store.session() as s:
        return actions.toggle_accept_mark(s, message_pk, now)


def set_archived(store: Store, message_pk: int) -> bool:
    """Toggle the request's archived state (local only); returns the new state."""
    with store.session() as s:
        m = s.get(Message, message_pk)
        if m is None:
            return False
        new = not m.archived
        from mailsync.store import actions

        actions.set_archived(s, message_pk, new)
        return new


def note_negative(store: Store, settings: Settings, message_pk: int, note: str, now: datetime) -> tuple[str, int]:
    """Store the sender as a negative contact with ``note`` (RF4) and re-check that sender's requests.

    Returns (address, requests re-checked). Raises ValueError when the request has no sender address.
    """
    from mailsync import checker
    from mailsync.mail import parse as parse_mod
    from mailsync.store import actions, ingest
    from mailsync.store import context as store_context

    with store.session() as s:
        m = s.get(Message, message_pk)
        if m is None or not m.from_address:
            raise ValueError("this request has no sender address to note")
        addr = m.from_address
        actions.add_negative_contact(s, addr, m.from_name, note or None)
        s.flush()
        ctx = store_context.build_context(s, settings, now)
        key = store_context.context_key(ctx)
        same = s.exec(select(Message).where(Message.from_address == addr)).all()
        for row in same:
            hits = checker.check(parse_mod.parse(row.raw), ctx)
            ingest.apply_check(s, row, hits, key)
            s.add(row)
        return addr, len(same)


