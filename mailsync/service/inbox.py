"""Store access for the TUI's workers (run in threads, never in widgets).

Each function opens its own session on ``store`` (SQLite connections are per thread), calls the
``mailsync`` functions and returns plain frozen data that can cross back to the UI thread in a message.
Only ``mailsync.listing`` is imported up front: ``inbox`` and ``checker`` (whose rule tables take ~0.3 s to
compile) load in the first worker that needs them, after the first rows are on screen.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from mailsync.config import Settings
from mailsync.store import listing
from mailsync.store.engine import Store
from mailsync.store.models import Message, Reply
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
class Detail:
    """Everything the detail view shows for one request.

    ``message`` is a detached Message row; ``hits`` the stored RF1-4/RF7 hits, ``capacity`` the RF5/RF6 hits
    computed at the clock's time; ``suggested`` is checker.suggest over both.
    """

    message: Message
    hits: tuple[FlagHit, ...]
    capacity: tuple[FlagHit, ...]
    suggested: str
    #: The user's corrections: code -> "dismiss" | "add" (a dismissed RF5/RF6 is left out of ``capacity``).
    corrections: tuple[tuple[str, str], ...] = ()
    #: True when the user marked the request "accepted: I'll take this one" (``y``).
    accepted: bool = False
    #: The request's introductions with consent (issue 3 item 7), oldest first.
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


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """What the reply editor starts from: the request, its hits (stored + capacity), the scenario, the body
    text (a saved draft's, else the rendered template), the recipients, a one-line ``error``, and
    ``no_reply``: why it can't be answered by mail (``drafts.no_reply_reason``: a notification relay or a
    no-reply sender), or None."""

    message: Message
    hits: tuple[FlagHit, ...]
    scenario: str
    body: str
    recipients: tuple[Address, ...]
    from_draft: bool
    error: str | None = None
    no_reply: str | None = None


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

    return Detail(m, tuple(hits), tuple(cap), checker.suggest(codes), tuple(sorted(corr.items())), accepted,
                  intros)


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


def prepare_reply(store: Store, settings: Settings, message_pk: int, scenario: str | None,
                  now: datetime) -> ReplyDraft | None:
    """Start a reply: ``scenario`` None means the suggested one (or the open draft's).

    The open draft's text is used when its scenario matches; otherwise ``templates.render_body`` renders the
    template with the request's hits. A TemplateError (or compose missing) becomes ``error``.
    """
    from mailsync.mail import compose
    from mailsync.outbox import drafts

    detail = load_detail(store, settings, message_pk, now)
    if detail is None:
        return None
    with store.session() as s:
        draft = drafts.open_draft(s, detail.message)
        no_reply = drafts.no_reply_reason(detail.message)
    hits = detail.hits + detail.capacity
    want = scenario or (draft.scenario if draft is not None else detail.suggested)
    recipients: tuple[Address, ...] = ()
    error = None
    try:
        recipients = tuple(compose.reply_recipients(detail.message))
    except Exception as exc:  # noqa: BLE001 - shown to the user as one line
        error = f"recipients: {exc}"
    if draft is not None and draft.scenario == want and draft.body:
        return ReplyDraft(detail.message, hits, want, draft.body, recipients, True, error, no_reply)
    body, error2 = render(settings, detail.message, want, list(hits), today=now.date())
    return ReplyDraft(detail.message, hits, want, body, recipients, False, error or error2, no_reply)


def render(settings: Settings, message: Message, scenario: str, hits: list[FlagHit],
           today: date | None = None) -> tuple[str, str | None]:
    """Render the scenario's template for ``today`` (the app's clock; None = the real date): (body, None), or
    ("", one-line error) on a TemplateError."""
    from mailsync.errors import GraceboxError
    from mailsync.mail import templates

    try:
        return templates.render_body(settings, message, scenario, hits, today=today), None
    except GraceboxError as exc:
        return "", str(exc)


def save_draft(store: Store, settings: Settings, message_pk: int, scenario: str, body: str) -> int | None:
    """Save (create or update) the request's open draft with drafts.save_draft; returns the reply id."""
    from mailsync.outbox import drafts

    with store.session() as s:
        m = s.get(Message, message_pk)
        if m is None:
            return None
        reply = drafts.save_draft(s, m, scenario, body, settings=settings)
        return reply.id


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """Result of sending one reply: ``state`` (sent, failed, unknown, queued, ...) and ``detail``."""

    reply_id: int | None
    state: str
    detail: str | None


def send_reply(store: Store, settings: Settings, message_pk: int, scenario: str, body: str,
               to: list[Address] | None, demo_outbox: Path | None) -> SendOutcome:
    """Save the draft (committed on its own), queue it (drafts.queue_reply) and flush only that reply
    (outbox_flush.flush_outbox; with ``demo_outbox`` the .eml file is written there instead of SMTP/IMAP).

    Raises what queue_reply raises (GraceboxError one line: a no-reply sender, a bad address); the draft
    stays saved then."""
    from mailsync.outbox import drafts
    from mailsync.outbox import flush as outbox_flush

    with store.session() as s:  # the text is kept as a draft even if queueing fails below
        m = s.get(Message, message_pk)
        if m is None:
            return SendOutcome(None, "failed", "the request is gone from the database")
        reply_id = drafts.save_draft(s, m, scenario, body, settings=settings).id
    with store.session() as s:
        row = s.get(Reply, reply_id)
        assert row is not None
        drafts.queue_reply(s, settings, row, to)
    assert reply_id is not None
    results = outbox_flush.flush_outbox(settings, store, only=reply_id, folder_out=demo_outbox)
    for r in results:
        if r.reply_id == reply_id:
            return SendOutcome(reply_id, r.state, r.detail)
    with store.session() as s:
        row = s.get(Reply, reply_id)
        state = row.state if row is not None else "unknown"
        detail = row.error if row is not None else None
    return SendOutcome(reply_id, state, detail)


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


def edit_externally(text: str, editor: str, run: Callable[..., object] = subprocess.run) -> str:
    """Write ``text`` to a temp file, run ``editor`` (split like a shell would, never run by one) on it,
    and return the file's new content (UTF-8). Raises OSError when the editor can't be started."""
    with tempfile.TemporaryDirectory(prefix="gracebox-") as d:
        path = Path(d) / "reply.txt"
        path.write_text(text, encoding="utf-8")
        run([*shlex.split(editor), str(path)], check=False)
        return path.read_text(encoding="utf-8")
