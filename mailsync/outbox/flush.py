"""The outbox flush: send what is due (``smtp.py``), then the copy in Sent and \\Answered (``sentcopy.py``);
drafts and the queue are in ``drafts.py``.

README "Replies and the outbox". A reply is one ``models.Reply`` row that moves through these states:

* ``draft``   - being edited (``save_draft``); its Message-ID is made now and never changes afterwards.
* ``queued``  - ``queue_reply`` built the exact MIME bytes (``raw``); waits for ``flush_outbox``. A temporary
  refusal (4xx) puts it back here with ``attempts`` + 1 and ``next_attempt_at`` = now + backoff.
* ``sending`` - committed *before* the SMTP conversation starts, so a crash leaves evidence. A reply found
  in ``sending`` by a later flush means the process died mid-send: it becomes ``unknown``, unless the Sent
  folder already holds its Message-ID (then it was sent, and the after-send steps are finished).
* ``sent``    - the server accepted the DATA (RFC 5321 §4.1.1.4, 250 after the final dot). Committed at
  once, with the decision (``actions.record_decision``); then the copy is APPENDed to Sent with \\Seen
  (RFC 3501 §6.3.11) and the original gets \\Answered (RFC 3501 §2.3.2). ``appended``/``answered`` record those
  steps, so a flush finishes them after a crash in between.
* ``failed``  - a permanent refusal (5xx, RFC 5321 §4.2.1); ``error`` keeps the server's words.
* ``unknown`` - the connection was lost after the end of the DATA: the server may or may not have the
  message. Never re-sent by itself; the user decides with ``resolve_unknown``.
* ``discarded`` - the user gave up on an ``unknown`` reply (``resolve_unknown(..., "discard")``).

A process-wide file lock beside the database (``store.lock.outbox_lock``) keeps two processes (the TUI and a
cron sync) from flushing at once, so a reply in ``sending`` seen under the lock is certainly a leftover.
Passwords come from ``[smtp]`` on demand and never reach the database, a log or an error message.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from ..config import Settings
from ..config.netutil import describe_error
from ..store.files import FILE_MODE, private_dir
from ..store.lock import outbox_lock
from ..store.models import Reply
from .replies import (
    LOCK_WAIT_S,
    MAX_ATTEMPTS,
    NO_SMTP,
    OPEN_STATES,
    SendResult,
    _aware,
    _claim,
    _mark_sent,
    _now,
    _safe_name,
    _set,
    backoff,
)
from .sentcopy import _after_send, _Imap, _resolve_sending
from .smtp import SmtpSession, _Defer, _Permanent, _Temporary, _Unknown

if TYPE_CHECKING:
    from ..imap import ImapConnection
    from ..store.engine import Store

def _is_due(reply: Reply, now: datetime) -> bool:
    at = _aware(reply.next_attempt_at)
    return at is None or at <= now


def _recipients(reply: Reply) -> list[str]:
    return [addr for a in reply.to_addrs or [] if (addr := a.get("address"))]


def _write_out(folder_out: Path, reply: Reply) -> Path:
    private_dir(folder_out)
    path = folder_out / f"{_safe_name(reply.message_id)}.eml"
    tmp = path.with_suffix(".eml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(reply.raw or b"")
    tmp.replace(path)
    return path


def flush_outbox(settings: Settings, store: Store, *, imap: ImapConnection | None = None,
                 now: datetime | None = None, only: int | None = None,
                 folder_out: Path | None = None) -> list[SendResult]:
    """Send what is due and finish interrupted work; return one SendResult per reply touched.

    Works on replies that are ``queued`` and due (``next_attempt_at`` empty or <= ``now``), left in
    ``sending`` (-> ``unknown``, or ``sent`` when the Sent folder holds the Message-ID), or ``sent`` with the
    copy in Sent or \\Answered still missing. ``only`` restricts it to one reply id (a queued one is sent
    even before its backoff ends). ``now`` (aware UTC; default the clock) is injectable for tests.

    With ``folder_out`` (demo mode) each reply is written to ``<folder_out>/<message-id>.eml`` and marked
    sent; nothing touches the network. Otherwise: SMTP from ``[smtp]`` (no table: replies stay queued with
    ``NO_SMTP``), then APPEND to the Sent folder with \\Seen and \\Answered on the original through ``imap``
    (the caller's connection) or one opened here when ``[imap]`` is set. SMTP outcomes: 250 -> sent (and the
    decision recorded); 4xx -> queued with backoff (``backoff``) and the server's words; 5xx -> failed with
    the server's words; connection trouble before the end of the DATA, a refused login or a config problem
    -> stays queued with the reason; connection lost after the end of the DATA -> unknown.
    Never raises for server trouble (it is in the results); another process flushing -> ``[]`` (or, with
    ``only``, a "queued" result saying so).
    """
    n = _now(now)
    with outbox_lock(store.url, LOCK_WAIT_S) as locked:
        if not locked:
            if only is not None:
                return [SendResult(only, "queued", "another Gracebox process is sending; it goes out with that run")]
            return []
        return _flush(settings, store, imap, n, only, folder_out)


def _flush(settings: Settings, store: Store, given_imap: ImapConnection | None, now: datetime,
           only: int | None, folder_out: Path | None) -> list[SendResult]:
    with store.session() as s:
        q = select(Reply).where(col(Reply.state).in_(OPEN_STATES))
        if only is not None:
            q = q.where(Reply.id == only)
        rows = list(s.exec(q.order_by(col(Reply.id))).all())
    sending = [r for r in rows if r.state == "sending"]
    due = [r for r in rows if r.state == "queued" and (only is not None or _is_due(r, now))]
    unfinished = [r for r in rows if r.state == "sent" and not (r.appended and r.answered)]
    can_imap = folder_out is None and (settings.imap is not None or given_imap is not None)
    if not can_imap:
        unfinished = []  # demo mode, or no IMAP account: no server to copy to
    if not (sending or due or unfinished):
        return []
    results: list[SendResult] = []
    imap = _Imap(settings, given_imap)
    try:
        for r in sending:
            res = _resolve_sending(store, imap, r, now, folder_out)
            results.append(res)
            if res.state == "sent" and folder_out is None:
                unfinished.append(r)
        if folder_out is not None:
            for r in due:
                assert r.id is not None
                if not _claim(store, r.id, now):
                    continue
                try:
                    path = _write_out(folder_out, r)
                except OSError as exc:
                    why = f"cannot write to {folder_out} ({describe_error(exc)})"
                    _set(store, r.id, state="queued", error=why, updated_at=now)
                    results.append(SendResult(r.id, "queued", why))
                    continue
                _mark_sent(store, r.id, now, error=None)
                results.append(SendResult(r.id, "sent", str(path)))
            return results
        results.extend(_send_due(settings, store, due, now, unfinished))
        if not can_imap:
            return results
        done = {res.reply_id for res in results}
        for r in unfinished:
            assert r.id is not None
            note = _after_send(store, settings, imap, r.id)
            if r.id in done:
                if note:
                    results = [SendResult(x.reply_id, x.state, "; ".join(filter(None, [x.detail, note])))
                               if x.reply_id == r.id else x for x in results]
            else:
                results.append(SendResult(r.id, "sent", note or "copied to Sent; original marked answered"))
    finally:
        imap.close()
    return results


def _send_due(settings: Settings, store: Store, due: list[Reply], now: datetime,
              unfinished: list[Reply]) -> list[SendResult]:
    results: list[SendResult] = []
    if not due:
        return results
    if settings.smtp is None:
        for r in due:
            assert r.id is not None
            _set(store, r.id, error=NO_SMTP)
            results.append(SendResult(r.id, "queued", NO_SMTP))
        return results
    mail_from = settings.my_email() or settings.smtp.username or ""
    smtp = SmtpSession(settings)
    deferred: str | None = None
    try:
        for r in due:
            assert r.id is not None
            if deferred is None and smtp.conn is None:
                try:
                    smtp.open()
                except _Defer as exc:
                    deferred = str(exc)
            if deferred is not None:
                _set(store, r.id, error=deferred, updated_at=now)
                results.append(SendResult(r.id, "queued", deferred))
                continue
            rcpts = _recipients(r)
            if not rcpts or not r.raw:
                why = "nothing to send (no recipient or no message built); queue it again"
                _set(store, r.id, state="failed", error=why, updated_at=now)
                results.append(SendResult(r.id, "failed", why))
                continue
            if not _claim(store, r.id, now):
                continue  # someone else changed it meanwhile
            attempts = (r.attempts or 0) + 1
            try:
                note = smtp.send(mail_from, rcpts, r.raw)
            except _Temporary as exc:
                words = str(exc)
                if attempts >= MAX_ATTEMPTS:
                    why = f"gave up after {attempts} temporary refusals; last: {words}"
                    _set(store, r.id, state="failed", error=why, updated_at=now)
                    results.append(SendResult(r.id, "failed", why))
                else:
                    at = now + backoff(attempts)
                    _set(store, r.id, state="queued", error=words, next_attempt_at=at, updated_at=now)
                    results.append(SendResult(r.id, "queued", f"{words} (next try after {at.isoformat()})"))
                continue
            except _Permanent as exc:
                _set(store, r.id, state="failed", error=str(exc), updated_at=now)
                results.append(SendResult(r.id, "failed", str(exc)))
                continue
            except _Defer as exc:
                # Nothing was delivered; try again with the next flush (a new connection for the next reply).
                _set(store, r.id, state="queued", error=str(exc), updated_at=now)
                results.append(SendResult(r.id, "queued", str(exc)))
                continue
            except _Unknown as exc:
                _set(store, r.id, state="unknown", error=str(exc), updated_at=now)
                results.append(SendResult(r.id, "unknown", str(exc)))
                continue
            _mark_sent(store, r.id, now, error=note)
            results.append(SendResult(r.id, "sent", note))
            unfinished.append(r)
    finally:
        smtp.close()
    return results
