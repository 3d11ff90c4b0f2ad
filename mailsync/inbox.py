"""Read and write requests in the store: ingest, check results, list/detail queries, the JSON contract.

Used by sync, demo, the CLI and (through workers) the TUI. Functions take an open ``Session``; callers own
the transaction. No network here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, delete, select

from . import checker, rows
from .config import Settings
from .listing import (  # noqa: F401  (the list queries, re-exported: they live apart from the checker)
    FILTERS,
    RequestRow,
    _filtered,
    count_requests,
    list_requests,
)
from .models import Contact, Correction, Decision, FlagHitRow, Folder, KnownAddress, Message, Reply
from .rows import (  # noqa: F401  (the pure row helpers, re-exported under their old names)
    NewMessage,
    identity_of,
    message_fields,
    new_rows,
    status_of,
)
from .rows import corrected as _corrected
from .rows import hit_row as _hit_row
from .types import FLAG_SLUGS, CheckContext, ContactInfo, FlagHit, ParsedMessage, UserExample

_RANK = {"negative": 0, "neutral": 1, "positive": 2}


def derive_status(m: Message, reply_states: set[str] | None = None) -> str:
    """Status from IMAP flags, archive and outbox: archived > replied (\\Answered or sent) > draft > read
    (\\Seen) > new."""
    return status_of(m.archived, m.imap_flags, reply_states)


def refresh_status(session: Session, m: Message) -> None:
    """Recompute ``m.status`` from its flags and its replies in the outbox."""
    states = set(session.exec(select(Reply.state).where(Reply.request_identity == m.identity)).all())
    m.status = derive_status(m, states)


def fill_message(m: Message, parsed: ParsedMessage, raw: bytes) -> Message:
    """Copy parsed fields (cleaned of surrogates) and the raw bytes into a Message row; returns it."""
    for name, value in message_fields(parsed, raw).items():
        setattr(m, name, value)
    return m


def new_message(parsed: ParsedMessage, raw: bytes, **fields: Any) -> Message:
    """Build a new Message row from a parse result; ``fields`` sets folder_id, uid, imap_flags, ..."""
    m = Message(identity="", sha256="", raw=b"", created_at=datetime.now(UTC), **fields)
    return fill_message(m, parsed, raw)


def apply_check(session: Session, m: Message, hits: list[FlagHit], context_key: str = "") -> None:
    """Store ``hits`` as the message's FlagHitRows (replacing old ones), honouring the user's corrections
    (a dismissed flag is dropped, an added one gets a "corrected-by-you" hit), and set ``suggested``,
    ``flag_codes``, ``checker_version`` and ``context_key``. ``m`` must have an id (flush first)."""
    assert m.id is not None
    corr = {c.code: c.action for c in session.exec(select(Correction).where(Correction.identity == m.identity))}
    kept, fields = _corrected(hits, corr, context_key)
    session.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk) == m.id))
    for h in kept:
        session.add(FlagHitRow(**_hit_row(m.id, h)))
    for name, value in fields.items():
        setattr(m, name, value)


#: Row ids / identities per SQL ``IN (...)`` list in the bulk paths.
_IN_CHUNK = 500


def corrections_for(session: Session, identities: Iterable[str]) -> dict[str, dict[str, str]]:
    """The user's flag corrections by request identity: identity -> code -> "dismiss" | "add"."""
    out: dict[str, dict[str, str]] = {}
    ids = sorted(set(identities))
    for i in range(0, len(ids), _IN_CHUNK):
        q = select(Correction.identity, Correction.code, Correction.action).where(
            col(Correction.identity).in_(ids[i:i + _IN_CHUNK]))
        for ident, code, action in session.exec(q).all():
            out.setdefault(ident, {})[code] = action
    return out


def reply_states(session: Session, identities: Iterable[str]) -> dict[str, set[str]]:
    """The states of the replies to each request identity (one query per 500 identities)."""
    out: dict[str, set[str]] = {}
    ids = sorted(set(identities))
    for i in range(0, len(ids), _IN_CHUNK):
        q = select(Reply.request_identity, Reply.state).where(col(Reply.request_identity).in_(ids[i:i + _IN_CHUNK]))
        for ident, state in session.exec(q).all():
            out.setdefault(ident, set()).add(state)
    return out


def insert_messages(session: Session, items: Sequence[NewMessage], context_key: str = "",
                    now: datetime | None = None) -> list[int]:
    """Insert brand-new requests in bulk and return their row ids, in the order of ``items``.

    The rows are the ones ``new_message`` + ``apply_check`` + ``refresh_status`` make one by one (same
    columns, the user's corrections by identity honoured, status from flags and existing replies), written
    with one multi-row INSERT ... RETURNING per chunk and one executemany for the flag hits, so a batch of
    requests costs a few statements instead of several per message. ``created_at`` is ``now`` (aware UTC,
    default the clock). The caller owns the transaction. Raises what the database raises (IntegrityError,
    DataError) for rows it refuses; nothing is written then once the caller rolls back.
    """
    if not items:
        return []
    idents = sorted({str(it.fields["identity"]) for it in items})
    rows, kept_hits = new_rows(items, corrections_for(session, idents), reply_states(session, idents), context_key,
                               now or datetime.now(UTC))
    table = Message.__table__  # type: ignore[attr-defined]
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = [int(r[0]) for r in session.execute(stmt, rows)]
    hit_rows = [_hit_row(pk, h) for pk, kept in zip(ids, kept_hits, strict=True) for h in kept]
    if hit_rows:
        session.execute(insert(FlagHitRow.__table__), hit_rows)  # type: ignore[attr-defined]
    return ids


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A stored request checked again, for ``apply_checks``: its row id, identity, the checker's hits and
    whether the check ran (False: stored without flags and ``checker_version`` 0, tried again later)."""

    message_pk: int
    identity: str
    hits: Sequence[FlagHit] = ()
    checked: bool = True


def apply_checks(session: Session, results: Sequence[CheckResult], context_key: str = "") -> None:
    """``apply_check`` for many stored requests at once: the same rows and columns (old hits replaced,
    the user's corrections honoured, flag_codes, suggested, checker_version, context_key), in a handful of
    statements per 500 requests instead of several per request. Does not touch ``status`` (a check does
    not change it). The caller owns the transaction."""
    from sqlalchemy import bindparam, update

    if not results:
        return
    corr = corrections_for(session, {r.identity for r in results})
    pks = [r.message_pk for r in results]
    for i in range(0, len(pks), _IN_CHUNK):
        session.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk).in_(pks[i:i + _IN_CHUNK])))
    hit_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in results:
        kept, fields = _corrected(r.hits, corr.get(r.identity, {}), context_key)
        if not r.checked:
            fields["checker_version"] = 0
        hit_rows.extend(_hit_row(r.message_pk, h) for h in kept)
        updates.append({"pk": r.message_pk, **{f"v_{k}": v for k, v in fields.items()}})
    if hit_rows:
        session.execute(insert(FlagHitRow.__table__), hit_rows)  # type: ignore[attr-defined]
    table = Message.__table__  # type: ignore[attr-defined]
    stmt = update(table).where(table.c.id == bindparam("pk")).values(
        {k: bindparam(f"v_{k}") for k in ("flag_codes", "suggested", "checker_version", "context_key")})
    session.execute(stmt, updates)


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
    those plus positive/neutral ``contacts`` (DESIGN "Known person", compared lower-case); ``accepted`` is the
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
    """Build the CheckContext from the profile and the store (DESIGN "Checker"): known addresses (Sent
    To/Cc + positive/neutral contacts), contacts, watch lists, expertise, referrals, accept counts."""
    now = now or datetime.now(UTC)
    sent_to = [(ka.address, ka.name) for ka in session.exec(select(KnownAddress))]
    ctx = make_context(settings, sent_to, merged_contacts(session, settings),
                       accepted=accepted_counts(session, now), now=now)
    return dataclasses.replace(ctx, user_examples=user_examples(session))


def user_examples(session: Session) -> tuple[UserExample, ...]:
    """The user's flag corrections as checker examples (issue "learns from its user"): each corrected request's
    message vector with the flag and whether the user said it applies ("add") or not ("dismiss"), oldest first.
    A request whose raw bytes are gone is skipped."""
    from . import parse as parse_mod

    rows = session.exec(select(Correction).order_by(col(Correction.id))).all()
    if not rows:
        return ()
    by_identity: dict[str, list[Correction]] = {}
    for c in rows:
        by_identity.setdefault(c.identity, []).append(c)
    out: list[UserExample] = []
    for identity, corr in by_identity.items():
        m = session.exec(select(Message).where(Message.identity == identity)).first()
        if m is None or not m.raw:
            continue
        vec = checker.message_vector(parse_mod.parse(bytes(m.raw)))
        out += [UserExample(vec, c.code, c.action == "add") for c in corr]
    return tuple(out)


def context_key(ctx: CheckContext) -> str:
    """A short hash of the parts of the context that stored flags depend on (RF5/RF6 inputs excluded):
    when it changes, stored requests are re-checked (``rows.context_key``)."""
    return rows.context_key(ctx)


# --- queries ----------------------------------------------------------------------------------------


def hits_for(session: Session, message_pk: int) -> list[FlagHit]:
    """The stored hits of one request, by flag code then points (highest first)."""
    rows = session.exec(select(FlagHitRow).where(FlagHitRow.message_pk == message_pk)).all()
    hits = [FlagHit(r.code, r.slug, r.rule, r.points, tuple(r.evidence or ()), r.description) for r in rows]
    return sorted(hits, key=lambda h: (h.code, -h.points))


def aggregate_flags(hits: list[FlagHit]) -> list[dict[str, object]]:
    """Fold hits into one JSON flag object per code: the strongest rule's name, summed points, all
    evidence (DESIGN "list --json")."""
    by: dict[str, list[FlagHit]] = {}
    for h in hits:
        by.setdefault(h.code, []).append(h)
    out = []
    for code in sorted(by):
        hs = sorted(by[code], key=lambda h: -h.points)
        ev: list[str] = []
        for h in hs:
            ev.extend(e for e in h.evidence if e not in ev)
        out.append({"code": code, "slug": FLAG_SLUGS[code], "rule": hs[0].rule,
                    "points": round(sum(h.points for h in hs), 3), "evidence": ev})
    return out


def _iso(d: datetime | None) -> str | None:
    if d is None:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.astimezone(UTC).isoformat()


def message_json(m: Message, hits: list[FlagHit], capacity: list[FlagHit],
                 folder_name: str | None) -> dict[str, object]:
    """The JSON contract object for one stored request (DESIGN "gracebox list --json")."""
    all_hits = [*hits, *capacity]
    rt = m.reply_to[0] if m.reply_to else None
    return {
        "id": m.id,
        "folder": folder_name,
        "uid": m.uid,
        "uidvalidity": m.uidvalidity,
        "message_id": m.message_id,
        "from": {"name": m.from_name, "address": m.from_address} if (m.from_name or m.from_address) else None,
        "reply_to": {"name": rt.get("name"), "address": rt.get("address")} if rt else None,
        "via": {"address": m.via.get("address"), "kind": m.via.get("kind", "notification")} if m.via else None,
        "subject": m.subject,
        "date": _iso(m.date or m.internaldate),
        "status": m.status,
        "suggested": checker.suggest({h.code for h in all_hits}),
        "flags": aggregate_flags(all_hits),
    }


def list_json(session: Session, settings: Settings, status: str | None = None, flag: str | None = None,
              now: datetime | None = None) -> list[dict[str, object]]:
    """All stored requests as JSON contract objects, newest first; RF5/RF6 computed now."""
    ctx = build_context(session, settings, now)
    cap = checker.capacity_hits(ctx)
    cap_codes = {h.code for h in cap}
    folders = {f.id: f.name for f in session.exec(select(Folder))}
    stmt = select(Message).where(col(Message.uid).is_not(None) | col(Message.folder_id).is_(None))
    if status:
        stmt = stmt.where(Message.status == status)
    if flag and flag not in cap_codes:
        stmt = stmt.where(col(Message.flag_codes).contains(flag))
    stmt = stmt.order_by(col(Message.date).desc(), col(Message.id).desc())
    out = []
    for m in session.exec(stmt):
        assert m.id is not None
        out.append(message_json(m, hits_for(session, m.id), cap, folders.get(m.folder_id)))
    return out


@dataclass(frozen=True, slots=True)
class Meter:
    """The RF5/RF6 header meter: accepted counts against the limits, and the break date."""

    accepted_30d: int
    monthly_capacity: int | None
    accepted_7d: int
    weekly_limit: int | None
    on_break_until: date | None
    today: date

    def text(self) -> str:
        """E.g. "accepted 3 of 4 this month · 2 of 2 this week · on break until 2027-01-15"."""
        parts = []
        cap = self.monthly_capacity
        parts.append(f"accepted {self.accepted_30d} of {cap} this month" if cap is not None
                     else f"accepted {self.accepted_30d} this month")
        wk = self.weekly_limit
        parts.append(f"{self.accepted_7d} of {wk} this week" if wk is not None else f"{self.accepted_7d} this week")
        if self.on_break_until and self.today <= self.on_break_until:
            parts.append(f"on break until {self.on_break_until.isoformat()}")
        return " · ".join(parts)


def meter(session: Session, settings: Settings, now: datetime | None = None) -> Meter:
    """Compute the header meter at ``now`` (injectable clock)."""
    now = now or datetime.now(UTC)
    a30, a7 = accepted_counts(session, now)
    p = settings.profile
    return Meter(a30, p.monthly_capacity, a7, p.weekly_limit, p.on_break_until, now.date())


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
    correction (the TUI's ``c``, issue 3 item 5). Raises LookupError when the request no longer exists."""
    from . import parse as parse_mod

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
    """The TUI's ``y`` ("accepted: I'll take this one", issue 3 item 6): record a Decision kind "accept"
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
