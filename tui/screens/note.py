"""The ``x`` dialog: note a negative experience with a sender (stored as a negative contact, RF4)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..safe import safe_text


class NoteDialog(ModalScreen[str | None]):
    """Asks for a note; dismisses with the note text ("" allowed) on Enter, None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True)]

    def __init__(self, sender: str) -> None:
        super().__init__()
        self.sender = sender

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        head = Text("Note a negative experience with ")
        head.append_text(safe_text(self.sender, single_line=True))
        head.append("\nIt is stored as a contact (RF4 bad history) and their requests are re-checked.")
        with Vertical(id="note-box", classes="dialog"):
            yield Static(head, id="note-text")
            yield Input(placeholder="what happened (Enter saves, Escape cancels)", id="note-input")

    def on_mount(self) -> None:
        """Set up once mounted."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box: back to the list with the first match highlighted."""
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Escape: close without storing anything."""
        self.dismiss(None)
