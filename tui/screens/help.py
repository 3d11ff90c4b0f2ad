"""The ``?`` help screen: every key with its description, in aligned columns grouped by screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

#: How Textual's key names read to a user.
_KEY_NAMES = {"question_mark": "?", "slash": "/", "pagedown": "PgDn", "pageup": "PgUp", "space": "Space",
              "escape": "Esc", "enter": "Enter", "tab": "Tab", "up": "↑", "down": "↓", "home": "Home",
              "end": "End"}


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    out = []
    for b in items:
        out.append(b if isinstance(b, Binding) else Binding(*b))
    return out


def key_label(b: Binding) -> str:
    """The keys of ``b`` as a user reads them: "j / ↓", "?", "ctrl+s" (``key_display`` wins)."""
    if b.key_display:
        return b.key_display
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in b.key.split(","))


def help_rows(sections: Sequence[tuple[str, Iterable[BindingType]]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per section title: (keys, description) rows, the tooltip when there is one; a key listed twice in a
    section (a binding repeated for the footer) is shown once."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for title, items in sections:
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for b in _bindings(items):
            key = key_label(b)
            if key in seen:
                continue
            seen.add(key)
            rows.append((key, b.tooltip or b.description))
        out.append((title, rows))
    return out


def help_text(sections: Sequence[tuple[str, Iterable[BindingType]]], title_style: Style | None = None) -> Table:
    """A two-column table (key, description) with one bold heading row per section; long descriptions
    wrap inside their own column."""
    table = Table.grid(padding=(0, 2))
    table.add_column("key", no_wrap=True, min_width=12)
    table.add_column("description", ratio=1, overflow="fold")
    for i, (title, rows) in enumerate(help_rows(sections)):
        if i:
            table.add_row("", "")
        table.add_row(Text(title, style=title_style or ""), "")
        for key, desc in rows:
            table.add_row(Text("  " + key), Text(desc))
    return table


class HelpScreen(ModalScreen[None]):
    """Shows ``help_text(sections)``; Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close help", id="help.close", priority=True)]
    COMPONENT_CLASSES = {"help--section"}

    def __init__(self, sections: Sequence[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical(id="help-box", classes="dialog"):
            yield Static(Text("Gracebox keys (Escape closes)"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Text(""), id="help-text")

    def on_mount(self) -> None:
        """Set up once mounted."""
        style = self.get_component_rich_style("help--section")
        self.query_one("#help-text", Static).update(help_text(self.sections, style))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
