"""Message bodies (RFC 2046): the text of a message from its MIME tree, HTML converted to text."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import email
import email.errors
import email.message
import email.policy
import email.utils
import re

from .decode import _NEWLINES, MAX_BODY_CHARS, MAX_DEPTH, MAX_HTML_CHARS, MAX_PARTS, NO_BODY, _cap, decode_bytes

# --- bodies ------------------------------------------------------------------------------------------------

_HTML_SNIFF = re.compile(
    r"^\s*(?:<!doctype html|<html|<head|<body)|</(?:p|div|html|body|table|font|pre|span|td|tr|b|i|a)\s*>", re.I
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_SELF_LINK = re.compile(r"\[([^\]\n]{1,2000})\]\(\1\)")


def html_to_text(html: str) -> str:
    """Convert HTML (a str, already decoded) to plain text with inscriptis; links as ``[text](url)`` (a link
    whose text is its URL shows once). Never raises: on a converter failure, tags are stripped crudely."""
    html = html[:MAX_HTML_CHARS]
    try:
        import inscriptis
        from inscriptis.model.config import ParserConfig

        # lxml refuses a str that carries an XML encoding declaration
        src = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
        text = inscriptis.get_text(src, ParserConfig(display_links=True))
    except Exception:  # noqa: BLE001 - third-party converter on hostile input
        text = ""
    if not text.strip():  # converter failed, or gave up on a hostile tree (lxml's depth limit)
        text = _crude_strip(html)
    text = _SELF_LINK.sub(r"\1", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def _crude_strip(html: str) -> str:
    """Last-resort HTML to text: drop script/style/comments and tags, unescape entities, squeeze blanks."""
    import html as html_mod

    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", "\n", text)
    text = html_mod.unescape(re.sub(r"<[^>]*>", " ", text))
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft line breaks (a line ending in a space), undo space-stuffing."""
    out: list[str] = []
    buf = ""
    depth_of_buf = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if buf and depth != depth_of_buf:
            out.append(">" * depth_of_buf + (" " if depth_of_buf else "") + buf)
            buf = ""
        flowed = content.endswith(" ") and content != "-- "
        if flowed:
            buf += content[:-1] if delsp else content
            depth_of_buf = depth
        else:
            out.append(">" * depth + (" " if depth and (buf + content) else "") + buf + content)
            buf, depth_of_buf = "", -1
    if buf:
        out.append(">" * depth_of_buf + (" " if depth_of_buf else "") + buf)
    return "\n".join(out)


@dataclasses.dataclass
class _Walk:
    """Mutable state of one body walk (kept local to one parse call)."""

    warnings: list[str]
    parts_seen: int = 0
    first_html: str | None = None


def _b64_tolerant(data: bytes) -> bytes:
    t = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(t) % 4 == 1:
        t = t[:-1]
    try:
        return base64.b64decode(t + b"=" * (-len(t) % 4))
    except (binascii.Error, ValueError):
        return data


def _payload_bytes(part: email.message.Message, w: _Walk) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as e:  # noqa: BLE001 - stdlib decoders on hostile input
        w.warnings.append(f"part could not be decoded ({type(e).__name__})")
        data = None
    if isinstance(data, bytes):
        if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in getattr(part, "defects", ())):
            # the stdlib gives the undecoded text back; decode what is there, skipping stray characters
            w.warnings.append("base64 body with stray characters: decoded what was readable")
            return _b64_tolerant(data)
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        try:
            return raw.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            return raw.encode("utf-8", "replace")
    return b""


def _params(part: email.message.Message) -> dict[str, str]:
    """Content-Type parameters, lower-case names, RFC 2231 values collapsed (one header fetch)."""
    try:
        raw = part.get_params(failobj=[]) or []
        return {str(k).lower(): email.utils.collapse_rfc2231_value(v) for k, v in raw[1:] if k}
    except Exception:  # noqa: BLE001 - malformed parameters on hostile input
        return {}


def _part_text(part: email.message.Message, w: _Walk, ctype: str) -> str:
    data = _payload_bytes(part, w)
    params = _params(part)
    declared = params.get("charset") or None
    if declared is None and ctype == "text/html":
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "replace")
    text, warning = decode_bytes(data, declared)
    if warning:
        w.warnings.append(warning)
    text = _NEWLINES.sub("\n", text)
    if params.get("format", "").lower() == "flowed":
        text = _unflow(text, params.get("delsp", "").lower() == "yes")
    return text


def _is_attachment(part: email.message.Message) -> bool:
    if "content-disposition" not in part:
        return False
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:  # noqa: BLE001
        return False


def _ctype(part: email.message.Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "text/plain"


def _body_of(part: email.message.Message, w: _Walk, depth: int, forwarded: list[email.message.Message]) -> (
    tuple[str, str] | None
):
    """Return ("plain" | "html", text) for the best body of ``part``, or None. HTML is returned unconverted."""
    w.parts_seen += 1
    if depth > MAX_DEPTH or w.parts_seen > MAX_PARTS:
        if "MIME structure too deep or too large: rest skipped" not in w.warnings:
            w.warnings.append("MIME structure too deep or too large: rest skipped")
        return None
    ctype = _ctype(part)
    main = ctype.split("/", 1)[0]
    if main == "message" and (ctype == "message/rfc822" or part.is_multipart()):
        forwarded.append(part)
        return None
    if part.is_multipart():
        payload = part.get_payload()
        if not isinstance(payload, list):
            return None
        children = [c for c in payload if isinstance(c, email.message.Message)]
        if ctype == "multipart/alternative":
            found = [b for c in children if (b := _body_of(c, w, depth + 1, forwarded)) is not None]
            plain = [b for b in found if b[0] == "plain" and b[1].strip()]
            if plain:
                return plain[0]
            html = [b for b in found if b[0] == "html"]
            return html[-1] if html else (found[0] if found else None)
        plains: list[str] = []
        html_body: tuple[str, str] | None = None
        for c in children:
            b = _body_of(c, w, depth + 1, forwarded)
            if b is None:
                continue
            if b[0] == "plain":
                plains.append(b[1])
            elif html_body is None:
                html_body = b
        plains = [p for p in plains if p.strip()] or plains
        if plains:
            return ("plain", "\n\n".join(p.strip("\n") for p in plains))
        return html_body
    if _is_attachment(part):
        return None
    if main == "multipart":  # declared multipart, but no parts were found (no boundary lines)
        text = _part_text(part, w, ctype)
        if text.strip():
            w.warnings.append("multipart without parts: body read as plain text")
            return ("plain", text)
        return None
    if ctype == "text/html":
        source = _part_text(part, w, ctype)
        if w.first_html is None:
            w.first_html = source
        return ("html", source)
    if ctype == "text/plain":
        text = _part_text(part, w, ctype)
        if "content-type" not in part and _HTML_SNIFF.search(text[:20000]):
            w.warnings.append("HTML body without a Content-Type: converted to text")
            if w.first_html is None:
                w.first_html = text
            return ("html", text)
        return ("plain", text)
    return None


def _finish_body(found: tuple[str, str] | None, w: _Walk) -> str:
    if found is None:
        return NO_BODY
    kind, text = found
    if kind == "html":
        text = html_to_text(text)
    text = text.strip("\n")
    if not text.strip():
        return NO_BODY
    return _cap(text, MAX_BODY_CHARS, "body", w.warnings)


def _body(msg: email.message.Message, warnings: list[str]) -> tuple[str, str | None]:
    """Return (body text, HTML source of the first HTML part or None) of the outer message; a forwarded
    message is read only when the outer one has no text."""
    w = _Walk(warnings)
    forwarded: list[email.message.Message] = []
    found = _body_of(msg, w, 0, forwarded)
    if found is None or not found[1].strip():
        for fw in forwarded:
            inner = fw.get_payload()
            inner_msg = inner[0] if isinstance(inner, list) and inner else None
            if not isinstance(inner_msg, email.message.Message):
                continue
            sub = _body_of(inner_msg, w, 1, [])
            if sub is not None and sub[1].strip():
                warnings.append("body taken from a forwarded message")
                found = sub
                break
    return _finish_body(found, w), w.first_html


