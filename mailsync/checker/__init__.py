"""The red-flag checker: facts from the user's data plus judgments learned from text (ARCHITECTURE.md "Checker").

``check(message, context) -> list[FlagHit]`` gives the stored flags (RF1-RF4, RF7) of one message, each hit with
its points and evidence (the sentences that drove it and their scores, the definition that combined them, the
list entry or contact, the user's similar corrections). ``check_many`` does the same for a batch (faster: one
embedding pass). ``capacity_hits`` gives RF5/RF6 from the user's recent decisions. ``suggest`` maps flags to a
reply. No I/O but loading the shipped model files (``model.py``) on first use.

Files: ``sentences`` (the sender's words, split), ``model`` (encoder and heads), ``judgments`` (sentence scores
pooled into message judgments), ``facts`` (known, lists, contacts), ``flags`` (the article's definitions),
``learn`` (the user's corrections), ``explain`` (words for people), ``train`` (fitting, used by corpus/train.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..types import FLAG_SLUGS, CheckContext, FlagHit, ParsedMessage
from .explain import REASONING, RULES, explain
from .facts import facts
from .flags import CUT_NAMES, Cuts, flag_hits, topic_words
from .judgments import Judgments, judge_batch
from .model import ModelError, encoder, heads
from .sentences import Sentence, author_text, split

#: Flags stored with the message (content and lists); RF5/RF6 depend on the clock (``capacity_hits``).
STORED_FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")


def _version() -> int:
    """A hash of the shipped heads and of this package's code: stored flags are recomputed when it changes."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for p in sorted(here.glob("*.py")) + [here / "weights" / "heads.sha256"]:
        try:
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        except OSError:
            h.update(p.name.encode() + b"\0missing")
    return int(h.hexdigest()[:7], 16)


#: Changes with the model, the heads or the rules' code (never bumped by hand).
CHECKER_VERSION = _version()


@lru_cache(maxsize=16)
def _expertise_emb(phrases: tuple[str, ...]) -> np.ndarray:  # type: ignore[type-arg]
    return encoder().embed(list(phrases))


def expertise_phrases(context: CheckContext) -> tuple[str, ...]:
    """The phrases a question is compared with (RF7): the expertise list. (Adding ``[profile] role`` made the
    comparison worse on the corpus: AUC 0.84 against 0.88 with the writers' own topic phrases.)"""
    return tuple(context.expertise)


def _cuts() -> Cuts:
    c = heads()["cuts"]
    return Cuts({name: float(c[i]) for i, name in enumerate(CUT_NAMES)})


def judge_many(messages: Sequence[ParsedMessage], context: CheckContext
               ) -> list[tuple[list[Sentence], str, Judgments]]:
    """Sentences, author text and Judgments of each message (one embedding pass for the batch)."""
    if not messages:
        return []
    docs: list[list[Sentence]] = []
    authors: list[str] = []
    texts: list[str] = []
    for m in messages:
        body = m.body_text or ""
        author = author_text(body)
        sents = split(m.subject or "", body, author)
        docs.append(sents)
        authors.append(author)
        texts += [s.text for s in sents]
    judged = judge_batch(docs, encoder().embed(texts), _expertise_emb(expertise_phrases(context)), heads())
    return list(zip(docs, authors, judged, strict=True))


def check_many(messages: Sequence[ParsedMessage], context: CheckContext) -> list[list[FlagHit]]:
    """``check`` for each message, in order. Raises ModelError when the model files are missing."""
    cuts = _cuts()
    out: list[list[FlagHit]] = []
    for m, (sents, author, j) in zip(messages, judge_many(messages, context), strict=True):
        f = facts(m, context)
        ctx = context
        if m.message_id and any(e.identity == m.message_id for e in context.user_examples):
            # a request is never its own example: its own correction is shown as the user's, not learned
            ctx = dataclasses.replace(context, user_examples=tuple(
                e for e in context.user_examples if e.identity != m.message_id))
        out.append([] if f.own else flag_hits(f, j, sents, author, ctx, cuts))
    return out


def check(message: ParsedMessage, context: CheckContext) -> list[FlagHit]:
    """The stored red-flag hits (RF1-RF4, RF7) of ``message``, strongest flag first; [] for the user's own
    mail. Raises ModelError when the model files are missing (a damaged install)."""
    return check_many([message], context)[0]


def message_vector(message: ParsedMessage) -> tuple[float, ...]:
    """The message's learning vector (``judgments.learning_vector``), to store a user's correction as an example."""
    j = judge_many([message], CheckContext())[0][2]
    return tuple(round(float(x), 5) for x in j.vector)


def capacity_hits(context: CheckContext) -> list[FlagHit]:
    """RF5 (accepted in 30 days >= monthly_capacity) and RF6 (accepted in 7 days >= weekly_limit, or today <=
    on_break_until), the counts against the limits as evidence (article red flags 5 and 6; rolling windows)."""
    c = context
    hits: list[FlagHit] = []
    if c.monthly_capacity is not None and c.accepted_30d >= c.monthly_capacity:
        hits.append(FlagHit("RF5", FLAG_SLUGS["RF5"], "monthly-capacity-reached", 10.0,
                            (f"accepted {c.accepted_30d} of {c.monthly_capacity} in the last 30 days",),
                            RULES["monthly-capacity-reached"][1]))
    if c.on_break_until is not None and c.today is not None and c.today <= c.on_break_until:
        hits.append(FlagHit("RF6", FLAG_SLUGS["RF6"], "on-break", 10.0,
                            (f"on a networking break until {c.on_break_until.isoformat()}",),
                            RULES["on-break"][1]))
    elif c.weekly_limit is not None and c.accepted_7d >= c.weekly_limit:
        hits.append(FlagHit("RF6", FLAG_SLUGS["RF6"], "weekly-limit-reached", 10.0,
                            (f"accepted {c.accepted_7d} of {c.weekly_limit} in the last 7 days",),
                            RULES["weekly-limit-reached"][1]))
    return hits


def suggest(codes: set[str] | frozenset[str] | list[str]) -> str:
    """"scenario2" if any of RF1-RF4, else "scenario1" if any of RF5-RF7, else "accept" (the article: RF1-RF4
    -> no, period; RF5-RF7 -> not now, but here is help)."""
    s = set(codes)
    if s & {"RF1", "RF2", "RF3", "RF4"}:
        return "scenario2"
    if s & {"RF5", "RF6", "RF7"}:
        return "scenario1"
    return "accept"


__all__ = ["CHECKER_VERSION", "REASONING", "RULES", "STORED_FLAGS", "ModelError", "capacity_hits", "check",
           "check_many", "explain", "judge_many", "message_vector", "suggest", "topic_words"]
