"""The sender's own words, cut into sentences: the unit every judgment is made on.

``author_text(body) -> str`` drops what the sender did not write for this mail (quoted lines, "On ... wrote:"
headers, forwarded or original messages, the signature after ``-- ``); ``split(subject, body) -> list[Sentence]``
cuts the rest into sentences, the subject first. Both are pure and total (never raise). The rule that quoted
asks never count is the corpus labelling rule for RF3 (README "Red flags"; ARCHITECTURE.md "Checker").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TRANS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
        "\u2013": "-", "\u2014": " - ", "\u2011": "-", "\u2010": "-",
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
        "\t": " ",
    }
)
_HTMLISH = re.compile(r"<(?:html|body|div|p|br|table|td|span|a)\b[^>]*>", re.I)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|tr|li|h[1-6]|table|blockquote|section|article|ul|ol)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_STYLE = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.I | re.S)
_ON_WROTE = re.compile(r"^[ >]*on\b[^\n]{0,250}(?:\n[^\n]{0,120})?\bwrote:[ \t]*$", re.I | re.M)
_WROTE_LINE = re.compile(r"^.{0,120}\b(?:wrote|schrieb|a écrit|escribió|scrisse|schreef|napisał):\s*$", re.I)
_CUT = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded|original) message\s*-*|begin forwarded message:?|-{2,}\s*weitergeleitete "
    r"nachricht\s*-*|-{2,}\s*message transf[ée]r[ée]\s*-*|_{8,}|-- ?)\s*$",
    re.I,
)
#: Any line that ``author_text`` treats specially (a cheap test before the line-by-line pass).
_QUOTE_HINT = re.compile(r"\n[ \t]*(?:>|-{2}|_{8}|\*?[Ff][Rr][Oo][Mm]:|[Bb][Ee][Gg][Ii][Nn] [Ff]orwarded)")
_WROTE_TAILS = ("rote:", "ROTE:", "chrieb:", "crit:", "scribió:", "crisse:", "chreef:", "apisał:")
_OUTLOOK_FROM = re.compile(r"^\s*\*?from:\*?\s+\S", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(?:sent|date|to|subject):\*?\s", re.I)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[^\sa-z])|(?<=[.!?]{2})\s+|(?<=\?)\s+")
_PARA_SPLIT = re.compile(r"\n\s*\n")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]|\d{1,2}[.)])\s+")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")

#: At most this many sentences of one message are judged: the first ``MAX_SENTENCES - KEEP_LAST`` and the last
#: ``KEEP_LAST`` (an ask often hides in the last line). Requests in the corpus have at most 21 (median 8); a long
#: newsletter or a pasted document must not cost a sync more than a request does.
MAX_SENTENCES = 30
KEEP_LAST = 10
#: A sentence longer than this many characters is cut (the embedding averages tokens; more adds nothing).
MAX_CHARS = 400


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text`` (whitespace folded), ``para`` (paragraph number, -1 for the subject),
    ``index`` (0-based position in the message), ``question`` (ends with a question mark)."""

    text: str
    para: int
    index: int
    question: bool


def _detag(text: str) -> str:
    """Small HTML-to-text fallback for a body that still holds markup (parse normally converts it)."""
    text = _STYLE.sub(" ", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def normalise(text: str) -> str:
    """Straighten curly quotes, dashes and odd spaces; drop zero-width characters; CRLF -> LF."""
    return text.translate(_TRANS).replace("\r\n", "\n").replace("\r", "\n")


def author_text(body: str) -> str:
    """The part of ``body`` the sender wrote: quoted ``>`` lines, "On ... wrote:" lines, forwarded or
    original messages and the signature after ``-- `` are removed; the text is ``normalise``d."""
    if "<" in body and _HTMLISH.search(body):
        body = _detag(body)
    body = normalise(body)
    if not _QUOTE_HINT.search("\n" + body) and not any(w in body for w in _WROTE_TAILS):
        return body  # no quote, forward, signature or "wrote:" line: all of it is the author's
    body = _ON_WROTE.sub("", body)
    lines = body.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith(">"):
            continue
        if _CUT.match(line):
            break
        if _WROTE_LINE.match(s):
            continue
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(x) for x in lines[i + 1:i + 4]):
            break
        out.append(line)
    return "\n".join(out)


def clean_subject(subject: str) -> str:
    """The subject without reply/forward prefixes ("Re: Fwd: x" -> "x")."""
    return _SUBJECT_PREFIX.sub("", normalise(subject)).strip()


def _block_sentences(block: str) -> list[str]:
    """The sentences of one paragraph: bullets start a new chunk, chunks split on sentence ends."""
    buf: list[str] = []
    chunks: list[str] = []
    for line in block.split("\n"):
        t = line.strip()
        if not t:
            continue
        if _BULLET.match(t) and buf:
            chunks.append(" ".join(buf))
            buf = []
        buf.append(t)
    if buf:
        chunks.append(" ".join(buf))
    out = []
    for chunk in chunks:
        for t in _SENT_SPLIT.split(chunk):
            t = " ".join(t.split())
            if t and _WORD.search(t):
                out.append(t[:MAX_CHARS])
    return out


def split(subject: str, body: str, author: str | None = None) -> list[Sentence]:
    """Sentences of a message, the cleaned subject first (para -1), then the author's text (``author`` when the
    caller already has ``author_text(body)``): paragraphs on blank lines, bullets as their own sentences,
    sentences on ``.!?`` followed by a capital, digit or mark. Lines without letters (rules, phone numbers) are
    dropped. At most ``MAX_SENTENCES``: the first ones and the last ``KEEP_LAST`` (paragraphs in between are
    not even split, so a long mail costs no more than a short one)."""
    raw: list[tuple[str, int]] = []
    subj = clean_subject(subject)
    if subj:
        raw.append((subj, -1))
    blocks = _PARA_SPLIT.split(author if author is not None else author_text(body))
    front_max = MAX_SENTENCES - KEEP_LAST
    front: list[tuple[str, int]] = []
    i = 0
    while i < len(blocks) and len(front) < front_max:
        front += [(t, i) for t in _block_sentences(blocks[i])]
        i += 1
    back: list[tuple[str, int]] = []
    j = len(blocks) - 1
    while j >= i and len(back) < KEEP_LAST:
        back = [(t, j) for t in _block_sentences(blocks[j])] + back
        j -= 1
    if j >= i or len(front) + len(back) > MAX_SENTENCES:  # something in between was left out
        body_sents = front[:front_max] + back[-KEEP_LAST:]
    else:
        body_sents = front + back
    raw += body_sents
    return [Sentence(text, para, k, text.rstrip(" )\"'").endswith("?")) for k, (text, para) in enumerate(raw)]
