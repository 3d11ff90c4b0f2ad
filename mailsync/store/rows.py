"""Requests as plain rows: the pure half of storing a message, without SQLAlchemy or pydantic.

``store.ingest`` writes what these compute:

* ``prepare(folder, uid, raw, ctx)``: parse (``parse_bytes``) and check one message -> ``Prepared`` (columns
  from ``message_fields``, the checker's hits, warnings). Pure; a process pool runs it too.
* ``corrected(hits, corrections, key)``: the hits to store after the user's corrections and the check
  columns they set; ``hit_row``: one flag_hit row; ``status_of``: the derived status.
* ``context_key(ctx)``: the check context's identity (a digest of everything a check depends on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import checker
from ..types import (
    FLAG_SLUGS,
    Address,
    CheckContext,
    FlagHit,
    ParsedMessage,
)


def clean(s: str | None) -> str | None:
    """Drop lone surrogates (from undecodable bytes) so the text can be stored as UTF-8."""
    if s is None:
        return None
    return s.encode("utf-8", "replace").decode("utf-8")


def addrs(xs: tuple[Address, ...]) -> list[dict[str, str | None]]:
    """Addresses as JSON-ready ``{"name", "address"}`` dicts (cleaned)."""
    return [{"name": clean(a.name), "address": clean(a.address)} for a in xs]


def identity_of(parsed: ParsedMessage, raw: bytes) -> tuple[str, str]:
    """Return (identity, sha256 hex): identity is the Message-ID, else ``sha256:<hex>`` of the raw bytes."""
    digest = hashlib.sha256(raw).hexdigest()
    return (parsed.message_id or f"sha256:{digest}", digest)


def message_fields(parsed: ParsedMessage, raw: bytes) -> dict[str, Any]:
    """The Message columns that come from a parse result and the raw bytes, as a dict keyed by column name:
    identity, sha256, raw, size (bytes), message_id, date, subject, from_name, from_address (lower-case),
    reply_to/to_addrs/cc_addrs (lists of {"name", "address"}), via, in_reply_to, references, body_text,
    auto_submitted, parse_warnings. Strings are cleaned of lone surrogates. Pure (a parse pool may call it)."""
    ident, digest = identity_of(parsed, raw)
    return {
        "identity": ident,
        "sha256": digest,
        "raw": raw,
        "size": len(raw),
        "message_id": clean(parsed.message_id),
        "date": parsed.date,
        "subject": clean(parsed.subject) or "",
        "from_name": clean(parsed.from_.name) if parsed.from_ else None,
        "from_address": clean(parsed.from_.address.lower()) if parsed.from_ and parsed.from_.address else None,
        "reply_to": addrs(parsed.reply_to),
        "to_addrs": addrs(parsed.to),
        "cc_addrs": addrs(parsed.cc),
        "via": (
            {"address": clean(parsed.via.address), "kind": parsed.via.kind, "site": clean(parsed.via.site)}
            if parsed.via
            else None
        ),
        "in_reply_to": clean(parsed.in_reply_to),
        "references": [clean(r) or "" for r in parsed.references],
        "body_text": clean(parsed.body_text) or "",
        "auto_submitted": parsed.auto_submitted,
        "parse_warnings": [clean(w) or "" for w in parsed.warnings],
    }


def norm_flags(flags: Iterable[str]) -> tuple[str, ...]:
    """IMAP flags as a sorted tuple of strings, without \\Recent (session-only, RFC 3501 §2.3.2)."""
    return tuple(sorted({f for f in flags if f.lower() != "\\recent"}))


def status_of(archived: bool, imap_flags: Iterable[str] | None, reply_states: set[str] | None = None) -> str:
    """Status from the archive mark, the IMAP flags (strings) and the states of the request's replies:
    archived > replied (\\Answered or a reply sent) > draft > read (\\Seen) > new (README: `gracebox list --json`)."""
    states = reply_states or set()
    flags = set(imap_flags or ())
    if archived:
        return "archived"
    if "\\Answered" in flags or "sent" in states:
        return "replied"
    if states & {"draft", "queued", "sending", "failed", "unknown"}:
        return "draft"
    if "\\Seen" in flags:
        return "read"
    return "new"


def corrected(hits: Sequence[FlagHit], corr: dict[str, str], context_key: str) -> tuple[list[FlagHit], dict[str, Any]]:
    """The hits to store after the user's corrections ``corr`` (code -> "dismiss" | "add"), and the Message
    columns they set: flag_codes, suggested, checker_version, context_key."""
    kept = [h for h in hits if corr.get(h.code) != "dismiss"]
    have = {h.code for h in kept}
    for code, action in sorted(corr.items()):
        if action == "add" and code not in have:
            kept.append(FlagHit(code, FLAG_SLUGS[code], "corrected-by-you", 0.0, ("added by you",)))
    codes = sorted({h.code for h in kept})
    return kept, {"flag_codes": " ".join(codes), "suggested": checker.suggest(codes),
                  "checker_version": checker.CHECKER_VERSION, "context_key": context_key}


def hit_row(message_pk: int, h: FlagHit) -> dict[str, Any]:
    """A ``flag_hit`` row (column -> value) for hit ``h`` of request ``message_pk``."""
    return {"message_pk": message_pk, "code": h.code, "slug": h.slug, "rule": h.rule, "points": h.points,
            "evidence": [clean(e) or "" for e in h.evidence], "description": h.description}


# --- parse + check -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A fetched message parsed and checked, ready to store (made here or in a pool worker; picklable).

    ``fields``: Message columns from ``message_fields`` without ``raw`` (the caller has the bytes);
    ``hits``: the checker's hits; ``checked``: False when the checker failed (stored with checker_version 0,
    so the next re-check tries again); ``warnings``: one-line problems for the SyncReport.
    """

    uid: int | None
    fields: dict[str, Any]
    hits: list[FlagHit]
    checked: bool
    warnings: list[str]
    #: False when the parser raised and ``fields`` describe a placeholder.
    parsed_ok: bool = True


def parse_bytes(raw: bytes) -> ParsedMessage:
    """Parse one message for the sync: ``parse.parse_with(raw, email.policy.compat32)``, which gives the
    same ParsedMessage as ``parse.parse`` (it uses only policy-independent calls; bench/parse_bench.py
    and tests/unit/test_parse.py compare them) about 3x faster. Pure; never raises (parse's contract)."""
    import email.policy

    from ..mail import parse

    return parse.parse_with(raw, email.policy.compat32)


def placeholder(warning: str) -> ParsedMessage:
    """The ParsedMessage stored for a message that could not be parsed or stored (its raw bytes are kept)."""
    return ParsedMessage(message_id=None, subject="(message could not be read)", from_=None,
                         body_text="(message could not be read; the raw bytes are kept)", warnings=(warning,))


def prepare(folder: str, uid: int | None, raw: bytes, ctx: CheckContext) -> Prepared:
    """Parse and check one message (pure: the same bytes and context give the same result anywhere).
    A parser exception yields a placeholder (the raw bytes are kept) and a warning naming ``folder``/``uid``."""
    return prepare_batch(folder, [(uid, raw)], ctx)[0]


def prepare_batch(folder: str, items: Sequence[tuple[int | None, bytes]], ctx: CheckContext) -> list[Prepared]:
    """``prepare`` for each (uid, raw) pair, in order, with one checker pass for the batch (``check_many``
    embeds every sentence at once: about twice as fast per message). When the batch check fails, each message
    is checked alone, so one bad message costs only its own flags."""
    parsed: list[tuple[ParsedMessage, bool, list[str]]] = []
    for uid, raw in items:
        try:
            parsed.append((parse_bytes(raw), True, []))
        except Exception as exc:  # noqa: BLE001 - a bad message aborts only itself
            parsed.append((placeholder(f"parse failed: {type(exc).__name__}"), False,
                           [f"{folder} UID {uid}: could not be parsed ({type(exc).__name__}); stored raw"]))
    try:
        batch = checker.check_many([p for p, _ok, _w in parsed], ctx)
    except Exception:  # noqa: BLE001 - fall back to one at a time (prepare_parsed reports the culprit)
        return [prepare_parsed(folder, uid, raw, p, ok, ctx, w)
                for (uid, raw), (p, ok, w) in zip(items, parsed, strict=True)]
    return [prepare_parsed(folder, uid, raw, p, ok, ctx, w, hits=hits)
            for (uid, raw), (p, ok, w), hits in zip(items, parsed, batch, strict=True)]


def prepare_parsed(folder: str, uid: int | None, raw: bytes, parsed: ParsedMessage, parsed_ok: bool,
                   ctx: CheckContext | None, warnings: Sequence[str] = (),
                   hits: Sequence[FlagHit] | None = None) -> Prepared:
    """Check an already parsed message and build its Message columns (see ``Prepared``). A checker
    exception stores it without flags and adds a warning; ``parsed_ok`` False marks the row's
    parse_warnings ("message could not be parsed" when the parser gave none). ``hits``: the checker's result
    when the caller has it already (``prepare_batch``)."""
    warns = list(warnings)
    checked = True
    if hits is None:
        try:
            hits = list(checker.check(parsed, ctx or CheckContext()))
        except Exception as exc:  # noqa: BLE001 - a checker bug on one message must not stop the sync
            where = f"{folder} UID {uid}" if uid is not None else folder
            warns.append(f"{where}: checker failed ({type(exc).__name__}); stored without flags")
            hits, checked = [], False
    fields = message_fields(parsed, raw)
    del fields["raw"]
    if not parsed_ok and not fields["parse_warnings"]:
        fields["parse_warnings"] = ["message could not be parsed"]
    return Prepared(uid, fields, list(hits), checked, [" ".join(w.split()) for w in warns], parsed_ok)


# --- the check context -------------------------------------------------------------------------------


def context_key(ctx: CheckContext) -> str:
    """A short hash of the parts of the context that stored flags depend on (RF5/RF6 inputs excluded):
    when it changes, stored requests are re-checked."""
    h = hashlib.sha256()
    h.update(repr(sorted(ctx.known_addresses)).encode())
    h.update(repr(sorted(ctx.known_names)).encode())
    h.update(repr(sorted((k, v.experience) for k, v in ctx.contacts.items())).encode())
    h.update(repr((ctx.network_warnings, ctx.reputation_watch, ctx.expertise, ctx.referrals, ctx.me)).encode())
    h.update(repr(ctx.tuning).encode())
    h.update(repr((sorted(ctx.known_threads), ctx.user_examples)).encode())
    h.update(str(checker.CHECKER_VERSION).encode())
    return h.hexdigest()[:16]
