"""Body text -> an RFC 5322 reply (README "Replies and the outbox"); the text comes from ``templates.py``.

* ``build_reply`` turns the (possibly edited) body into an ``email.message.EmailMessage`` with the threading
  headers of RFC 5322 §3.6.4 (In-Reply-To, References), a Message-ID made before sending, and every value that
  came from the original mail stripped of CR/LF and control characters before it reaches a header.

Mail text is data: it is passed to templates as plain strings and never evaluated as template source.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import headerregistry
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import MessageError
from ..types import Address, Referral

if TYPE_CHECKING:
    from ..store.models import Message

#: How many message identifiers a References header keeps at most: the first (the thread's root) and the
#: most recent ones (RFC 5322 §3.6.4 leaves trimming to the writer; long threads otherwise grow unbounded).
MAX_REFERENCES = 10

#: Reply prefixes recognised at the start of a subject (English "Re", German "Aw", Scandinavian "Sv"/"Vs",
#: Dutch "Antw", Polish "Odp"), optionally with a counter as in "Re[2]:" or "Re(2):".
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|antw|odp)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE)
#: C0 and C1 control characters and DEL (CR and LF included).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Body text keeps tab and newline; every other control character is dropped.
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: A msg-id as used in practice: "<" id-left "@" id-right ">" without spaces or angle brackets.
_MSG_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")



# --- headers --------------------------------------------------------------------------------------------


def header_safe(value: str | None) -> str:
    """Return ``value`` fit for a header: CR, LF and other control characters become spaces, runs of
    whitespace collapse to one space, ends are stripped ("" for None). Prevents header injection."""
    if not value:
        return ""
    return " ".join(_CONTROLS.sub(" ", value).split())


def idna_domain(domain: str) -> str:
    """Return ``domain`` as ASCII: non-ASCII labels become punycode ("xn--...", IDNA 2003, RFC 3490).
    Raises ValueError when a label is empty, too long or can't be encoded."""
    d = domain.strip().rstrip(".")
    if not d:
        raise ValueError("empty domain")
    try:
        ascii_domain = d.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"domain {d!r} can't be encoded (IDNA)") from exc
    if any(not label for label in ascii_domain.split(".")):
        raise ValueError(f"domain {d!r} has an empty label")
    if not re.fullmatch(r"[A-Za-z0-9.-]+", ascii_domain):
        raise ValueError(f"domain {d!r} has characters not allowed in a host name")
    return ascii_domain.lower()


def normalize_address(addr: str | None) -> str | None:
    """Return a sendable addr-spec (local part kept, domain lower-case and IDNA-encoded), or None when
    ``addr`` is not one: empty, no single "@", whitespace/controls/brackets/commas, or an invalid domain."""
    a = (addr or "").strip()
    if not a or a.count("@") != 1 or _CONTROLS.search(a) or re.search(r"[\s<>,;()\[\]\\\"]", a):
        return None
    local, domain = a.split("@")
    if not local or local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    try:
        ascii_domain = idna_domain(domain)
        headerregistry.Address(username=local, domain=ascii_domain)
    except (ValueError, HeaderParseError, IndexError):
        return None
    return f"{local}@{ascii_domain}"


def _is_no_reply(addr: str) -> bool:
    try:
        from .notify import is_no_reply
    except ImportError:  # notify.py not landed yet: nothing is treated as a no-reply relay
        return False
    return bool(is_no_reply(addr))


def reply_recipients(request: Message) -> list[Address]:
    """Return whom a reply to ``request`` goes to (RFC 5322 §3.6.2; alot-style).

    The Reply-To addresses that are valid (several are kept, duplicates dropped), else the From address.
    An empty or invalid Reply-To is ignored. Addresses are normalised (IDNA domain, see
    ``normalize_address``); names are header-safe. A networking site's no-reply relay is never a recipient,
    so a notification without the person's address gives ``[]`` (the caller offers the text to copy).
    """
    out: list[Address] = []
    seen: set[str] = set()
    for entry in request.reply_to or []:
        addr = normalize_address(entry.get("address"))
        if addr and addr.lower() not in seen and not _is_no_reply(addr):
            seen.add(addr.lower())
            out.append(Address(header_safe(entry.get("name")) or None, addr))
    if out:
        return out
    addr = normalize_address(request.from_address)
    if addr and not _is_no_reply(addr):
        return [Address(header_safe(request.from_name) or None, addr)]
    return []


def reply_subject(subject: str) -> str:
    """Return the reply's subject: "Re: " + the original, without doubling.

    Existing reply prefixes ("Re:", "RE:", "Re[2]:", "Re(3):", "Aw:", "Sv:", "Vs:", "Antw:", "Odp:", also
    repeated like "Re: Aw:") are folded into a single "Re: ". Forward prefixes are kept ("Re: Fwd: x").
    The original is made header-safe first. An empty subject gives "Re:".
    """
    s = header_safe(subject)
    while True:
        stripped = _REPLY_PREFIX.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return f"Re: {s}" if s else "Re:"


def _my_domain(settings: Settings) -> str:
    email = settings.my_email() or ""
    if "@" in email:
        try:
            return idna_domain(email.rsplit("@", 1)[1])
        except ValueError:
            pass
    return "gracebox.invalid"


def make_message_id(settings: Settings) -> str:
    """Return a new, globally unique Message-ID "<gb.<unix seconds>.<96 random bits hex>@<domain>>"
    (RFC 5322 §3.6.4) where the domain is the identity email's (IDNA), or "gracebox.invalid" without one.
    Made when a draft is created, so a retried send is recognisable and never sent twice."""
    return f"<gb.{int(time.time())}.{secrets.token_hex(12)}@{_my_domain(settings)}>"


def _msg_ids(values: Iterable[str | None]) -> list[str]:
    """Extract well-formed msg-ids from header values, in order, without duplicates."""
    out: list[str] = []
    for v in values:
        for mid in _MSG_ID.findall(header_safe(v)):
            if mid not in out:
                out.append(mid)
    return out


def trim_references(ids: Sequence[str], limit: int = MAX_REFERENCES) -> list[str]:
    """Keep the first identifier (the thread's root) and the last ``limit - 1`` ones (RFC 5322 §3.6.4
    allows trimming; the root and the direct parents are what threading needs)."""
    if len(ids) <= limit:
        return list(ids)
    return [ids[0], *ids[-(limit - 1):]]


def thread_headers(request: Message) -> tuple[str | None, list[str]]:
    """Return (In-Reply-To, References) for a reply to ``request`` (RFC 5322 §3.6.4).

    In-Reply-To is the original's Message-ID (None when it has none or it is malformed). References is the
    original's References (or, when it has none, its single In-Reply-To) followed by its Message-ID, without
    duplicates, trimmed by ``trim_references``.
    """
    parent = _msg_ids([request.message_id])
    mid = parent[0] if parent else None
    earlier = _msg_ids(request.references or [])
    if not earlier:
        irt = _msg_ids([request.in_reply_to])
        if len(irt) == 1:
            earlier = irt
    refs = [r for r in earlier if r != mid]
    if mid:
        refs.append(mid)
    return mid, trim_references(refs)


def _header_address(a: Address) -> headerregistry.Address:
    addr = normalize_address(a.address)
    if addr is None:
        raise MessageError(f"not a valid address for a reply: {header_safe(a.address)!r}")
    local, domain = addr.split("@")
    return headerregistry.Address(display_name=header_safe(a.name), username=local, domain=domain)


def _clean_body(body: str) -> str:
    text = _BODY_CONTROLS.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True, slots=True)
class Headers:
    """The header values a reply is built from (for callers that show or store them before building)."""

    to: list[Address]
    subject: str
    in_reply_to: str | None
    references: list[str]


def reply_headers(request: Message, to: list[Address] | None = None) -> Headers:
    """Return the recipients, subject and threading headers ``build_reply`` would use."""
    in_reply_to, refs = thread_headers(request)
    return Headers(to if to is not None else reply_recipients(request), reply_subject(request.subject or ""),
                   in_reply_to, refs)


def build_message(settings: Settings, to: Sequence[Address], subject: str, body: str, *, message_id: str,
                  now: datetime | None = None, in_reply_to: str | None = None,
                  references: Sequence[str] = (), cc: Sequence[Address] = ()) -> EmailMessage:
    """Build a text/plain (utf-8) message from the identity: From, To, Cc, Subject, Date, Message-ID and,
    when given, In-Reply-To and References. Every header value is made header-safe (no CR/LF/controls),
    domains are IDNA-encoded. ``now`` (aware; default the current time) gives the Date header.
    Raises errors.MessageError when there is no recipient, a recipient or the identity email is not a valid
    address, or ``message_id`` is malformed.
    """
    if not to:
        raise MessageError("no address to send this to; copy the text and answer on the site instead")
    me = Address(settings.my_name(), settings.my_email())
    if not me.address:
        raise MessageError("[identity] email is not set; add your address to the config")
    mid = _msg_ids([message_id])
    if not mid:
        raise MessageError(f"malformed Message-ID {header_safe(message_id)!r}")
    msg = EmailMessage(policy=default_policy)
    msg["From"] = _header_address(me)
    msg["To"] = [_header_address(a) for a in to]
    if cc:
        msg["Cc"] = [_header_address(a) for a in cc]
    msg["Subject"] = header_safe(subject)
    when = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = mid[0]
    irt = _msg_ids([in_reply_to]) if in_reply_to else []
    if irt:
        msg["In-Reply-To"] = irt[0]
    refs = _msg_ids(references)
    if refs:
        msg["References"] = " ".join(refs)
    msg.set_content(_clean_body(body))
    return msg


def build_reply(settings: Settings, request: Message, body: str, *, message_id: str,
                to: list[Address] | None = None, now: datetime | None = None) -> EmailMessage:
    """Build the reply to ``request`` (README "Replies and the outbox").

    From = identity name + email; To = ``to`` if given, else ``reply_recipients(request)`` (Reply-To, else
    From); Subject = ``reply_subject``; Date = ``now`` (default the current time); Message-ID =
    ``message_id`` (made at draft time by ``make_message_id``); In-Reply-To and References per RFC 5322
    §3.6.4 (``thread_headers``). Body text/plain, charset utf-8; the email package picks the
    Content-Transfer-Encoding. Values from the original are stripped of CR/LF and controls.
    Raises errors.MessageError when there is nobody to send to (e.g. a no-reply notification) or an address
    is invalid.
    """
    h = reply_headers(request, to)
    return build_message(settings, h.to, h.subject, body, message_id=message_id, now=now,
                         in_reply_to=h.in_reply_to, references=h.references)


def build_consent_request(settings: Settings, request: Message, referral: Referral, body: str, *,
                          message_id: str, now: datetime | None = None,
                          topic: str | None = None) -> EmailMessage:
    """Build the note asking ``referral`` whether they are open to an introduction: To the referral,
    Subject "Introduction? <topic>" when ``topic`` is given (the requester's own subject may name them), else
    "Introduction? <original subject>"; not threaded with the request (a different conversation).
    Raises errors.MessageError as ``build_message``."""
    about = topic if topic is not None else request.subject
    subject = f"Introduction? {header_safe(about)}".strip()
    return build_message(settings, [Address(referral.name, referral.address)], subject, body,
                         message_id=message_id, now=now)


def build_introduction(settings: Settings, request: Message, referral: Referral, body: str, *,
                       message_id: str, now: datetime | None = None) -> EmailMessage:
    """Build the introduction mail to both people (send only after the referral agreed): To the request's
    reply recipients and the referral, threaded as a reply to the request. Raises errors.MessageError as
    ``build_message``."""
    h = reply_headers(request)
    to = [*h.to, Address(referral.name, referral.address)]
    return build_message(settings, to, h.subject, body, message_id=message_id, now=now,
                         in_reply_to=h.in_reply_to, references=h.references)
