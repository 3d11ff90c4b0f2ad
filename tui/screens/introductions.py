"""Introductions with consent in the TUI (README "Keys": ctrl+r, i, I): pick a referral, confirm the consent request,
confirm the introduction. Modal screens and the messages the workers post; no SQL or network here."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from mailsync.types import Referral

from ..safe import safe_text


@dataclass
class SuggestionsLoaded(Message):
    """Worker result: the RF7 ``topic``, matching ``referrals`` and earlier asks (address -> state), or
    ``error`` (one line)."""

    topic: str
    referrals: list[Referral]
    asked: dict[str, str]
    error: str | None = None


@dataclass
class IntroSent(Message):
    """Worker result of a consent request or an introduction: ``what`` ("consent" | "introduction"),
    the reply's ``state`` (sent, queued, failed, ...) and ``detail`` (one line)."""

    what: str
    state: str
    detail: str | None = None


@dataclass
class IntroMarked(Message):
    """Worker result: introduction ``intro_id`` of request ``message_pk`` is now ``state`` (agreed |
    declined); ``requester`` / ``referral`` are "Name <address>" for the confirmation; ``note`` one line."""

    message_pk: int
    intro_id: int
    state: str
    requester: str
    referral: str
    note: str


def consent_question(r: Referral) -> Text:
    """ "Ask <name> (<address>) whether they're open to an introduction? ..." as safe plain Text."""
    t = Text("Ask ")
    t.append_text(safe_text(f"{r.name} ({r.address})", single_line=True))
    t.append(" whether they're open to an introduction? The requester's details are not shared yet.")
    return t


class ReferralPicker(ModalScreen[Referral | None]):
    """Choose a referral to ask (Enter), or Escape; dismisses with the Referral or None."""

    BINDINGS = [Binding("escape", "back", "Back", id="referrals.back", priority=True)]

    def __init__(self, topic: str, referrals: list[Referral], asked: dict[str, str]) -> None:
        super().__init__()
        self.topic = topic
        self.referrals = list(referrals)
        self.asked = dict(asked)

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        head = Text("Who could help with ")
        head.append_text(safe_text(self.topic or "this topic", single_line=True))
        head.append("? Choosing asks them first; nobody is introduced yet.")
        options = []
        for i, r in enumerate(self.referrals):
            label = safe_text(f"{r.name} <{r.address}> · {', '.join(r.topics)}", single_line=True)
            state = self.asked.get(r.address.lower())
            if state:
                label.append(f"  (already {state})")
            options.append(Option(label, id=str(i)))
        with Vertical(id="referrals-box", classes="dialog"):
            yield Static(head, id="referrals-text")
            yield OptionList(*options, id="referrals-list")

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a referral: choose it."""
        self.dismiss(self.referrals[int(event.option.id or 0)])

    def action_back(self) -> None:
        """Escape: nothing chosen."""
        self.dismiss(None)


class ConfirmText(ModalScreen[bool]):
    """A yes/no question (plain Text): Enter = yes (unless Back has the focus), Escape = no."""

    BINDINGS = [
        Binding("enter", "yes", "Send", id="confirm-intro.yes", priority=True),
        Binding("escape", "no", "Back", id="confirm-intro.no", priority=True),
    ]

    def __init__(self, question: Text, yes: str = "Send (Enter)") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(id="confirm-intro-box", classes="dialog"):
            yield Static(self.question, id="confirm-intro-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="primary", id="confirm-intro-yes")
                yield Button("Back (Escape)", id="confirm-intro-no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Yes or no, by the button pressed."""
        self.dismiss(event.button.id == "confirm-intro-yes")

    def action_yes(self) -> None:
        """Enter: yes, unless the focus is on the Back button."""
        focused = self.focused
        self.dismiss(not (isinstance(focused, Button) and focused.id == "confirm-intro-no"))

    def action_no(self) -> None:
        """Escape: no."""
        self.dismiss(False)
