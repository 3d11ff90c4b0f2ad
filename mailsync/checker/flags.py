"""Red flags from facts and judgments, by the article's definitions (README "Red flags").

- RF1 selling: the ``selling`` judgment (most sentences about their offer, little about you, shared ground or
  mutual connections) reaches its cut.
- RF2 reputation: the sender is on ``reputation_watch`` (fact), or the ``unethical`` judgment reaches its cut.
- RF3 premature ask: the ``favour`` judgment reaches its cut and the sender is not known (fact).
- RF4 bad history: a negative contact or a ``network_warnings`` match (facts only; text never decides it).
- RF7 out of depth: the ``question`` judgment reaches its cut and the question's topic is far from every
  expertise phrase (``off_expertise``); not for a pitch (its questions are not asks for your expertise).

Points are 10 x probability for judgments (the flag fires at 10 x cut, or ``[checker] thresholds``) and 10 for
facts; ``[checker] weights`` scale a rule (0 disables it). ``[checker] phrases`` are the user's own rules: a phrase
in the sender's words fires RF1/RF2/RF7, or counts as a favour for RF3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..types import FLAG_SLUGS, CheckContext, FlagHit, ListEntry
from .explain import RULES, quote
from .facts import Facts
from .judgments import SENTENCE_LABELS, Judgments
from .learn import Nudge, nudge
from .sentences import Sentence

#: The cuts stored in the heads file, in this order.
CUT_NAMES = ("selling", "favour", "unethical", "question", "off_expertise")
#: The judgment each flag rests on, and how the card names what the user marked.
FLAG_JUDGMENT = {"RF1": ("selling", "selling"), "RF2": ("unethical", "bending ethics"),
                 "RF3": ("favour", "asking a favour"), "RF7": ("off_expertise", "out of your depth")}
_KIND_WORDS = {"call": "a call or meeting", "referral": "a referral", "introduction": "an introduction",
               "cv": "passing on a CV", "advice": "advice", "review": "a review of their work",
               "mentoring": "mentoring", "endorsement": "a recommendation or endorsement", "job": "a job or leads",
               "material": "material or documents", "other": "a favour"}
_STOP_WORDS = (
    "a an the and or but of to in on for with at by from as is are be been it this that these those i me "
    "my we our you your they their he she his her can could would will should do does did how what which "
    "who whom when where why if any some about into there here have has had please just so also not no "
    "yes am was were may might must shall get got need want like know now handle best way ways anyone someone "
    "something thing things really quick question questions wondering wonder tell think help advice mean does "
    "dear thanks thank hi hello"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W\d_][\w'-]*")


#: RF1 needs a sentence at least this likely to be about the offer: a message head alone leans on how common its
#: judgment is in the corpus (a bare "Hi" is no pitch). Costs nothing on dev. Favours and questions get no such
#: floor: their sentence heads are shy and the floor cost recall on dev (RF3 0.94 -> 0.87 at 0.1).
SENTENCE_FLOOR = 0.25


def _has(j: Judgments, label: str) -> bool:
    col = SENTENCE_LABELS.index(label)
    return bool(j.scores.shape[0]) and float(j.scores[:, col].max()) >= SENTENCE_FLOOR


@dataclass(frozen=True, slots=True)
class Cuts:
    """Probability cut per judgment name (CUT_NAMES)."""

    values: dict[str, float]

    def points_needed(self, code: str, name: str, ctx: CheckContext) -> float:
        """Points the flag needs: ``[checker] thresholds`` for the flag, else 10 x the learned cut."""
        t = ctx.tuning.thresholds.get(code)
        return float(t) if t is not None else round(10 * self.values[name], 1)


def _list_evidence(name: str, entry: ListEntry, what: str) -> str:
    ev = f'{what} matches {name} "{entry.pattern}"'
    if entry.reason:
        ev += f": {entry.reason}"
    if entry.reported_by:
        ev += f" (reported by {entry.reported_by})"
    return ev


def _weight(rule: str, ctx: CheckContext) -> float:
    return float(ctx.tuning.weights.get(rule, 1.0))


def _hit(code: str, rule: str, points: float, evidence: list[str]) -> FlagHit:
    return FlagHit(code, FLAG_SLUGS[code], rule, round(points, 1), tuple(evidence), RULES[rule][1])


def _top(j: Judgments, sents: list[Sentence], label: str, n: int = 2, floor: float = 0.5) -> list[str]:
    col = SENTENCE_LABELS.index(label)
    order = [int(i) for i in np.argsort(-j.scores[:, col])[:n]]
    return [f"{label} {j.scores[i, col]:.2f}: {quote(sents[i].text)}" for i in order if j.scores[i, col] >= floor]


def _learned(n: Nudge, what: str) -> list[str]:
    out = []
    if n.like_present:
        out.append(f"like {n.like_present} message{'s' if n.like_present != 1 else ''} you marked as {what}")
    if n.like_absent:
        out.append(f"like {n.like_absent} message{'s' if n.like_absent != 1 else ''} you said "
                   f"{'were' if n.like_absent != 1 else 'was'} not {what}")
    return out


def _judged(code: str, j: Judgments, ctx: CheckContext) -> tuple[float, Nudge]:
    name, _what = FLAG_JUDGMENT[code]
    n = nudge(j.message[name], code, j.vector, ctx.user_examples)
    return n.probability, n


def topic_words(text: str, limit: int = 8) -> str:
    """The content words of a question (stop words dropped), for evidence and referral matching."""
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        if w not in _STOP and len(w) > 2 and w not in out:
            out.append(w)
    return " ".join(out[:limit])


def _phrase_hits(code: str, rule: str, author: str, ctx: CheckContext) -> list[FlagHit]:
    low = author.lower()
    for phrase in ctx.tuning.extra_phrases.get(code, ()):
        if phrase.strip() and re.search(r"(?<!\w)" + re.escape(phrase.strip().lower()) + r"(?!\w)", low):
            return [_hit(code, rule, 10.0 * _weight(rule, ctx), [f'says "{phrase.strip()}" (your {code} phrase)'])]
    return []


def flag_hits(facts: Facts, j: Judgments, sents: list[Sentence], author: str, ctx: CheckContext,
              cuts: Cuts) -> list[FlagHit]:
    """The stored flags' hits (RF1-RF4, RF7) for one message; only flags that reach their threshold."""
    out: list[FlagHit] = []
    n_sent = sum(1 for s in sents if s.para >= 0) or len(sents)

    p, nd = _judged("RF1", j, ctx)
    pts = 10 * p * _weight("selling", ctx)
    rf1 = _phrase_hits("RF1", "selling-phrase", author, ctx)
    if pts >= cuts.points_needed("RF1", "selling", ctx) and _has(j, "offer"):
        # expected counts (the sum of the sentence probabilities), steadier than counting those above 0.5
        offer = round(float(j.scores[:, 0].sum())) if j.scores.shape[0] else 0
        reader = round(float(j.scores[:, 1].sum())) if j.scores.shape[0] else 0
        ev = [f"about {offer} of {n_sent} sentences are about their offer; "
              + (f"about {reader} about you or what you share" if reader else "none about you or what you share")
              + f" (selling {p:.2f}; fires at {cuts.points_needed('RF1', 'selling', ctx):.1f} points)"]
        rf1.insert(0, _hit("RF1", "selling", pts, ev + _top(j, sents, "offer") + _learned(nd, "selling")))
    out += rf1

    rf2: list[FlagHit] = []
    if facts.watch is not None and _weight("reputation-watch", ctx) > 0:
        rf2.append(_hit("RF2", "reputation-watch", 10.0 * _weight("reputation-watch", ctx),
                        [_list_evidence("reputation_watch", *facts.watch)]))
    p, nd = _judged("RF2", j, ctx)
    pts = 10 * p * _weight("ethics-bending-ask", ctx)
    if pts >= cuts.points_needed("RF2", "unethical", ctx):
        top = _top(j, sents, "unethical", 2, 0.3) or _top(j, sents, "unethical", 1, 0.0)
        whole = (f"the message as a whole reads as an ask that bends ethics ({j.message['unethical']:.2f}; fires at "
                 f"{cuts.points_needed('RF2', 'unethical', ctx):.1f} points)")
        rf2.append(_hit("RF2", "ethics-bending-ask", pts, [whole, *top, *_learned(nd, "bending ethics")]))
    out += rf2 + _phrase_hits("RF2", "reputation-phrase", author, ctx)

    if not facts.known:
        p, nd = _judged("RF3", j, ctx)
        pts = 10 * p * _weight("favour-from-stranger", ctx)
        stranger = f"no earlier mail with {facts.who}"
        if pts >= cuts.points_needed("RF3", "favour", ctx):
            kind = f" ({_KIND_WORDS[j.favour_kind]})" if j.favour_kind in _KIND_WORDS else ""
            asks = [x + kind for x in _top(j, sents, "ask", 1, 0.0)]
            whole = (f"the message as a whole reads as asking a favour ({j.message['favour']:.2f}; fires at "
                     f"{cuts.points_needed('RF3', 'favour', ctx):.1f} points)")
            out.append(_hit("RF3", "favour-from-stranger", pts,
                            [whole, *asks, stranger, *_learned(nd, "asking a favour")]))
        else:
            for h in _phrase_hits("RF3", "premature-ask-phrase", author, ctx):
                out.append(FlagHit(h.code, h.slug, h.rule, h.points, (*h.evidence, stranger), h.description))

    if facts.contact is not None and facts.contact.experience == "negative" and _weight("negative-contact", ctx) > 0:
        c = facts.contact
        label = f"{c.name} <{c.address}>" if c.name else c.address
        out.append(_hit("RF4", "negative-contact", 10.0 * _weight("negative-contact", ctx),
                        [f"{label} is a contact with experience negative" + (f": {c.note}" if c.note else "")]))
    if facts.warning is not None and _weight("network-warning", ctx) > 0:
        out.append(_hit("RF4", "network-warning", 10.0 * _weight("network-warning", ctx),
                        [_list_evidence("network_warnings", *facts.warning)]))

    if not any(h.code == "RF1" for h in out):
        out += _rf7(j, sents, ctx, cuts) or _phrase_hits("RF7", "out-of-depth-phrase", author, ctx)
    totals: dict[str, float] = {}
    for h in out:
        totals[h.code] = totals.get(h.code, 0.0) + h.points
    out.sort(key=lambda h: (-totals[h.code], h.code, -h.points))
    return out


def _rf7(j: Judgments, sents: list[Sentence], ctx: CheckContext, cuts: Cuts) -> list[FlagHit]:
    if j.message["question"] < cuts.values["question"] or j.closest_expertise < 0 or j.question_row < 0:
        return []
    p, nd = _judged("RF7", j, ctx)
    pts = 10 * p * _weight("out-of-depth", ctx)
    if pts < cuts.points_needed("RF7", "off_expertise", ctx):
        return []
    col = SENTENCE_LABELS.index("question")
    qi = j.question_row
    q = sents[qi].text
    closest = ctx.expertise[j.closest_expertise] if j.closest_expertise < len(ctx.expertise) else ""
    ev = [f"question {j.scores[qi, col]:.2f}: {quote(q)}",
          f'topic "{topic_words(q)}" is far from your expertise (closest: "{closest}", similarity '
          f"{j.topic_similarity:.2f}; far {p:.2f}; fires at {cuts.points_needed('RF7', 'off_expertise', ctx):.1f} "
          "points)"]
    return [_hit("RF7", "out-of-depth", pts, ev + _learned(nd, "out of your depth"))]


__all__ = ["CUT_NAMES", "Cuts", "flag_hits", "topic_words"]
