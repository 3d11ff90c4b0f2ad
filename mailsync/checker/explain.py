"""Words for people: each flag's reasoning (the article's, in our own words), rule descriptions, and the
SpamAssassin-style report of ``gracebox check --explain`` (one line per rule with its points and evidence,
then a total per flag)."""

from __future__ import annotations

from ..types import FLAG_SLUGS, FlagHit

#: Per flag code, the article's reasoning in our own words (shown on the flag's card in the TUI).
REASONING: dict[str, str] = {
    "RF1": (
        "The message is mostly about something the sender wants to sell, and says little about you, what you "
        "share or whom you both know. A relationship that starts as a sales funnel rarely becomes a real "
        "professional connection, so a short, final no is fair."
    ),
    "RF2": (
        "The sender has a doubtful reputation, or the request would have you bend your ethics: leak "
        "something confidential, vouch for what you have not seen, skip a fair process. Saying yes puts your "
        "own name at risk, so decline plainly."
    ),
    "RF3": (
        "A stranger is asking for help before any trust exists between you. You cannot vouch for work you "
        "have never seen, and introducing them would spend the goodwill of people who trust you. Good "
        "connections grow over time; favours come after, not first."
    ),
    "RF4": (
        "You, or people whose judgement you trust, have had a bad experience with this person. Past "
        "behaviour is useful information, and feeling uneasy is reason enough to decline."
    ),
    "RF5": (
        "You are already taking on more networking than you can honour, so new contacts would get too little "
        "of you. Declining now is kinder to both of you than a half-hearted yes."
    ),
    "RF6": (
        "Networking has been draining your energy, or you have chosen to pause it. Rest protects your health "
        "and your judgement; thank them and offer to reconnect after the break."
    ),
    "RF7": (
        "The question sits outside what you know well, so a meeting would waste their time and yours. Point "
        "them to someone whose expertise fits, after checking that person is open to it, or say honestly "
        "that you cannot help."
    ),
}

#: Rule id -> (flag code, description). Weights in ``[checker] weights`` use these ids.
RULES: dict[str, tuple[str, str]] = {
    "selling": ("RF1", "Most of the message is about what they sell, little about you or shared ground"),
    "selling-phrase": ("RF1", "Matches one of your [checker] RF1 phrases"),
    "reputation-watch": ("RF2", "Sender is on your reputation_watch list"),
    "ethics-bending-ask": ("RF2", "The ask would bend your integrity or ethics"),
    "reputation-phrase": ("RF2", "Matches one of your [checker] RF2 phrases"),
    "favour-from-stranger": ("RF3", "Asks a favour before you know them"),
    "premature-ask-phrase": ("RF3", "Matches one of your [checker] RF3 phrases, from someone you don't know"),
    "negative-contact": ("RF4", "Your contact entry records a bad experience"),
    "network-warning": ("RF4", "Someone you trust warned about this sender"),
    "out-of-depth": ("RF7", "A substantive question far from every phrase of your expertise"),
    "out-of-depth-phrase": ("RF7", "Matches one of your [checker] RF7 phrases"),
    "monthly-capacity-reached": ("RF5", "Accepted requests in the last 30 days reached monthly_capacity"),
    "weekly-limit-reached": ("RF6", "Accepted requests in the last 7 days reached weekly_limit"),
    "on-break": ("RF6", "You are on a declared networking break"),
}


def explain(hits: list[FlagHit]) -> list[str]:
    """Report lines for ``hits``: per rule ``" 9.1 RF3 favour-from-stranger   <description>: <evidence>; ..."``,
    then per flag ``" 9.1 RF3 total (premature-ask)"``. Flags in the order they first appear."""
    lines: list[str] = []
    order: list[str] = []
    by_code: dict[str, list[FlagHit]] = {}
    for h in hits:
        if h.code not in by_code:
            order.append(h.code)
            by_code[h.code] = []
        by_code[h.code].append(h)
    for code in order:
        total = 0.0
        for h in by_code[code]:
            desc = h.description or RULES.get(h.rule, (code, h.rule))[1]
            ev = "; ".join(h.evidence)
            lines.append(f"{h.points:4.1f} {code} {h.rule:<26} {desc}" + (f": {ev}" if ev else ""))
            total += h.points
        lines.append(f"{total:4.1f} {code} total ({FLAG_SLUGS.get(code, code.lower())})")
    return lines


def quote(text: str, limit: int = 140) -> str:
    """``text`` in double quotes, cut at a word boundary with an ellipsis past ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"
    return '"' + text.replace('"', "'") + '"'
