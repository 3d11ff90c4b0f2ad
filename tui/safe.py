"""Untrusted mail text -> inert ``rich.text.Text`` for the screen.

Every string that came from a mail (names, addresses, subjects, bodies, evidence) passes through
``mailsync.safe_text.display_safe`` (controls, ESC, bidi overrides and zero-width characters made visible
and inert) and is then wrapped in a ``Text`` object, never parsed as markup: a subject reading
``[bold]`` or ``[@click=app.quit]`` shows literally.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

try:  # the parse engineer's module; a local fallback keeps the TUI safe should it be missing
    from mailsync.safe_text import display_safe as _display_safe
    from mailsync.safe_text import looks_like_other_address as _looks_like_other
    from mailsync.safe_text import truncate_cells as _truncate_cells
except ImportError:  # pragma: no cover - exercised only without mailsync.safe_text
    _display_safe = None
    _truncate_cells = None
    _looks_like_other = None

_INVISIBLE = {
    0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C,
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
}


def _fallback(s: str, *, single_line: bool = False) -> str:
    """Make controls, bidi and zero-width characters visible as ``<U+XXXX>`` (newline/tab kept unless
    ``single_line``, where they become spaces)."""
    out: list[str] = []
    for ch in s:
        cp = ord(ch)
        if ch in "\n\t":
            out.append(" " if single_line else ch)
        elif ch == "\r":
            out.append(" " if single_line else "")
        elif cp in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            out.append(f"<U+{cp:04X}>")
        else:
            out.append(ch)
    return "".join(out)


def display_safe(s: str | None, *, single_line: bool = False) -> str:
    """Return ``s`` with every control/bidi/zero-width character made visible and inert ("" for None).

    Delegates to ``mailsync.safe_text.display_safe`` when it exists.
    """
    if not s:
        return ""
    if _display_safe is not None:
        return _display_safe(s, single_line=single_line)
    return _fallback(s, single_line=single_line)


def safe_text(s: str | None, *, single_line: bool = False, style: str = "") -> Text:
    """Return untrusted ``s`` as a plain ``Text`` (no markup, no emoji codes), made safe by ``display_safe``."""
    return Text(display_safe(s, single_line=single_line), style=style, no_wrap=single_line)


def one_line(s: str | None, width: int) -> Text:
    """Untrusted ``s`` on one line, cut to ``width`` terminal cells (wide characters count 2, graphemes are
    never split) ending in "…" when cut, and padded to exactly ``width`` cells."""
    text = display_safe(s, single_line=True)
    if _truncate_cells is not None:
        text = _truncate_cells(text, max(width, 0))
    t = Text(text, no_wrap=True)
    t.truncate(max(width, 0), overflow="ellipsis", pad=True)
    return t


def name_hides_address(name: str | None, address: str | None) -> bool:
    """True when the display ``name`` shows an e-mail address other than the real ``address``
    (``mailsync.safe_text.looks_like_other_address``)."""
    if _looks_like_other is None:
        return False
    return bool(_looks_like_other(name, address))
