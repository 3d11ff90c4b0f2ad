"""The inbox for the TUI's workers (run in threads, never in widgets): list pages, one request's detail,
the meter, the search index.

Each function opens its own session on ``store`` (SQLite connections are per thread), calls the
``mailsync`` functions and returns plain frozen data that can cross back to the UI thread in a message.
Only ``mailsync.listing`` is imported up front: ``inbox`` and ``checker`` (whose rule tables take ~0.3 s to
compile) load in the first worker that needs them, after the first rows are on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from mailsync.config import Settings
from mailsync.store import listing
from mailsync.store.engine import Store
from mailsync.store.models import Message
from mailsync.types import Address, CheckContext, FlagHit

#: Rows per page fetched for the virtual request list.
PAGE_SIZE = 100
#: Body text shown in the detail view is cut after this many characters (the rest is noted).
BODY_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Query:
    """What the request list shows: ``filter`` (one of listing.FILTERS) and ``search`` text (or "")."""

    filter: str = "all"
    search: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """Rows ``offset .. offset+len(rows)`` of ``query`` and the ``total`` matching count."""

    query: Query
    offset: int
    rows: tuple[listing.RequestRow, ...]
    total: int


@dataclass(frozen=True, slots=True)
class RequestView:
    """One stored request as the TUI shows it (plain data, never an ORM row): row ``id``, headers
    (addresses as ``types.Address``; ``via`` the networking site that relayed it: {"address", "kind",
    "site"} or None), ``date`` and ``internaldate`` (aware UTC or None), ``status`` and the body text."""

    id: int
    identity: str
    subject: str
    from_name: str | None
    from_address: str | None
    reply_to: tuple[Address, ...]
    to_addrs: tuple[Address, ...]
    via: dict[str, str | None] | None
    date: datetime | None
    internaldate: datetime | None
    status: str
    body_text: str
    #: One-line problems the parser met (shown under the body).
    parse_warnings: tuple[str, ...] = ()


def request_view(m: Message) -> RequestView:
    """The ``RequestView`` of a stored request row."""
    def addrs(xs: list[dict[str, str | None]] | None) -> tuple[Address, ...]:
        return tuple(Address(x.get("name"), x.get("address")) for x in xs or [])

    return RequestView(m.id or 0, m.identity, m.subject, m.from_name, m.from_address, addrs(m.reply_to),
                       addrs(m.to_addrs), dict(m.via) if m.via else None, m.date, m.internaldate, m.status,
                       m.body_text, tuple(m.parse_warnings or ()))


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the detail view shows for one request.

    ``message`` is the request (``RequestView``); ``hits`` the stored RF1-4/RF7 hits, ``capacity`` the RF5/RF6 hits
    computed at the clock's time; ``suggested`` is checker.suggest over both.
    """

    message: RequestView
    hits: tuple[FlagHit, ...]
    capacity: tuple[FlagHit, ...]
    suggested: str
    #: The user's corrections: code -> "dismiss" | "add" (a dismissed RF5/RF6 is left out of ``capacity``).
    corrections: tuple[tuple[str, str], ...] = ()
    #: True when the user marked the request "accepted: I'll take this one" (``y``).
    accepted: bool = False
    #: The request's introductions with consent (README "Keys": ctrl+r, i, I), oldest first.
    introductions: tuple[IntroView, ...] = ()


@dataclass(frozen=True, slots=True)
class IntroView:
    """One ``models.Introduction`` as the TUI shows it: ``state`` asked | agreed | declined | introduced;
    ``reply_seen`` when the referral's answer to the consent request was synced."""

    id: int
    referral_name: str
    referral_address: str
    state: str
    reply_seen: bool


#: The list filter of the ``F`` key: the follow-ups after a break (``mailsync.followups``), not a listing filter.
FOLLOWUPS = "followups"


def load_page(store: Store, query: Query, offset: int, limit: int = PAGE_SIZE, total: int | None = None,
              settings: Settings | None = None) -> Page:
    """Fetch one page of the list (newest first) plus the total count for ``query``; a known ``total``
    (a further page of the same list) skips the count query. The ``followups`` filter needs ``settings``
    (the break date); without them it lists nothing."""
    search = query.search or None
    if query.filter == FOLLOWUPS:
        from mailsync.outbox import followups

        with store.session() as s:
            until = settings.profile.on_break_until if settings is not None else None
            every = followups.request_rows(s, until, search)
        return Page(query, offset, tuple(every[offset:offset + limit]), len(every))
    with store.session() as s:
        if total is None:
            total = listing.count_requests(s, query.filter, search)
        rows = listing.list_requests(s, query.filter, search, offset=offset, limit=limit)
    return Page(query, offset, tuple(rows), total)


def search_is_indexed(store: Store) -> bool:
    """True when the store has the SQLite FTS5 search index (a search then costs a few ms per keystroke)."""
    from mailsync.store import search

    return search.fts_available(store.engine)


def reasoning_for(code: str) -> str | None:
    """The article's reasoning for flag ``code`` (``checker.REASONING``), or None when the checker has none."""
    from mailsync import checker

    table: dict[str, str] = getattr(checker, "REASONING", None) or {}
    return table.get(code)


def catch_up_search(store: Store) -> int:
    """Index the requests waiting for the search index (``mailsync.search.catch_up``); returns how many.
    Searches are complete without it, only slower while many wait."""
    from mailsync.store import search

    return search.catch_up(store.engine)


def meter_text(store: Store, settings: Settings, now: datetime) -> str:
    """The RF5/RF6 header meter, e.g. "accepted 3 of 4 this month · 1 of 2 this week"."""
    with store.session() as s:
        from mailsync.store import queries

        return queries.meter(s, settings, now).text()


def _capacity(session: Session, settings: Settings, now: datetime) -> list[FlagHit]:
    """RF5/RF6 hits at ``now``: ``checker.capacity_hits`` over a context holding just its inputs (the
    accepted counts, the profile's limits and break, today). ``store_context.build_context`` would also load
    every known address and contact: 90% of a detail load on a big mailbox, for nothing RF5/RF6 use."""
    from mailsync import checker
    from mailsync.store import context as store_context

    a30, a7 = store_context.accepted_counts(session, now)
    p = settings.profile
    ctx = CheckContext(accepted_30d=a30, accepted_7d=a7, monthly_capacity=p.monthly_capacity,
                       weekly_limit=p.weekly_limit, on_break_until=p.on_break_until, today=now.date())
    return checker.capacity_hits(ctx)


def load_detail(store: Store, settings: Settings, message_pk: int, now: datetime) -> Detail | None:
    """Load one request with its hits; None when it no longer exists."""
    with store.session() as s:
        m = s.get(Message, message_pk)
        if m is None:
            return None
        from mailsync.store import actions, queries

        hits = queries.hits_for(s, message_pk)
        corr = actions.corrections_of(s, m.identity)
        cap = [h for h in _capacity(s, settings, now) if corr.get(h.code) != "dismiss"]
        accepted = actions.accept_marked(s, m.identity)
        from mailsync.outbox.introductions import for_request

        intros = tuple(IntroView(i.id or 0, i.referral_name, i.referral_address, i.state, i.reply_seen)
                       for i in for_request(s, m.identity))
    codes = {h.code for h in hits} | {h.code for h in cap}
    from mailsync import checker

    return Detail(request_view(m), tuple(hits), tuple(cap), checker.suggest(codes), tuple(sorted(corr.items())),
                  accepted, intros)


def followups_due(store: Store, settings: Settings, now: datetime) -> tuple[int, date | None]:
    """(number of follow-ups due at ``now``, the day they fell due) for the inbox notice; (0, None) while
    the break lasts or when none is set."""
    from mailsync.outbox import followups

    until = settings.profile.on_break_until
    with store.session() as s:
        items = followups.due_now(s, until, now.date())
    if not items or until is None:
        return 0, None
    return len(items), followups.due_date(until)


