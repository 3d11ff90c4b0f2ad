"""Address lists (RFC 5322 §3.4 with the obsolete forms of §4.4), read by a tolerant scanner."""

from __future__ import annotations

import re

from ..types import Address
from .decode import (
    MAX_ADDRESS_HEADER_CHARS,
    MAX_ADDRESSES,
    MAX_NAME_CHARS,
    _cap,
    _take_comment,
    clean_text,
    decode_words,
)

# --- addresses -------------------------------------------------------------------------------------------

_ADDR_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|<[^>]*>?|[,;:]|\(|[^",;:<(]+', re.S)
_LOOKS_ADDR = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@[^\s@<>(),;:\"\\]+$")
_LOOKS_ADDR_LOOSE = re.compile(r"^\S+@\S+$")


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


