"""The copy in Sent and \\Answered on the original after the SMTP server accepted a reply, on the sync's IMAP
session or one opened for the flush; and the recovery of a reply found in ``sending``."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from ..config.settings import Settings
from ..errors import GraceboxError, ServerUnreachable
from ..imap.connection import ImapConnection
from ..store import ingest
from ..store.engine import Store
from ..store.models import Folder, Message, Reply
from .replies import SendResult, _mark_sent, _one_line, _request_of, _safe_name, _set


class _Imap:
    """The IMAP side of a flush: the caller's connection, or one opened on first need and closed after."""

    def __init__(self, settings: Settings, given: ImapConnection | None) -> None:
        self.settings = settings
        self.conn = given
        self.owned = False
        self.error: str | None = None

    def get(self) -> ImapConnection | None:
        if self.conn is not None or self.error is not None:
            return self.conn
        if self.settings.imap is None:
            self.error = "no [imap] in the config"
            return None
        from .. import imap as imap_mod

        try:
            self.conn = imap_mod.connect(self.settings)
            self.owned = True
        except GraceboxError as exc:
            self.error = str(exc)
        return self.conn

    def lost(self, why: str) -> None:
        """The connection broke: don't use it again in this flush."""
        self.close()
        self.error = why

    def close(self) -> None:
        if self.owned and self.conn is not None:
            self.conn.close()
        self.conn = None


def _in_sent(conn: ImapConnection, message_id: str) -> bool:
    from ..imap import FolderMissing

    try:
        return conn.uid_for_message_id(conn.sent_folder(), message_id) is not None
    except FolderMissing:
        return False


def _append_sent(conn: ImapConnection, raw: bytes, when: datetime | None) -> None:
    from ..imap import FolderMissing

    folder = conn.sent_folder()
    try:
        conn.append(folder, raw, ("\\Seen",), when)
    except FolderMissing:
        # RFC 3501 §6.3.11: [TRYCREATE] - make the Sent folder and try once more.
        with contextlib.suppress(Exception):
            conn.client.create_folder(folder)
        conn.append(folder, raw, ("\\Seen",), when)


def _original_uid(s: Session, conn: ImapConnection, settings: Settings, req: Message) -> tuple[str, int | None]:
    """The original's folder and UID: the stored UID when it is current, else UID SEARCH by Message-ID."""
    folder_row = s.get(Folder, req.folder_id) if req.folder_id is not None else None
    folder = folder_row.name if folder_row else (settings.imap.requests_folder if settings.imap else "INBOX")
    if req.uid is not None and folder_row is not None and (
            req.uidvalidity is None or folder_row.uidvalidity is None or req.uidvalidity == folder_row.uidvalidity):
        return folder, req.uid
    if req.message_id:
        return folder, conn.uid_for_message_id(folder, req.message_id)
    return folder, None


def _after_send(store: Store, settings: Settings, imap: _Imap, reply_id: int) -> str | None:
    """APPEND the copy to Sent (\\Seen) unless it is there, then \\Answered on the original. Returns a note
    when a step is still pending or impossible, None when both are done."""
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        if r.appended and r.answered:
            return None
        conn = imap.get()
        if conn is None:
            return f"sent; copy to Sent and \\Answered pending ({imap.error})"
        notes: list[str] = []
        try:
            if not r.appended:
                if r.raw and not _in_sent(conn, r.message_id):
                    _append_sent(conn, r.raw, r.sent_at)
                r.appended = True
                s.add(r)
                s.commit()
            if not r.answered:
                req = None if r.scenario == "consent" else _request_of(s, r)
                if r.scenario == "consent":
                    pass  # sent to the referral, not an answer to the request
                elif req is None or (req.folder_id is None and not req.message_id):
                    notes.append("the original is not on the server")
                else:
                    folder, uid = _original_uid(s, conn, settings, req)
                    if uid is None:
                        notes.append("the original was not found on the server; \\Answered not set")
                    else:
                        conn.add_flags(folder, [uid], ["\\Answered"])
                        flags = list(req.imap_flags or [])
                        if "\\Answered" not in flags:
                            req.imap_flags = [*flags, "\\Answered"]
                        ingest.refresh_status(s, req)
                        s.add(req)
                r.answered = True
                s.add(r)
                s.commit()
        except GraceboxError as exc:
            if isinstance(exc, ServerUnreachable):
                imap.lost(str(exc))
            return f"sent; IMAP step pending: {_one_line(str(exc))}"
    return "; ".join(notes) or None


def _resolve_sending(store: Store, imap: _Imap, reply: Reply, now: datetime,
                     folder_out: Path | None) -> SendResult:
    """A reply found in ``sending`` under the lock: the process died mid-send."""
    assert reply.id is not None
    if folder_out is not None:
        if (folder_out / f"{_safe_name(reply.message_id)}.eml").exists():
            _mark_sent(store, reply.id, now, error=None)
            return SendResult(reply.id, "sent", "found in the outbox folder after an interrupted send")
    else:
        conn = imap.get()
        found = False
        if conn is not None:
            try:
                found = _in_sent(conn, reply.message_id)
            except GraceboxError as exc:
                if isinstance(exc, ServerUnreachable):
                    imap.lost(str(exc))
        if found:
            _mark_sent(store, reply.id, now, error=None, appended=True)
            return SendResult(reply.id, "sent", "the Sent folder already holds it (sent before an interruption)")
    why = ("sending was interrupted (the program stopped mid-send); it may or may not have been delivered; "
           "choose resend, mark-sent or discard")
    _set(store, reply.id, state="unknown", error=why, updated_at=now)
    return SendResult(reply.id, "unknown", why)


