"""The ``c`` dialog: correct the red flags of one request (README "Keys": c).

Lists RF1..RF7 with the state of each on the request: flagged, not flagged, dismissed by you, added by you.
Enter on a line dismisses with (code, action): "dismiss" a flag that is there, "add" one that is not, or
None to clear your correction. The App stores it in a worker and re-checks the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mailsync.types import FLAG_SLUGS

from ..safe import safe_text

#: The flags the dialog lists, in order.
CODES = tuple(f"RF{i}" for i in range(1, 8))


def flag_state(code: str, flagged: set[str], corrections: dict[str, str]) -> str:
    """The state of ``code`` on a request: "dismissed by you", "added by you", "flagged" or "not flagged"."""
    action = corrections.get(code)
    if action == "dismiss":
        return "dismissed by you"
    if action == "add":
        return "added by you"
    return "flagged" if code in flagged else "not flagged"


def toggled(code: str, flagged: set[str], corrections: dict[str, str]) -> str | None:
    """The correction that toggling ``code`` stores: None clears yours, else "dismiss" or "add"."""
    if code in corrections:
        return None
    return "dismiss" if code in flagged else "add"


_VERB = {"dismissed by you": "undo", "added by you": "undo", "flagged": "dismiss", "not flagged": "add"}


class CorrectionsDialog(ModalScreen[tuple[str, str | None] | None]):
    """RF1..RF7 with their state on one request; Enter toggles the highlighted one (dismisses with
    (code, action)), Escape closes without a change (None)."""

    BINDINGS = [Binding("escape", "cancel", "Close without a change", id="corrections.cancel", priority=True)]

    def __init__(self, subject: str, flagged: Iterable[str], corrections: dict[str, str]) -> None:
        super().__init__()
        self.subject = subject
        self.flagged = set(flagged)
        self.corrections = dict(corrections)

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        head = Text("Correct the red flags of ")
        head.append_text(safe_text(self.subject or "(no subject)", single_line=True))
        head.append("\nEnter toggles the highlighted flag; Escape closes.")
        options = []
        for code in CODES:
            state = flag_state(code, self.flagged, self.corrections)
            label = f"{code} {FLAG_SLUGS[code]:<14} {state:<17} (Enter: {_VERB[state]})"
            options.append(Option(label, id=code))
        with Vertical(id="corrections-box", classes="dialog"):
            yield Static(head, id="corrections-text")
            yield OptionList(*options, id="corrections-list")

    def on_mount(self) -> None:
        """Set up once mounted."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a flag: close with the correction toggling it stores."""
        event.stop()
        code = event.option.id or ""
        self.dismiss((code, toggled(code, self.flagged, self.corrections)))

    def action_cancel(self) -> None:
        """Escape: close without a change."""
        self.dismiss(None)
