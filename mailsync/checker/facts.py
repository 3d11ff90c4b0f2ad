"""Exact facts about the sender, from the user's own data (never from the text).

Known (a Sent recipient, a positive or neutral contact, or a reply to mail the user sent), the contact entry and
its experience, and matches in ``reputation_watch`` (RF2) and ``network_warnings`` (RF4). List patterns are a full
address or ``*@domain`` (exact domain, no subdomains), compared case-insensitively (README "Red flags").
Pure functions of the ParsedMessage and the CheckContext.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..types import CheckContext, ContactInfo, ListEntry, ParsedMessage

_LOCAL_SPLIT = re.compile(r"[._\-+]+")


@dataclass(frozen=True, slots=True)
class Facts:
    """``who``: how evidence names the sender; ``known`` and ``known_how`` (why, for evidence);
    ``contact``: the sender's contact entry or None; ``watch``/``warning``: the matching list entry and what
    it matched, or None; ``own``: the mail is from the user."""

    who: str
    known: bool
    known_how: str
    contact: ContactInfo | None
    watch: tuple[ListEntry, str] | None
    warning: tuple[ListEntry, str] | None
    own: bool


def fold(s: str) -> str:
    """Case- and accent-insensitive form of a name ("Inés García" -> "ines garcia")."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


def matches(entry: ListEntry, addr: str) -> bool:
    """True when ``addr`` (lower-case) matches the entry's pattern."""
    pat = entry.pattern.strip().lower()
    if pat.startswith("*@"):
        return addr.rpartition("@")[2] == pat[2:]
    return addr == pat


def _sender_addrs(message: ParsedMessage) -> list[str]:
    out: list[str] = []
    relay = message.via.address.lower() if message.via and message.via.address else None
    for a in ((message.from_,) if message.from_ else ()) + tuple(message.reply_to):
        if a.address and "@" in a.address:
            x = a.address.strip().lower()
            if x not in out and x != relay:
                out.append(x)
    return out


def contact_for(message: ParsedMessage, ctx: CheckContext) -> ContactInfo | None:
    """The sender's contact entry: by address, or by name for a relayed person without an address."""
    f = message.from_
    if f is None:
        return None
    if f.address:
        c = ctx.contacts.get(f.address.strip().lower())
        if c is not None:
            return c
    if f.name and (message.via is not None or not f.address):
        folded = fold(f.name)
        for c in ctx.contacts.values():
            if c.name and fold(c.name) == folded:
                return c
    return None


def list_match(entries: Sequence[ListEntry], message: ParsedMessage, ctx: CheckContext
               ) -> tuple[ListEntry, str] | None:
    """The first entry matching the sender and what it matched: an address of the sender (From, Reply-To);
    for a relayed person without an address, their contact's address, or an entry whose local part spells
    their name ("desmond.harrow@..." for "Desmond Harrow")."""
    addrs = _sender_addrs(message)
    f = message.from_
    by_name = bool(f and f.name and not f.address)
    if by_name:
        c = contact_for(message, ctx)
        if c is not None and c.address and c.address.lower() not in addrs:
            addrs.append(c.address.lower())
    for addr in addrs:
        for e in entries:
            if matches(e, addr):
                return e, addr
    if by_name and f is not None and f.name:
        words = fold(f.name).split()
        if len(words) >= 2:
            for e in entries:
                local = e.pattern.strip().lower().partition("@")[0]
                if local and local != "*" and _LOCAL_SPLIT.split(fold(local)) == words:
                    return e, f'"{f.name}" (by name)'
    return None


def _who(message: ParsedMessage) -> str:
    f = message.from_
    if f is None:
        return "the sender"
    if f.address:
        return f.address.lower()
    name = f.name or "the sender"
    site = message.via.site if message.via and message.via.site else None
    return f'"{name}" (via {site})' if site else f'"{name}"'


def _known(message: ParsedMessage, ctx: CheckContext) -> tuple[bool, str]:
    f = message.from_
    if f is None:
        return False, ""
    if f.address and f.address.strip().lower() in ctx.known_addresses:
        return True, "you have written to them or listed them as a contact"
    threads = {message.in_reply_to, *message.references} - {None}
    if ctx.known_threads and threads & ctx.known_threads:
        return True, "they reply to mail you sent"
    if f.name and (message.via is not None or not f.address):
        folded = fold(f.name)
        if any(fold(n) == folded for n in ctx.known_names):
            return True, "you know someone of that name"
    return False, ""


def facts(message: ParsedMessage, ctx: CheckContext) -> Facts:
    """All facts about the sender of ``message``."""
    f = message.from_
    own = bool(f and f.address and ctx.me and f.address.strip().lower() == ctx.me.lower())
    known, how = _known(message, ctx)
    return Facts(_who(message), known, how, contact_for(message, ctx),
                 list_match(ctx.reputation_watch, message, ctx), list_match(ctx.network_warnings, message, ctx), own)
