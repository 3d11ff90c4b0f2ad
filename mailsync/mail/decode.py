"""Decoding text from mail: charsets (with the aliases real mail uses), RFC 2047 encoded-words, dates."""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.errors
import email.message
import email.policy
import email.utils
import re
from datetime import UTC, datetime, timedelta, timezone

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
