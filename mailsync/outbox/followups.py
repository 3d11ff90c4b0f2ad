"""Follow-ups after a break (README "Keys": F; the article's RF6 advice: "taking a break, I'll follow up after").

While ``[profile] on_break_until`` is set, a request answered with Scenario 1 on or before that date is a
follow-up, due the day after the break ends, unless a later decision on it exists (the user followed up,
accepted or declined since). Pure queries on an open ``Session``; no network, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from ..store.listing import RequestRow
from ..store.models import Decision, Message


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One follow-up: the request's row id, identity, sender, subject, when Scenario 1 was decided (aware
    UTC) and ``due`` (the first day after the break)."""

    message_pk: int
    identity: str
    from_name: str | None
    from_address: str | None
    subject: str
    decided_at: datetime
    due: date


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


def due_date(on_break_until: date) -> date:
    """The day follow-ups fall due: the first day after ``on_break_until``."""
    return on_break_until + timedelta(days=1)


def followups(session: Session, on_break_until: date | None) -> list[FollowUp]:
    """The follow-ups for a break ending ``on_break_until`` (None: no break, no follow-ups), oldest
    decision first.

    A follow-up is a request with a Decision kind "scenario1" whose ``decided_at.date()`` (UTC) is on or
    before ``on_break_until`` and no later Decision of any kind on the same request identity. Requests no
    longer in the store are left out; of two rows with one identity the lowest id is shown."""
    if on_break_until is None:
        return []
    latest: dict[str, Decision] = {}
    for d in session.exec(select(Decision).order_by(col(Decision.decided_at), col(Decision.id))).all():
        if d.decided_at is None:
            continue
        latest[d.request_identity] = d
    cand = {ident: d for ident, d in latest.items()
            if d.kind == "scenario1" and _aware(d.decided_at).astimezone(UTC).date() <= on_break_until}  # type: ignore[arg-type]
    if not cand:
        return []
    rows = session.exec(select(Message).where(col(Message.identity).in_(sorted(cand)))
                        .order_by(col(Message.id))).all()
    seen: set[str] = set()
    out: list[FollowUp] = []
    for m in rows:
        if m.identity in seen or m.id is None:
            continue
        seen.add(m.identity)
        when = cand[m.identity].decided_at
        assert when is not None
        out.append(FollowUp(m.id, m.identity, m.from_name, m.from_address, m.subject or "", _aware(when),
                            due_date(on_break_until)))
    return sorted(out, key=lambda f: (f.decided_at, f.message_pk))


def due_now(session: Session, on_break_until: date | None, today: date) -> list[FollowUp]:
    """The follow-ups that are due at ``today``: all of them once ``today > on_break_until``, else none."""
    if on_break_until is None or today <= on_break_until:
        return []
    return followups(session, on_break_until)


def request_rows(session: Session, on_break_until: date | None, search: str | None = None) -> list[RequestRow]:
    """The follow-ups as inbox list rows (newest request first), optionally narrowed by ``search``
    (case-insensitive substring of sender name, address or subject). Used by the TUI's ``F`` filter."""
    pks = [f.message_pk for f in followups(session, on_break_until)]
    if not pks:
        return []
    rows = session.exec(select(Message).where(col(Message.id).in_(pks))
                        .order_by(col(Message.date).desc(), col(Message.id).desc())).all()
    needle = (search or "").lower()
    out = []
    for m in rows:
        assert m.id is not None
        hay = " ".join([m.from_name or "", m.from_address or "", m.subject or ""]).lower()
        if needle and needle not in hay:
            continue
        d = m.date or m.internaldate
        out.append(RequestRow(m.id, m.from_name, m.from_address, bool(m.via), m.subject or "",
                              _aware(d) if d is not None else None, m.status,
                              tuple(m.flag_codes.split()) if m.flag_codes else (), m.suggested))
    return out


def lines(items: list[FollowUp]) -> list[str]:
    """One printable line per follow-up: id, sender, subject, "due <date>" (mail text made display-safe)."""
    from ..mail.safe_text import display_safe

    out = []
    for f in items:
        who = display_safe(f.from_name or f.from_address or "?", single_line=True)
        subj = display_safe(f.subject or "(no subject)", single_line=True)
        out.append(f"{f.message_pk:>6}  {who[:28]:<28}  {subj[:50]:<50}  due {f.due.isoformat()}")
    return out
