"""Plain data the IMAP layer hands out (folder state, fetched messages, envelopes) and its folder errors."""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.message
import email.policy
import email.utils
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import GraceboxError
from ..types import Address

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

#: Default Sent folder name when neither the config nor SPECIAL-USE (RFC 6154) names one.
DEFAULT_SENT = "Sent"


class FolderError(GraceboxError):
    """The server answered NO/BAD to a command about one folder; aborts that folder, not the run."""

    exit_code = 75

    def __init__(self, folder: str, message: str) -> None:
        super().__init__(message)
        self.folder = folder


class FolderMissing(FolderError):
    """The folder does not exist on the server (RFC 5530 [NONEXISTENT] or an equivalent NO)."""


@dataclass(frozen=True, slots=True)
class FolderStatus:
    """A folder's state from STATUS or SELECT (RFC 3501 §6.3.10, RFC 7162 §3.1.2.1).

    ``uidvalidity``, ``uidnext`` (next UID to be assigned), ``messages`` (count) and ``highestmodseq``
    (None when the server has no CONDSTORE) are ints.
    """

    name: str
    uidvalidity: int | None
    uidnext: int | None
    messages: int | None
    highestmodseq: int | None = None


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    """One message from ``UID FETCH (BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE)``.

    ``raw`` the exact bytes, ``flags`` as strings (e.g. "\\\\Seen"), ``internaldate`` aware UTC or None,
    ``size`` in bytes (RFC822.SIZE, else len(raw)).
    """

    uid: int
    raw: bytes
    flags: tuple[str, ...]
    internaldate: datetime | None
    size: int


@dataclass(frozen=True, slots=True)
class EnvelopeInfo:
    """The parts of a message's ENVELOPE (RFC 3501 §7.4.2) the Sent scan uses: date (aware UTC or None),
    To/Cc mailboxes (addresses lower-case, names RFC 2047-decoded; group markers dropped) and the Message-ID
    (``<...>``, None when absent)."""

    uid: int
    date: datetime | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    message_id: str | None = None


def _s(v: Any) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _utc(d: Any) -> datetime | None:
    if not isinstance(d, datetime):
        return None
    if d.tzinfo is None:
        return d.replace(tzinfo=UTC)
    return d.astimezone(UTC)


def _decode_name(raw: bytes | None) -> str | None:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    with contextlib.suppress(Exception):  # a malformed encoded-word stays as it came
        text = str(email.header.make_header(email.header.decode_header(text)))
    text = " ".join(text.split())
    return text or None


def _env_addrs(addrs: Any) -> tuple[Address, ...]:
    out: list[Address] = []
    for a in addrs or ():
        mailbox, host = getattr(a, "mailbox", None), getattr(a, "host", None)
        if not mailbox or not host:  # RFC 3501 group syntax markers have a NIL host
            continue
        addr = f"{_s(mailbox)}@{_s(host)}".strip().lower()
        out.append(Address(_decode_name(getattr(a, "name", None)), addr))
    return tuple(out)


def _is_missing(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "nonexistent" in text or "doesn't exist" in text or "does not exist" in text or "no such" in text


def parse_appenduid(response: Any) -> int | None:
    """Return the UID from an APPEND response's ``[APPENDUID <validity> <uid>]`` (RFC 4315 §3), or None."""
    text = response if isinstance(response, bytes) else _s(response).encode()
    m = re.search(rb"APPENDUID\s+\d+\s+(\d+)", text)
    return int(m.group(1)) if m else None


def _int(v: Any) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def chunks(items: Sequence[int], size: int) -> Iterable[list[int]]:
    """Split ``items`` into lists of at most ``size`` (for batched FETCH)."""
    for i in range(0, len(items), size):
        yield list(items[i:i + size])
