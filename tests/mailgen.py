"""Build realistic networking-request messages as RFC 5322 bytes for tests (our own wording, no corpus text).

Main helpers:

* ``request(...) -> bytes``: a request mail (plain text, optional HTML alternative, Reply-To, Cc, extra
  headers, any charset); ``message_id=None`` leaves Message-ID out (identity falls back to sha256).
* ``sent_mail(...) -> bytes``: a message the user sent (for the Sent folder: To/Cc are "known people").
* ``notification(...) -> bytes``: a networking site's no-reply relay mail naming a person in the body.
* ``broken_message() -> bytes``: hostile-but-plausible bytes (bad charset, broken MIME, NULs, stray 8-bit).
* ``BODIES``: canned bodies by kind ("clean", "selling", "stranger-ask", "reputation", "out-of-depth", ...).

Every function is deterministic given its arguments (no clock unless ``date`` is omitted, then a fixed
date is used), so snapshot and JSON tests can rely on the bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address as HdrAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

#: A fixed date for messages built without one (aware UTC).
FIXED_DATE = datetime(2026, 11, 20, 9, 14, tzinfo=UTC)

#: The test user (the "me" of the mailbox).
ME = ("Alex Rivera", "alex@example.com")

BODIES: dict[str, str] = {
    "clean": (
        "Hi Alex,\n\n"
        "We met at the spring workshop on feedback conversations. Thank you for the notes you shared\n"
        "afterwards: the two-question check-in worked well with my new managers this month. I hope to see\n"
        "you again at the autumn session.\n\n"
        "Thanks,\nSam\n"
    ),
    "selling": (
        "Hello Alex,\n\n"
        "I'd love to show you our platform: a limited-time offer gives coaches like you 40% off the first\n"
        "year. Can I book a 15-minute demo on Thursday? I'm sure it will transform your practice and I can\n"
        "send over pricing today.\n\n"
        "Best regards,\nRiley, Growth Team\n"
    ),
    "stranger-ask": (
        "Hi Alex,\n\n"
        "We haven't met, but I saw your talk online. Could you refer me to the hiring manager at your firm\n"
        "and put in a good word? I'm applying this week and a referral from you would make all the\n"
        "difference.\n\n"
        "Cheers,\nJordan\n"
    ),
    "reputation": (
        "Hi Alex,\n\n"
        "Our agency runs a review exchange: you post a five-star review for our clients and we post one for\n"
        "you. It's quick, and nobody checks. Want in?\n\n"
        "Morgan\n"
    ),
    "out-of-depth": (
        "Hi Alex,\n\n"
        "Could you review our kubernetes cluster autoscaling design and tell us whether the platform\n"
        "engineering choices hold up before our launch?\n\n"
        "Thanks,\nCasey\n"
    ),
    "friendly-followup": (
        "Hi Alex,\n\n"
        "Thanks again for the introduction last month. I have a follow-up question about structuring\n"
        "one-on-ones with a new team; do you have twenty minutes next week?\n\n"
        "Best,\nJo\n"
    ),
}

_counter = itertools.count(1)


def make_message_id(domain: str = "example.org", tag: str | None = None) -> str:
    """Return a fresh ``<gb-N[.tag]@domain>`` Message-ID (a process-wide counter, no randomness)."""
    n = next(_counter)
    return f"<gb-{n}{'.' + tag if tag else ''}@{domain}>"


def _hdr_addr(who: tuple[str | None, str]) -> HdrAddress:
    name, addr = who
    return HdrAddress(display_name=name or "", addr_spec=addr)


def _addr_list(xs: Iterable[tuple[str | None, str]]) -> list[HdrAddress]:
    return [_hdr_addr(x) for x in xs]


def request(*, sender: tuple[str | None, str] = ("Sam Lee", "sam@example.org"),
            to: Iterable[tuple[str | None, str]] = (ME,),
            cc: Iterable[tuple[str | None, str]] = (),
            reply_to: Iterable[tuple[str | None, str]] = (),
            subject: str = "Quick question",
            body: str | None = None, kind: str = "clean",
            html: str | None = None,
            message_id: str | None | bool = True,
            date: datetime | None = None,
            in_reply_to: str | None = None,
            references: Iterable[str] = (),
            charset: str = "utf-8",
            headers: Mapping[str, str] | None = None) -> bytes:
    """Build one request message and return its bytes (CRLF line ends, as on the wire).

    ``body`` defaults to ``BODIES[kind]``. ``html`` adds a text/html alternative. ``message_id``: True →
    a fresh id from ``make_message_id(sender's domain)``, a string → that id, None/False → no Message-ID
    header. ``date`` defaults to FIXED_DATE. ``charset`` sets the text part's charset (e.g. "iso-8859-1").
    ``headers`` adds extra headers verbatim (e.g. {"Auto-Submitted": "auto-generated"}).
    """
    msg = EmailMessage(policy=SMTP)
    msg["From"] = _hdr_addr(sender)
    tos = _addr_list(to)
    if tos:
        msg["To"] = tos
    ccs = _addr_list(cc)
    if ccs:
        msg["Cc"] = ccs
    rts = _addr_list(reply_to)
    if rts:
        msg["Reply-To"] = rts
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or FIXED_DATE)
    if message_id is True:
        msg["Message-ID"] = make_message_id(sender[1].rsplit("@", 1)[-1])
    elif isinstance(message_id, str):
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    refs = list(references)
    if refs:
        msg["References"] = " ".join(refs)
    for k, v in (headers or {}).items():
        msg[k] = v
    text = BODIES[kind] if body is None else body
    msg.set_content(text, charset=charset)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def sent_mail(*, to: Iterable[tuple[str | None, str]], cc: Iterable[tuple[str | None, str]] = (),
              subject: str = "Re: catching up", body: str = "Good to hear from you. Talk soon.\n\nAlex\n",
              date: datetime | None = None, message_id: str | None = None) -> bytes:
    """A message the user sent (From = ME), for seeding the Sent folder."""
    return request(sender=ME, to=to, cc=cc, subject=subject, body=body, date=date,
                   message_id=message_id or make_message_id("example.com", "sent"))


def notification(*, person: str = "Taylor Brooks", headline: str = "Founder at Brightpath Coaching",
                 relay: tuple[str | None, str] = ("ConnectHub", "no-reply@connecthub.example"),
                 note: str = "I'd like to pick your brain about your pricing for a product we're launching.",
                 subject: str | None = None, date: datetime | None = None) -> bytes:
    """A networking site's relay mail: From the no-reply address, the person named in the body with a
    profile link, their note quoted (plain text plus an HTML alternative)."""
    subj = subject or f"{person} sent you a message"
    slug = person.lower().replace(" ", "-")
    text = (f"{person}\n{headline}\n\n\"{note}\"\n\nView profile: https://connecthub.example/in/{slug}\n\n"
            "You are receiving this because you have an account on ConnectHub.\n")
    html = (f"<html><body><p><b>{person}</b><br>{headline}</p><blockquote>{note}</blockquote>"
            f"<p><a href=\"https://connecthub.example/in/{slug}\">View profile</a></p></body></html>")
    return request(sender=relay, subject=subj, body=text, html=html, date=date,
                   headers={"Auto-Submitted": "auto-generated"})


def broken_message() -> bytes:
    """Plausible-but-broken bytes: unknown charset, a multipart with no closing boundary, stray 8-bit and
    NUL bytes, a header line without a colon, a garbage Date. ``parse`` must not raise on it."""
    return (
        b"From: =?x-unknown?B?////?= <odd@example.net>\r\n"
        b"To: alex@example.com\r\n"
        b"Subject: =?utf-8?Q?broken=ZZ?= \xff\xfe subject\r\n"
        b"Date: yesterday-ish\r\n"
        b"this header line has no colon\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/alternative; boundary=\"XYZ\"\r\n"
        b"\r\n"
        b"--XYZ\r\n"
        b"Content-Type: text/plain; charset=\"x-no-such-charset\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n"
        b"SGVsbG8g!!!not base64\x00\x00\r\n"
        b"--XYZ\r\n"
        b"Content-Type: text/html\r\n"
        b"\r\n"
        b"<p>unterminated <b>html\xe9\r\n"
    )


def series(n: int, *, start: datetime | None = None, kind: str = "clean",
           domain: str = "example.org") -> list[bytes]:
    """``n`` distinct requests from ``person{i}@domain``, one hour apart from ``start`` (default FIXED_DATE)."""
    t0 = start or FIXED_DATE
    return [
        request(sender=(f"Person {i}", f"person{i}@{domain}"), subject=f"Request number {i}", kind=kind,
                date=t0 + timedelta(hours=i))
        for i in range(n)
    ]
