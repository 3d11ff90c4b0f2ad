"""Untrusted mail text -> inert ``rich.text.Text`` for the screen.

Every string that came from a mail (names, addresses, subjects, bodies, evidence) passes through
``mailsync.safe_text.display_safe`` (controls, ESC, bidi overrides and zero-width characters made visible
and inert) and is then wrapped in a ``Text`` object, never parsed as markup: a subject reading
``[bold]`` or ``[@click=app.quit]`` shows literally.
"""

from __future__ import annotations

from rich.text import Text

from mailsync.service.handles import display_safe as _display_safe
from mailsync.service.handles import looks_like_other_address, truncate_cells


def display_safe(s: str | None, *, single_line: bool = False) -> str:
    """Return ``s`` with every control/bidi/zero-width character made visible and inert ("" for None);
    ``single_line`` turns line breaks and tabs into spaces (``mailsync.safe_text.display_safe``)."""
    if not s:
        return ""
    return _display_safe(s, single_line=single_line)


def safe_text(s: str | None, *, single_line: bool = False, style: str = "") -> Text:
    """Return untrusted ``s`` as a plain ``Text`` (no markup, no emoji codes), made safe by ``display_safe``."""
    return Text(display_safe(s, single_line=single_line), style=style, no_wrap=single_line)


def one_line(s: str | None, width: int) -> Text:
    """Untrusted ``s`` on one line, cut to ``width`` terminal cells (wide characters count 2, graphemes are
    never split) ending in "…" when cut, and padded to exactly ``width`` cells."""
    width = max(width, 0)
    t = Text(truncate_cells(display_safe(s, single_line=True), width), no_wrap=True)
    t.truncate(width, overflow="ellipsis", pad=True)
    return t


def name_hides_address(name: str | None, address: str | None) -> bool:
    """True when the display ``name`` shows an e-mail address other than the real ``address``
    (``mailsync.safe_text.looks_like_other_address``), e.g. "boss@corp.example <crook@evil.example>"."""
    return looks_like_other_address(name, address)
