"""Messages the screens post up to the App (a key was pressed: do this). The App answers them by starting a
job (``jobs.JobRunner``) or opening a dialog; screens never reach into the App."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from mailsync.service.inbox import IntroView
from mailsync.types import Address, FlagHit, Referral


@dataclass
class OpenReply(Message):
    """Open the reply editor on request ``message_pk`` (``scenario`` None: the suggested one)."""

    message_pk: int
    scenario: str | None = None


@dataclass
class ToggleArchive(Message):
    """Archive request ``message_pk`` (again: move it back)."""

    message_pk: int


@dataclass
class NoteSender(Message):
    """Ask for a note on the sender of ``message_pk``, then store it as a bad experience (RF4)."""

    message_pk: int
    name: str | None
    address: str


@dataclass
class CorrectFlags(Message):
    """Open the corrections dialog for ``message_pk``: ``flagged`` codes shown, the user's ``corrections``."""

    message_pk: int
    subject: str
    flagged: set[str]
    corrections: dict[str, str] = field(default_factory=dict)


@dataclass
class ToggleAccept(Message):
    """Toggle the "accepted: I'll take this one" mark on ``message_pk``."""

    message_pk: int


@dataclass
class IntroAgreed(Message):
    """The referral of ``intro`` agreed: mark it, then confirm sending the introduction."""

    message_pk: int
    name: str | None
    address: str | None
    intro: IntroView


@dataclass
class IntroDeclined(Message):
    """The referral of introduction ``intro_id`` declined: mark it; nothing is sent."""

    message_pk: int
    intro_id: int


@dataclass
class PrepareReply(Message):
    """Load the draft or render the template for the reply editor of ``message_pk``."""

    message_pk: int
    scenario: str | None


@dataclass
class RerenderReply(Message):
    """Render ``scenario``'s template for the open reply editor, with ``hits``."""

    message_pk: int
    scenario: str
    hits: list[FlagHit]


@dataclass
class SaveDraft(Message):
    """Save the reply editor's text as the request's draft."""

    message_pk: int
    scenario: str
    body: str


@dataclass
class SendReply(Message):
    """Queue the reply and send it now (to ``to``; None: the reply's recipients)."""

    message_pk: int
    scenario: str
    body: str
    to: list[Address] | None


@dataclass
class FindReferrals(Message):
    """Look up the referrals for the RF7 request ``message_pk`` (answered with SuggestionsLoaded)."""

    message_pk: int


@dataclass
class AskConsent(Message):
    """Send ``referral`` the consent request for ``message_pk`` (answered with IntroSent)."""

    message_pk: int
    referral: Referral
