"""The header bar: app name (and DEMO), and the RF5/RF6 meter (``service.inbox.meter_text``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class TopBar(Horizontal):
    """The header: "Gracebox · <identity>" on the left, the capacity meter on the right."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield Static(Text(self._title), id="topbar-title")
        yield Static(Text(""), id="meter")

    def set_meter(self, text: str) -> None:
        """Show the meter line, e.g. "accepted 3 of 4 this month · 1 of 2 this week"."""
        self.query_one("#meter", Static).update(Text(text))
