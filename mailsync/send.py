"""The outbox: drafts, the send queue, SMTP delivery, the copy in Sent and \\Answered on the original.

DESIGN "Replies and the outbox". A reply is one ``models.Reply`` row that moves through these states:

* ``draft``   - being edited (``save_draft``); its Message-ID is made now and never changes afterwards.
* ``queued``  - ``queue_reply`` built the exact MIME bytes (``raw``); waits for ``flush_outbox``. A temporary
  refusal (4xx) puts it back here with ``attempts`` + 1 and ``next_attempt_at`` = now + backoff.
* ``sending`` - committed *before* the SMTP conversation starts, so a crash leaves evidence. A reply found
  in ``sending`` by a later flush means the process died mid-send: it becomes ``unknown``, unless the Sent
  folder already holds its Message-ID (then it was sent, and the after-send steps are finished).
* ``sent``    - the server accepted the DATA (RFC 5321 §4.1.1.4, 250 after the final dot). Committed at
  once, with the decision (``inbox.record_decision``); then the copy is APPENDed to Sent with \\Seen
  (RFC 3501 §6.3.11) and the original gets \\Answered (RFC 3501 §2.3.2). ``appended``/``answered`` record those
  steps, so a flush finishes them after a crash in between.
* ``failed``  - a permanent refusal (5xx, RFC 5321 §4.2.1); ``error`` keeps the server's words.
* ``unknown`` - the connection was lost after the end of the DATA: the server may or may not have the
  message. Never re-sent by itself; the user decides with ``resolve_unknown``.
* ``discarded`` - the user gave up on an ``unknown`` reply (``resolve_unknown(..., "discard")``).

A process-wide file lock beside the database (``outbox_lock_path``) keeps two processes (the TUI and a
cron sync) from flushing at once, so a reply in ``sending`` seen under the lock is certainly a leftover.
Passwords come from ``[smtp]`` on demand and never reach the database, a log or an error message.
"""

from __future__ import annotations

import contextlib
import email.utils
import re
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import update
from sqlmodel import Session, col, select

from . import inbox
from .config import LOOPBACK, Settings, SmtpSettings
from .errors import ConfigError, GraceboxError, ServerUnreachable
from .models import Folder, Message, Reply
from .netutil import describe_error, tls_context
from .types import Address

if TYPE_CHECKING:
    from .imap import ImapConnection
    from .store import Store

#: Seconds to wait before retry n (1-based) after a temporary (4xx) refusal; the last value repeats.
BACKOFF_S: tuple[int, ...] = (60, 300, 900, 3600)
#: Temporary refusals after which a reply is marked failed (about a day at the last backoff step).
MAX_ATTEMPTS = 24
#: Seconds ``flush_outbox`` waits for another process's flush to end before leaving the work to it.
LOCK_WAIT_S = 10.0
#: Reply states a flush works on.
OPEN_STATES = ("queued", "sending", "sent")
#: ``Reply.scenario`` values of the introduction flow (``introductions``): not a decision on the request
#: (RF5/RF6 count decisions); a ``consent`` mail goes to a third person, so the original gets no \\Answered.
NOT_DECISIONS = ("consent", "introduction")
#: The message shown when there is no ``[smtp]`` table.
NO_SMTP = "no [smtp] in the config; sending is off"

_PLACEHOLDER_DOMAIN = "@gracebox.invalid>"


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a flush did with one reply: ``state`` is the reply's state afterwards (sent, queued, failed,
    unknown); ``detail`` a one-line explanation (the server's words, the file written, what is pending)."""

    reply_id: int
    state: str
    detail: str | None = None


def _now(now: datetime | None) -> datetime:
    n = now or datetime.now(UTC)
    return n if n.tzinfo else n.replace(tzinfo=UTC)


def _aware(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _one_line(s: str, limit: int = 300) -> str:
    return " ".join(s.split())[:limit]


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` temporary refusals (1-based): 1, 5, 15, then 60 minutes."""
    i = max(1, attempts) - 1
    return timedelta(seconds=BACKOFF_S[min(i, len(BACKOFF_S) - 1)])


def outbox_lock_path(url: str) -> Path:
    """The outbox lock file for database ``url``: beside the sync lock (``store.lock_path``), suffix
    ``.outbox``."""
    from .store import lock_path

    p = lock_path(url)
    return p.with_name(p.name + ".outbox")


# --- drafts and the queue ---------------------------------------------------------------------------------


def _request_of(session: Session, reply: Reply) -> Message | None:
    if reply.message_pk is not None:
        m = session.get(Message, reply.message_pk)
        if m is not None:
            return m
    return session.exec(select(Message).where(Message.identity == reply.request_identity)).first()


def open_draft(session: Session, request: Message) -> Reply | None:
    """The request's open draft (state ``draft``), newest first, or None."""
    return session.exec(
        select(Reply).where(Reply.request_identity == request.identity, Reply.state == "draft")
        .order_by(col(Reply.id).desc())
    ).first()


def save_draft(session: Session, request: Message, scenario: str, body: str, *,
               settings: Settings | None = None) -> Reply:
    """Create or update the one open draft for ``request`` and return it (flushed, so it has an id).

    ``scenario`` is scenario1 | scenario2 | accept (recorded as the decision when sent); ``body`` the text.
    The Message-ID is made on creation with ``compose.make_message_id(settings)``; without ``settings`` a
    placeholder-domain id is made and replaced by ``queue_reply`` (nothing has been sent by then).
    Subject and recipients are stored for display (``compose.reply_subject`` / ``reply_recipients``).
    The request's status becomes ``draft``. The caller commits.
    """
    from . import compose

    now = datetime.now(UTC)
    reply = open_draft(session, request)
    if reply is None:
        mid = compose.make_message_id(settings) if settings is not None else \
            email.utils.make_msgid(domain="gracebox.invalid")
        reply = Reply(message_pk=request.id, request_identity=request.identity, message_id=mid,
                      state="draft", created_at=now)
    elif settings is not None and reply.message_id.endswith(_PLACEHOLDER_DOMAIN):
        reply.message_id = compose.make_message_id(settings)
    reply.scenario = scenario
    reply.body = body
    reply.subject = compose.reply_subject(request.subject or "")
    reply.to_addrs = [a.as_json() for a in compose.reply_recipients(request)]
    reply.updated_at = now
    session.add(reply)
    session.flush()
    inbox.refresh_status(session, request)
    session.add(request)
    return reply


def no_reply_reason(request: Message, to: list[Address] | None = None) -> str | None:
    """Why ``request`` can't be answered by mail, or None: it came through a networking site's relay
    (``via``), or the recipients are no-reply addresses (``notify.is_no_reply``), or there is nobody to send
    to. The text says to copy the reply and answer on the site."""
    from . import compose

    if request.via:
        site = request.via.get("site") or request.via.get("address") or "a networking site"
        return (f"this request came through {site}'s notification relay and can't be answered by mail; "
                "copy the text and reply on the site")
    recipients = to if to is not None else compose.reply_recipients(request)
    if not recipients:
        return "there is no address to answer (a no-reply sender); copy the text and reply another way"
    bad = [a.address for a in recipients if a.address and _is_no_reply(a.address)]
    if bad:
        return f"{bad[0]} is a no-reply address and can't be answered by mail; copy the text and reply another way"
    return None


def _is_no_reply(addr: str) -> bool:
    try:
        from .notify import is_no_reply
    except ImportError:  # notify.py not there: only ``via`` marks a relay
        return False
    return bool(is_no_reply(addr))


def queue_reply(session: Session, settings: Settings, reply: Reply, to: list[Address] | None = None) -> Reply:
    """Build the reply's exact bytes and queue it for ``flush_outbox``; returns the reply (state ``queued``).

    ``raw`` is ``compose.build_reply(settings, request, reply.body, message_id=reply.message_id, to=to)``
    serialised with CRLF line ends; recipients default to Reply-To, else From. Allowed from draft, queued
    (rebuilt) and failed (retry after a permanent refusal, same Message-ID).
    Raises GraceboxError (one line) when the request is gone, the reply is already sending/sent/unknown, or
    the sender can't be answered by mail (``no_reply_reason``); errors.MessageError from compose for an
    invalid address. The caller commits.
    """
    from . import compose

    if reply.state not in ("draft", "queued", "failed"):
        raise GraceboxError(f"reply {reply.id} is {reply.state}; it can't be queued again")
    request = _request_of(session, reply)
    if request is None:
        raise GraceboxError(f"reply {reply.id}: the request it answers is no longer in the database")
    reason = no_reply_reason(request, to)
    if reason:
        raise GraceboxError(reason)
    if reply.message_id.endswith(_PLACEHOLDER_DOMAIN):
        reply.message_id = compose.make_message_id(settings)
    now = datetime.now(UTC)
    msg = compose.build_reply(settings, request, reply.body, message_id=reply.message_id, to=to, now=now)
    reply.raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    recipients = to if to is not None else compose.reply_recipients(request)
    reply.to_addrs = [Address(a.name, compose.normalize_address(a.address) or a.address).as_json()
                      for a in recipients]
    reply.subject = str(msg["Subject"] or "")
    reply.in_reply_to = str(msg["In-Reply-To"]) if msg["In-Reply-To"] else None
    reply.references = str(msg["References"] or "").split()
    reply.state = "queued"
    reply.error = None
    reply.attempts = 0
    reply.next_attempt_at = None
    reply.updated_at = now
    session.add(reply)
    session.flush()
    inbox.refresh_status(session, request)
    session.add(request)
    return reply


def resolve_unknown(session: Session, reply_id: int,
                    action: Literal["resend", "mark-sent", "discard"], *, now: datetime | None = None) -> Reply:
    """The user's decision on a reply in state ``unknown`` (connection lost after the DATA).

    ``resend``: back to ``queued`` (same Message-ID and bytes; the next flush sends it). ``mark-sent``:
    ``sent`` now, the decision is recorded, and the next flush copies it to Sent and sets \\Answered.
    ``discard``: ``discarded`` (the request's status no longer shows a draft). Raises GraceboxError when the
    reply does not exist, is not ``unknown``, or ``action`` is not one of the three. The caller commits.
    """
    n = _now(now)
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise GraceboxError(f"reply {reply_id} does not exist")
    if reply.state != "unknown":
        raise GraceboxError(f"reply {reply_id} is {reply.state}, not unknown; nothing to resolve")
    if action == "resend":
        reply.state, reply.error, reply.next_attempt_at = "queued", None, None
    elif action == "mark-sent":
        reply.state, reply.error, reply.sent_at = "sent", None, n
        if reply.scenario not in NOT_DECISIONS:
            inbox.record_decision(session, reply.request_identity, reply.scenario, "reply", n)
    elif action == "discard":
        reply.state = "discarded"
        reply.error = "discarded by you; delivery unknown"
    else:
        raise GraceboxError(f"unknown action {action!r}; use resend, mark-sent or discard")
    reply.updated_at = n
    session.add(reply)
    session.flush()
    request = _request_of(session, reply)
    if request is not None:
        inbox.refresh_status(session, request)
        session.add(request)
    return reply


# --- SMTP -------------------------------------------------------------------------------------------------


class _Defer(Exception):
    """The reply can't go now but nothing was sent (connection, login, config): stays queued, no backoff."""


class _Temporary(Exception):
    """A 4xx refusal: queued again with backoff."""


class _Permanent(Exception):
    """A 5xx refusal: failed, with the server's words."""


class _Unknown(Exception):
    """The connection broke after the end of the DATA: the server may have the message."""


def _words(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return _one_line(f"{code} {text}")


def _scrub(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 3:
        text = text.replace(secret, "***")
    return text


def smtp_ssl_context(smtp: SmtpSettings) -> ssl.SSLContext:
    """The ``[smtp]`` client TLS context (``netutil.tls_context``): system CAs plus ``ca_file``; checks on.
    Raises ConfigError naming ``[smtp] ca_file`` when that file can't be loaded."""
    return tls_context("smtp", smtp.ca_file)


class SmtpSession:
    """One logged-in SMTP connection (smtplib) for a flush; ``send`` classifies every outcome.

    Opened by ``open``: security tls (implicit TLS, RFC 8314) / starttls (RFC 3207) / plain (loopback only),
    certificate checks on, ``[smtp] timeout`` seconds on every socket operation, AUTH with the username
    (default the identity email) and the password from ``[smtp]``.
    """

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp is not None
        self.settings = settings
        self.smtp = settings.smtp
        self.where = f"{self.smtp.host}:{self.smtp.effective_port()}"
        self.conn: smtplib.SMTP | None = None
        self._password: str | None = None

    def open(self) -> None:
        """Connect, secure and log in. Raises _Defer with a one-line reason (never the password)."""
        s = self.smtp
        if s.security == "plain" and s.host not in LOOPBACK:  # also when settings were built unvalidated
            raise _Defer("[smtp] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls")
        try:
            # No password source at all: an unauthenticated relay (e.g. a local MTA); no AUTH is tried.
            if s.password is not None or s.argv():
                self._password = s.password_value("smtp")
            ctx = smtp_ssl_context(s)
        except ConfigError as exc:
            raise _Defer(str(exc)) from None
        user = s.username or self.settings.my_email()
        conn: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                conn = smtplib.SMTP_SSL(s.host, s.effective_port(), timeout=s.timeout, context=ctx)
            else:
                conn = smtplib.SMTP(s.host, s.effective_port(), timeout=s.timeout)
            conn.ehlo()
            if s.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise _Defer(f"[smtp] security: {self.where} does not offer STARTTLS; use security = \"tls\"")
                conn.starttls(context=ctx)
                conn.ehlo()
            if user and self._password is not None:
                if not conn.has_extn("auth"):
                    raise _Defer(f"SMTP {self.where} offers no AUTH; check [smtp] security and port")
                conn.login(user, self._password)
        except _Defer:
            self._drop(conn)
            raise
        except ssl.SSLCertVerificationError as exc:
            self._drop(conn)
            why = exc.verify_message or exc.reason or "verification failed"
            raise _Defer(f"[smtp] ca_file: certificate check failed for {self.where} ({why}); "
                         "if the server uses a self-signed certificate, set ca_file to its CA (PEM)") from None
        except smtplib.SMTPAuthenticationError as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP login refused: {_words(exc.smtp_code, exc.smtp_error)}; "
                                    "check [smtp] username and the password source")) from None
        except smtplib.SMTPResponseException as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP {self.where} refused the session: "
                                    f"{_words(exc.smtp_code, exc.smtp_error)}")) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop(conn)
            raise _Defer(self._safe(f"SMTP {self.where}: cannot connect ({describe_error(exc)})")) from None
        self.conn = conn

    def _safe(self, text: str) -> str:
        return _scrub(text, self._password)

    @staticmethod
    def _drop(conn: smtplib.SMTP | None) -> None:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        """QUIT (best effort) and close."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.quit()
            self._drop(self.conn)
            self.conn = None

    def _classify(self, code: int, words: str) -> Exception:
        if code == 421:  # RFC 5321 §3.8: the server is closing the connection
            self.close()
        if 400 <= code < 500:
            return _Temporary(words)
        return _Permanent(words)

    def _after_refusal(self, code: int | None = None) -> None:
        """Reset the transaction after a refusal so the connection can carry the next reply."""
        if self.conn is None or code == 421:
            return
        try:
            self.conn.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def send(self, mail_from: str, rcpts: list[str], raw: bytes) -> str | None:
        """Send one message; return None, or a note naming recipients refused while others were accepted.

        Raises _Temporary (4xx), _Permanent (5xx), _Defer (connection lost before the end of the DATA;
        nothing was delivered) or _Unknown (connection lost after the end of the DATA was sent). The steps
        are MAIL, RCPT per recipient, DATA, the dot-stuffed content (RFC 5321 §4.5.2) and the final reply.
        """
        conn = self.conn
        assert conn is not None
        options: list[str] = []
        if not raw.isascii():
            if not conn.has_extn("8bitmime"):
                raise _Permanent(f"SMTP {self.where} does not accept 8-bit mail (no 8BITMIME)")
            options.append("BODY=8BITMIME")
        if not (mail_from.isascii() and all(r.isascii() for r in rcpts)):
            if not conn.has_extn("smtputf8"):
                raise _Permanent(f"SMTP {self.where} does not accept non-ASCII addresses (no SMTPUTF8)")
            options.append("SMTPUTF8")
        try:
            code, resp = conn.mail(mail_from, options)
            if code != 250:
                raise self._classify(code, self._safe(_words(code, resp)))
            refused: dict[str, str] = {}
            for r in rcpts:
                code, resp = conn.rcpt(r)
                if code not in (250, 251):
                    refused[r] = _words(code, resp)
            if len(refused) == len(rcpts):
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    conn.rset()
                temporary = all(w.startswith("4") for w in refused.values())
                words = "; ".join(f"{r}: {w}" for r, w in refused.items())
                raise (_Temporary(words) if temporary else _Permanent(words)) from None
            code, resp = conn.docmd("data")
            if code != 354:
                raise self._classify(code, _words(code, resp))
            conn.send(_dot_stuff(raw))
        except (_Temporary, _Permanent):
            self._after_refusal()
            raise
        except smtplib.SMTPResponseException as exc:
            self._after_refusal()
            raise self._classify(exc.smtp_code, self._safe(_words(exc.smtp_code, exc.smtp_error))) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _Defer(f"SMTP {self.where}: connection lost before the message was sent ({describe_error(exc)})") \
                from None
        # The end of the DATA is on its way: from here a lost connection means "unknown".
        try:
            code, resp = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise _Unknown(f"SMTP {self.where}: connection lost after the message was sent, before the server "
                           f"confirmed it ({describe_error(exc)}); it may or may not have been delivered") from None
        if code != 250:
            err = self._classify(code, self._safe(_words(code, resp)))
            self._after_refusal(code)
            raise err
        if refused:
            return "not accepted by the server for " + "; ".join(f"{r}: {w}" for r, w in refused.items())
        return None


def _dot_stuff(raw: bytes) -> bytes:
    """CRLF line ends, leading dots doubled, and the terminating "." line (RFC 5321 §4.5.2)."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


# --- the flush --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _outbox_lock(store: Store) -> Iterator[bool]:
    from filelock import FileLock, Timeout

    path = outbox_lock_path(store.url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield True  # no place for a lock file: go on unlocked
        return
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=LOCK_WAIT_S)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _set(store: Store, reply_id: int, **fields: Any) -> Reply:
    """Update one reply in its own committed transaction; return the fresh row."""
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        for k, v in fields.items():
            setattr(r, k, v)
        s.add(r)
    return r


def _mark_sent(store: Store, reply_id: int, now: datetime, **fields: Any) -> None:
    """State ``sent`` + the decision + the request's status, in one committed transaction."""
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        r.state, r.sent_at, r.updated_at = "sent", now, now
        for k, v in fields.items():
            setattr(r, k, v)
        s.add(r)
        if r.scenario not in NOT_DECISIONS:
            inbox.record_decision(s, r.request_identity, r.scenario, "reply", now)
        s.flush()
        req = _request_of(s, r)
        if req is not None:
            inbox.refresh_status(s, req)
            s.add(req)


def _claim(store: Store, reply_id: int, now: datetime) -> bool:
    """queued -> sending, atomically (compare-and-set), committed before SMTP is spoken to."""
    with store.session() as s:
        res = s.connection().execute(
            update(Reply).where(col(Reply.id) == reply_id, col(Reply.state) == "queued")
            .values(state="sending", attempts=col(Reply.attempts) + 1, updated_at=now)
        )
        return bool(res.rowcount == 1)


def _safe_name(message_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._@+-]", "_", message_id.strip().strip("<>"))
    return (name or "reply")[:200]


def _is_due(reply: Reply, now: datetime) -> bool:
    at = _aware(reply.next_attempt_at)
    return at is None or at <= now


def _recipients(reply: Reply) -> list[str]:
    return [addr for a in reply.to_addrs or [] if (addr := a.get("address"))]


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
        from . import imap as imap_mod

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
    from .imap import FolderMissing

    try:
        return conn.uid_for_message_id(conn.sent_folder(), message_id) is not None
    except FolderMissing:
        return False


def _append_sent(conn: ImapConnection, raw: bytes, when: datetime | None) -> None:
    from .imap import FolderMissing

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
                        inbox.refresh_status(s, req)
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


def _write_out(folder_out: Path, reply: Reply) -> Path:
    folder_out.mkdir(parents=True, exist_ok=True)
    path = folder_out / f"{_safe_name(reply.message_id)}.eml"
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(reply.raw or b"")
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
    with _outbox_lock(store) as locked:
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
