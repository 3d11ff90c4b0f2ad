"""The red-flag checker (STUB: the checker helper replaces the rules; the signatures are the contract).

``check(message, context) -> list[FlagHit]`` is pure: no I/O, no clock (the clock comes in the context).
"""

from __future__ import annotations

from .types import FLAG_SLUGS, CheckContext, FlagHit, ParsedMessage

#: Bump when rules change: stored flags are recomputed by the next sync.
CHECKER_VERSION = 1

#: Flags that are stored with the message (content and lists); RF5/RF6 depend on the clock and are
#: computed when shown (``capacity_hits``).
STORED_FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")


def check(message: ParsedMessage, context: CheckContext) -> list[FlagHit]:
    """Return the content/list red-flag hits (RF1-RF4, RF7) for one message, strongest first."""
    return []


def capacity_hits(context: CheckContext) -> list[FlagHit]:
    """Return RF5 (accepted in 30 days >= monthly_capacity) and RF6 (accepted in 7 days >= weekly_limit,
    or today <= on_break_until) hits, with the counts against the limits as evidence."""
    hits: list[FlagHit] = []
    c = context
    if c.monthly_capacity is not None and c.accepted_30d >= c.monthly_capacity:
        hits.append(
            FlagHit("RF5", FLAG_SLUGS["RF5"], "monthly-capacity-reached", 3.0,
                    (f"accepted {c.accepted_30d} of {c.monthly_capacity} in the last 30 days",))
        )
    if c.on_break_until is not None and c.today is not None and c.today <= c.on_break_until:
        hits.append(
            FlagHit("RF6", FLAG_SLUGS["RF6"], "on-break", 3.0,
                    (f"on a networking break until {c.on_break_until.isoformat()}",))
        )
    elif c.weekly_limit is not None and c.accepted_7d >= c.weekly_limit:
        hits.append(
            FlagHit("RF6", FLAG_SLUGS["RF6"], "weekly-limit-reached", 3.0,
                    (f"accepted {c.accepted_7d} of {c.weekly_limit} in the last 7 days",))
        )
    return hits


def suggest(codes: set[str] | frozenset[str] | list[str]) -> str:
    """Return the suggested reply: "scenario2" if any of RF1-RF4, else "scenario1" if any of RF5-RF7,
    else "accept" (the article: RF1-RF4 -> no, period; RF5-RF7 -> not now, but here is help)."""
    s = set(codes)
    if s & {"RF1", "RF2", "RF3", "RF4"}:
        return "scenario2"
    if s & {"RF5", "RF6", "RF7"}:
        return "scenario1"
    return "accept"
