"""The check context (``types.CheckContext``) built from the profile and the store, and its key."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..config.settings import Settings
from ..types import CheckContext, ContactInfo
from . import rows
from .examples import user_examples
from .models import Contact, Decision, KnownAddress, SentMessage

_RANK = {"negative": 0, "neutral": 1, "positive": 2}

# --- context ----------------------------------------------------------------------------------------


def merged_contacts(session: Session, settings: Settings) -> dict[str, ContactInfo]:
    """Config and database contacts by lower-case address; the worse experience wins."""
    out: dict[str, ContactInfo] = {}
    db = [ContactInfo(c.address.lower(), c.name, c.experience, c.note) for c in session.exec(select(Contact))]
    for c in [*settings.contacts(), *db]:
        old = out.get(c.address)
        if old is None or _RANK.get(c.experience, 1) < _RANK.get(old.experience, 1):
            out[c.address] = c
    return out


def accepted_counts(session: Session, now: datetime) -> tuple[int, int]:
    """Return (accepted in the last 30 days, accepted in the last 7 days), rolling windows (RF5/RF6)."""

    def since(days: int) -> int:
        q = select(func.count()).select_from(Decision).where(
            Decision.kind == "accept", col(Decision.decided_at) >= now - timedelta(days=days)
        )
        return int(session.exec(q).one())

    return since(30), since(7)


def make_context(settings: Settings, sent_to: list[tuple[str, str | None]], contacts: dict[str, ContactInfo],
                 *, accepted: tuple[int, int] = (0, 0), now: datetime | None = None) -> CheckContext:
    """Build a CheckContext (pure): ``sent_to`` is (address, name) of the To/Cc of sent mail; known people are
    those plus positive/neutral ``contacts`` (README "Red flags": "Known", compared lower-case); ``accepted`` is the
    (30-day, 7-day) count of accept decisions (RF5/RF6); ``now`` the clock (default: the real time)."""
    now = now or datetime.now(UTC)
    known: set[str] = set()
    names: set[str] = set()
    people = [(a, n) for a, n in sent_to] + [
        (c.address, c.name) for c in contacts.values() if c.experience in ("positive", "neutral")
    ]
    for address, name in people:
        known.add(address.strip().lower())
        if name:
            names.add(name.strip().lower())
    warnings, watch = settings.watch_lists()
    p = settings.profile
    return CheckContext(
        me=(settings.my_email() or "").lower() or None,
        known_addresses=frozenset(known),
        known_names=frozenset(names),
        contacts=contacts,
        network_warnings=warnings,
        reputation_watch=watch,
        expertise=tuple(e.lower() for e in p.expertise),
        referrals=settings.referrals(),
        accepted_30d=accepted[0],
        accepted_7d=accepted[1],
        monthly_capacity=p.monthly_capacity,
        weekly_limit=p.weekly_limit,
        on_break_until=p.on_break_until,
        today=now.date(),
        tuning=settings.tuning(),
    )


def build_context(session: Session, settings: Settings, now: datetime | None = None) -> CheckContext:
    """Build the CheckContext from the profile and the store (README "Red flags"): known addresses (Sent
    To/Cc + positive/neutral contacts), contacts, watch lists, expertise, referrals, accept counts, the
    Message-IDs of sent mail (a reply to one is from someone known) and the user's corrections as examples
    (``examples.user_examples``)."""
    now = now or datetime.now(UTC)
    sent_to = [(ka.address, ka.name) for ka in session.exec(select(KnownAddress))]
    ctx = make_context(settings, sent_to, merged_contacts(session, settings),
                       accepted=accepted_counts(session, now), now=now)
    threads = frozenset(session.exec(select(SentMessage.message_id)))
    return dataclasses.replace(ctx, known_threads=threads, user_examples=user_examples(session))


def context_key(ctx: CheckContext) -> str:
    """A short hash of the parts of the context that stored flags depend on (RF5/RF6 inputs excluded):
    when it changes, stored requests are re-checked (``rows.context_key``)."""
    return rows.context_key(ctx)


