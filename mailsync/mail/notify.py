"""Networking-site notifications: find the real person behind a no-reply relay.

A site such as a professional network mails "X sent you a message" from an address like
``messages-noreply@site.example`` with no usable Reply-To. The relay is never the requester's identity
(corpus labelling rule "Notifications"): the person named in the body is. ``apply_notification`` turns
such a ParsedMessage into one whose ``from_`` is that person (name, and an address only when the body
gives one) and whose ``via`` names the relay, the site, the person's profile URL and headline; the body
becomes the person's own message when the layout delimits it clearly.

Pure functions of their inputs; the HTML is read with the standard library's tolerant parser and is
never rendered or interpreted beyond collecting text and link targets.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from ..types import Address, ParsedMessage, Via

_NO_REPLY_LOCAL = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|dont[-_.]?reply|notifications?|notify|"
    r"notification[-_.][\w.-]+|messages?|messaging|invitations?|invites?|inmails?(?:[-_.][\w.-]+)?|alerts?|updates?|"
    r"mailer|member[-_.]?messages?|connections?|network[-_.]?updates?|jobs?[-_.]?alerts?|digest|"
    r"[\w.-]*no[-_.]?reply[\w.-]*|[\w.-]*donotreply[\w.-]*|[\w.-]+[-_.](?:notifications?|messages?|invitations?|"
    r"alerts?|updates?))$",
    re.I,
)

#: What a site says a person did: "wants to connect", "sent you a message", "wants to add you to their
#: network", ... (after the person's name, on the same line or the next).
_ACTION = (
    r"(?:wants to connect(?: with you)?|would like to connect(?: with you)?|"
    r"(?:has )?invited you to (?:connect|join (?:their|his|her) (?:professional )?network)|"
    r"(?:has |just )?sent you (?:a |an )?"
    r"(?:new |private |direct )?(?:message|inmail|note|invitation|connection request|request)|"
    r"(?:has |just )?messaged you|(?:has )?replied to (?:you|your message)|wrote to you|is trying to reach you|"
    r"(?:has )?accepted your invitation|left you a message|wants to get in touch|is waiting for your (?:reply|"
    r"response)|(?:wants|would like) to add you(?: to (?:their|his|her) (?:professional )?(?:network|connections|"
    r"contacts))?|(?:has |just )?added you(?: as a (?:connection|contact))?|(?:wants|would like) to join your "
    r"(?:professional )?network|(?:has )?requested to connect(?: with you)?|(?:wants|would like) to follow you|"
    r"(?:wants|would like) to be your connection|"
    # "would like you in their circle", "wants you to join their group", "has invited you to be part of ..."
    r"(?:would like|wants|'d like) you (?:in|to join|to be in|to be part of|as part of|among) (?:their|his|her|"
    r"the) (?:[\w-]+ ){0,2}?(?:circle|network|group|community|team|list|contacts|connections|crew|club)|"
    r"(?:has |just )?invited you(?: to (?:join|be part of|connect|follow|be in)\b[^\n]{0,60})?|"
    r"(?:wants|would like) you to join(?: (?:their|his|her) [\w -]{1,40})?)"
)
_NAME_FIRST = re.compile(r"^(?P<n>.{2,80}?)\s+" + _ACTION + r"\b", re.I)
#: The action on a line of its own, under a line that is just the person's name.
_ACTION_ONLY = re.compile(r"^" + _ACTION + r"\b", re.I)
#: "Stratalink: ...", "Stratalink | ..." at the start of a subject or header line.
_SITE_PREFIX = re.compile(r"^[^\s:|]{2,30}(?: [^\s:|]{2,30})?\s*[:|\u00b7\u2013\u2014]\s+")
#: "Stratalink member Ola Brennan" -> "Ola Brennan".
_MEMBER_PREFIX = re.compile(r"^(?:[\w.&-]+ ){0,2}?(?:member|user|connection|contact)\s+(?=\S)", re.I)
_NAME_AFTER = re.compile(
    r"^(?:you have (?:a |an )?)?(?:new |unread |private |direct )?(?:message|inmail|note|invitation|"
    r"connection request|contact request|request) from\s+(?P<n>.{2,80}?)\s*[.!:]?$",
    re.I,
)
_SITE_SIGNALS = re.compile(
    r"wants to connect|would like to connect|sent you|to add you|added you|your network|"
    r"(?:like|wants) you (?:in|to join|to be)|circle|"
    r"new message|inmail|invit|view (?:\w+'s )?profile|"
    r"reply on|accept|unsubscribe|notification|you(?:'re| are) receiving|this (?:e-?mail|message) was "
    r"(?:intended|sent) for|manage (?:your )?(?:email|notification)",
    re.I,
)
_STOP_LINE = re.compile(
    r"^(?:\[|\(|<)?(?:accept|ignore|decline|reply|respond|view|see|open|read|answer|go to|unsubscribe|"
    r"manage|this e-?mail|this message was|you(?:'re| are) receiving|you received|to stop|sent by|"
    r"notification settings|email settings|help center|privacy|©|\(c\)|copyright)\b|^-{2,}|^_{3,}|^https?://",
    re.I,
)
_CHROME_LINE = re.compile(r"^(?:\d+\s+(?:mutual|shared|common)\s+(?:connections?|contacts?|friends?)|"
                          r"(?:mutual|shared) (?:connections?|contacts?):?.*|see all|view all)$", re.I)
_MESSAGE_LABEL = re.compile(r"^(?:message|their message|note|personal note|his message|her message)\s*:\s*", re.I)
_PAREN_TAIL = re.compile(r"\s*\((?:[^()]{0,30})\)\s*$")
_PAREN_HEAD = re.compile(r"^\s*\([^()]{0,30}\)")
_SUBJECT_TAGS = re.compile(r"^(?:(?:re|fwd?|aw)\s*:\s*|\[[^\]]{1,40}\]\s*)+", re.I)
_SITE_SUFFIX = re.compile(r"\s+(?:notifications?|messages?|messaging|invitations?|team|alerts?|updates?)$", re.I)
_HEADLINE_AFTER_NAME = re.compile(r"^\s*[\u00b7\u2022|,\u2013\u2014-]\s*(\S.{0,118})$")
_VIA_NAME = re.compile(r"^(?P<n>.{2,80}?)\s+(?:via|on|through)\s+(?P<site>[^\s].{0,40})$", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|my|me|we|we're|our|you|your)\b", re.I)
_HTMLISH = re.compile(r"<(?:html|body|div|p|table)\b", re.I)
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.I)
_PROFILE_PATH = re.compile(r"/(?:in|profile|profiles|people|person|member|members|user|users|u|p|pub)/", re.I)
_BAD_LINK = re.compile(r"unsubscribe|/u/|settings|preferences|privacy|help|/invitations?/|/messages?/|accept|"
                       r"ignore|/thread|/inbox|/reply|/conversations?/|/notifications?/|/login|/signin", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b", re.I)
_GENERIC_NAMES = re.compile(r"^(?:has|have|just|has just|"
                            r"someone|a member|a (?:new )?connection|you|your network|people|members?|"
                            r"a recruiter|an? \w+ member|\d+ (?:people|members))$", re.I)
_NAME_OK = re.compile(r"^[^\W\d_][\w.'\u2019-]*(?: [^\W\d_][\w.'\u2019-]*){0,4}$")


def is_no_reply(addr: str | None) -> bool:
    """True when ``addr`` looks like a notification relay that cannot take replies: a local part such as
    no-reply, noreply, do-not-reply, notifications, messages-noreply, invitations, inmail, alerts.
    None, empty or malformed addresses give False."""
    if not addr or "@" not in addr:
        return False
    local = addr.strip().rpartition("@")[0].strip().strip("<>\"'")
    return bool(local) and bool(_NO_REPLY_LOCAL.match(local))


class _TextAndLinks(HTMLParser):
    """Collect visible text as lines (block elements break lines) and (href, text) of links."""

    _BLOCK = frozenset(
        ("p", "div", "br", "tr", "td", "th", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "section", "article", "header", "footer", "hr", "center")
    )
    _SKIP = frozenset(("script", "style", "head", "title", "noscript"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._skip = 0
        self._href: str | None = None
        self._atext: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._atext = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._atext).split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._href is not None:
            self._atext.append(data)

    def lines(self) -> list[str]:
        text = "".join(self.parts)
        return [" ".join(x.split()) for x in text.split("\n")]


def _html_lines(html: str) -> tuple[list[str], list[tuple[str, str]]]:
    p = _TextAndLinks()
    try:
        p.feed(html)
        p.close()
    except Exception:  # noqa: BLE001 - malformed markup: use what was collected
        pass
    return p.lines(), p.links


def _clean_name(raw: str) -> str | None:
    n = _PAREN_TAIL.sub("", raw.strip())  # "(she/her)", "(2nd)"
    n = _MEMBER_PREFIX.sub("", n.strip())  # "Stratalink member Ola Brennan"
    n = n.strip().strip("\"'*:").strip()
    n = " ".join(n.split())
    if not n or "@" in n or len(n) > 60 or _GENERIC_NAMES.match(n) or not _NAME_OK.match(n):
        return None
    return n


def _name_from(line: str) -> str | None:
    s = _SUBJECT_TAGS.sub("", line.strip())
    for text in (s, _SITE_PREFIX.sub("", s, count=1)):
        for rx in (_NAME_FIRST, _NAME_AFTER):
            m = rx.match(text)
            if m:
                n = _clean_name(m.group("n"))
                if n:
                    return n
    return None


def _name_above(lines: list[str], i: int) -> str | None:
    """The person's name when line ``i`` is the action alone ("would like to add you ...") and the line
    above (blank lines skipped) is just a name."""
    if not _ACTION_ONLY.match(lines[i].strip()):
        return None
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return _clean_name(lines[k].strip().strip("*")) if k >= 0 else None


_SITE_JOINERS = re.compile(r"^(?:[\s|,:\u00b7\u2022\u2013\u2014()-]|via\b|on behalf of\b|on\b|through\b|from\b|at\b)+|"
                           r"(?:[\s|,:\u00b7\u2022\u2013\u2014()-]|via\b|on behalf of\b|on\b|through\b|from\b|at\b)+$",
                           re.I)


def _site_name(parsed: ParsedMessage, relay: str, person: str | None = None) -> str:
    """The site's name: the relay's display name without the person's name and joiners ("Priya Raman via
    LinkLoop", "Ola Brennan (via Stratalink)", "Ola Brennan | Stratalink" -> the site), without
    "Notifications"/"Messages"; else the relay domain's main label, capitalised."""
    name = parsed.from_.name if parsed.from_ else None
    if name:
        name = " ".join(name.replace("(", " ( ").replace(")", " ) ").split())
        if person and person.lower() in name.lower():
            k = name.lower().index(person.lower())
            name = name[:k] + " " + name[k + len(person):]
        elif _VIA_NAME.match(name):
            name = _VIA_NAME.match(name).group("site")  # type: ignore[union-attr]
        name = _SITE_JOINERS.sub("", name.strip())
        name = _SITE_SUFFIX.sub("", name.strip()).strip()
        if name and "@" not in name and not (person and name.lower() == person.lower()):
            return name
    dom = relay.rpartition("@")[2].lower().split(".")
    base = dom[-2] if len(dom) >= 2 else dom[0]
    return base[:1].upper() + base[1:]


def _usable_reply_to(parsed: ParsedMessage, relay: str) -> bool:
    relay_dom = relay.rpartition("@")[2].lower()
    for a in parsed.reply_to:
        addr = (a.address or "").strip().lower()
        if "@" not in addr or is_no_reply(addr):
            continue
        dom = addr.rpartition("@")[2]
        if dom == relay_dom or dom.endswith("." + relay_dom) or relay_dom.endswith("." + dom):
            continue
        return True
    return False


def _profile_url(lines: list[str], links: list[tuple[str, str]], name: str) -> str | None:
    first = name.split()[0].lower()
    for href, text in links:
        t = text.lower()
        if href.startswith("http") and not _BAD_LINK.search(href) and (
            "profile" in t or t == name.lower() or _PROFILE_PATH.search(href)
        ):
            return href
    for want in ("profile", "path", first):
        for line in lines:
            for m in _URL.finditer(line):
                url = m.group(0).rstrip(".,;")
                if _BAD_LINK.search(url):
                    continue
                if (want == "path" and _PROFILE_PATH.search(url)) or (want != "path" and want in line.lower()):
                    return url
    return None


def _extract(lines: list[str], links: list[tuple[str, str]], subject: str, relay: str,
             display: str | None = None) -> tuple[str, str | None, str | None, str | None, str | None] | None:
    """Return (name, headline, message, profile_url, address) or None when no person is named."""
    name = _name_from(subject)
    if name is None and display and _VIA_NAME.match(display):
        name = _clean_name(_VIA_NAME.match(display).group("n"))  # type: ignore[union-attr]
    start = -1
    for i, line in enumerate(lines):
        n = _name_from(line)
        above = _name_above(lines, i) if n is None else None
        if above and (name is None or above.lower() == name.lower()):
            name, start = above, i
            break
        if n and (name is None or n.lower() == name.lower()):
            name, start = n, i
            break
    if name is None:
        return None
    # the person's block: a line that is just the name, after the header line
    j = start + 1
    name_line = -1
    headline = None
    low_name = name.lower()
    for k in range(j, min(len(lines), j + 12)):
        cand = lines[k].strip().strip("*").strip()
        if cand.lower().startswith(low_name):
            cand = name + _PAREN_HEAD.sub("", cand[len(name):])
        if cand.lower() == low_name:
            name_line = k
            break
        rest = cand[len(name):] if cand.lower().startswith(low_name) else ""
        m = _HEADLINE_AFTER_NAME.match(rest)
        if m and not _URL.search(rest):
            name_line, headline = k, m.group(1).strip()
            break
    cursor = name_line + 1 if name_line >= 0 else max(start + 1, 0)
    while cursor < len(lines) and (not lines[cursor].strip() or _CHROME_LINE.match(lines[cursor].strip())):
        cursor += 1
    if name_line < 0 and start >= 0 and cursor < len(lines):
        # "X sent you a message" directly followed by their headline (no line with the name alone)
        cand = lines[cursor].strip()
        if (cand and len(cand) <= 120 and not _GREETING.match(cand) and not _URL.search(cand)
                and not _STOP_LINE.match(cand) and not cand.endswith((".", "?", "!", ":"))
                and cand[0] not in "\"'\u201c\u2018" and not _FIRST_PERSON.search(cand)):
            headline = cand
            cursor += 1
    elif name_line >= 0 and headline is None and cursor < len(lines):
        cand = lines[cursor].strip()
        if (cand and len(cand) <= 120 and not _GREETING.match(cand) and not _URL.search(cand)
                and not _STOP_LINE.match(cand) and not cand.endswith(("?", "!")) and cand.count(". ") == 0):
            headline = cand
            cursor += 1
    msg_lines: list[str] = []
    delimited = False
    for k in range(cursor, len(lines)):
        s = lines[k].strip()
        if _STOP_LINE.match(s) or (_URL.search(s) and len(_URL.sub("", s).strip(" :-")) < 40):
            delimited = bool("".join(msg_lines).strip())
            break
        if _CHROME_LINE.match(s):
            continue
        if not "".join(msg_lines).strip():
            s = _MESSAGE_LABEL.sub("", s)
        msg_lines.append(s)
    message = None
    if delimited:
        paras: list[str] = []
        cur: list[str] = []
        for s in msg_lines:
            if s:
                cur.append(s)
            elif cur:
                paras.append("\n".join(cur))
                cur = []
        if cur:
            paras.append("\n".join(cur))
        message = "\n\n".join(paras).strip().strip("\"\u201c\u201d").strip() or None
    relay_dom = relay.rpartition("@")[2].lower()
    address = None
    if message:
        for m in _EMAIL.finditer(message):
            if m.group(0).rpartition("@")[2].lower() != relay_dom and not is_no_reply(m.group(0)):
                address = m.group(0)
                break
    return name, headline, message, _profile_url(lines, links, name), address


def apply_notification(parsed: ParsedMessage, html: str | None = None) -> ParsedMessage:
    """If ``parsed`` comes from a networking site's no-reply relay, return a copy naming the real person.

    Detection: From is a no-reply relay (``is_no_reply``), there is no usable Reply-To (one that is not
    itself a relay address or on the relay's domain), the text carries site wording ("sent you a message",
    "wants to connect", "View profile", an unsubscribe footer, ...), and a person is named in the subject
    or the body. ``html`` (the HTML part, if any) is preferred for layout; else ``parsed.body_text``.

    The copy has ``from_ = Address(person name, address or None)`` (an address only if the person's
    message gives one), ``via = Via(relay address, "notification", site, profile_url, headline)`` and
    ``body_text`` = the person's own message when the layout delimits it (else unchanged). Anything else
    (and a message already carrying ``via``) is returned unchanged. Never raises.
    """
    try:
        return _apply(parsed, html)
    except Exception:  # noqa: BLE001 - contract: never raises; an odd mail stays as parsed
        return parsed


def _apply(parsed: ParsedMessage, html: str | None) -> ParsedMessage:
    if parsed.via is not None or parsed.from_ is None or not parsed.from_.address:
        return parsed
    relay = parsed.from_.address.strip()
    if not is_no_reply(relay) or _usable_reply_to(parsed, relay):
        return parsed
    text = parsed.body_text or ""
    candidates: list[tuple[list[str], list[tuple[str, str]]]] = []
    if html:
        candidates.append(_html_lines(html))
    if "<" in text and _HTMLISH.search(text):
        candidates.append(_html_lines(text))
    candidates.append(([" ".join(x.split()) for x in text.replace("\r", "").split("\n")], []))
    blob = (parsed.subject or "") + "\n" + text + "\n" + (html or "")
    if not _SITE_SIGNALS.search(blob):
        return parsed
    for lines, links in candidates:
        got = _extract(lines, links, parsed.subject or "", relay, parsed.from_.name)
        if got is None:
            continue
        name, headline, message, profile_url, address = got
        via = Via(address=relay.lower(), kind="notification", site=_site_name(parsed, relay, name),
                  profile_url=profile_url, headline=headline)
        return dataclasses.replace(
            parsed,
            from_=Address(name, address),
            via=via,
            body_text=message if message else parsed.body_text,
        )
    return parsed


__all__ = ["apply_notification", "is_no_reply"]
