"""Helpers for the TUI tests (no tests here): a seeded SQLite store, settings, and a "settle" that waits
for the App's workers and the messages they post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from mailsync.config import Settings, settings_from_dict
from mailsync.mail.parse import parse
from mailsync.store import ingest
from mailsync.store.engine import Store
from mailsync.store.models import Message
from mailsync.types import FLAG_SLUGS, FlagHit

#: The fixed clock of the TUI tests.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

#: A subject (and a name) that would be markup if anything parsed it as such.
MARKUP_SUBJECT = "[bold]FREE[/bold] audit [@click=app.quit]click[/] [link=https://x.example]now[/link]"
MARKUP_NAME = "[red]Mallory[/red]"


def hit(code: str, rule: str, points: float, *evidence: str, description: str = "") -> FlagHit:
    """A FlagHit for ``code`` with its slug from FLAG_SLUGS."""
    return FlagHit(code, FLAG_SLUGS[code], rule, points, tuple(evidence), description)


@dataclass
class Req:
    """One seeded request."""

    name: str | None
    address: str
    subject: str
    body: str
    hours_ago: float
    hits: list[FlagHit] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reply_to: str | None = None
    via: dict[str, str | None] | None = None


def raw_mail(r: Req, n: int) -> bytes:
    """RFC 5322 bytes for ``r`` (the ``n``-th seeded message)."""
    msg = EmailMessage()
    msg["From"] = f'"{r.name}" <{r.address}>' if r.name else r.address
    msg["To"] = "Alex Rivera <alex@example.com>"
    msg["Subject"] = r.subject
    msg["Date"] = format_datetime(NOW - timedelta(hours=r.hours_ago))
    msg["Message-ID"] = f"<seed-{n}@tests.example>"
    if r.reply_to:
        msg["Reply-To"] = r.reply_to
    msg.set_content(r.body)
    return bytes(msg)


#: The standard set: newest first by ``hours_ago``.
REQUESTS = [
    Req("Sam Lee", "sam@example.org", "Quick question about your team",
        "Hi Alex, we have never met, but could you refer me to the hiring manager for the staff role?",
        2, [hit("RF3", "favour-from-stranger", 3.0, 'asks: "refer me to the hiring manager"',
                "no earlier mail with sam@example.org")]),
    Req(MARKUP_NAME, "mallory@pushy.example", MARKUP_SUBJECT,
        "Our [b]platform[/b] cuts your costs. Book a demo today!\x1b[31m red?",
        5, [hit("RF1", "sales-pitch", 2.5, 'phrase: "book a demo"'),
            hit("RF4", "network-warning", 3.0, "*@pushy.example: two colleagues were spammed (Jo Park)")]),
    Req("Dana Cho", "dana@example.net", "Kubernetes operators, a question",
        "Hello Alex, I am stuck on kubernetes operators and wondered if you had pointers.",
        26, [hit("RF7", "outside-expertise", 2.0, 'topic: "kubernetes" is not in your expertise')]),
    Req("Robin Park", "robin@example.com", "Coffee next month?",
        "Hi Alex! Would you like to grab coffee next month and catch up?", 50, [], ["\\Seen"]),
    Req("Kim Varga", "kim@example.com", "Thanks for the intro",
        "Thank you for the introduction last week, it went well.", 24 * 9, [], ["\\Seen", "\\Answered"],
        reply_to="Kim at home <kim.home@example.net>"),
]


def make_settings(tmp_path: Path, **extra: Any) -> Settings:
    """Settings for a test database in ``tmp_path`` with a small profile; ``extra`` adds tables."""
    data: dict[str, Any] = {
        "identity": {"name": "Alex Rivera", "email": "alex@example.com", "signature": "Alex"},
        "profile": {
            "expertise": ["leadership communication"],
            "monthly_capacity": 4,
            "weekly_limit": 2,
            "organization": {"name": "Association of Test Coaches", "url": "https://coaches.example.org"},
            "event": "the spring meetup",
            "articles": [{"title": "Saying no, kindly", "url": "https://example.org/no"}],
        },
        "storage": {"database_url": f"sqlite:///{tmp_path / 'tui.db'}"},
    }
    data.update(extra)
    return settings_from_dict(data, source="<test>")


def seed(store: Store, requests: list[Req] | None = None) -> list[int]:
    """Store ``requests`` (default REQUESTS) through parse -> ingest.ingest; returns ids."""
    ids = []
    with store.session() as s:
        for n, r in enumerate(requests if requests is not None else REQUESTS):
            raw = raw_mail(r, n)
            extra = {"via": r.via} if r.via is not None else {}
            ((pk, _new),) = ingest.ingest(s, [ingest.incoming(parse(raw), raw, r.hits, imap_flags=list(r.flags),
                                                              **extra)])
            ids.append(pk)
    return ids


def message(store: Store, pk: int) -> Message:
    """Reload one request row."""
    with store.session() as s:
        m = s.get(Message, pk)
        assert m is not None
        return m


async def settle(app: Any, pilot: Any, rounds: int = 4) -> None:
    """Let posted messages be handled and every worker finish, a few times over (workers post messages
    that start more workers)."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def strip_text(widget: Any, y: int) -> str:
    """The plain text of line ``y`` of a Line-API widget (what the terminal shows)."""
    return str(widget.render_line(y).text)


def static_text(app: Any, selector: str) -> str:
    """The plain text of a Static on the active screen."""
    w = app.screen.query_one(selector)
    return str(w.content)
