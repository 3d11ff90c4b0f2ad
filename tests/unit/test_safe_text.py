"""display_safe / looks_like_other_address / truncate_cells: hostile strings from mail made inert and visible."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from mailsync.mail.safe_text import display_safe, looks_like_other_address, truncate_cells


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mURGENT\x1b[0m", "␛[31mURGENT␛[0m"),  # CSI colour
        ("\x1b]0;pwned\x07title", "␛]0;pwned␇title"),  # OSC window title, BEL terminated
        ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "␛]8;;https://evil.example␛\\click␛]8;;␛\\"),
        ("\x9b2J clear", "<U+009B>2J clear"),  # 8-bit CSI (C1)
        ("bell\x07 nul\x00 bs\x08 del\x7f", "bell␇ nul␀ bs␈ del␡"),
        ("over\rwrite", "over␍write"),
        ("invoice_\u202egpj.exe", "invoice_<U+202E>gpj.exe"),  # right-to-left override
        ("a\u2066b\u2069c", "a<U+2066>b<U+2069>c"),  # bidi isolates
        ("pay\u200bpal", "pay<U+200B>pal"),  # zero-width space
        ("\ufeffBOM", "<U+FEFF>BOM"),
        ("x\u2060y\u200ez\u200f", "x<U+2060>y<U+200E>z<U+200F>"),
        ("tag\U000e0041\U000e0042", "tag<U+E0041><U+E0042>"),  # invisible "tag" characters
        ("lone \ud83d surrogate", "lone \ufffd surrogate"),
        ("plain text stays", "plain text stays"),
        ("", ""),
    ],
)
def test_controls_and_invisibles_become_visible_placeholders(raw: str, shown: str) -> None:
    assert display_safe(raw) == shown


def test_no_escape_or_control_survives() -> None:
    hostile = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    out = display_safe(hostile)
    bad = [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
           or 0x2066 <= ord(c) <= 0x2069]
    assert bad == []
    assert "\t" not in out  # tabs became spaces


def test_multi_line_keeps_newlines_and_expands_tabs() -> None:
    assert display_safe("Hi\r\n\tAlex,\nname:\tSam") == "Hi\n        Alex,\nname:   Sam"
    assert display_safe("para one\u2029para two") == "para one\npara two"


def test_single_line_folds_newlines_and_tabs() -> None:
    assert display_safe("Re: hello\r\n\tworld\nagain", single_line=True) == "Re: hello  world again"
    assert "\n" not in display_safe("a\u2028b\nc", single_line=True)


def test_runs_of_invisibles_collapse_with_a_count() -> None:
    assert display_safe("pre\u200c\u200c\u200c\u200c\u200cheader") == "pre<U+200C>×5header"
    assert display_safe("a\u200b\u200bb") == "a<U+200B><U+200B>b"


def test_zero_width_joiner_between_emoji_is_kept_elsewhere_shown() -> None:
    family = "👨\u200d👩\u200d👧"
    assert display_safe(family) == family
    assert display_safe("ad\u200dmin") == "ad<U+200D>min"


def test_markup_like_text_stays_literal() -> None:
    s = "[bold red]Pay now[/bold red] [link=https://evil.example]here[/link] :warning:"
    assert display_safe(s) == s
    assert Text(display_safe(s)).plain == s  # shown as a plain Text, the brackets are characters


def test_non_latin_text_is_untouched() -> None:
    s = "日本語のテキスト، مرحبا, Привет, 안녕하세요 👋🏽"
    assert display_safe(s) == s


@pytest.mark.parametrize(
    ("name", "address", "expected"),
    [
        ("alice@example.com", "bob@example.com", True),
        ("PayPal Support (service@paypal.example)", "crook@evil.example", True),
        ('"bob@example.com"', "bob@example.com", False),
        ("Bob <BOB@Example.com>", "bob@example.com", False),
        ("Sam Lee", "sam@example.org", False),
        ("bob@example.com", "bob@example.com.evil.example", True),
        ("alice@example.com", None, True),
        (None, "bob@example.com", False),
        ("", "bob@example.com", False),
        ("Team @ Example", "team@example.com", False),
    ],
)
def test_looks_like_other_address(name: str | None, address: str | None, expected: bool) -> None:
    assert looks_like_other_address(name, address) is expected


@pytest.mark.parametrize(
    ("s", "width", "expected"),
    [
        ("Quick question", 20, "Quick question"),
        ("Quick question", 14, "Quick question"),
        ("Quick question", 10, "Quick que…"),
        ("日本語テキスト", 7, "日本語…"),  # 2 cells each: 6 + ellipsis
        ("日本語テキスト", 8, "日本語…"),  # the 4th would need 2 more cells
        ("e\u0301te\u0301", 3, "e\u0301te\u0301"),  # combining accents take no cell
        ("e\u0301te\u0301 long", 3, "e\u0301t…"),
        ("abc", 1, "…"),
        ("abc", 0, ""),
        ("", 5, ""),
    ],
)
def test_truncate_cells(s: str, width: int, expected: str) -> None:
    out = truncate_cells(s, width)
    assert out == expected
    assert cell_len(out) <= max(width, 0)


def test_truncate_never_splits_an_emoji_sequence() -> None:
    family = "👨\u200d👩\u200d👧"
    out = truncate_cells(family + " and friends", 4)
    assert out == family + " …"
    assert cell_len(out) == 4
