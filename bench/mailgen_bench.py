"""Realistic networking-request messages for benchmarks (generated, fictional, 2-8 KB each)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

FIRST = ["Sam", "Priya", "Kevin", "Lena", "Omar", "Mei", "Jonas", "Ana", "Tariq", "Ruth", "Diego", "Hana"]
LAST = ["Lee", "Okafor", "Marsh", "Novak", "Haddad", "Chen", "Berg", "Silva", "Aziz", "Cole", "Ruiz", "Sato"]
DOMAINS = ["mailbox.example", "northwind.example", "brightlea.example", "acme-sales.example", "uni.example"]
ASKS = [
    "Would you be able to refer me to the hiring manager for the platform role?",
    "Could we hop on a quick 20-minute call next week so I can pick your brain?",
    "Our platform helps teams cut onboarding time by 40%. Can I show you a 15-minute demo?",
    "I'd love an introduction to your colleague who runs the data team.",
    "Could you review my CV and forward it if it looks like a fit?",
    "How would you design a Kubernetes multi-cluster failover for a payments system?",
    "Thanks again for the talk last month, it really helped our team.",
    "We are offering an exclusive discount on our leadership retreat packages this quarter.",
]
FILLER = (
    "I have been following your work for a while and appreciated your recent post about team rituals. "
    "A bit about me: I spent six years in operations and recently moved into program management, where I "
    "coordinate three teams across two time zones. "
)


def make_request(i: int, rng: random.Random, base: datetime | None = None) -> bytes:
    """Return one request message (bytes, CRLF line ends) of roughly 2-8 KB."""
    base = base or datetime(2026, 11, 1, tzinfo=UTC)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    dom = rng.choice(DOMAINS)
    m = EmailMessage()
    m["From"] = f"{first} {last} <{first.lower()}.{last.lower()}{i}@{dom}>"
    m["To"] = "Alex Rivera <alex@example.org>"
    m["Subject"] = rng.choice(["Quick question", "Referral?", "Coffee chat", "Intro request", "Hello from " + first])
    m["Date"] = format_datetime(base + timedelta(minutes=i))
    m["Message-ID"] = make_msgid(idstring=f"r{i}", domain=dom)
    body = [f"Hi Alex,\n\nMy name is {first} {last}."]
    target = rng.randint(2000, 8000)
    body.append(rng.choice(ASKS))
    while sum(len(b) for b in body) < target - 300:
        body.append(FILLER)
    body.append(f"\nBest regards,\n{first}")
    m.set_content("\n\n".join(body))
    return m.as_bytes(policy=m.policy.clone(linesep="\r\n"))


def make_batch(n: int, seed: int = 7, start: int = 0) -> list[bytes]:
    """Return ``n`` requests numbered from ``start`` (deterministic for a seed)."""
    rng = random.Random(seed + start)
    return [make_request(start + i, rng) for i in range(n)]
