"""Make text from mail safe to show in a terminal.

Every string that came in a message (subject, names, addresses, body, evidence quotes) is untrusted: it may
carry terminal escape sequences (ESC/CSI/OSC, which could recolour the screen, set the window title or forge
a hyperlink), other control characters, bidirectional overrides that reorder what is shown (the "Trojan
Source" trick, CVE-2021-42574), or invisible characters that hide or fake text. ``display_safe`` replaces each
such character with a visible, inert placeholder, so the reader sees that it was there and nothing takes
effect. The TUI shows the result as a plain ``Text`` (never as markup), so "[bold]" stays literal text.

No Textual import here; ``rich`` (a Textual dependency) is used only for terminal cell widths.
"""

from __future__ import annotations

import re

#: Placeholder for a lone surrogate (undecodable bytes that slipped through).
REPLACEMENT = "\ufffd"

_C0_PICTURES = {c: chr(0x2400 + c) for c in range(0x20)}  # U+2400.. "Control Pictures": ␀ .. ␟ (␛ for ESC)
_C0_PICTURES[0x7F] = "\u2421"  # ␡

#: Invisible or format characters (Unicode general category Cf, plus look-alike blanks) shown as <U+XXXX>:
#: soft hyphen, Arabic/Syriac format marks, Mongolian vowel separator, zero-width space/non-joiner/joiner,
#: LRM/RLM (U+200B-200F), bidi embeddings and overrides (U+202A-202E), word joiner and invisible operators
#: (U+2060-2064), bidi isolates (U+2066-2069) and deprecated format chars (U+206A-206F), BOM/ZWNBSP
#: (U+FEFF), interlinear annotations (U+FFF9-FFFB), combining grapheme joiner (U+034F), Hangul fillers that
#: render as blanks (U+115F, U+1160, U+3164, U+FFA0), and Unicode "tag" characters (U+E0000-E007F) that
#: can smuggle hidden text.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u06dd\u070f\u115f\u1160\u180e\u3164\ufeff\uffa0"
    "\u0600-\u0605\u0890\u0891\u08e2\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + _INVISIBLE + "]"
)
_ZWJ = "\u200d"
_RUN = re.compile(r"(<U\+[0-9A-F]{4,6}>)\1{2,}")


def _pictographic(ch: str) -> bool:
    """True for emoji-like code points that take part in ZWJ sequences (approximation of Extended_Pictographic,
    plus the skin-tone modifiers and VS16 that may precede a joiner)."""
    o = ord(ch)
    return (
        0x1F000 <= o <= 0x1FAFF
        or 0x2600 <= o <= 0x27BF
        or 0x2B00 <= o <= 0x2BFF
        or o in (0xFE0F, 0x2640, 0x2642, 0x2695, 0x2696, 0x2708, 0x2764, 0x00A9, 0x00AE)
    )


def _placeholder(ch: str) -> str:
    o = ord(ch)
    if o in _C0_PICTURES:
        return _C0_PICTURES[o]
    if 0xD800 <= o <= 0xDFFF:
        return REPLACEMENT
    return f"<U+{o:04X}>"


def display_safe(s: str, *, single_line: bool = False) -> str:
    """Return ``s`` with every character that could act on a terminal or hide text made visible and inert.

    * C0 controls become Control Pictures (ESC -> "␛", so "\\x1b[31m" shows as "␛[31m"; CR -> "␍"); DEL -> "␡";
      C1 controls (U+0080-009F, including the 8-bit CSI U+009B) -> "<U+009B>".
    * Bidi overrides/embeddings/isolates (U+202A-202E, U+2066-2069), zero-width characters (U+200B-200F,
      U+2060, U+FEFF) and other invisible format characters -> "<U+202E>" etc.; three or more of the same in a
      row collapse to "<U+200B>×N". A zero-width joiner between two emoji is kept (it only forms the emoji).
    * Lone surrogates -> U+FFFD.
    * Multi-line (default): "\\r\\n" -> "\\n"; "\\n" kept; tabs -> spaces (8-column stops); U+2028/2029 -> "\\n".
      ``single_line=True``: every line break and tab becomes one space.

    Markup is not interpreted here or anywhere: "[bold]" comes back unchanged. Never raises; ``str`` in,
    ``str`` out.
    """
    if not s:
        return ""
    s = s.replace("\r\n", "\n")
    if _UNSAFE.search(s) is not None:
        s = _replace(s)
    if single_line:
        s = s.replace("\n", " ").replace("\t", " ")
    elif "\t" in s:
        s = "\n".join(line.expandtabs(8) for line in s.split("\n"))
    return s


def _replace(s: str) -> str:
    out: list[str] = []
    last = 0
    for m in _UNSAFE.finditer(s):
        i = m.start()
        ch = s[i]
        out.append(s[last:i])
        last = i + 1
        if ch in "\u2028\u2029":
            out.append("\n")
        elif ch == _ZWJ and 0 < i < len(s) - 1 and _pictographic(s[i - 1]) and _pictographic(s[i + 1]):
            out.append(ch)
        else:
            out.append(_placeholder(ch))
    out.append(s[last:])
    text = "".join(out)
    if "<U+" in text:
        text = _RUN.sub(lambda m: f"{m.group(1)}×{len(m.group(0)) // len(m.group(1))}", text)
    return text


_ADDR_IN_NAME = re.compile(r"""[^\s@<>()\[\],;:"'`]+@[^\s@<>()\[\],;:"'`]+\.[^\s@<>()\[\],;:"'`.]+""")


def looks_like_other_address(display_name: str | None, address: str | None) -> bool:
    """True when ``display_name`` contains an e-mail address that is not ``address`` (case-insensitive).

    ``From: paypal@example.com <crook@evil.example>`` shows a trusted-looking address that is not the real
    sender; the TUI marks such names. A name that repeats the real address (``bob@x.org <bob@x.org>``) or has
    no address in it is fine. With ``address`` None, any address in the name counts as "other".
    """
    if not display_name or "@" not in display_name:
        return False
    real = (address or "").strip().strip("<>").casefold()
    for m in _ADDR_IN_NAME.finditer(display_name):
        found = m.group(0).strip(".").casefold()
        if found != real:
            return True
    return False


def truncate_cells(s: str, width: int, *, ellipsis: str = "…") -> str:
    """Return ``s`` cut to at most ``width`` terminal cells, ending in ``ellipsis`` (1 cell) when cut.

    Cells are counted as the terminal shows them (East Asian wide characters and emoji take 2 cells,
    combining marks 0), using ``rich.cells``; a grapheme (e.g. an emoji ZWJ sequence, or e + combining
    accent) is never split. ``width <= 0`` gives "". Apply ``display_safe`` first: control characters count
    0 cells here.
    """
    if width <= 0 or not s:
        return ""
    from rich.cells import cell_len

    if cell_len(s) <= width:
        return s
    room = width - cell_len(ellipsis)
    if room < 0:
        return ellipsis[:width]
    used = 0
    end = 0
    for start, stop, cells in _graphemes(s):
        if used + cells > room:
            break
        used += cells
        end = stop
        del start
    return s[:end] + ellipsis


def _graphemes(s: str) -> list[tuple[int, int, int]]:
    """(start, end, cells) spans of graphemes; ``rich.cells.split_graphemes`` when present (rich >= 14),
    else one span per code point."""
    try:
        from rich.cells import split_graphemes
    except ImportError:  # older rich: per code point, combining marks (0 cells) stay with their base
        from rich.cells import get_character_cell_size

        return [(i, i + 1, get_character_cell_size(c)) for i, c in enumerate(s)]
    spans, _total = split_graphemes(s)
    return [(a, b, c) for a, b, c in spans]
