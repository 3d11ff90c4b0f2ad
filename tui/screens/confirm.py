"""The send confirmation: names the recipient(s); Enter = Send, Escape = back to editing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from mailsync.types import Address

from ..safe import safe_text


def recipients_text(recipients: list[Address] | tuple[Address, ...]) -> Text:
    """"Name <addr>, ..." as safe plain Text."""
    parts = []
    for a in recipients:
        if a.name and a.address:
            parts.append(safe_text(f"{a.name} <{a.address}>", single_line=True))
        else:
            parts.append(safe_text(a.address or a.name or "(unknown)", single_line=True))
    return Text(", ").join(parts)


class ConfirmSend(ModalScreen[bool]):
    """Ask before sending: dismisses with True (send) or False (back to editing)."""

    BINDINGS = [
        Binding("enter", "send", "Send", id="confirm.send", priority=True),
        Binding("escape", "back", "Back to editing", id="confirm.back", priority=True),
    ]

    def __init__(self, recipients: list[Address] | tuple[Address, ...], subject: str) -> None:
        super().__init__()
        self.recipients = tuple(recipients)
        self.subject = subject

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        body = Text("Send this reply to ")
        body.append_text(recipients_text(self.recipients))
        body.append("?\nSubject: ")
        body.append_text(safe_text(self.subject, single_line=True))
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(body, id="confirm-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send (Enter)", variant="primary", id="confirm-send")
                yield Button("Back (Escape)", id="confirm-back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send or go back, by the button pressed."""
        self.dismiss(event.button.id == "confirm-send")

    def action_send(self) -> None:
        """Enter: send, unless the focus is on the Back button (then Enter means Back)."""
        focused = self.focused
        self.dismiss(not (isinstance(focused, Button) and focused.id == "confirm-back"))

    def action_back(self) -> None:
        """Escape: back to editing, nothing sent."""
        self.dismiss(False)
