"""Turn corpus records into what the product sees: RFC 5322 bytes -> ``mailsync.parse.parse`` -> ParsedMessage,
and a recipient profile -> CheckContext (through the product's own config reader and context builder).

Used by ``corpus/train.py`` (training and the per-flag tables) and ``bench/checker_eval.py``. Reads files only.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sys
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime
from difflib import SequenceMatcher
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from mailsync.checker.sentences import Sentence, normalise, split  # noqa: E402
from mailsync.config import settings_from_dict  # noqa: E402
from mailsync.mail.parse import parse  # noqa: E402
from mailsync.store.context import make_context  # noqa: E402
from mailsync.types import CheckContext, ParsedMessage  # noqa: E402

_TAG = re.compile(r"<[^>]*>")
_PUNCT = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Item:
    """One labelled request: the record, the parsed message, its context and its sentences' labels."""

    rec: dict
    parsed: ParsedMessage
    ctx: CheckContext
    sents: list[Sentence]
    labels: list[set[str]]


def load_profile(path: Path) -> CheckContext:
    """CheckContext for a recipient profile file (corpus/WRITING.md format)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sent = data.pop("sent", [])
    ident = {k: data[k] for k in ("email", "name") if k in data}
    settings = settings_from_dict({"identity": ident, "profile": data}, source=str(path))
    sent_to = [(s["to"], s.get("to_name")) for s in sent]
    ctx = make_context(settings, sent_to, {c.address: c for c in settings.contacts()},
                       now=datetime.fromisoformat("2026-10-01T00:00:00+00:00"))
    return replace(ctx, known_threads=frozenset(s["message_id"] for s in sent))


def to_bytes(rec: dict, profile_email: str, profile_name: str) -> bytes:
    """The record as the mail a recipient would receive."""
    m = EmailMessage()
    f = rec["from"]
    m["From"] = formataddr((f.get("name") or "", f["address"]))
    m["To"] = formataddr((profile_name, profile_email))
    m["Subject"] = rec.get("subject") or ""
    if rec.get("date"):
        with contextlib.suppress(ValueError):
            m["Date"] = format_datetime(datetime.fromisoformat(rec["date"]))
    m["Message-ID"] = f"<{rec['id']}@corpus.example>"
    if rec.get("in_reply_to"):
        m["In-Reply-To"] = rec["in_reply_to"]
        m["References"] = rec["in_reply_to"]
    if rec.get("reply_to"):
        m["Reply-To"] = formataddr((rec["reply_to"].get("name") or "", rec["reply_to"]["address"]))
    body = rec["body"]
    if rec.get("format") == "html" or (rec.get("format") == "relay" and "<html" in body.lower()):
        m.set_content(body, subtype="html", cte="quoted-printable")
    else:
        m.set_content(body, cte="quoted-printable")
    return m.as_bytes()


def _norm(text: str) -> str:
    text = html.unescape(_TAG.sub(" ", normalise(text)))
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def _overlaps(sentence: str, span: str) -> bool:
    if not sentence or not span:
        return False
    if sentence in span or span in sentence:
        return min(len(sentence), len(span)) >= 8 or sentence == span
    m = SequenceMatcher(None, sentence, span, autojunk=False).find_longest_match(0, len(sentence), 0, len(span))
    return m.size >= 0.6 * min(len(sentence), len(span)) and m.size >= 12


def sentence_labels(sents: list[Sentence], spans: list[dict]) -> list[set[str]]:
    """Per sentence, the span labels it overlaps (ask spans add ``kind:<kind>``)."""
    normed = [(_norm(s["text"]), s) for s in spans]
    out: list[set[str]] = []
    for sent in sents:
        ns = _norm(sent.text)
        labs: set[str] = set()
        if sent.para >= 0:
            for nt, s in normed:
                if _overlaps(ns, nt):
                    labs.add(s["label"])
                    if s["label"] == "ask" and s.get("kind"):
                        labs.add("kind:" + s["kind"])
        out.append(labs)
    return out


def load_writer(folder: Path) -> list[Item]:
    """Every request of one writer folder, parsed."""
    profiles = {}
    meta = {}
    for p in sorted((folder / "profiles").glob("*.toml")):
        profiles[p.stem] = load_profile(p)
        d = tomllib.loads(p.read_text(encoding="utf-8"))
        meta[p.stem] = (d["email"], d["name"])
    items = []
    for line in (folder / "requests.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("recipient") not in profiles:
            continue
        email, name = meta[rec["recipient"]]
        parsed = parse(to_bytes(rec, email, name))
        sents = split(parsed.subject or "", parsed.body_text or "")
        items.append(Item(rec, parsed, profiles[rec["recipient"]], sents, sentence_labels(sents, rec["spans"])))
    return items


def splits() -> dict[str, list[str]]:
    """The writer ids of each split (corpus/splits.toml)."""
    data = tomllib.loads((ROOT / "splits.toml").read_text(encoding="utf-8"))
    return {k: list(v) for k, v in data.items()}


def load_split(name: str) -> list[Item]:
    """Every request of the writers in split ``name`` whose folder exists."""
    out: list[Item] = []
    for w in splits()[name]:
        folder = ROOT / "writers" / w
        if (folder / "requests.jsonl").exists():
            out += load_writer(folder)
    return out
