"""Plain data shared by parse, checker, compose, sync and the TUI.

These are frozen dataclasses with no I/O, so they cross thread boundaries (TUI workers) and process
boundaries (a parse pool) safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Flag code -> slug, as in the JSON contract (README "Commands") and the article's red flags 1-7.
FLAG_SLUGS: dict[str, str] = {
    "RF1": "selling",
    "RF2": "reputation",
    "RF3": "premature-ask",
    "RF4": "bad-history",
    "RF5": "over-capacity",
    "RF6": "burnout",
    "RF7": "out-of-depth",
}


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: display name (decoded, may be None) and addr-spec (may be None for a bare name)."""

    name: str | None
    address: str | None

    def as_json(self) -> dict[str, str | None]:
        """Return ``{"name": str|None, "address": str|None}`` (the JSON contract's shape)."""
        return {"name": self.name, "address": self.address}


@dataclass(frozen=True, slots=True)
class Via:
    """The relay a notification came through (a networking site's no-reply address)."""

    address: str | None
    kind: str = "notification"
    site: str | None = None
    profile_url: str | None = None
    headline: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """What Gracebox knows of one RFC 5322 message after parsing (``mailsync.parse.parse``).

    ``from_`` is the person the request is from: for a notification relay this is the person named in the
    body and ``via`` names the relay. ``date`` is aware UTC or None. ``body_text`` is plain text (HTML
    converted), never None: "(no text body)" when there is none. ``warnings`` lists one-line problems met
    while parsing (bad charset, unparsable date, ...); the raw bytes are kept by the caller.
    """

    message_id: str | None
    subject: str
    from_: Address | None
    reply_to: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    date: datetime | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    body_text: str = "(no text body)"
    sender_header: Address | None = None
    via: Via | None = None
    auto_submitted: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FlagHit:
    """One red-flag rule that matched.

    ``code`` is "RF1".."RF7", ``slug`` its name from FLAG_SLUGS, ``rule`` the rule's id (e.g.
    "favour-from-stranger"), ``points`` its weight (float), ``evidence`` strings a person can verify (the
    phrase matched, the list entry and its reason, the count against the limit).
    """

    code: str
    slug: str
    rule: str
    points: float
    evidence: tuple[str, ...]
    description: str = ""

    def as_json(self) -> dict[str, object]:
        """Return the JSON contract's flag object (code, slug, rule, points, evidence)."""
        return {
            "code": self.code,
            "slug": self.slug,
            "rule": self.rule,
            "points": self.points,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class ListEntry:
    """A watch-list entry (RF2 ``reputation_watch`` / RF4 ``network_warnings``).

    ``pattern`` is a full address or ``*@domain`` (exact domain, case-insensitive, no subdomains).
    """

    pattern: str
    reason: str
    reported_by: str | None = None


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """A contact from the config or the database; ``experience`` is positive | neutral | negative."""

    address: str
    name: str | None
    experience: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    """Someone the user can introduce a requester to (RF7 / Scenario 1); ``topics`` lower-case phrases."""

    name: str
    address: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckerTuning:
    """The ``[checker]`` config table: extra phrases per flag, weight per rule (0 disables), threshold per flag."""

    extra_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserExample:
    """One of the user's own judgments, for the checker to learn from (issue "learns from its user").

    ``vector``: the message's unit embedding (``checker.message_vector``); ``code``: "RF1".."RF7";
    ``present``: True when the user said the flag applies (added, or kept), False when dismissed. ``identity``:
    the corrected request's Message-ID (a request is never its own example: its correction is shown as such).
    """

    vector: tuple[float, ...]
    code: str
    present: bool
    identity: str = ""


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything the checker may know besides the message; built once per sync (``store.build_context``).

    Addresses are lower-case. ``known_addresses``: To/Cc of Sent messages plus positive/neutral contacts
    (README "Red flags": "Known"). ``known_names``: lower-case display names of those, for notification relays.
    ``known_threads``: Message-IDs of mail the user sent (a reply to one comes from someone known).
    ``user_examples``: the user's corrections as learning vectors (``checker.learn``).
    ``accepted_30d`` / ``accepted_7d``: count of ``accept`` decisions in the rolling windows (RF5/RF6).
    """

    me: str | None = None
    known_addresses: frozenset[str] = frozenset()
    known_names: frozenset[str] = frozenset()
    contacts: dict[str, ContactInfo] = field(default_factory=dict)
    network_warnings: tuple[ListEntry, ...] = ()
    reputation_watch: tuple[ListEntry, ...] = ()
    expertise: tuple[str, ...] = ()
    referrals: tuple[Referral, ...] = ()
    accepted_30d: int = 0
    accepted_7d: int = 0
    monthly_capacity: int | None = None
    weekly_limit: int | None = None
    on_break_until: date | None = None
    today: date | None = None
    tuning: CheckerTuning = field(default_factory=CheckerTuning)
    known_threads: frozenset[str] = frozenset()
    user_examples: tuple[UserExample, ...] = ()
