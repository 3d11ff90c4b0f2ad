"""SQLModel tables (ARCHITECTURE.md "Data").

Times are aware UTC datetimes stored as ``DateTime(timezone=True)``. JSON columns hold lists of strings or
small objects. Raw message bytes are kept (``Message.raw``) so a better parser can re-read old mail
without a re-download. Credentials are never stored here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Folder(SQLModel, table=True):
    """Per-folder IMAP sync state (RFC 3501 UIDVALIDITY/UIDNEXT, RFC 7162 HIGHESTMODSEQ).

    ``role`` is "requests" or "sent". ``highest_uid`` is the highest UID stored; new mail is UIDs above it.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    role: str = "requests"
    uidvalidity: int | None = Field(default=None, sa_column=Column(BigInteger))
    uidnext: int | None = Field(default=None, sa_column=Column(BigInteger))
    highest_uid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    highestmodseq: int | None = Field(default=None, sa_column=Column(BigInteger))
    messages: int | None = None
    last_sync: datetime | None = _ts()


class Message(SQLModel, table=True):
    """One request (a message in the requests folder).

    ``uid`` is None while the message is not (or no longer) known under the folder's current UIDVALIDITY.
    ``identity`` is the Message-ID, or ``sha256:<hex>`` of the raw bytes where it is missing. ``status`` is
    new | read | draft | replied | archived (README: `gracebox list --json`). ``imap_flags`` is the list of IMAP
    flags as strings (e.g. ["\\Seen"]). ``parse_warnings`` is a list of one-line strings.
    ``suggested`` and ``checker_version`` record the stored (content) check; RF5/RF6 are computed when shown.
    """

    __table_args__ = (
        Index("ix_message_folder_uid", "folder_id", "uid"),
        Index("ix_message_date", "date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    folder_id: int | None = Field(default=None, foreign_key="folder.id", index=True)
    uid: int | None = Field(default=None, sa_column=Column(BigInteger))
    uidvalidity: int | None = Field(default=None, sa_column=Column(BigInteger))
    message_id: str | None = Field(default=None, index=True)
    identity: str = Field(index=True)
    sha256: str
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int = 0
    internaldate: datetime | None = _ts()
    date: datetime | None = _ts()
    subject: str = ""
    from_name: str | None = None
    from_address: str | None = Field(default=None, index=True)
    reply_to: list[dict[str, str | None]] = Field(default_factory=list, sa_column=Column(JSON))
    to_addrs: list[dict[str, str | None]] = Field(default_factory=list, sa_column=Column(JSON))
    cc_addrs: list[dict[str, str | None]] = Field(default_factory=list, sa_column=Column(JSON))
    via: dict[str, str | None] | None = Field(default=None, sa_column=Column(JSON))
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    auto_submitted: bool = False
    imap_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(default="new", index=True)
    archived: bool = False
    accepted: bool = False
    parse_warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    suggested: str = "accept"
    flag_codes: str = Field(default="", index=True)
    checker_version: int = 0
    context_key: str = ""
    created_at: datetime | None = _ts()


class FlagHitRow(SQLModel, table=True):
    """A stored checker hit (RF1-RF4, RF7) with its evidence list; ``corrected`` is None, "dismissed" or
    "added" (a user's correction, which survives re-checks)."""

    __tablename__ = "flag_hit"

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", index=True)
    code: str
    slug: str
    rule: str
    points: float = 0.0
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    description: str = ""


class Correction(SQLModel, table=True):
    """A user's correction of a flag on a request, keyed by message identity: ``action`` dismiss | add."""

    __table_args__ = (UniqueConstraint("identity", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    identity: str = Field(index=True)
    code: str
    action: str
    created_at: datetime | None = _ts()


class Contact(SQLModel, table=True):
    """A contact stored from the TUI (``x`` notes a negative experience). Config contacts are not copied
    here; both apply and the worse experience wins. ``address`` is lower-case."""

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(index=True, unique=True)
    name: str | None = None
    experience: str = "negative"
    note: str | None = None
    created_at: datetime | None = _ts()


class KnownAddress(SQLModel, table=True):
    """An address the user wrote to: To/Cc of a message in the Sent folder (RF3 "do I know them")."""

    __tablename__ = "known_address"

    address: str = Field(primary_key=True)
    name: str | None = None
    count: int = 0
    first_seen: datetime | None = _ts()
    last_seen: datetime | None = _ts()


class SentMessage(SQLModel, table=True):
    """The Message-ID of a message in the Sent folder: a request that replies to one (In-Reply-To or References)
    comes from someone the user already wrote to (README "Red flags": "Known")."""

    __tablename__ = "sent_message"

    message_id: str = Field(primary_key=True)


class Reply(SQLModel, table=True):
    """A reply in the outbox.

    ``state``: draft | queued | sending | sent | failed | unknown (README "Replies and the outbox").
    ``message_id`` is made when the reply is created, so a retry can be recognised and nothing is sent
    twice. ``raw`` is the exact MIME bytes sent (set when queued). ``error`` holds the server's words.
    ``appended`` / ``answered`` record the after-send steps (APPEND to Sent, \\Answered on the original).
    """

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int | None = Field(default=None, foreign_key="message.id", index=True)
    request_identity: str = Field(index=True)
    scenario: str = "scenario2"
    to_addrs: list[dict[str, str | None]] = Field(default_factory=list, sa_column=Column(JSON))
    subject: str = ""
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message_id: str = Field(index=True)
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    state: str = Field(default="draft", index=True)
    error: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = _ts()
    appended: bool = False
    answered: bool = False
    created_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
    sent_at: datetime | None = _ts()


class Decision(SQLModel, table=True):
    """What the user decided on a request: ``kind`` scenario1 | scenario2 | accept; ``source`` reply | mark.

    RF5/RF6 count ``accept`` decisions in rolling 30/7-day windows.
    """

    id: int | None = Field(default=None, primary_key=True)
    request_identity: str = Field(index=True)
    kind: str
    source: str = "reply"
    decided_at: datetime | None = _ts()


class Introduction(SQLModel, table=True):
    """A Scenario 1 introduction, asked for consent first (README "Keys"; the article: introduce people only
    after the third person agreed).

    ``state``: asked (consent request queued/sent to the referral) | agreed | declined | introduced (the
    introduction mail to both was queued). ``consent_reply_id`` / ``intro_reply_id`` are the outbox ``Reply``
    rows of the consent request and of the introduction. ``topic`` is the short topic description the consent
    request names (RF7 evidence terms); it never holds the requester's contact details. ``reply_seen`` is set
    when a mail from the referral answering the consent request was synced (``reply_identity`` is that
    message's identity); the state stays ``asked`` until the user marks it.
    """

    id: int | None = Field(default=None, primary_key=True)
    request_identity: str = Field(index=True)
    referral_name: str
    referral_address: str
    topic: str = ""
    state: str = Field(default="asked", index=True)
    consent_reply_id: int | None = Field(default=None, foreign_key="reply.id")
    intro_reply_id: int | None = Field(default=None, foreign_key="reply.id")
    reply_seen: bool = False
    reply_identity: str | None = None
    created_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
