"""Raw RFC 5322 bytes -> ParsedMessage, tolerant of the broken mail found in real inboxes.

``parse(raw)`` is a pure function of bytes (no I/O, no clock, no globals written) and never raises: problems
become one-line ``warnings`` and the caller keeps the raw bytes, so a later parser can re-read them.

How it decides (each rule names its source):

* Structure comes from the stdlib ``email`` package with ``policy.default``; only policy-independent calls are
  used (``raw_items``, ``get_payload(decode=True)``, content type and parameters), so the policy can be swapped
  for a faster one with the same results.
* Header text is decoded here, not by the stdlib: raw 8-bit bytes as UTF-8 (RFC 6532) else Windows-1252; then
  RFC 2047 encoded-words, tolerant of bogus charsets and bad base64 padding, joining adjacent words of one
  charset before decoding (a multi-byte character may be split across words; RFC 2047 §6.2 drops the white
  space between adjacent encoded-words).
* Addresses are split by a tolerant scanner (RFC 5322 §3.4 address-list, with obsolete forms of §4.4): a display
  name that is itself an address is kept as the name; two addresses separated only by a space are both kept
  (with a warning); empty ``<>`` and domain-less entries are dropped from Reply-To, To and Cc.
* Dates (RFC 5322 §3.3) become aware UTC, or None with a warning when a field is out of range (hour 27): never a
  wrong date. An unknown zone is read as UTC (RFC 5322 §4.3: treat like "-0000") with a warning.
* Body (RFC 2046): text/plain wins over text/html; multipart/alternative picks its plain child; inline text/plain
  parts of a multipart/mixed are joined; HTML is converted with inscriptis; a forwarded message/rfc822 is only
  read when the outer message has no text of its own. Unknown charsets fall back (see ``decode_bytes``).
"""

from __future__ import annotations

import dataclasses
import email
import email.errors
import email.message
import email.policy
import email.utils
import re
from collections.abc import Callable

from ..types import Address, ParsedMessage
from . import notify
from .addresses import is_valid_address, parse_address_list
from .bodies import _body
from .decode import (
    MAX_SUBJECT_CHARS,
    NO_BODY,
    _cap,
    _raw_to_str,
    _strip_comments,
    _unfold,
    clean_text,
    decode_words,
    parse_date,
)

#: Charset labels seen in real mail, mapped to the Python codec that decodes them best (mostly the superset
# --- headers -------------------------------------------------------------------------------------------------


def _headers(msg: email.message.Message) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        key = str(name).strip().lower()
        out.setdefault(key, []).append(_unfold(_raw_to_str(str(value))))
    return out


def _first(h: dict[str, list[str]], name: str) -> str | None:
    vals = h.get(name)
    return vals[0] if vals else None


_MSGID = re.compile(r"<[^<>\s]*>")


def _msg_id(value: str | None) -> str | None:
    if value is None:
        return None
    v = clean_text(value).strip()
    m = _MSGID.search(v)
    if m and len(m.group(0)) > 2:
        v = m.group(0)
    v = re.sub(r"\s+", "", v)[:998]
    return v or None


def _addresses(h: dict[str, list[str]], name: str, warns: list[str], *, valid_only: bool) -> tuple[Address, ...]:
    values = h.get(name)
    if not values:
        return ()
    out: list[Address] = []
    for v in values:
        addrs, w = parse_address_list(v)
        warns.extend(f"{name}: {x}" for x in w)
        out.extend(addrs)
    if valid_only:
        kept = [a for a in out if is_valid_address(a.address)]
        if len(kept) != len(out):
            warns.append(f"{name}: {len(out) - len(kept)} entries without a valid address ignored")
        out = kept
    return tuple(out)


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_STRUCTURAL = re.compile(
    rb"^(?:mime-version|content-[a-z-]+|date|message-id|from|to|cc|subject|reply-to|sender)[ \t]*:", re.I
)
_BLANK = re.compile(rb"\r?\n\r?\n")


def repair_header_block(raw: bytes) -> tuple[bytes, int]:
    """Drop stray lines without a colon from the top-level header block; return (bytes, lines dropped).

    The stdlib ends the headers at the first line that is not a header (RFC 5322 §2.2 has no other rule), so
    one garbage line would push Content-Type and the rest into the body. A line is dropped only when a blank
    line follows later and a structural header (MIME-Version, Content-*, Date, From, To, ...) comes after it
    before that blank line; otherwise the bytes are returned unchanged (e.g. headers with no blank line,
    where the odd line is really the body).
    """
    m = _BLANK.search(raw, 0, 256 * 1024)
    if m is None:
        return raw, 0
    lines = raw[: m.start()].split(b"\n")
    bad = [
        i for i, line in enumerate(lines)
        if line.strip(b"\r") and line[:1] not in (b" ", b"\t") and not _HEADER_LINE.match(line)
        and not (i == 0 and line.startswith(b"From "))
    ]
    if not bad or not any(_STRUCTURAL.match(line) for line in lines[bad[0] + 1 :]):
        return raw, 0
    drop = set(bad)
    kept = b"\n".join(line for i, line in enumerate(lines) if i not in drop)
    return kept + raw[m.start() :], len(drop)


def _parse_message(raw: bytes, policy: email.policy.Policy) -> tuple[ParsedMessage, str | None]:
    warns: list[str] = []
    raw, dropped = repair_header_block(raw)
    if dropped:
        warns.append(f"{dropped} header line(s) without a colon skipped")
    msg = email.message_from_bytes(raw, policy=policy)
    h = _headers(msg)

    subject_raw = _first(h, "subject")
    subject = ""
    if subject_raw is not None:
        subject, w = decode_words(subject_raw)
        warns.extend(f"Subject: {x}" for x in w)
        subject = _cap(re.sub(r"[\r\n]+", " ", clean_text(subject)).strip(), MAX_SUBJECT_CHARS, "Subject", warns)

    froms = _addresses(h, "from", warns, valid_only=False)
    if len(froms) > 1:
        warns.append(f"From holds {len(froms)} addresses: the first is used")
    sender = _addresses(h, "sender", warns, valid_only=False)

    date, date_warning = parse_date(_first(h, "date"))
    if date_warning:
        warns.append(date_warning)

    refs_raw = " ".join(h.get("references", []))
    references = tuple(m.group(0) for m in _MSGID.finditer(clean_text(refs_raw)) if len(m.group(0)) > 2)
    if not references and refs_raw.strip():
        references = tuple(clean_text(refs_raw).split())
    references = references[-200:]

    auto = False
    auto_sub = _first(h, "auto-submitted")
    if auto_sub is not None and _strip_comments(auto_sub).split(";")[0].strip().lower() not in ("", "no"):
        auto = True
    prec = _first(h, "precedence")
    if prec is not None and _strip_comments(prec).strip().lower() in ("bulk", "list", "junk"):
        auto = True

    body, html = _body(msg, warns)
    for d in getattr(msg, "defects", [])[:5]:
        warns.append(f"defect: {type(d).__name__}")

    parsed = ParsedMessage(
        message_id=_msg_id(_first(h, "message-id")),
        subject=subject,
        from_=froms[0] if froms else None,
        reply_to=_addresses(h, "reply-to", warns, valid_only=True),
        to=_addresses(h, "to", warns, valid_only=True),
        cc=_addresses(h, "cc", warns, valid_only=True),
        date=date,
        in_reply_to=_msg_id(_first(h, "in-reply-to")),
        references=references,
        body_text=body,
        sender_header=sender[0] if sender else None,
        auto_submitted=auto,
        warnings=tuple(dict.fromkeys(clean_text(x) for x in warns)),
    )
    return parsed, html


def _apply_notification(parsed: ParsedMessage, html: str | None) -> ParsedMessage:
    try:
        result = notify.apply_notification(parsed, html)
    except Exception as e:  # noqa: BLE001 - parse never raises
        note = clean_text(f"notification check failed: {e!r}")[:200]
        return dataclasses.replace(parsed, warnings=(*parsed.warnings, note))
    return result if isinstance(result, ParsedMessage) else parsed


def parse_with(raw: bytes, policy: email.policy.Policy, *, notification: bool = True) -> ParsedMessage:
    """``parse`` with a chosen stdlib policy (for benchmarks: ``policy.compat32`` is faster and gives the same
    results, since only policy-independent calls are used). ``notification=False`` skips the relay step."""
    try:
        parsed, html = _parse_message(bytes(raw), policy)
    except Exception as e:  # noqa: BLE001 - never raise: the caller stores the raw bytes
        return ParsedMessage(
            message_id=None,
            subject="",
            from_=None,
            body_text=NO_BODY,
            warnings=(clean_text(f"message could not be parsed: {type(e).__name__}: {e}")[:300],),
        )
    return _apply_notification(parsed, html) if notification else parsed


def parse(raw: bytes) -> ParsedMessage:
    """Parse the bytes of one RFC 5322 message into a ParsedMessage. Pure; never raises.

    Headers decoded (RFC 2047 encoded-words, raw UTF-8 per RFC 6532, else Windows-1252); ``date`` aware UTC or
    None; ``body_text`` plain text (HTML converted) or "(no text body)"; no lone surrogates or NUL in any
    string; one-line problems in ``warnings``. Finally ``notify.apply_notification(parsed, html)`` rewrites
    a networking site's relay mail to the person named in it (``html`` = the first HTML part's source).
    On total failure: subject "", from_ None, body "(no text body)" and one warning.
    """
    return parse_with(raw, email.policy.default)


#: The signature other modules (a process pool) can rely on.
Parser = Callable[[bytes], ParsedMessage]
