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

import base64
import binascii
import codecs
import dataclasses
import email
import email.errors
import email.message
import email.policy
import email.utils
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from . import notify
from .types import Address, ParsedMessage

NO_BODY = "(no text body)"

#: Caps that keep time and memory bounded on hostile input (characters, after decoding).
MAX_SUBJECT_CHARS = 2000
MAX_NAME_CHARS = 500
MAX_ADDRESS_HEADER_CHARS = 256 * 1024
MAX_ADDRESSES = 1000
MAX_BODY_CHARS = 1024 * 1024
MAX_HTML_CHARS = 2 * 1024 * 1024
MAX_PARTS = 500
MAX_DEPTH = 30

#: Charset labels seen in real mail, mapped to the Python codec that decodes them best (mostly the superset
#: that senders actually use, as the WHATWG Encoding Standard does). Keys are lower-case labels.
CHARSET_ALIASES: dict[str, str] = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "korean": "cp949",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "x-euc-kr": "cp949",
    "windows-949": "cp949",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "csgb2312": "gb18030",
    "x-gbk": "gb18030",
    "gbk": "gb18030",
    "chinese": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicode": "utf-16",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
}

#: Labels that name no charset at all: decode by the fallbacks alone.
UNKNOWN_CHARSETS = frozenset(
    {"", "x-unknown", "unknown", "unknown-8bit", "none", "x-user-defined", "default", "charset", "8bit", "binary"}
)

#: Codecs that are not text encodings of mail (they would interpret the bytes rather than decode them).
_FORBIDDEN_CODECS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "palmos", "mbcs", "oem"}
)
_NON_ASCII_COMPATIBLE = ("utf_16", "utf_32", "utf_7", "utf-16", "utf-32", "utf-7")


# --- text decoding -------------------------------------------------------------------------------------


def codec_for(label: str | None) -> str | None:
    """Return the Python codec name for a MIME charset label (aliases applied), or None when unknown.

    ``label`` is case-insensitive and may carry quotes or an RFC 2231 ``*lang`` suffix. Never raises.
    """
    if label is None:
        return None
    name = label.strip().strip("\"'").split("*", 1)[0].strip().lower()
    if name in UNKNOWN_CHARSETS:
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _FORBIDDEN_CODECS:
        return None
    return info.name


def clean_text(s: str) -> str:
    """Return ``s`` with surrogate-escaped bytes re-decoded (UTF-8, replacement) and lone surrogates and NUL
    replaced by U+FFFD, so the text can be stored as UTF-8 (SQLite, PostgreSQL)."""
    if s.isascii() and "\x00" not in s:
        return s
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        try:
            s = s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            s = s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return s.replace("\x00", "\ufffd")


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode ``data`` (bytes of a body part or a header) whose declared charset label is ``declared``.

    Order: pure ASCII data decodes with the declared codec (needed for 7-bit ISO-2022-JP / UTF-7), else as
    ASCII. Otherwise bytes that are valid UTF-8 are UTF-8 (senders often mislabel UTF-8 as GB2312 or
    ISO-8859-1; the chance that non-trivial legacy text is valid UTF-8 is small); then the declared codec
    (aliases in ``CHARSET_ALIASES``); then, for an unknown charset, Windows-1252 with replacement, or for a
    known one its codec with replacement. Returns ``(text, warning or None)``; never raises; the text has no
    lone surrogates.
    """
    codec = codec_for(declared)
    warning: str | None = None
    if declared is not None and codec is None and declared.strip().strip("\"'").lower() not in UNKNOWN_CHARSETS:
        warning = f"unknown charset {_short(declared)!r}"
    if data.isascii():
        if codec is not None and codec not in ("ascii", "cp1252", "utf-8"):
            try:
                return clean_text(data.decode(codec)), warning
            except (UnicodeDecodeError, LookupError, ValueError):
                pass
        return clean_text(data.decode("ascii")), warning
    if codec is None or not codec.startswith(_NON_ASCII_COMPATIBLE):
        try:
            text = data.decode("utf-8")
            if codec is not None and codec != "utf-8" and warning is None:
                warning = f"charset {_short(declared)!r} declared but the text is UTF-8"
            return clean_text(text), warning
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return clean_text(data.decode(codec)), warning
        except (UnicodeDecodeError, LookupError, ValueError):
            return clean_text(data.decode(codec, "replace")), f"bytes invalid in charset {_short(declared)!r}"
    return clean_text(data.decode("cp1252", "replace")), warning or "no charset: read as Windows-1252"


def _short(s: object, n: int = 40) -> str:
    t = clean_text(str(s)).replace("\r", " ").replace("\n", " ")
    return t if len(t) <= n else t[: n - 1] + "…"


def _raw_to_str(value: str) -> str:
    """Header value as stored by the parser (ASCII + surrogate escapes) -> text: UTF-8 else cp1252; raw
    (unencoded) ISO-2022-JP, which some Japanese mailers put in headers, is decoded by its escape sequences."""
    if value.isascii():
        if "\x1b$" in value:
            try:
                return value.encode("ascii").decode("iso2022_jp_ext")
            except (UnicodeDecodeError, UnicodeEncodeError):
                return value
        return value
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already real text (a str was parsed)
        return clean_text(value)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return clean_text(data.decode("cp1252", "replace"))


_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _unfold(value: str) -> str:
    """RFC 5322 §2.2.3: unfolding removes the CRLF before white space; stray line breaks become spaces."""
    return _NEWLINES.sub(" ", _FOLD.sub("", value))


_EW = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_WS_ONLY = re.compile(r"[ \t\r\n]*")


def _ew_bytes(enc: str, text: str) -> bytes | None:
    if enc in "bB":
        t = re.sub(r"[^A-Za-z0-9+/]", "", text)
        if not t and text.strip("="):
            return None
        if len(t) % 4 == 1:
            t = t[:-1]
        t += "=" * (-len(t) % 4)
        try:
            return base64.b64decode(t)
        except (binascii.Error, ValueError):
            return None
    try:
        return binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return None


def decode_words(text: str) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded-words in ``text`` (already free of raw 8-bit bytes). Returns (text, warnings).

    White space between adjacent encoded-words is dropped (RFC 2047 §6.2); adjacent words in one charset are
    decoded together, so a character split across words survives. A word that cannot be decoded stays as is.
    Runs in time linear in ``len(text)``.
    """
    if "=?" not in text:
        return text, []
    out: list[str] = []
    warns: list[str] = []
    pending: list[bytes] = []
    pending_cs: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_cs
        if pending:
            s, w = decode_bytes(b"".join(pending), pending_cs)
            out.append(s)
            if w and w not in warns:
                warns.append(w)
        pending, pending_cs = [], None

    for m in _EW.finditer(text):
        gap = text[pos : m.start()]
        raw = _ew_bytes(m.group(2), m.group(3))
        if raw is None:
            flush()
            out.append(gap + m.group(0))
            pos = m.end()
            continue
        cs = m.group(1).split("*", 1)[0].lower()
        if not (pending and _WS_ONLY.fullmatch(gap)):
            flush()
            out.append(gap)
        elif cs != pending_cs:
            flush()
        pending.append(raw)
        pending_cs = cs
        pos = m.end()
    flush()
    out.append(text[pos:])
    return "".join(out), warns


def _cap(s: str, n: int, what: str, warns: list[str]) -> str:
    if len(s) > n:
        warns.append(f"{what} cut to {n} characters (was {len(s)})")
        return s[: n - 1] + "…"
    return s


# --- addresses -------------------------------------------------------------------------------------------

_ADDR_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|<[^>]*>?|[,;:]|\(|[^",;:<(]+', re.S)
_LOOKS_ADDR = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@[^\s@<>(),;:\"\\]+$")
_LOOKS_ADDR_LOOSE = re.compile(r"^\S+@\S+$")


def _take_comment(s: str, i: int) -> tuple[str, int]:
    """``s[i] == "("``: return (comment text without parens, index after it); nested, with quoted-pairs."""
    depth, j, buf = 0, i, []
    while j < len(s):
        c = s[j]
        if c == "\\" and j + 1 < len(s):
            buf.append(s[j + 1])
            j += 2
            continue
        if c == "(":
            depth += 1
            if depth > 1:
                buf.append(c)
        elif c == ")":
            depth -= 1
            if depth == 0:
                return "".join(buf), j + 1
            buf.append(c)
        else:
            buf.append(c)
        j += 1
    return "".join(buf), j


def _split_entries(s: str) -> list[list[tuple[str, str]]]:
    """Split an address-list into entries of (kind, text) tokens; kind is q(uoted) a(ngle) c(omment) t(ext).

    Commas and semicolons separate entries; a ``name:`` group opener outside quotes/angles is dropped.
    """
    entries: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "(":
            text, i = _take_comment(s, i)
            cur.append(("c", text))
            continue
        m = _ADDR_TOKEN.match(s, i)
        if m is None:  # pragma: no cover - the pattern matches every character
            i += 1
            continue
        tok = m.group(0)
        i = m.end()
        if tok in (",", ";"):
            entries.append(cur)
            cur = []
        elif tok == ":":
            # group syntax "name: a, b;" (RFC 5322 §3.4): the phrase before the colon is the group's name
            cur = [t for t in cur if t[0] == "a"]
        elif tok.startswith('"'):
            inner = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
            cur.append(("q", re.sub(r"\\(.)", r"\1", inner)))
        elif tok.startswith("<"):
            cur.append(("a", tok[1:-1] if tok.endswith(">") else tok[1:]))
        else:
            cur.append(("t", tok))
    entries.append(cur)
    return entries


def _clean_addr(a: str) -> str | None:
    a = re.sub(r"\s+", "", a)
    if ":" in a and a.startswith("@"):  # obsolete route <@relay:user@host> (RFC 5322 §4.4)
        a = a.rsplit(":", 1)[1]
    a = a.strip()
    return a or None


def _name(parts: list[str], warns: list[str]) -> str | None:
    text = " ".join(p.strip() for p in parts if p.strip())
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    text, w = decode_words(text)
    warns.extend(w)
    text = re.sub(r"\s+", " ", clean_text(text)).strip()
    return _cap(text, MAX_NAME_CHARS, "display name", warns) or None


def parse_address_list(value: str) -> tuple[list[Address], list[str]]:
    """Parse one decoded address header (RFC 5322 §3.4, tolerant). Returns (addresses, warnings).

    ``"Name" <a@b>``, ``a@b (Name)``, ``Name <a@b>``, groups, ``<>`` (address None). A display name that is
    itself an address is kept as the name. Several bare addresses without commas each become an entry
    (warning). Addresses are not lower-cased. Entries with neither name nor address are dropped.
    """
    warns: list[str] = []
    if len(value) > MAX_ADDRESS_HEADER_CHARS:
        warns.append(f"address header cut to {MAX_ADDRESS_HEADER_CHARS} characters")
        value = value[:MAX_ADDRESS_HEADER_CHARS]
    out: list[Address] = []
    for entry in _split_entries(value):
        if not entry:
            continue
        angles = [t for k, t in entry if k == "a"]
        if angles:
            addr = _clean_addr(angles[-1])
            idx = max(i for i, (k, _) in enumerate(entry) if k == "a")
            before = [t for k, t in entry[:idx] if k in "qt"]
            comments = [t for k, t in entry if k == "c"]
            name = _name(before, warns) or _name(comments, warns)
            out.append(Address(name, addr))
        else:
            words: list[str] = []
            for k, t in entry:
                if k == "q":
                    words.append(t)
                elif k == "t":
                    words.extend(t.split())
            comments = [t for k, t in entry if k == "c"]
            quoted = {t for k, t in entry if k == "q"}
            addrs = [w for w in words if "@" in w and w not in quoted]
            if len(addrs) > 1:
                warns.append(f"{len(addrs)} addresses without a comma between them")
                out.extend(Address(None, _clean_addr(a)) for a in addrs)
            elif addrs:
                rest = [w for w in words if w is not addrs[0]]
                out.append(Address(_name(rest, warns) or _name(comments, warns), _clean_addr(addrs[0])))
            elif words or comments:
                only_quoted = all(k in "qc" for k, _ in entry)
                if only_quoted or len(words) != 1:
                    out.append(Address(_name(words or comments, warns), None))
                else:
                    out.append(Address(_name(comments, warns), _clean_addr(words[0])))
        if len(out) >= MAX_ADDRESSES:
            warns.append(f"address list cut to {MAX_ADDRESSES} entries")
            break
    return [a for a in out if a.name or a.address], warns


def is_valid_address(addr: str | None) -> bool:
    """True when ``addr`` looks like a deliverable addr-spec: local@domain, no spaces, domain has no
    brackets or quotes (RFC 5322 §3.4.1, loosely). Used to drop ``<>`` and domain-less entries."""
    if not addr or len(addr) > 320:
        return False
    if not _LOOKS_ADDR.match(addr):
        return False
    local, _, domain = addr.rpartition("@")
    return bool(local) and bool(domain) and not domain.startswith(".") and not domain.endswith(".")


# --- dates -----------------------------------------------------------------------------------------------

_ZONE = re.compile(r"(?:^|[\s\d])([+-]\d{4}|UT|GMT|Z|[ECMP][SD]T)\s*$", re.I)


def parse_date(value: str | None) -> tuple[datetime | None, str | None]:
    """Parse an RFC 5322 §3.3 date-time (also obsolete §4.3 forms and ISO 8601) to aware UTC.

    Returns ``(datetime or None, warning or None)``. Out-of-range fields (hour 27, Feb 31, zone beyond 24 h)
    give None: never a wrong date. A missing or unknown zone is read as UTC (§4.3: like "-0000") with a
    warning. Never raises.
    """
    if value is None:
        return None, None
    text = re.sub(r"\s+", " ", _strip_comments(value)).strip()
    if not text:
        return None, "empty Date header"
    shown = _short(text)
    try:
        t = email.utils.parsedate_tz(text)
    except Exception:  # noqa: BLE001 - the stdlib date parser has raised on odd input before
        t = None
    if t is None:
        try:
            iso = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            return None, f"unparsable Date {shown!r}"
        if iso.tzinfo is None:
            return iso.replace(tzinfo=UTC), f"Date {shown!r} has no zone: read as UTC"
        return iso.astimezone(UTC), None
    y, mo, d, h, mi, s = t[:6]
    if s == 60:  # a leap second
        s = 59
    offset = t[9] or 0
    if abs(offset) >= 24 * 3600:
        return None, f"Date {shown!r} has an impossible zone"
    try:
        naive = datetime(y, mo, d, h, mi, s)
    except (ValueError, OverflowError, TypeError):
        return None, f"Date {shown!r} is out of range"
    warning = None
    if not _ZONE.search(text):
        warning = f"Date {shown!r} has no known zone: read as UTC"
    try:
        return naive.replace(tzinfo=timezone(timedelta(seconds=offset))).astimezone(UTC), warning
    except (ValueError, OverflowError):
        return None, f"Date {shown!r} is out of range"


def _strip_comments(s: str) -> str:
    if "(" not in s:
        return s
    out, i = [], 0
    while i < len(s):
        if s[i] == "(":
            _, i = _take_comment(s, i)
            out.append(" ")
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


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
