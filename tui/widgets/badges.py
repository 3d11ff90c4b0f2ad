"""Red-flag badges: ``RF1``..``RF7`` as coloured cells. Colours come from gracebox.tcss component classes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

#: Flag codes in badge order (the article's red flags 1-7).
CODES = ("RF1", "RF2", "RF3", "RF4", "RF5", "RF6", "RF7")


def component_class(code: str) -> str:
    """The component class naming ``code``'s badge style, e.g. "badge--rf3"."""
    return f"badge--{code.lower()}"


def badge_text(codes: Sequence[str], style_for: Callable[[str], Style], *, width: int | None = None) -> Text:
    """Badges for ``codes`` joined by a space, e.g. "RF1 RF3"; with ``width`` (cells) as many as fit,
    then "+n" for the rest, padded to ``width``."""
    out = Text()
    for i, code in enumerate(codes):
        rest = len(codes) - i
        need = len(code) + (1 if i else 0)
        if width is not None and out.cell_len + need + (3 if rest > 1 else 0) > width:
            more = f"+{rest}"
            if out.cell_len + len(more) + (1 if i else 0) <= width:
                out.append((" " if i else "") + more)
            break
        if i:
            out.append(" ")
        out.append(code, style=style_for(component_class(code)))
    if width is not None:
        out.truncate(width, pad=True)
    return out
