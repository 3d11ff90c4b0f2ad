"""The red-flag checker: pure functions from a parsed request and its context to scored, explained hits.

``check(message, context) -> list[FlagHit]`` is pure: no I/O, no clock (the clock comes in the context),
and fast (all regular expressions are compiled at import; per-config phrase lists are compiled once and
cached). It covers the flags that depend on the message and the lists (RF1-RF4, RF7 of the article "How To
Gracefully Decline A Networking Request"); RF5/RF6 depend on the user's recent decisions and the clock and
come from ``capacity_hits``.

Matching: phrase rules are regular expressions over the lower-cased sentences the sender wrote (quotes,
forwards and signatures removed, ``author_text``). At import each alternative's parse tree gives the word a
match must start with and the rarer words it must contain; ``_Engine`` groups the alternatives of all
rules by first word into combined lookahead regexes, and per message indexes the words once and tries each
live group once per offset where its first word starts (one pass for every rule, a few hundred
microseconds per check; ``bench/checker_bench.py``).

RF7 (out of depth) compares the topic of the sender's questions with the expertise: topic terms come from
a lexicon of specialist domains (tax, employment/tenancy/immigration law, data protection, IP, finance,
medicine, software, cloud, building, ...; ``rules.DOMAINS``), matched on whole words with plural and verb
endings normalised; everyday words never decide on their own.

Scoring: each flag has several rules (``RULES``), each worth points (``rules.RuleSpec.points``, overridden
by ``[checker] weights``; 0 disables a rule). A flag fires when the sum of its rules' points reaches its
threshold (``rules.DEFAULT_THRESHOLDS``, overridden by ``[checker] thresholds``). Only hits of flags that
fired are returned. Every hit carries evidence a person can verify: the sentence quoted, the list entry and
its reason, the missing earlier mail, the topic against the expertise.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser as _P  # type: ignore[attr-defined]

from . import rules as R
from .types import FLAG_SLUGS, CheckContext, ContactInfo, FlagHit, ListEntry, ParsedMessage

#: Bump when rules change: stored flags are recomputed by the next sync.
CHECKER_VERSION = 6

#: Flags that are stored with the message (content and lists); RF5/RF6 depend on the clock and are
#: computed when shown (``capacity_hits``).
STORED_FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")

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

# --------------------------------------------------------------------------------------------------
# Rule table
# --------------------------------------------------------------------------------------------------

_SPECS: tuple[R.RuleSpec, ...] = (
    # RF1 selling
    R.RuleSpec("pitch-offering", "RF1", 2.0, "Describes a product or service on offer", label="pitches"),
    R.RuleSpec("pitch-pricing", "RF1", 2.0, "Talks prices, plans, fees or discounts", label="price"),
    R.RuleSpec("pitch-call-to-action", "RF1", 2.0, "Sales call to action (demo, trial, sample, reply to buy)",
               label="offers"),
    R.RuleSpec("pay-to-play", "RF1", 3.0, "An 'honour' you are asked to pay for (speaker package, award fee)",
               label="asks you to pay"),
    R.RuleSpec("investment-pitch", "RF1", 3.0, "Pitches an investment", label="pitches"),
    R.RuleSpec("pitch-flattery", "RF1", 1.0, "Flattery that prepares a sale (selected, featured, you qualify)",
               support=True, label="flatters"),
    R.RuleSpec("pitch-urgency", "RF1", 1.0, "Sales urgency (limited places, closes Friday)", support=True,
               label="pressures"),
    R.RuleSpec("pitch-results-claim", "RF1", 1.0, "Marketing claims of results", support=True, label="claims"),
    R.RuleSpec("unverified-follow-up", "RF1", 1.0,
               "Claims an earlier conversation that left no trace in your mail", support=True, label="claims"),
    R.RuleSpec("disguised-pitch", "RF1", 1.0, "A question about your work that leads into a product",
               support=True, label="opens with"),
    R.RuleSpec("selling-phrase", "RF1", 3.0, "Matches one of your [checker] RF1 phrases", label="says"),
    # RF2 reputation / ethics
    R.RuleSpec("reputation-watch", "RF2", 5.0, "Sender is on your reputation_watch list"),
    R.RuleSpec("confidential-ask", "RF2", 3.0, "Asks for confidential or insider information", label="asks"),
    R.RuleSpec("secrecy", "RF2", 1.5, "Wants it kept quiet or its origin hidden", label="says"),
    R.RuleSpec("client-material", "RF2", 1.5, "Wants material that belongs to a client or employer",
               label="asks"),
    R.RuleSpec("hiring-bypass", "RF2", 3.0, "Asks to bypass a hiring, tender or selection process",
               label="asks"),
    R.RuleSpec("fake-endorsement", "RF2", 3.0, "Asks for a testimonial, review or recommendation that is not true",
               label="asks"),
    R.RuleSpec("rating-ask", "RF2", 1.5, "Asks for a top rating", label="asks"),
    R.RuleSpec("scripted-endorsement", "RF2", 1.5, "Offers to write the review or quote for you", label="offers"),
    R.RuleSpec("false-attestation", "RF2", 3.0, "Asks you to attest something untrue", label="asks"),
    R.RuleSpec("lend-name", "RF2", 1.5, "Wants to present you as part of their team", label="asks"),
    R.RuleSpec("no-real-role", "RF2", 1.5, "Says you would not really do the work", label="says"),
    R.RuleSpec("padded-invoice", "RF2", 3.0, "Asks to pad or disguise an invoice", label="asks"),
    R.RuleSpec("material-ask", "RF2", 1.5, "Asks for documents or data, with one of the other RF2 signs",
               support=True, label="asks"),
    R.RuleSpec("concealed-ask", "RF2", 1.5, "The ask is to be hidden from the people it affects", label="says"),
    R.RuleSpec("others-material", "RF2", 1.5,
               "Wants material that is someone else's or confidential by nature (applications, reviews, "
               "exam papers, another client's files)", label="asks"),
    R.RuleSpec("data-manipulation", "RF2", 3.0, "Asks to make up or alter data or images", label="asks"),
    R.RuleSpec("kickback", "RF2", 1.5, "Offers an undisclosed payment or kickback", label="offers"),
    R.RuleSpec("personal-data-ask", "RF2", 3.0, "Asks for other people's personal data", label="asks"),
    R.RuleSpec("personal-data", "RF2", 1.5, "Mentions other people's contact details", label="mentions"),
    R.RuleSpec("consent-bypass", "RF2", 3.0, "Goes around people's consent or an ethics/data-protection review",
               label="says"),
    R.RuleSpec("guaranteed-return", "RF2", 3.0, "Promises guaranteed investment returns", label="promises"),
    R.RuleSpec("credential-no-assessment", "RF2", 3.0, "A credential without any assessment", label="offers"),
    R.RuleSpec("reputation-phrase", "RF2", 3.0, "Matches one of your [checker] RF2 phrases", label="says"),
    # RF3 premature ask
    R.RuleSpec("favour-from-stranger", "RF3", 3.0, "Asks a favour before you know them", label="asks"),
    R.RuleSpec("time-from-stranger", "RF3", 2.0, "Asks a stranger's call or meeting of your time", label="asks"),
    R.RuleSpec("premature-ask-phrase", "RF3", 3.0, "A stranger uses one of your [checker] RF3 phrases",
               label="says"),
    # RF4 bad history
    R.RuleSpec("negative-contact", "RF4", 5.0, "You had a negative experience with this contact"),
    R.RuleSpec("network-warning", "RF4", 5.0, "Someone you trust warned about this sender"),
    # RF7 out of depth
    R.RuleSpec("off-expertise-question", "RF7", 3.0, "Asks about a topic outside your expertise", label="asks"),
    R.RuleSpec("out-of-depth-phrase", "RF7", 3.0, "Asks about one of your [checker] RF7 topics", label="asks"),
)

_SPEC: dict[str, R.RuleSpec] = {s.rule_id: s for s in _SPECS}

#: Rule id -> (flag code, one-line description). Includes the capacity rules of ``capacity_hits``.
RULES: dict[str, tuple[str, str]] = {s.rule_id: (s.code, s.description) for s in _SPECS}
RULES.update(
    {
        "monthly-capacity-reached": ("RF5", "Accepted as many requests this month as you planned"),
        "on-break": ("RF6", "You are on a networking break"),
        "weekly-limit-reached": ("RF6", "Accepted as many requests this week as you planned"),
    }
)

# --------------------------------------------------------------------------------------------------
# Prefilter: words a match cannot do without (derived from each regex's parse tree at import)
# --------------------------------------------------------------------------------------------------

_KEY_LEN = 4
#: Words too common in mail to be a useful prefilter key (quality 1); frequent ones get quality 2.
_COMMON_KEYS = frozenset(("our", "you", "your", "we", "me", "the", "a", "i", "to", "my", "us", "an", "of", "for",
                          "and", "in", "on", "it", "is", "be", "can", "i'd", "d", "s", "t", "ll", "re", "ve", "m",
                          "at", "as", "so", "or", "if", "do", "no", "by", "up", "am", "he", "she", "they", "them",
                          "this", "that", "with", "from", "will", "are", "was", "what", "how", "any", "all",
                          "one", "not", "but", "get", "got", "have", "has", "had", "would", "could", "should"))
_FREQUENT_KEYS = frozenset(("woul", "coul", "shou", "have", "know", "help", "what", "with", "this", "that",
                            "from", "will", "just", "more", "time", "work", "team", "need", "like", "than",
                            "some", "when", "them", "they", "been", "were", "also", "into", "only", "over",
                            "very", "make", "want", "look", "next", "week", "year", "good", "take", "send",
                            "hear", "love", "glad", "happ", "your", "about", "abou", "thin", "wond", "hope",
                            "hopi", "real", "much", "many", "mont", "day", "new", "see", "let", "way", "use",
                            "who", "why", "out", "now", "well", "last", "first", "firs", "back", "give",
                            "call", "meet", "talk", "chat", "quic", "shor", "few", "bit", "lot", "ask"))
_ALNUM = re.compile(r"[a-z0-9]+")
#: A word as the rules' keys see it: a run of letters/digits not preceded by one.
_WORD_AT = re.compile(r"(?<![a-z0-9])[a-z0-9]+")
_Factor = tuple[str, bool]  # (literal text, preceded by a word boundary)
_Gate = tuple[frozenset[str], frozenset[str], tuple[str, ...]]  # (w4 keys, w3 keys, substrings)
_Key = tuple[str, str]  # (kind, key): "w4" first 4 chars of a word (or a whole shorter word), "w3", "sub"


def _key_of(factor: _Factor) -> tuple[int, str] | None:
    """The best prefilter key for one literal factor: (quality, key). A key is the first _KEY_LEN
    characters of a piece of letters/digits that starts at a word start, or a symbol such as '$'."""
    text, bounded = factor
    best: tuple[int, str] | None = None
    for m in _ALNUM.finditer(text):
        if m.start() == 0 and not bounded:
            continue
        piece = m.group(0)
        if piece in _COMMON_KEYS:
            q = 1
        elif piece[:_KEY_LEN] in _FREQUENT_KEYS:
            q = 2
        else:
            q = min(len(piece), _KEY_LEN) + 1
        if best is None or q > best[0]:
            best = (q, piece[:_KEY_LEN])
    if best is None:
        for ch in text:
            if not ch.isalnum() and not ch.isspace():
                return (1, ch)
    return best


def _ends_nonword(items: Sequence[tuple[object, object]]) -> bool:
    """True when every way through ``items`` ends with a literal that is not a letter or digit."""
    if not items:
        return False
    op, av = items[-1]
    if op is _C.LITERAL:
        return not chr(av).isalnum()  # type: ignore[arg-type]
    if op is _C.BRANCH:
        return all(_ends_nonword(alt) for alt in av[1])  # type: ignore[index]
    if op is _C.SUBPATTERN:
        return _ends_nonword(av[-1])  # type: ignore[index]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:  # type: ignore[index]
        return _ends_nonword(av[2])  # type: ignore[index]
    return False


def _factors(items: Sequence[tuple[object, object]], bounded: bool) -> list[_Factor] | None:
    """A set of literal factors of which every match contains at least one, or None if unknown."""
    candidates: list[list[_Factor]] = []
    run: list[str] = []
    run_bounded = bounded
    pending = bounded

    def flush() -> None:
        nonlocal run, run_bounded
        if run:
            candidates.append([("".join(run), run_bounded)])
        run = []

    for op, av in items:
        if op is _C.LITERAL:
            if not run:
                run_bounded = pending
            run.append(chr(av))  # type: ignore[arg-type]
            pending = not chr(av).isalnum()  # type: ignore[arg-type]
            continue
        flush()
        if op is _C.AT:
            pending = av in (_C.AT_BOUNDARY, _C.AT_BEGINNING, _C.AT_BEGINNING_STRING)
            continue
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] == 0:  # type: ignore[index]
            # optional: a word start survives it only if the group also ends at one
            pending = pending and _ends_nonword(av[2])  # type: ignore[index]
            continue
        if op is _C.IN and av and all(o is _C.LITERAL for o, _v in av):  # type: ignore[union-attr, attr-defined]
            # a small class of literal symbols ("[€$£]"): any of them will do as a key
            chars = [chr(v) for _o, v in av]  # type: ignore[union-attr, attr-defined]
            if all(not c.isalnum() for c in chars):
                candidates.append([(c, False) for c in chars])
            pending = False
            continue
        if op is _C.BRANCH:
            alts: list[_Factor] = []
            for alt in av[1]:  # type: ignore[index]
                sub = _factors(alt, pending)
                if sub is None:
                    alts = []
                    break
                alts.extend(sub)
            if alts:
                candidates.append(alts)
        elif op is _C.SUBPATTERN:
            sub = _factors(av[-1], pending)  # type: ignore[index]
            if sub is not None:
                candidates.append(sub)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:  # type: ignore[index]
            sub = _factors(av[2], pending)  # type: ignore[index]
            if sub is not None:
                candidates.append(sub)
        if op is _C.BRANCH:
            pending = all(_ends_nonword(alt) for alt in av[1])  # type: ignore[index]
        elif op is _C.SUBPATTERN:
            pending = _ends_nonword(av[-1])  # type: ignore[index]
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            pending = _ends_nonword(av[2])  # type: ignore[index]
        else:
            pending = False
    flush()
    best: tuple[int, list[_Factor]] | None = None
    for cand in candidates:
        keys = [_key_of(f) for f in cand]
        if any(k is None for k in keys):
            continue
        q = min(k[0] for k in keys if k is not None)
        if best is None or q > best[0]:
            best = (q, cand)
    return best[1] if best else None


def _gate_keys(tree: Sequence[tuple[object, object]]) -> frozenset[str] | None:
    """Keys (word prefixes or symbols) at least one of which every match of the parsed pattern ``tree``
    contains at a word start; None when the pattern has no such literal (then the regex always runs)."""
    facs = _factors(list(tree), True)
    if not facs:
        return None
    keys = {_key_of(f) for f in facs}
    if any(k is None for k in keys):
        return None
    return frozenset(k[1] for k in keys if k is not None)


def _starts_nonword(items: Sequence[tuple[object, object]]) -> bool:
    """True when every way through ``items`` begins with a non-alphanumeric literal, a word boundary or
    the end of the pattern (so a word just before it ends there)."""
    if not items:
        return False  # the pattern ends: the text may go on with more letters
    op, av = items[0]
    rest = list(items[1:])
    if op is _C.LITERAL:
        return not chr(av).isalnum()  # type: ignore[arg-type]
    if op is _C.AT:
        return av is _C.AT_BOUNDARY
    if op is _C.IN:
        return all(o is _C.LITERAL and not chr(v).isalnum() for o, v in av)  # type: ignore[attr-defined]
    if op is _C.BRANCH:
        return all(_starts_nonword(list(alt) + rest) for alt in av[1])  # type: ignore[index]
    if op is _C.SUBPATTERN:
        return _starts_nonword(list(av[-1]) + rest)  # type: ignore[index]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        body = list(av[2])  # type: ignore[index]
        if av[0] == 0:  # type: ignore[index]
            return _starts_nonword(body) and _starts_nonword(rest)
        return _starts_nonword(body)
    return False


def _start_keys(items: Sequence[tuple[object, object]], bounded: bool = False, prefix: str = "") -> list[_Key] | None:
    """Keys of the first word of every match, when each match must begin at a word start with a known
    word: ("w4", first four characters, or a whole shorter word) or ("w3", a three-letter start). None
    when the pattern does not start that way (it is then scanned, gated by ``_gate_keys``).

    ``prefix``: letters already fixed by the caller (the parser factors "(?:send|share)" into
    "s(?:end|hare)", so a short literal is carried into the branch that follows it)."""
    i = 0
    if not prefix:
        while i < len(items) and items[i][0] is _C.AT:
            if items[i][1] not in (_C.AT_BOUNDARY, _C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
                return None
            bounded = True
            i += 1
    if not bounded:
        return None
    if i >= len(items):
        return None  # the pattern ends here: the word may go on, so a short prefix is no key
    op, av = items[i]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] == 0 and av[1] == 1:  # type: ignore[index]
        # a leading optional part: the match starts with it or with what follows
        rest = list(items[i + 1:])
        with_it = _start_keys(list(av[2]) + rest, True, prefix)  # type: ignore[index]
        without = _start_keys(rest, True, prefix) if rest or not prefix else None
        if with_it is None or without is None:
            return None
        return with_it + without
    if op is _C.LITERAL:
        j = i
        run = [prefix]
        while j < len(items) and items[j][0] is _C.LITERAL:
            run.append(chr(items[j][1]))  # type: ignore[arg-type]
            j += 1
        text = "".join(run)
        m = _ALNUM.match(text)
        if not m:
            return None
        piece = m.group(0)
        complete = m.end() < len(text) or _starts_nonword(items[j:])
        if len(piece) >= _KEY_LEN:
            return [("w4", piece[:_KEY_LEN])]
        if complete:
            return [("w4", piece)]
        if m.end() == len(text) and j < len(items) and items[j][0] in (_C.BRANCH, _C.SUBPATTERN, _C.MAX_REPEAT,
                                                                       _C.MIN_REPEAT):
            sub = _start_keys(list(items[j:]), True, text)
            if sub is not None:
                return sub
        if len(piece) == 3:
            return [("w3", piece)]
        return None
    if op is _C.BRANCH:
        out: list[_Key] = []
        for alt in av[1]:  # type: ignore[index]
            sub = _start_keys(list(alt) + list(items[i + 1:]), True, prefix)
            if sub is None:
                return None
            out.extend(sub)
        return out
    if op is _C.SUBPATTERN:
        return _start_keys(list(av[-1]) + list(items[i + 1:]), True, prefix)  # type: ignore[index]
    if prefix and op is _C.AT and av is _C.AT_BOUNDARY and prefix[-1].isalnum():
        return [("w4", prefix[:_KEY_LEN])]  # the word ends right after the prefix
    if prefix:
        # something else follows a short prefix: fall back to the prefix itself
        return [("w3", prefix)] if len(prefix) == 3 else None
    return None


def _kind(key: str) -> _Key:
    if len(key) >= _KEY_LEN and key.isalnum():
        return ("w4", key[:_KEY_LEN])
    if len(key) == 3 and key.isalnum():
        return ("w3", key)
    return ("sub", key)


_REGISTRY: dict[str, list[_Rx]] = {}


class _Rx:
    """One rule's alternatives (regex sources) and, per alternative, what the engine needs to run it.

    ``starts``: the keys of the word every match starts with (``_start_keys``), or None; ``gates``: words
    one of which every match contains (``_gate_keys``; the start keys when those are more selective), or
    None. Registered rules (the module's own) run through the engine (``_Engine``) in one pass per message;
    ``register=False`` (per-config phrase lists) compiles the alternatives and scans each of them.
    """

    __slots__ = ("pats", "starts", "gates", "ngroups", "gid", "phase", "_alts", "_whole")

    def __init__(self, patterns: Iterable[str], register: bool = True, phase: str = "core") -> None:
        pats = list(patterns)
        self.pats = pats
        self._alts: list[re.Pattern[str]] | None = None
        self._whole: re.Pattern[str] | None = None
        #: index in its phase's registry (the rules of a phase run in one pass per message), or -1
        self.gid = -1
        #: engine phase: rules of one phase run in one pass; all rules use "core" (splitting RF3 or RF1-support
        #: rules into phases of their own measured slower on the benchmark: most mail needs them anyway)
        self.phase = phase
        #: per alternative: its start keys (try ``match`` only where they begin) or None (scan)
        self.starts: list[tuple[_Key, ...] | None] = []
        #: per alternative: (w4 keys, w3 keys, substring keys) of which one must occur, or None (always run)
        self.gates: list[_Gate | None] = []
        #: per alternative: its number of capturing groups
        self.ngroups: list[int] = []
        if not register:
            self._alts = [re.compile(p) for p in pats]
            return
        reg = _REGISTRY.setdefault(phase, [])
        self.gid = len(reg)
        reg.append(self)
        for p in pats:
            parsed = _P.parse(p)  # each alternative is parsed once; the engine compiles it in its bucket
            self.ngroups.append(parsed.state.groups - 1)
            tree = list(parsed)
            start = _start_keys(tree)
            self.starts.append(tuple(dict.fromkeys(start)) if start is not None else None)
            fkeys = _gate_keys(tree)
            gate = [_kind(k) for k in fkeys] if fkeys is not None else None
            if gate is None or (start is not None and _quality(start) > _quality(gate)):
                gate = start
            if gate is None:
                self.gates.append(None)
                continue
            self.gates.append((frozenset(k for kind, k in gate if kind == "w4"),
                               frozenset(k for kind, k in gate if kind == "w3"),
                               tuple(k for kind, k in gate if kind == "sub")))

    @property
    def alts(self) -> list[re.Pattern[str]]:
        """Each alternative compiled on its own (lazily for registered rules: tests and tools only)."""
        if self._alts is None:
            self._alts = [re.compile(p) for p in self.pats]
        return self._alts

    @property
    def whole(self) -> re.Pattern[str]:
        """All alternatives as one regex (compiled on first use)."""
        if self._whole is None:
            self._whole = re.compile("|".join(f"(?:{p})" for p in self.pats))
        return self._whole


def _gate_list(gate: _Gate) -> list[_Key]:
    """A gate (w4 keys, w3 keys, substrings) as a list of keys, for ``_quality``."""
    return [("w4", k) for k in gate[0]] + [("w3", k) for k in gate[1]] + [("sub", k) for k in gate[2]]


def _quality(keys: Sequence[_Key]) -> int:
    """How selective a key set is: the worst key's quality (see ``_key_of``)."""
    q = 99
    for kind, k in keys:
        if kind == "sub" or k in _COMMON_KEYS:
            q = min(q, 1)
        elif k in _FREQUENT_KEYS:
            q = min(q, 2)
        else:
            q = min(q, len(k) + 1)
    return q


def _word_index(low: str, want3: frozenset[str]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Word start offsets of ``low`` by key: first four letters (or the whole shorter word), and by first
    three letters for the prefixes in ``want3``."""
    d4: dict[str, list[int]] = {}
    d3: dict[str, list[int]] = {}
    for m in _WORD_AT.finditer(low):
        w = m.group()
        k = w[:4]
        v = d4.get(k)
        if v is None:
            d4[k] = [m.start()]
        else:
            v.append(m.start())
        k = w[:3]
        if k in want3 and len(w) >= 3:
            v = d3.get(k)
            if v is None:
                d3[k] = [m.start()]
            else:
                v.append(m.start())
    return d4, d3


#: Characters of regex source an alternative may be copied into per-first-word buckets (pattern length
#: times number of first words); beyond it the alternative gets one multi-word bucket.
_COPY_BUDGET = 8000


class _Engine:
    """Every registered rule, run in one pass over a message (``run``).

    Alternatives are put in buckets by (first-word key, required words): ``_start_keys`` gives the key of
    the word a match starts with, ``_gate_keys`` the rarer words one of which every match contains. A
    bucket's alternatives are combined into one regex holding, per rule, an optional lookahead that
    captures that rule's match, ``(?:(?=(rule A's alternatives))|)(?:(?=(rule B's ...))|)``, and failing
    when none matched. Per message the words are indexed once (key -> word start offsets), only the
    buckets whose required words occur are live, and a live bucket's regex is tried once at each offset
    where its first word starts: one ``match`` answers every rule of the bucket there. Alternatives
    with no first-word key are scanned (``finditer``) when their required words occur, or always."""

    def __init__(self, registry: Sequence[_Rx]) -> None:
        #: (start keys or None, gate or "start") -> rule gid -> [(source, groups)]
        buckets: dict[tuple[tuple[_Key, ...] | None, object], dict[int, list[tuple[str, int]]]] = {}
        for rx in registry:
            for i, pat in enumerate(rx.pats):
                starts = rx.starts[i]
                gate: object = rx.gates[i]
                if starts is not None and gate is not None:
                    g = rx.gates[i]
                    assert g is not None
                    start_gate = (frozenset(k for kind, k in starts if kind == "w4"),
                                  frozenset(k for kind, k in starts if kind == "w3"), ())
                    rarer = _quality(_gate_list(g)) > max(2, _quality(starts))
                    if g == start_gate or not rarer or len(starts) > 4:
                        gate = "start"  # live whenever one of its first words occurs (see ``run``)
                # one bucket per first word (shared with every rule starting there, so that one match per
                # offset answers them all); but a long pattern with many first words (a list of nouns) gets
                # one bucket for all of them, so that it is compiled once (import time)
                if starts is None:
                    groups: list[tuple[_Key, ...] | None] = [None]
                elif len(starts) <= 4 or len(pat) * len(starts) <= _COPY_BUDGET:
                    groups = [(k,) for k in starts]
                else:
                    groups = [tuple(sorted(starts))]
                for keys in groups:
                    buckets.setdefault((keys, gate), {}).setdefault(rx.gid, []).append((pat, rx.ngroups[i]))
        #: per bucket: (start keys or None, combined regex, ((group number, rule gid), ...))
        self.buckets: list[tuple[tuple[_Key, ...] | None, re.Pattern[str], tuple[tuple[int, int], ...]]] = []
        always: list[int] = []
        start4: dict[str, list[int]] = {}
        start3: dict[str, list[int]] = {}
        g4: dict[str, list[int]] = {}
        g3: dict[str, list[int]] = {}
        gsub: dict[str, list[int]] = {}
        for (keys, gate), rules in buckets.items():
            if keys is None:
                # scanned: one alternation per rule is enough (finditer reports every match)
                for gid, alts in rules.items():
                    self.buckets.append((None, re.compile("|".join(f"(?:{p})" for p, _n in alts)), ((0, gid),)))
                    self._index_gate(len(self.buckets) - 1, gate, always, g4, g3, gsub)  # type: ignore[arg-type]
                continue
            parts: list[str] = []
            slots: list[tuple[int, int]] = []
            group = 1
            for gid, alts in rules.items():
                parts.append("(?:(?=(" + "|".join(f"(?:{p})" for p, _n in alts) + "))|)")
                slots.append((group, gid))
                group += 1 + sum(n for _p, n in alts)
            fail = "(?!)"  # fail unless some rule captured: most offsets cost one failed match, no loop
            for slot, _gid in reversed(slots):
                fail = f"(?({slot})|{fail})"
            b = len(self.buckets)
            self.buckets.append((keys, re.compile("".join(parts) + fail), tuple(slots)))
            if gate == "start":
                for kind, k in keys:
                    (start4 if kind == "w4" else start3).setdefault(k, []).append(b)
            else:
                self._index_gate(b, gate, always, g4, g3, gsub)  # type: ignore[arg-type]
        self.always = tuple(always)
        self.start4 = {k: tuple(v) for k, v in start4.items()}
        self.start3 = {k: tuple(v) for k, v in start3.items()}
        self.g4 = {k: tuple(v) for k, v in g4.items()}
        self.g3 = {k: tuple(v) for k, v in g3.items()}
        self.gsub = {k: tuple(v) for k, v in gsub.items()}
        self.sub_rx = re.compile("|".join(re.escape(k) for k in sorted(gsub, key=len, reverse=True))) if gsub else None
        #: three-letter prefixes worth indexing (keys of anchored or gated alternatives)
        self.want3 = frozenset(self.g3) | frozenset(start3)
        self.size = len(registry)
        #: bucket -> (w4 keys, w3 keys) for buckets that start at one of several words
        self.multi = {b: (frozenset(k for kind, k in keys if kind == "w4"), frozenset(k for kind, k in keys
                                                                                     if kind == "w3"))
                      for b, (keys, _rx, _s) in enumerate(self.buckets) if keys is not None and len(keys) > 1}

    @staticmethod
    def _index_gate(b: int, gate: _Gate | None, always: list[int], g4: dict[str, list[int]],
                    g3: dict[str, list[int]], gsub: dict[str, list[int]]) -> None:
        if gate is None:
            always.append(b)
            return
        for k in gate[0]:
            g4.setdefault(k, []).append(b)
        for k in gate[1]:
            g3.setdefault(k, []).append(b)
        for k in gate[2]:
            gsub.setdefault(k, []).append(b)

    def run(self, low: str, d4: dict[str, list[int]], d3: dict[str, list[int]]) -> list[list[tuple[int, int]]]:
        """All matches of every rule of this engine in ``low`` (word index ``d4``/``d3`` from
        ``_word_index``): per rule gid, (start, end) pairs in text order (every word start where a rule
        matches; matches may overlap)."""
        out: list[list[tuple[int, int]]] = [[] for _ in range(self.size)]
        live = set(self.always)
        start4 = self.start4
        for k in start4.keys() & d4.keys():
            live.update(start4[k])
        start3 = self.start3
        for k in start3.keys() & d3.keys():
            live.update(start3[k])
        for k in self.g4.keys() & d4.keys():
            live.update(self.g4[k])
        for k in self.g3.keys() & d3.keys():
            live.update(self.g3[k])
        if self.sub_rx is not None:
            for k in set(self.sub_rx.findall(low)):
                live.update(self.gsub[k])
        buckets = self.buckets
        for b in live:
            keys, rx, slots = buckets[b]
            if keys is None:
                gid = slots[0][1]
                out[gid].extend((m.start(), m.end()) for m in rx.finditer(low))
                continue
            if len(keys) == 1:
                kind, k = keys[0]
                pos = (d4 if kind == "w4" else d3).get(k)
                if not pos:
                    continue
            else:
                k4, k3 = self.multi[b]
                pos = sorted({p for k in k4 & d4.keys() for p in d4[k]} | {p for k in k3 & d3.keys() for p in d3[k]})
            match = rx.match
            for p in pos:
                m = match(low, p)
                if m is None:
                    continue
                regs = m.regs
                for g, gid in slots:
                    e = regs[g][1]
                    if e >= 0:
                        out[gid].append((p, e))
        for v in out:
            if len(v) > 1:
                v.sort()
        return out


# --------------------------------------------------------------------------------------------------
# Compiled patterns (once, at import)
# --------------------------------------------------------------------------------------------------


def _rx(patterns: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


_REQUEST = _Rx(R.REQUEST_MARKERS + (
    r"\bwould (?:mean a lot|be (?:great|wonderful|amazing|brilliant|hugely helpful|so helpful|very helpful|"
    r"invaluable|much appreciated|a huge help))\b",
    r"\bwould help (?:me|us)\b",
))
_THANKS = _Rx(R.RF3_THANKS)
_SALES_MEETING = _Rx(R.RF3_SALES_MEETING)
_PAID_TO_USER = _Rx(R.RF1_PAID_TO_USER)

_G = _Rx

_RF1 = {
    "pitch-offering": _G(R.RF1_OFFERING),
    "pitch-pricing": _G(R.RF1_PRICING),
    "pitch-call-to-action": _G(R.RF1_CTA),
    "pay-to-play": _G(R.RF1_PAY_TO_PLAY),
    "investment-pitch": _G(R.RF1_INVESTMENT),
    "pitch-flattery": _G(R.RF1_FLATTERY),
    "pitch-urgency": _G(R.RF1_URGENCY),
    "pitch-results-claim": _G(R.RF1_RESULTS),
    "unverified-follow-up": _G(R.RF1_FOLLOW_UP),
    "disguised-pitch": _G(R.RF1_DISGUISED),
}
_SELF_PROMO = _rx(R.RF1_SELF_PROMO)

#: RF2 rule id -> (pattern, needs a request sentence)
_RF2: dict[str, tuple[_Rx, bool]] = {
    "confidential-ask": (_G(R.RF2_CONFIDENTIAL_ASK), True),
    "secrecy": (_G(R.RF2_SECRECY), False),
    "client-material": (_G(R.RF2_CLIENT_MATERIAL), True),
    "hiring-bypass": (_G(R.RF2_BYPASS), True),
    "fake-endorsement": (_G(R.RF2_FAKE_ENDORSEMENT), False),
    "rating-ask": (_G(R.RF2_RATING_ASK), True),
    "scripted-endorsement": (_G(R.RF2_SCRIPTED), False),
    "false-attestation": (_G(R.RF2_ATTESTATION), True),
    "lend-name": (_G(R.RF2_LEND_NAME), True),
    "no-real-role": (_G(R.RF2_NO_DELIVERY), False),
    "padded-invoice": (_G(R.RF2_PADDED_INVOICE + R.RF2_QUOTE_SHORTFALL), False),
    "others-material": (_G(R.RF2_OTHERS_MATERIAL), True),
    "data-manipulation": (_G(R.RF2_DATA_MANIPULATION), False),
    "kickback": (_G(R.RF2_KICKBACK), False),
    "material-ask": (_G(R.RF3_SHARE), True),
    "personal-data-ask": (_G(R.RF2_PERSONAL_DATA_ASK), True),
    "personal-data": (_G(R.RF2_PERSONAL_DATA), False),
    "consent-bypass": (_G(R.RF2_CONSENT_BYPASS), False),
    "guaranteed-return": (_G(R.RF2_GUARANTEED_RETURN), False),
    "credential-no-assessment": (_G(R.RF2_CREDENTIAL), False),
}
_ATTEST_ASK = _G(R.RF2_ATTEST_ASK + R.RF2_CERTIFY_AS)
_HIDE = _G(R.RF2_HIDE_FROM_OTHERS)
_CONF_ACK = _G(R.RF2_CONFIDENTIAL_ACK)
_SHORTFALL = _G(R.RF2_SHORTFALL)
_ENDORSE_OBJECT = _G(R.RF2_ENDORSE_OBJECT)
_NOT_EXPERIENCED = _G(R.RF2_NOT_EXPERIENCED)
#: A recommendation or reference for a person (not a product): vouching for a stranger is RF3, not RF2.
_PERSON_REFERENCE = re.compile(r"recommendations?|recommend|references?|vouch")
_CREDENTIAL_WORD = re.compile(r"certif|accredit|credential|diploma|degree|licen[cs]|qualification|\btitle\b|badge")

#: RF3 favour categories: name shown in evidence -> pattern
_RF3_FAVOURS: tuple[tuple[str, _Rx], ...] = (
    ("a referral or introduction", _G(R.RF3_REFERRAL)),
    ("an endorsement", _G(R.RF3_ENDORSE)),
    ("a review of their work", _G(R.RF3_REVIEW)),
    ("job leads", _G(R.RF3_JOBS)),
    ("mentoring", _G(R.RF3_MENTOR)),
    ("material to be shared", _G(R.RF3_SHARE)),
    ("advice", _G(R.RF3_ADVICE)),
)
_RF3_QUESTION = _G(R.RF3_QUESTION)
_ASK_FRAMES = tuple(re.compile(p) for p in R.RF3_ASK_FRAMES)
_BE_ROLE = _rx(R.RF3_BE_ROLE)
_NOUN_ASK = _rx(R.RF3_NOUN_ASK)
_ADVICE_Q = _rx(R.RF3_ADVICE_QUESTION)
_OFFER_OBJECT = _rx(R.RF3_OFFER_OBJECT)
_OFFERED = _rx(R.RF3_OFFERED_TO_READER)
_FOR_SENDER = re.compile(r"\b(?:my|me)\b")
_NEXT_WORD = re.compile(r"\s*([a-z'-]+)")
_RF3_CALL = _G(R.RF3_CALL)
_RF7_ASK = _G(R.RF7_ASK)
_RF7_KNOWLEDGE = _G(R.RF7_KNOWLEDGE)
_ENGINES = {phase: _Engine(reg) for phase, reg in _REGISTRY.items()}
_WANT3 = frozenset().union(*(e.want3 for e in _ENGINES.values()))
#: Questions that point at the sentence before or after them instead of naming their topic.
_REFERENT_Q = re.compile(
    r"\b(?:which|what) (?:one |option |route )?(?:would|should|do) you\b|\b(?:is|was) (?:that|this|it) (?:right|true|"
    r"legal|allowed|correct|normal|ok|okay|fair|worth it|wise|a good idea)\b|\bwhat (?:do|would) you (?:think|"
    r"suggest|recommend|advise|do)\b|\b(?:any|your) (?:thoughts|views?|opinion|take|advice|guidance)\b|"
    r"\bwhich (?:is|would be) (?:better|best|safer|cheaper)\b|\b(?:on|about) something\b"
)
#: A subject line that is itself the question ("Question: ...", "Quick question about ...", "...?").
_SUBJECT_Q = re.compile(r"\?|\b(?:question|query|advice|help)\b|\bquick one\b", re.I)

_SUBJECT_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:", re.I)

# --------------------------------------------------------------------------------------------------
# Text preparation
# --------------------------------------------------------------------------------------------------

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
#: Any character that ``_TRANS`` changes (translating only when needed is much cheaper).
_TRANS_NEEDED = re.compile("[" + re.escape("".join(chr(c) for c in _TRANS)) + "]")
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
#: Any line that ``author_text`` would treat specially (a cheap test before the line-by-line pass).
_QUOTE_HINT = re.compile(r"\n[ \t]*(?:>|-{2}|_{8}|\*?[Ff][Rr][Oo][Mm]:|[Bb][Ee][Gg][Ii][Nn] [Ff]orwarded)")
_WROTE_TAILS = ("rote:", "ROTE:", "chrieb:", "crit:", "scribió:", "crisse:", "chreef:", "apisał:")
_OUTLOOK_FROM = re.compile(r"^\s*\*?from:\*?\s+\S", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(?:sent|date|to|subject):\*?\s", re.I)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[^\sa-z])")
_PARA_SPLIT = re.compile(r"\n\s*\n")
_LABEL_SPLIT = re.compile(r"[-_]")
_CAP_WORD = re.compile(r"[A-Z][\w&-]{2,}")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]|\d{1,2}[.)])\s+")


def _detag(text: str) -> str:
    """Very small HTML-to-text fallback, for a body that still holds markup (parse normally converts)."""
    text = _STYLE.sub(" ", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def author_text(body: str) -> str:
    """Return the part of ``body`` the sender wrote: quoted lines (``>``), "On ... wrote:" headers,
    forwarded or original messages, and the signature after ``-- `` are removed; curly quotes and odd
    spaces are straightened. Used by the checker so that asks quoted from someone else never count
    (corpus labelling rule for RF3)."""
    if "<" in body and _HTMLISH.search(body):
        body = _detag(body)
    if _TRANS_NEEDED.search(body):
        body = body.translate(_TRANS)
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
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


@dataclass(slots=True)
class _Doc:
    """Sentences of one message: original text, lower-cased flat text with offsets, paragraph ids."""

    sents: list[str]
    low: str
    starts: list[int]
    para: list[int]
    _runs: dict[str, list[list[tuple[int, int]]]] = field(default_factory=dict)
    _words: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
    _sets: dict[int, frozenset[int]] = field(default_factory=dict)

    def matches(self, rx: _Rx) -> list[tuple[int, int]]:
        """All (start, end) matches of ``rx`` in the flat lower-case text, in text order. The registered
        rules of a phase all come from one engine pass (``_Engine.run``) made on the first call."""
        if rx.gid >= 0:
            allm = self._runs.get(rx.phase)
            if allm is None:
                if self._words is None:
                    self._words = _word_index(self.low, _WANT3)
                allm = self._runs[rx.phase] = _ENGINES[rx.phase].run(self.low, *self._words)
            return allm[rx.gid]
        low = self.low
        out = [(m.start(), m.end()) for alt in rx.alts for m in alt.finditer(low)]
        out.sort()
        return out

    def sentence_set(self, rx: _Rx) -> frozenset[int]:
        """Indices of the sentences where ``rx`` matches (computed once per document)."""
        key = id(rx)
        v = self._sets.get(key)
        if v is None:
            v = frozenset(self.index(a) for a, _b in self.matches(rx))
            self._sets[key] = v
        return v

    def index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def lower_sent(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.low)
        return self.low[self.starts[i]:end]

    def is_request(self, i: int) -> bool:
        """True when sentence ``i`` asks something (a question, "could you", "I'd love", ...)."""
        return i in self.sentence_set(_REQUEST)


def _sentences(subject: str, body: str) -> _Doc:
    sents: list[str] = []
    para: list[int] = []
    subj = _SUBJECT_PREFIX.sub("", subject.translate(_TRANS)).strip()
    if subj:
        sents.append(subj)
        para.append(-1)
    for p_i, block in enumerate(_PARA_SPLIT.split(author_text(body))):
        buf: list[str] = []
        chunks: list[str] = []
        for line in block.split("\n"):
            s = line.strip()
            if not s:
                continue
            if _BULLET.match(s) and buf:
                chunks.append(" ".join(buf))
                buf = []
            buf.append(s)
        if buf:
            chunks.append(" ".join(buf))
        for chunk in chunks:
            for s in _SENT_SPLIT.split(chunk):
                s = " ".join(s.split())
                if s:
                    sents.append(s)
                    para.append(p_i)
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for s in sents:
        low = s.lower()
        starts.append(pos)
        parts.append(low)
        pos += len(low) + 1
    return _Doc(sents, "\n".join(parts), starts, para)


def _quote(doc: _Doc, i: int, start: int = -1, end: int = -1, limit: int = 160) -> str:
    """Quote sentence ``i`` (or a window of it around [start, end) given in flat lower-case offsets)."""
    s = doc.sents[i]
    if len(s) <= limit or start < 0:
        q = s if len(s) <= limit else s[: limit - 1].rsplit(" ", 1)[0] + "\u2026"
    else:
        off = doc.starts[i]
        a, b = max(0, start - off - 60), min(len(s), end - off + 80)
        while a > 0 and s[a - 1] != " ":
            a -= 1
        while b < len(s) and s[b] != " ":
            b += 1
        q = ("\u2026" if a > 0 else "") + s[a:b].strip() + ("\u2026" if b < len(s) else "")
    return '"' + q.replace('"', "'") + '"'


def _find(doc: _Doc, grx: _Rx, *, request: bool = False, skip: _Rx | None = None,
          limit: int = 1) -> list[tuple[int, int, int]]:
    """Return up to ``limit`` matches as (sentence index, start, end) in flat offsets, one per sentence,
    in text order. ``request``: only sentences that ask something; ``skip``: sentences where that rule
    matches are ignored."""
    cands = doc.matches(grx)
    out: list[tuple[int, int, int]] = []
    if not cands:
        return out
    seen: set[int] = set()
    skipped = doc.sentence_set(skip) if skip is not None else frozenset()
    for a, b in cands:
        i = doc.index(a)
        if i in seen or i in skipped:
            continue
        if request and not doc.is_request(i):
            continue
        seen.add(i)
        out.append((i, a, b))
        if len(out) >= limit:
            break
    return out


# --------------------------------------------------------------------------------------------------
# Sender look-ups
# --------------------------------------------------------------------------------------------------


def _fold(s: str) -> str:
    """Case- and accent-insensitive form of a name ("Inés García" -> "ines garcia")."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


def _matches(entry: ListEntry, addr: str) -> bool:
    """RF2/RF4 list rule: full address, or ``*@domain`` = exact domain (no subdomains), case-insensitive."""
    pat = entry.pattern.strip().lower()
    if pat.startswith("*@"):
        return addr.rpartition("@")[2] == pat[2:]
    return addr == pat


def _sender_addrs(message: ParsedMessage) -> list[str]:
    """Addresses that identify the sender: From (the person, for a relay) then Reply-To."""
    out: list[str] = []
    for a in ((message.from_,) if message.from_ else ()) + tuple(message.reply_to):
        if a.address and "@" in a.address:
            x = a.address.strip().lower()
            if x not in out and not (message.via and message.via.address and x == message.via.address.lower()):
                out.append(x)
    return out


def _list_match(entries: Sequence[ListEntry], message: ParsedMessage, ctx: CheckContext
                ) -> tuple[ListEntry, str] | None:
    """The first list entry (RF2 reputation_watch / RF4 network_warnings) matching the sender, and what it
    matched: one of the sender's addresses; or, for a person named by a notification relay without an
    address, the address of the contact with that name, or an entry whose local part spells the name
    ("desmond.harrow@..." for "Desmond Harrow")."""
    addrs = _sender_addrs(message)
    f = message.from_
    by_name = bool(f and f.name and not f.address)
    if by_name:
        c = _contact_for(message, ctx)
        if c is not None and c.address and c.address.lower() not in addrs:
            addrs.append(c.address.lower())
    for addr in addrs:
        for e in entries:
            if _matches(e, addr):
                return e, addr
    if by_name and f is not None and f.name:
        words = _fold(f.name).split()
        if len(words) >= 2:
            for e in entries:
                local, _at, _dom = e.pattern.strip().lower().partition("@")
                if local and local != "*" and _LOCAL_SPLIT.split(_fold(local)) == words:
                    return e, f'"{f.name}" (by name)'
    return None


_LOCAL_SPLIT = re.compile(r"[._\-+]+")


def _who(message: ParsedMessage) -> str:
    f = message.from_
    if f is None:
        return "the sender"
    if f.address:
        return f.address.lower()
    name = f.name or "the sender"
    site = message.via.site if message.via and message.via.site else None
    return f'"{name}" (via {site})' if site else f'"{name}"'


def _is_known(message: ParsedMessage, ctx: CheckContext) -> bool:
    """DESIGN "Known person": From address in known_addresses; for a notification relay without an
    address, the person's name in known_names (case- and accent-insensitive)."""
    f = message.from_
    if f is None:
        return False
    if f.address and f.address.strip().lower() in ctx.known_addresses:
        return True
    if f.name and (message.via is not None or not f.address):
        folded = _fold(f.name)
        return any(_fold(n) == folded for n in ctx.known_names)
    return False


def _contact_for(message: ParsedMessage, ctx: CheckContext) -> ContactInfo | None:
    """The contact entry of the sender: by address, or by name for a notification without an address."""
    f = message.from_
    if f is None:
        return None
    if f.address:
        c = ctx.contacts.get(f.address.strip().lower())
        if c is not None:
            return c
    if f.name and (message.via is not None or not f.address):
        folded = _fold(f.name)
        for c in ctx.contacts.values():
            if c.name and _fold(c.name) == folded:
                return c
    return None


# --------------------------------------------------------------------------------------------------
# Topic analysis (RF7)
# --------------------------------------------------------------------------------------------------

_SUFFIXES = (
    "izations", "isations", "ization", "isation", "ational", "ations", "ation", "nesses", "ments", "ment",
    "ness", "ships", "ship", "ings", "ing", "ities", "ity", "ives", "ive", "ions", "ion", "ers", "er",
    "ies", "ied", "ed", "es", "s", "ly", "al",
)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: ``presentations``/``presenting`` -> ``present``, ``leadership`` ->
    ``lead``. Good enough to compare a question's words with expertise phrases; not linguistics."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    for _ in range(2):
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                if suf == "ies":
                    w += "y"
                break
        else:
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


_TOPIC_TOKEN = re.compile(r"[a-z0-9]+(?:[/&.+][a-z0-9]+)*")


def _norm(word: str) -> str:
    """Light plural normalisation for the RF7 lexicon ("taxes" -> "tax", "policies" -> "policy"); unlike
    ``stem`` it never merges different words ("value"/"valuation", "development"/"developer")."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _build_lexicon() -> dict[str, list[tuple[tuple[str, ...], str, str, float]]]:
    """First normalised word -> [(normalised words, domain, term, weight)], longest terms first."""
    lex: dict[str, list[tuple[tuple[str, ...], str, str, float]]] = {}
    for domain, terms in R.DOMAINS.items():
        for term in terms:
            key = tuple(_norm(t) for t in _TOPIC_TOKEN.findall(term.lower()))
            if key:
                w = 0.5 if term in R.WEAK_TERMS else 1.0
                lex.setdefault(key[0], []).append((key, domain, term, w))
    for v in lex.values():
        v.sort(key=lambda x: -len(x[0]))
    return lex


_LEXICON = _build_lexicon()
_STOP_STEMS = frozenset(stem(w) for w in R.TOPIC_STOPWORDS) | R.TOPIC_STOPWORDS
_GENERIC_STEMS = frozenset(stem(w) for w in R.EXPERTISE_GENERIC)


def _lexicon_hits(norms: Sequence[str]) -> list[tuple[str, str, float, int, int]]:
    """(domain, term, weight, start token, end token) for the lexicon terms in a normalised token list
    (longest term wins; terms do not overlap)."""
    out: list[tuple[str, str, float, int, int]] = []
    i = 0
    n = len(norms)
    lex = _LEXICON
    while i < n:
        cands = lex.get(norms[i])
        if cands is None and len(norms[i]) >= 4 and norms[i][-2:] in ("ed", "ng"):
            cands = _verb_base(norms[i])
        step = 1
        if cands:
            for key, domain, term, w in cands:
                k = len(key)
                if k == 1 or tuple(norms[i:i + k]) == key:
                    out.append((domain, term, w, i, i + k))
                    step = k
                    break
        i += step
    return out


def _verb_base(word: str) -> list[tuple[tuple[str, ...], str, str, float]] | None:
    """Lexicon entries for a verb form of a lexicon word ("taxed", "patented", "sued", "deploying")."""
    bases = (word[:-3], word[:-3] + "e") if word.endswith("ing") else (word[:-2], word[:-1])
    for b in bases:
        cands = _LEXICON.get(b)
        if cands is not None:
            return cands
    return None


@dataclass(frozen=True, slots=True)
class _Expertise:
    """The user's expertise phrases, their content-word stems (generic words dropped) and the lexicon
    domains they touch."""

    phrases: tuple[str, ...]
    stems: frozenset[str]
    domains: frozenset[str]


@lru_cache(maxsize=64)
def _expertise(phrases: tuple[str, ...]) -> _Expertise:
    stems: set[str] = set()
    domains: set[str] = set()
    broad: dict[str, set[str]] = {}
    for p in phrases:
        toks = _TOPIC_TOKEN.findall(p.lower())
        for t in toks:
            s = stem(t)
            if s not in _STOP_STEMS and s not in _GENERIC_STEMS and t not in R.EXPERTISE_GENERIC and len(t) > 2:
                stems.add(s)
        for domain, term, w, _a, _b in _lexicon_hits([_norm(t) for t in toks]):
            # one broad word ("compliance" in "building regulations compliance") does not put a whole domain
            # inside the expertise; a distinctive term does, and so do two different broad ones
            # ("primary school teaching", "classroom behaviour")
            if w >= 1.0 and term not in R.WEAK_TERMS:
                domains.add(domain)
            else:
                broad.setdefault(domain, set()).add(term)
    domains.update(d for d, terms in broad.items() if len(terms) >= 2)
    return _Expertise(phrases, frozenset(stems), frozenset(domains))


@lru_cache(maxsize=64)
def _phrase_rx(phrases: tuple[str, ...]) -> _Rx | None:
    """Compile user phrases (``[checker] phrases``) once per distinct list: literal, case-insensitive,
    whole words."""
    ps = [p.strip().lower().translate(_TRANS) for p in phrases if p and p.strip()]
    if not ps:
        return None
    return _Rx((rf"(?<!\w){re.escape(p)}(?!\w)" for p in sorted(ps, key=len, reverse=True)), register=False)


# --------------------------------------------------------------------------------------------------
# The flags
# --------------------------------------------------------------------------------------------------

_Hit = tuple[str, tuple[str, ...]]  # (rule id, evidence)


def _company_tokens(message: ParsedMessage) -> set[str]:
    """Lower-case name parts of the sender's organisation: domain labels and the relay headline."""
    out: set[str] = set()
    f = message.from_
    if f and f.address and "@" in f.address:
        dom = f.address.rpartition("@")[2].lower()
        labels = dom.split(".")[:-1] or dom.split(".")
        for lab in labels:
            out.update(x for x in _LABEL_SPLIT.split(lab) if len(x) >= 3)
            out.add(lab.replace("-", ""))
    if message.via and message.via.headline:
        out.update(w.lower() for w in _CAP_WORD.findall(message.via.headline))
    return out


def _rf1(doc: _Doc, message: ParsedMessage, known: bool, ctx: CheckContext) -> list[_Hit]:
    hits: list[_Hit] = []
    spec = _SPEC
    for rule_id in ("pitch-offering", "pitch-pricing", "pitch-call-to-action", "pay-to-play", "investment-pitch"):
        skip = _PAID_TO_USER if rule_id in ("pitch-pricing", "pitch-call-to-action", "pay-to-play") else None
        found = _find(doc, _RF1[rule_id], skip=skip)
        if rule_id == "pitch-offering" and not found:
            comp = _company_tokens(message)
            if comp:
                for i, s in enumerate(doc.sents):
                    m = _SELF_PROMO.search(s)
                    name = next((g for g in m.groups() if g), "") if m else ""
                    if m is not None and name and name.split()[0].lower() in comp:
                        found = [(i, doc.starts[i] + m.start(), doc.starts[i] + m.end())]
                        break
        if found:
            i, a, b = found[0]
            hits.append((rule_id, (f"{spec[rule_id].label}: {_quote(doc, i, a, b)}",)))
    if not hits:
        return hits
    for rule_id in ("pitch-flattery", "pitch-urgency", "pitch-results-claim", "disguised-pitch"):
        found = _find(doc, _RF1[rule_id])
        if found:
            i, a, b = found[0]
            hits.append((rule_id, (f"{spec[rule_id].label}: {_quote(doc, i, a, b)}",)))
    if not known:
        found = _find(doc, _RF1["unverified-follow-up"])
        if found:
            i, a, b = found[0]
            hits.append(("unverified-follow-up",
                         (f"claims: {_quote(doc, i, a, b)}", f"no earlier mail with {_who(message)}")))
        elif _SUBJECT_PREFIX.match(message.subject or ""):
            hits.append(("unverified-follow-up", (f'subject "{message.subject.strip()}" but no earlier mail with '
                                                  f"{_who(message)}",)))
    return hits


def _list_evidence(name: str, entry: ListEntry, addr: str) -> str:
    ev = f'{addr} matches {name} "{entry.pattern}"'
    if entry.reason:
        ev += f": {entry.reason}"
    if entry.reported_by:
        ev += f" (reported by {entry.reported_by})"
    return ev


def _rf2(doc: _Doc, message: ParsedMessage, ctx: CheckContext) -> list[_Hit]:
    hits: list[_Hit] = []
    found_entry = _list_match(ctx.reputation_watch, message, ctx)
    if found_entry is not None:
        hits.append(("reputation-watch", (_list_evidence("reputation_watch", *found_entry),)))
    for rule_id, (rx, need_req) in _RF2.items():
        found = _find(doc, rx, request=need_req, skip=_THANKS if need_req else None)
        if not found:
            continue
        i, a, b = found[0]
        if rule_id == "credential-no-assessment" and not _CREDENTIAL_WORD.search(doc.low):
            continue
        hits.append((rule_id, (f"{_SPEC[rule_id].label}: {_quote(doc, i, a, b)}",)))
    got = {r for r, _ev in hits}
    asks_something = any(doc.is_request(i) for i in range(len(doc.sents)))
    hide = _find(doc, _HIDE) if asks_something else []
    if hide:
        i, a, b = hide[0]
        hits.append(("concealed-ask", (f"says: {_quote(doc, i, a, b)}",)))
    if "confidential-ask" not in got and asks_something:
        # "I know they're confidential, but ..." and a request
        ack = _find(doc, _CONF_ACK)
        if ack:
            i, a, b = ack[0]
            hits.append(("confidential-ask", (f"says: {_quote(doc, i, a, b)}",)))
            got.add("confidential-ask")
    if "false-attestation" not in got:
        # a record to sign, certify or vouch for, in a message that says less was done (or that it is hidden)
        ask = _find(doc, _ATTEST_ASK, request=True, skip=_THANKS)
        short = (_find(doc, _SHORTFALL, limit=4) or hide) if ask else []
        if ask and short:
            i, a, b = ask[0]
            # quote the shortfall from another sentence when there is one (the ask is quoted already)
            j, c, d = next((x for x in short if x[0] != i), short[0])
            ev = (f"asks: {_quote(doc, i, a, b)}",) + ((f"says: {_quote(doc, j, c, d)}",) if j != i else ())
            hits.append(("false-attestation", ev))
    if "fake-endorsement" not in got:
        # an endorsement, review or quote, in a message that says the reader has not tried the thing
        nox = _find(doc, _NOT_EXPERIENCED, limit=4)
        obj = _find(doc, _ENDORSE_OBJECT, limit=8) if nox else []
        obj = [x for x in obj if not _PERSON_REFERENCE.search(doc.low, x[1], x[2])]
        if nox and obj:
            i, a, b = obj[0]
            j, c, d = next((x for x in nox if x[0] != i), nox[0])
            ev = (f"asks: {_quote(doc, i, a, b)}",) + ((f"says: {_quote(doc, j, c, d)}",) if j != i else ())
            hits.append(("fake-endorsement", ev))
    primaries = {r for r, _ev in hits if not _SPEC[r].support}
    if primaries == {"client-material"}:
        # the same ask seen twice is one sign, not two: a client's material needs a second sign
        hits = [h for h in hits if h[0] != "material-ask"]
    return hits


def _ask_stem(word: str) -> str:
    """Base form of the first word of an ask ("sharing" -> "share", "introduced" -> "introduce")."""
    for suf in ("ing", "ed"):
        if word.endswith(suf) and len(word) > len(suf) + 2:
            base = word[: -len(suf)]
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "ls":
                return base[:-1]  # "putting" -> "put"
            return base
    return word


def _not_favour(word: str, nxt: str) -> bool:
    """True when an ask starting with ``word`` (then ``nxt``) is an offer, a sales call or a courtesy."""
    stop = R.RF3_ASK_NOT_FAVOUR
    forms = {word, _ask_stem(word), _ask_stem(word) + "e"}
    for w in forms:
        if w in stop or f"{w} {nxt}" in stop:
            return True
    return not (forms & R.RF3_FAVOUR_VERBS)


def _generic_asks(doc: _Doc, skip: frozenset[int], selling: bool) -> list[tuple[int, int, int]]:
    """Request sentences addressed to the reader, found by grammar rather than by favour phrase (article
    red flag 3): "could you VERB", "would you be willing to VERB", "I'd be grateful if you VERB", "I was
    hoping you could VERB", "please VERB", "would you be my mentor"; noun asks ("your feedback", "a
    reference from you") and direct advice questions ("what would you recommend?", "should I ...?") unless
    the mail is selling. The verb must not be an offer, a sales call to action or a courtesy
    (``RF3_ASK_NOT_FAVOUR``). Returns (sentence index, start, end) in flat offsets; sentences in ``skip``
    (thanks, sales meetings, pitch sentences) are ignored."""
    out: list[tuple[int, int, int]] = []
    for i in range(len(doc.sents)):
        if i in skip:
            continue
        low = doc.lower_sent(i)
        nxt = doc.lower_sent(i + 1) if i + 1 < len(doc.sents) and doc.para[i + 1] == doc.para[i] else ""
        if _OFFERED.search(low) or _OFFERED.search(nxt):
            continue
        off = doc.starts[i]
        hit: tuple[int, int] | None = None
        for frame in _ASK_FRAMES:
            for m in frame.finditer(low):
                v = m.group("v")
                nm = _NEXT_WORD.match(low, m.end())
                if _not_favour(v, nm.group(1) if nm else ""):
                    continue
                clause = low[m.end():m.end() + 90]
                om = _OFFER_OBJECT.search(clause)
                if om is None or _FOR_SENDER.search(clause, 0, om.start()):
                    hit = (m.start(), m.end())
                    break
            if hit:
                break
        if hit is None and doc.is_request(i):
            am = _BE_ROLE.search(low)
            if am is None and not selling:
                am = _NOUN_ASK.search(low)
                if am is None and "?" in low:
                    am = _ADVICE_Q.search(low)
            if am is not None:
                hit = (am.start(), am.end())
        if hit:
            out.append((i, off + hit[0], off + hit[1]))
    return out


def _rf3(doc: _Doc, message: ParsedMessage, selling: bool = False) -> list[_Hit]:
    """Favour and time asks (the caller has checked that the sender is not known). ``selling``: RF1 fired,
    so a generic ask must not sit in a pitch sentence and noun/advice-question asks are not counted."""
    asks: list[tuple[int, str, int, int]] = []
    taken: set[int] = set()
    for what, rx in _RF3_FAVOURS:
        for i, a, b in _find(doc, rx, request=True, skip=_THANKS, limit=3):
            if i not in taken:
                asks.append((i, what, a, b))
                taken.add(i)
    for i, a, b in _find(doc, _RF3_QUESTION, request=True, skip=_THANKS, limit=3):
        if i not in taken and "?" in doc.lower_sent(i):
            asks.append((i, "advice", a, b))
            taken.add(i)
    skip = doc.sentence_set(_THANKS) | doc.sentence_set(_SALES_MEETING)
    if selling:
        for rid in ("pitch-offering", "pitch-pricing", "pitch-call-to-action", "pay-to-play", "investment-pitch"):
            skip = skip | doc.sentence_set(_RF1[rid])
    for i, a, b in _generic_asks(doc, skip, selling):
        if i not in taken and len(asks) < 6:
            asks.append((i, "a request addressed to you", a, b))
            taken.add(i)
    hits: list[_Hit] = []
    who = f"no earlier mail with {_who(message)}"
    if asks:
        asks.sort()
        ev = tuple(f"asks: {_quote(doc, i, a, b)} ({what})" for i, what, a, b in asks[:2])
        hits.append(("favour-from-stranger", ev + (who,)))
    calls = [c for c in _find(doc, _RF3_CALL, request=True, skip=_SALES_MEETING, limit=2) if c[0] not in taken]
    if calls:
        i, a, b = calls[0]
        hits.append(("time-from-stranger", (f"asks for time: {_quote(doc, i, a, b)}", who)))
    return hits


def _rf4(message: ParsedMessage, ctx: CheckContext) -> list[_Hit]:
    hits: list[_Hit] = []
    c = _contact_for(message, ctx)
    if c is not None and c.experience == "negative":
        label = f"{c.name} <{c.address}>" if c.name else c.address
        ev = f"{label} is a contact with experience negative"
        if c.note:
            ev += f": {c.note}"
        hits.append(("negative-contact", (ev,)))
    found = _list_match(ctx.network_warnings, message, ctx)
    if found is not None:
        hits.append(("network-warning", (_list_evidence("network_warnings", found[0], found[1]),)))
    return hits


_EXTRA_DOMAIN = "your [checker] RF7 topics"
#: token -> (plural-normalised form, stem, is a stopword or too short), shared by all messages
_TOKEN_MEMO: dict[str, tuple[str, str, bool]] = {}
#: (outside terms -> (weight, domain), inside terms -> weight)
_Topic = tuple[dict[str, tuple[float, str]], dict[str, float]]


def _sentence_topic(doc: _Doc, j: int, exp: _Expertise, extra: _Rx | None) -> _Topic:
    """Topic terms of sentence ``j``: (outside terms -> (weight, domain), inside terms -> weight).
    Outside: lexicon terms of domains the expertise does not touch (1.0; everyday words 0.5, which the
    caller keeps only in a domain a distinctive term names) and ``[checker] RF7`` phrases (3.0). Inside:
    lexicon terms of touched domains, and words sharing a stem with a (non-generic) expertise word."""
    outside: dict[str, tuple[float, str]] = {}
    inside: dict[str, float] = {}
    sent = doc.lower_sent(j)
    toks = _TOPIC_TOKEN.findall(sent)
    memo = _TOKEN_MEMO
    info = []
    for t in toks:
        x = memo.get(t)
        if x is None:
            x = (_norm(t), stem(t), len(t) < 3 or t in R.TOPIC_STOPWORDS)
            if len(memo) < 100_000:
                memo[t] = x
        info.append(x)
    norms = [x[0] for x in info]
    used: set[int] = set()
    exp_stems = exp.stems
    if not _LEXICON.keys().isdisjoint(norms):
        for domain, term, w, s0, s1 in _lexicon_hits(norms):
            used.update(range(s0, s1))
            if domain in exp.domains or any(info[k][1] in exp_stems for k in range(s0, s1)):
                inside[term] = max(w, inside.get(term, 0.0))
            elif w > outside.get(term, (0.0, ""))[0]:
                outside[term] = (w, domain)
    for k, (_n, s, skip) in enumerate(info):
        if not skip and k not in used and s in exp_stems and s not in _STOP_STEMS:
            inside[toks[k]] = 1.0
    if extra is not None:
        for m in extra.whole.finditer(sent):
            outside[m.group(0)] = (3.0, _EXTRA_DOMAIN)
    return outside, inside


def _lexicon_words(doc: _Doc) -> bool:
    """True when some word of the message starts a lexicon term (a cheap test before topic analysis)."""
    lex = _LEXICON
    memo = _TOKEN_MEMO
    for t in set(_TOPIC_TOKEN.findall(doc.low)):
        x = memo.get(t)
        n = x[0] if x is not None else _norm(t)
        if n in lex:
            return True
    return False


def _asks_knowledge(doc: _Doc) -> list[tuple[int, int, int]]:
    """Sentences of the body that ask for knowledge or an opinion: an advice form (``RF7_ASK``), a
    "need to know whether" form, or any question. (sentence, start, end) in text order, thanks skipped."""
    thanks = doc.sentence_set(_THANKS)
    found: dict[int, tuple[int, int, int]] = {}
    for rx in (_RF7_ASK, _RF7_KNOWLEDGE):
        for i, a, b in _find(doc, rx, limit=6, skip=_THANKS):
            if doc.para[i] >= 0 and i not in found:
                found[i] = (i, a, b)
    for i, para in enumerate(doc.para):
        if para >= 0 and i not in found and i not in thanks and "?" in doc.sents[i]:
            found[i] = (i, doc.starts[i], doc.starts[i] + len(doc.sents[i]))
    return [found[i] for i in sorted(found)]


def _rf7(doc: _Doc, ctx: CheckContext, extra: _Rx | None) -> list[_Hit]:
    """RF7: a question whose topic is mostly lexicon terms outside every domain the expertise touches.

    The topic of a question is its own words and the other questions of its paragraph (weight 1), and
    the rest of the paragraph and the one before it (context, 0.5). Everyday lexicon words count only in
    a domain that a distinctive term of the topic names. Out of depth: the questions themselves name an
    outside topic, the outside terms score >= 1.5 (or >= 1 with nothing inside) and more than the inside
    terms."""
    if not ctx.expertise:
        return []
    if extra is None and not _lexicon_words(doc):
        return []  # no topic term of any domain anywhere in the mail
    asks = _asks_knowledge(doc)
    if not asks:
        return []
    exp = _expertise(tuple(ctx.expertise))
    ask_sents = {x[0] for x in asks}
    for i, _a, _b in asks:
        # "Which would you pick?", "Is that legal?": the question is about the sentences around it
        if _REFERENT_Q.search(doc.lower_sent(i)):
            for j in (i - 1, i + 1):
                if 0 <= j < len(doc.para) and doc.para[j] == doc.para[i]:
                    ask_sents.add(j)
    # the subject line belongs to the first paragraph that asks (greetings and thanks come before it)
    first = min((doc.para[i] for i, _a, _b in asks if doc.para[i] >= 0), default=0)
    if doc.para and doc.para[0] == -1 and _SUBJECT_Q.search(doc.sents[0]):
        ask_sents.add(0)  # "Question: should I register for VAT?" is the question the body points at
    topics: dict[int, _Topic] = {}
    best: tuple[float, int, int, int, list[str], list[str]] | None = None
    done: set[int] = set()
    for i, a, b in asks:
        p = doc.para[i]
        if p in done:
            continue
        done.add(p)
        outside: dict[str, tuple[float, str, bool]] = {}  # term -> (weight, domain, in a question)
        inside: dict[str, float] = {}
        for j, para in enumerate(doc.para):
            if para != p and para != p - 1 and not (j == 0 and para == -1 and p == first):
                continue
            q = j in ask_sents and (para == p or (para == -1 and p == first))
            w = 1.0 if q else 0.5
            t = topics.get(j)
            if t is None:
                t = topics[j] = _sentence_topic(doc, j, exp, extra)
            for term, (v, dom) in t[0].items():
                old = outside.get(term)
                if old is None or v * w > old[0]:
                    outside[term] = (v * w, dom, q or (old is not None and old[2]))
            for term, v in t[1].items():
                if v * w > inside.get(term, 0.0):
                    inside[term] = v * w
        named = {dom for term, (v, dom, _q) in outside.items() if v >= 0.5 and term not in R.WEAK_TERMS}
        kept = {term: x for term, x in outside.items() if x[1] in named}
        if not any(x[2] for x in kept.values()):
            continue  # the questions themselves name no outside topic: context alone is not enough
        out_score = sum(x[0] for x in kept.values())
        in_score = sum(inside.values())
        enough = out_score >= 1.5 or (out_score >= 1.0 and in_score == 0)
        if enough and out_score > in_score and (best is None or out_score - in_score > best[0]):
            terms = sorted(kept, key=lambda x: -kept[x][0])[:4]
            domains: list[str] = []
            for term in sorted(kept, key=lambda x: (not kept[x][2], -kept[x][0])):
                if kept[term][1] not in domains:
                    domains.append(kept[term][1])
            qs = [x for x in asks if doc.para[x[0]] == p and any(topics[x[0]][0].get(t) for t in kept)]
            ii, aa, bb = qs[0] if qs else (i, a, b)
            best = (out_score - in_score, ii, aa, bb, terms, domains)
    if best is None:
        return []
    _, i, a, b, terms, domains = best
    shown = ", ".join(exp.phrases[:3]) + (", ..." if len(exp.phrases) > 3 else "")
    rule = "out-of-depth-phrase" if domains == [_EXTRA_DOMAIN] else "off-expertise-question"
    return [(rule, (f"asks: {_quote(doc, i, a, b)}",
                    f'topic "{", ".join(terms)}" ({"; ".join(domains[:2])}) is outside your expertise ({shown})'))]


def _phrase_hits(doc: _Doc, ctx: CheckContext, code: str, rule_id: str) -> list[_Hit]:
    phrases = ctx.tuning.extra_phrases.get(code)
    if not phrases:
        return []
    rx = _phrase_rx(tuple(phrases))
    if rx is None:
        return []
    found = _find(doc, rx)
    if not found:
        return []
    i, a, b = found[0]
    return [(rule_id, (f'matches your phrase "{doc.low[a:b]}": {_quote(doc, i, a, b)}',))]


def _score(code: str, raw: list[_Hit], ctx: CheckContext) -> list[FlagHit]:
    """Apply weights, the support rule and the threshold; return the flag's hits if it fired."""
    weights = ctx.tuning.weights
    hits: list[FlagHit] = []
    for rule_id, ev in raw:
        spec = _SPEC[rule_id]
        pts = float(weights.get(rule_id, spec.points))
        if pts == 0:
            continue
        hits.append(FlagHit(code, FLAG_SLUGS[code], rule_id, pts, ev, spec.description))
    if not any(not _SPEC[h.rule].support for h in hits):
        return []
    threshold = float(ctx.tuning.thresholds.get(code, R.DEFAULT_THRESHOLDS[code]))
    if sum(h.points for h in hits) < threshold:
        return []
    return hits


def check(message: ParsedMessage, context: CheckContext) -> list[FlagHit]:
    """Return the content/list red-flag hits (RF1-RF4, RF7) for one message, strongest flag first.

    ``message``: a ParsedMessage (for a notification relay, ``from_`` is the person and ``via`` the relay).
    ``context``: the CheckContext (known addresses/names, contacts, lists, expertise, tuning).
    Returns a list of FlagHit, one per rule that matched, only for flags whose points reached the
    threshold. Pure and total: never raises on odd input, never does I/O. A message from the user's own
    address (``context.me``) gets no flags.

    Rules (article red flags): RF1 pitch language (offering, prices, calls to action, pay-to-play,
    investments; flattery, urgency, claims and unverified follow-ups only add to those); RF2 the
    reputation_watch list or an ethically compromising ask; RF3 a favour asked by a sender who is not
    known (``known_addresses``, or ``known_names`` for a relay's person); RF4 a negative contact or a
    network_warnings entry (never content); RF7 a question whose topic is in domains the expertise does not
    touch. ``tuning.extra_phrases``: RF1/RF2 phrases add the flag's threshold in points, RF3 phrases count as
    favours (stranger only), RF7 phrases count as off-expertise topics; RF4 phrases are ignored.
    """
    ctx = context
    f = message.from_
    if f and f.address and ctx.me and f.address.strip().lower() == ctx.me.lower():
        return []
    doc = _sentences(message.subject or "", message.body_text or "")
    known = _is_known(message, ctx)
    out: list[FlagHit] = []
    rf1 = _rf1(doc, message, known, ctx) + _phrase_hits(doc, ctx, "RF1", "selling-phrase")
    out += _score("RF1", rf1, ctx)
    rf2 = _rf2(doc, message, ctx) + _phrase_hits(doc, ctx, "RF2", "reputation-phrase")
    out += _score("RF2", rf2, ctx)
    if not known:
        rf3 = _rf3(doc, message, any(h.code == "RF1" for h in out))
        for rule_id, ev in _phrase_hits(doc, ctx, "RF3", "premature-ask-phrase"):
            rf3.append((rule_id, ev + (f"no earlier mail with {_who(message)}",)))
        out += _score("RF3", rf3, ctx)
    out += _score("RF4", _rf4(message, ctx), ctx)
    if not any(h.code == "RF1" for h in out):
        # a pitch's questions ("still doing X by hand?") are not asks for the user's expertise
        extra7 = _phrase_rx(tuple(ctx.tuning.extra_phrases.get("RF7", ())))
        out += _score("RF7", _rf7(doc, ctx, extra7), ctx)
    totals: dict[str, float] = {}
    for h in out:
        totals[h.code] = totals.get(h.code, 0.0) + h.points
    out.sort(key=lambda h: (-totals[h.code], h.code, -h.points))
    return out


def capacity_hits(context: CheckContext) -> list[FlagHit]:
    """Return RF5 (accepted in 30 days >= monthly_capacity) and RF6 (accepted in 7 days >= weekly_limit,
    or today <= on_break_until) hits, with the counts against the limits as evidence (article red flags
    5 and 6; DESIGN "Details settled": rolling windows, firing at count >= limit)."""
    hits: list[FlagHit] = []
    c = context
    if c.monthly_capacity is not None and c.accepted_30d >= c.monthly_capacity:
        hits.append(
            FlagHit("RF5", FLAG_SLUGS["RF5"], "monthly-capacity-reached", 3.0,
                    (f"accepted {c.accepted_30d} of {c.monthly_capacity} in the last 30 days",),
                    RULES["monthly-capacity-reached"][1])
        )
    if c.on_break_until is not None and c.today is not None and c.today <= c.on_break_until:
        hits.append(
            FlagHit("RF6", FLAG_SLUGS["RF6"], "on-break", 3.0,
                    (f"on a networking break until {c.on_break_until.isoformat()}",), RULES["on-break"][1])
        )
    elif c.weekly_limit is not None and c.accepted_7d >= c.weekly_limit:
        hits.append(
            FlagHit("RF6", FLAG_SLUGS["RF6"], "weekly-limit-reached", 3.0,
                    (f"accepted {c.accepted_7d} of {c.weekly_limit} in the last 7 days",),
                    RULES["weekly-limit-reached"][1])
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


def explain(hits: list[FlagHit]) -> list[str]:
    """SpamAssassin-style report lines for ``hits``: per rule ``" 3.0 RF3 favour-from-stranger   <description>:
    <evidence>; <evidence>"``, then per flag a total line ``" 5.0 RF3 total (premature-ask)"``. Points are
    right-aligned with one decimal; flags in the order they first appear in ``hits``."""
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


__all__ = [
    "CHECKER_VERSION",
    "REASONING",
    "RULES",
    "STORED_FLAGS",
    "author_text",
    "capacity_hits",
    "check",
    "explain",
    "stem",
    "suggest",
]
