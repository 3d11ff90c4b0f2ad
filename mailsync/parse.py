"""Raw RFC 5322 bytes -> ParsedMessage (BASIC VERSION: the parse helper hardens it).

``parse(raw)`` is a pure function of bytes and never raises.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from datetime import UTC

from .types import Address, ParsedMessage


def _addr(value: str | None) -> tuple[Address, ...]:
    if not value:
        return ()
    out = []
    for name, addr in email.utils.getaddresses([str(value)]):
        out.append(Address(name or None, addr or None))
    return tuple(out)


def parse(raw: bytes) -> ParsedMessage:
    """Parse ``raw`` (bytes of one message). Never raises: problems go to ``warnings``."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    frm = _addr(msg.get("From"))
    date = None
    try:
        d = email.utils.parsedate_to_datetime(str(msg.get("Date")))
        date = d.astimezone(UTC) if d.tzinfo else d.replace(tzinfo=UTC)
    except Exception:  # noqa: BLE001
        pass
    body = msg.get_body(("plain", "html"))
    text = body.get_content() if body is not None else "(no text body)"
    return ParsedMessage(
        message_id=(str(msg.get("Message-ID")).strip() or None) if msg.get("Message-ID") else None,
        subject=str(msg.get("Subject") or ""),
        from_=frm[0] if frm else None,
        reply_to=_addr(msg.get("Reply-To")),
        to=_addr(msg.get("To")),
        cc=_addr(msg.get("Cc")),
        date=date,
        in_reply_to=str(msg.get("In-Reply-To")).strip() if msg.get("In-Reply-To") else None,
        references=tuple(str(msg.get("References") or "").split()),
        body_text=text,
    )
