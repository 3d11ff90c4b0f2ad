"""The inbox list: filters, search and pages of requests (``count_requests``, ``list_requests``).

Kept apart from ``inbox`` (which re-exports all of it) so that showing the list needs neither the checker
nor its rule tables: the TUI paints its first rows before those are compiled. Functions take an open
``Session``; no writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from . import search as search_mod
from .models import Message

#: The list filters (README "Keys": new, flagged, clean, replied; plus archived and all).
FILTERS = ("new", "flagged", "clean", "replied", "archived", "all")


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One line of the inbox list: small, for paging (no body, no raw)."""

    id: int
    from_name: str | None
    from_address: str | None
    via: bool
    subject: str
    date: datetime | None
    status: str
    flag_codes: tuple[str, ...]
    suggested: str


def _filtered(stmt: Any, filter: str = "all", search: str | None = None, flag: str | None = None,
              *, bind: Any = None) -> Any:
    """Add the WHERE of ``filter``/``search``/``flag`` to ``stmt``; ``bind`` (the session's engine or
    connection) picks the search path (mailsync.search: FTS5 on SQLite, else ILIKE)."""
    if filter not in FILTERS:
        raise ValueError(f"unknown filter {filter!r}; use one of {', '.join(FILTERS)}")
    stmt = stmt.where(col(Message.uid).is_not(None) | col(Message.folder_id).is_(None))
    if filter == "new":
        stmt = stmt.where(Message.status == "new")
    elif filter == "flagged":
        stmt = stmt.where(Message.flag_codes != "", Message.status != "archived")
    elif filter == "clean":
        stmt = stmt.where(Message.flag_codes == "", Message.status != "archived")
    elif filter == "replied":
        stmt = stmt.where(Message.status == "replied")
    elif filter == "archived":
        stmt = stmt.where(Message.status == "archived")
    if flag:
        stmt = stmt.where(col(Message.flag_codes).contains(flag))
    if search:
        stmt = stmt.where(search_mod.search_clause(bind, search) if bind is not None
                          else search_mod.ilike_clause(search))
    return stmt


def count_requests(session: Session, filter: str = "all", search: str | None = None,
                   flag: str | None = None) -> int:
    """Count requests matching ``filter`` (one of FILTERS), ``search`` (sender, subject, body; semantics
    in mailsync.search) and ``flag``. Raises ValueError for an unknown filter."""
    if search and filter == "all" and not flag:
        n = search_mod.count_all(session.connection(), search)
        if n is not None:
            return n
    stmt = _filtered(select(func.count()).select_from(Message), filter, search, flag, bind=session.get_bind())
    return int(session.exec(stmt).one())


def list_requests(session: Session, filter: str = "all", search: str | None = None, offset: int = 0,
                  limit: int = 200, flag: str | None = None) -> list[RequestRow]:
    """One page of requests, newest first (date, else internal date, then id).

    The page's ids are picked first (``OFFSET`` walks a covering index, mailsync.search.LIST_INDEXES,
    without reading rows), then only those rows are read, so the last page of 100,000 costs about what
    the first does."""
    order = (col(Message.date).desc(), col(Message.id).desc())
    page_ids = (_filtered(select(Message.id), filter, search, flag, bind=session.get_bind())
                .order_by(*order).offset(offset).limit(limit).correlate(None))
    cols = (Message.id, Message.from_name, Message.from_address, Message.via, Message.subject,
            func.coalesce(Message.date, Message.internaldate), Message.status, Message.flag_codes,
            Message.suggested)
    stmt = select(*cols).where(col(Message.id).in_(page_ids)).order_by(*order)  # type: ignore[call-overload]
    out = []
    for r in session.exec(stmt).all():
        d = r[5]
        if d is not None and d.tzinfo is None:
            d = d.replace(tzinfo=UTC)
        out.append(RequestRow(r[0], r[1], r[2], bool(r[3]), r[4] or "", d, r[6],
                              tuple(r[7].split()) if r[7] else (), r[8]))
    return out
