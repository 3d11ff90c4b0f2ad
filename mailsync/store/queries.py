"""Read-only queries on stored requests: flag hits, the ``list --json`` contract, the capacity meter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from .. import checker
from ..config.settings import Settings
from ..types import FLAG_SLUGS, FlagHit
from .context import accepted_counts, build_context
from .models import FlagHitRow, Folder, Message

# --- queries ----------------------------------------------------------------------------------------


def hits_for(session: Session, message_pk: int) -> list[FlagHit]:
    """The stored hits of one request, by flag code then points (highest first)."""
    rows = session.exec(select(FlagHitRow).where(FlagHitRow.message_pk == message_pk)).all()
    hits = [FlagHit(r.code, r.slug, r.rule, r.points, tuple(r.evidence or ()), r.description) for r in rows]
    return sorted(hits, key=lambda h: (h.code, -h.points))


def aggregate_flags(hits: list[FlagHit]) -> list[dict[str, object]]:
    """Fold hits into one JSON flag object per code: the strongest rule's name, summed points, all
    evidence (README: `gracebox list --json`)."""
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
    """The JSON contract object for one stored request (README: `gracebox list --json`)."""
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


