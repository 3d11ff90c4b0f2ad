"""The ``?`` help screen: every key with its binding id and description."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    out = []
    for b in items:
        out.append(b if isinstance(b, Binding) else Binding(*b))
    return out


def help_text(sections: Sequence[tuple[str, Iterable[BindingType]]], title_style: Style | None = None) -> Text:
    """A table of keys per section: key, description (the tooltip when there is one), binding id."""
    out = Text()
    for title, items in sections:
        if out:
            out.append("\n")
        out.append(title + "\n", style=title_style or "")
        for b in _bindings(items):
            key = b.key_display or b.key.replace("question_mark", "?")
            desc = b.tooltip or b.description
            out.append(f"  {key:<18}{desc:<46}{b.id or ''}\n")
    return out


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
