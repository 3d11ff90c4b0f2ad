"""Replies for the TUI's workers: start one (the open draft or the scenario's template), render another
scenario, save the draft, send it; plain data in and out (``ReplyDraft``, ``SendOutcome``)."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mailsync.config import Settings
from mailsync.store.engine import Store
from mailsync.store.models import Message, Reply
from mailsync.types import Address, FlagHit

from .inbox import RequestView, load_detail, request_view


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """What the reply editor starts from: the request, its hits (stored + capacity), the scenario, the body
    text (a saved draft's, else the rendered template), the recipients, a one-line ``error``, and
    ``no_reply``: why it can't be answered by mail (``drafts.no_reply_reason``: a notification relay or a
    no-reply sender), or None."""

    message: RequestView
    hits: tuple[FlagHit, ...]
    scenario: str
    body: str
    recipients: tuple[Address, ...]
    from_draft: bool
    error: str | None = None
    no_reply: str | None = None


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
        m = s.get(Message, message_pk)
        if m is None:
            return None
        draft = drafts.open_draft(s, m)
        no_reply = drafts.no_reply_reason(m)
    hits = detail.hits + detail.capacity
    want = scenario or (draft.scenario if draft is not None else detail.suggested)
    recipients: tuple[Address, ...] = ()
    error = None
    try:
        recipients = tuple(compose.reply_recipients(m))
    except Exception as exc:  # noqa: BLE001 - shown to the user as one line
        error = f"recipients: {exc}"
    view = request_view(m)
    if draft is not None and draft.scenario == want and draft.body:
        return ReplyDraft(view, hits, want, draft.body, recipients, True, error, no_reply)
    body, error2 = render(settings, m, want, list(hits), today=now.date())
    return ReplyDraft(view, hits, want, body, recipients, False, error or error2, no_reply)


def rerender(store: Store, settings: Settings, message_pk: int, scenario: str, hits: list[FlagHit],
             today: date | None = None) -> tuple[str, str | None]:
    """``render`` for the stored request ``message_pk``: (body, None), or ("", one-line error) when the
    template fails or the request is gone."""
    with store.session() as s:
        m = s.get(Message, message_pk)
    if m is None:
        return "", "the request is gone from the database"
    return render(settings, m, scenario, hits, today)


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


def edit_externally(text: str, editor: str, run: Callable[..., object] = subprocess.run) -> str:
    """Write ``text`` to a temp file, run ``editor`` (split like a shell would, never run by one) on it,
    and return the file's new content (UTF-8). Raises OSError when the editor can't be started."""
    with tempfile.TemporaryDirectory(prefix="gracebox-") as d:
        path = Path(d) / "reply.txt"
        path.write_text(text, encoding="utf-8")
        run([*shlex.split(editor), str(path)], check=False)
        return path.read_text(encoding="utf-8")
