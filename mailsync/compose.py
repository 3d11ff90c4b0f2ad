"""Replies: Jinja templates -> body text, and body text -> an RFC 5322 reply (DESIGN "Replies and the outbox").

Two halves:

* ``render_body`` renders one of the shipped (or user-overridden) templates in a sandboxed Jinja environment
  with ``StrictUndefined``: an unknown variable, a syntax error or a sandbox violation is an
  ``errors.TemplateError`` whose one-line message names the template file, the line and the problem.
* ``build_reply`` turns the (possibly edited) body into an ``email.message.EmailMessage`` with the threading
  headers of RFC 5322 §3.6.4 (In-Reply-To, References), a Message-ID made before sending, and every value that
  came from the original mail stripped of CR/LF and control characters before it reaches a header.

Mail text is data: it is passed to templates as plain strings and never evaluated as template source.
"""

from __future__ import annotations

import re
import secrets
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import headerregistry
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from .config import Settings, expand
from .errors import MessageError, TemplateError
from .models import Message
from .types import FLAG_SLUGS, Address, FlagHit, Referral

#: The scenarios a reply can be rendered for; each is ``<scenario>.txt.j2`` in the templates folder.
SCENARIOS = ("scenario1", "scenario2", "accept")
#: Template for asking a referral whether they are open to an introduction (Scenario 1, asked first).
CONSENT_TEMPLATE = "consent_request.txt.j2"
#: Template for the introduction itself, sent to both people once the referral agreed.
INTRODUCTION_TEMPLATE = "introduction.txt.j2"

#: How many message identifiers a References header keeps at most: the first (the thread's root) and the
#: most recent ones (RFC 5322 §3.6.4 leaves trimming to the writer; long threads otherwise grow unbounded).
MAX_REFERENCES = 10

#: Reply prefixes recognised at the start of a subject (English "Re", German "Aw", Scandinavian "Sv"/"Vs",
#: Dutch "Antw", Polish "Odp"), optionally with a counter as in "Re[2]:" or "Re(2):".
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|antw|odp)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE)
#: C0 and C1 control characters and DEL (CR and LF included).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Body text keeps tab and newline; every other control character is dropped.
_BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: A msg-id as used in practice: "<" id-left "@" id-right ">" without spaces or angle brackets.
_MSG_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof.", "sir"}


# --- templates ------------------------------------------------------------------------------------------


def templates_dir() -> Path:
    """Return the folder of the shipped templates.

    In an installed wheel the build backend maps the repository's top-level ``templates/`` into the package
    as ``mailsync/_templates`` (pyproject ``force-include``); in a checkout that folder is absent and the
    repository's ``templates/`` is used.
    """
    packaged = Path(__file__).resolve().parent / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def _search_dirs(settings: Settings) -> tuple[Path, ...]:
    dirs: list[Path] = []
    if settings.templates.dir:
        dirs.append(expand(settings.templates.dir))
    dirs.append(templates_dir())
    return tuple(dirs)


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    # FileSystemLoader checks modification times, so edits to a user template apply on the next render.
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in dirs])
    return SandboxedEnvironment(
        loader=loader, undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


def _one_line(s: str) -> str:
    return " ".join(_CONTROLS.sub(" ", s).split())


def _template_error(name: str, exc: BaseException, dirs: tuple[Path, ...]) -> TemplateError:
    """Make the one-line TemplateError: "<file>:<line>: <problem>" (file is the template's path)."""
    where = name
    line: int | None = None
    if isinstance(exc, TemplateSyntaxError):
        where = exc.filename or exc.name or name
        line = exc.lineno
        problem = f"syntax error: {exc.message}"
    else:
        roots = [str(d.resolve()) for d in dirs] + [str(d) for d in dirs]
        for frame in traceback.extract_tb(exc.__traceback__):
            if any(frame.filename.startswith(r) for r in roots):
                where, line = frame.filename, frame.lineno
        kind = type(exc).__name__
        if kind == "UndefinedError":
            problem = f"unknown variable: {exc}"
        elif kind == "SecurityError":
            problem = f"not allowed in a template (sandbox): {exc}"
        else:
            problem = f"{kind}: {exc}"
    loc = f"{where}:{line}" if line else where
    return TemplateError(_one_line(f"template {loc}: {problem}"))


def _tidy(text: str) -> str:
    """Strip trailing spaces, collapse runs of blank lines to one, drop leading blank lines, end with one
    newline (so templates can use block tags on their own lines)."""
    # "-- " (with its space) is the signature separator (RFC 3676 §4.3): keep it intact.
    lines = [ln if ln == "-- " else ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for ln in lines:
        if not ln and (not out or not out[-1]):
            continue
        out.append(ln)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def render_template(settings: Settings, name: str, variables: dict[str, Any]) -> str:
    """Render template file ``name`` (e.g. "scenario1.txt.j2") with ``variables`` and return the text.

    The user's ``[templates] dir`` is searched before the shipped templates, file by file. Output is tidied
    (trailing spaces, repeated blank lines) and ends with one newline.
    Raises errors.TemplateError (one line: template path, line, problem) for a missing template, an unknown
    variable (StrictUndefined), a syntax error, a sandbox violation or any other error while rendering.
    """
    dirs = _search_dirs(settings)
    env = _environment(dirs)
    try:
        template = env.get_template(name)
        return _tidy(template.render(**variables))
    except TemplateNotFound:
        where = ", ".join(str(d) for d in dirs)
        raise TemplateError(f"template {name}: not found in {where}; restore it or fix [templates] dir") from None
    except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError,
            RecursionError, OverflowError) as exc:
        raise _template_error(name, exc, dirs) from None


# --- template variables ---------------------------------------------------------------------------------


def _clean(s: str | None) -> str | None:
    """Single-line, control-free text (mail data shown in a reply), or None when empty."""
    if s is None:
        return None
    out = _one_line(s)
    return out or None


def first_name(name: str | None) -> str | None:
    """Guess the given name from a display name: "Last, First" -> First; a leading title (Dr., Ms.) is
    skipped; a name that is an address (contains "@") gives None."""
    n = _clean(name)
    if not n or "@" in n:
        return None
    n = n.strip("\"'")
    if "," in n:
        after = n.split(",", 1)[1].strip()
        n = after or n.split(",", 1)[0]
    words = [w for w in n.split() if w]
    while len(words) > 1 and words[0].lower() in _TITLES:
        words.pop(0)
    return words[0] if words else None


def _person(name: str | None, address: str | None) -> dict[str, str | None]:
    nm = _clean(name)
    return {"name": nm, "first_name": first_name(nm), "address": _clean(address)}


def _sender_of(request: Message) -> dict[str, str | None]:
    return _person(request.from_name, request.from_address)


def _request_vars(request: Message) -> dict[str, str | None]:
    d = request.date or request.internaldate
    return {"subject": _clean(request.subject), "date": d.date().isoformat() if d else None}


def _me_vars(settings: Settings) -> dict[str, str | None]:
    name = settings.my_name()
    return {
        "name": name,
        "first_name": first_name(name),
        "email": settings.my_email(),
        # Multi-line signatures are kept as written; the fallback is the name, then the address.
        "signature": settings.identity.signature or name or settings.my_email(),
        "role": settings.identity.role or settings.profile.role,
    }


def _profile_vars(settings: Settings, today: date) -> dict[str, Any]:
    p = settings.profile
    on_break = p.on_break_until is not None and today <= p.on_break_until
    return {
        "expertise": list(p.expertise),
        "organization": {"name": p.organization.name, "url": p.organization.url} if p.organization else None,
        "event": p.event,
        "articles": [{"title": a.title, "url": a.url} for a in p.articles],
        "on_break_until": p.on_break_until.isoformat() if p.on_break_until else None,
        "on_break": on_break,
        # Who could be asked about an introduction (not yet agreed: the template may only offer to ask).
        "referrals": [_referral_vars(r) for r in settings.referrals()],
    }


def _referral_vars(r: Referral) -> dict[str, Any]:
    return {"name": r.name, "first_name": first_name(r.name), "address": r.address, "topics": list(r.topics)}


def _flag_vars(hits: Iterable[FlagHit]) -> list[dict[str, str]]:
    codes = sorted({h.code for h in hits}, key=lambda c: (len(c), c))
    return [{"code": c, "slug": FLAG_SLUGS.get(c, c.lower())} for c in codes]


def template_variables(settings: Settings, request: Message, hits: Sequence[FlagHit] = (),
                       introductions: Sequence[Referral] = (), *, today: date | None = None) -> dict[str, Any]:
    """Return the variables every reply template gets (DESIGN "Replies and the outbox").

    * ``sender``: name, first_name, address (from the request; the person, for a notification relay)
    * ``request``: subject, date ("YYYY-MM-DD" or None)
    * ``me``: name, first_name, email, signature (identity signature, else name, else email), role
    * ``profile``: expertise (list), organization ({name, url} or None), event (str or None), articles (list of
      {title, url}), on_break_until ("YYYY-MM-DD" or None), on_break (bool: today <= on_break_until),
      referrals (list of {name, first_name, address, topics}: people one *could ask*, not yet agreed)
    * ``flags``: list of {code, slug}, one per flag code, in code order
    * ``introductions``: list of {name, first_name, address, topics}: people who already agreed to an
      introduction (Scenario 1)

    Optional values are None (not missing), so ``{% if profile.organization %}`` works under StrictUndefined.
    Mail-derived strings are made single-line and free of control characters. ``today`` defaults to the
    local date.
    """
    today = today or date.today()
    return {
        "sender": _sender_of(request),
        "request": _request_vars(request),
        "me": _me_vars(settings),
        "profile": _profile_vars(settings, today),
        "flags": _flag_vars(hits),
        "introductions": [_referral_vars(r) for r in introductions],
    }


def render_body(settings: Settings, request: Message, scenario: str, hits: list[FlagHit],
                introductions: Sequence[Referral] = (), *, today: date | None = None) -> str:
    """Render the reply body for ``scenario`` ("scenario1" | "scenario2" | "accept") to ``request``.

    ``hits`` are the request's flags (stored and capacity ones); ``introductions`` the referrals who already
    agreed to be introduced (Scenario 1: ask them first, with ``render_consent_request``). ``today`` (local
    date by default) decides whether the profile's break is on. Returns plain text ending in one newline.
    Raises errors.TemplateError: unknown scenario, missing template, unknown variable, syntax error, sandbox
    violation - one line naming the template file and line.
    """
    if scenario not in SCENARIOS:
        raise TemplateError(f"unknown scenario {scenario!r}; use one of {', '.join(SCENARIOS)}")
    variables = template_variables(settings, request, hits, introductions, today=today)
    return render_template(settings, f"{scenario}.txt.j2", variables)


def render_consent_request(settings: Settings, request: Message, referral: Referral, *,
                           topic: str | None = None, today: date | None = None) -> str:
    """Render the note asking ``referral`` whether they are open to being introduced to the request's sender
    (the article: introduce people only after asking them). Variables: those of ``template_variables`` plus
    ``referral`` ({name, first_name, address, topics}) and ``topic`` (short topic description or None).
    The requester's details are withheld until the referral agreed (issue 3 item 7): ``sender`` has every
    value None and ``request.subject`` is None, so even a user template can't leak them.
    Raises errors.TemplateError as ``render_body``."""
    variables = template_variables(settings, request, today=today)
    variables["sender"] = {"name": None, "first_name": None, "address": None}
    variables["request"] = {**variables["request"], "subject": None}
    variables["referral"] = _referral_vars(referral)
    variables["topic"] = _clean(topic)
    return render_template(settings, CONSENT_TEMPLATE, variables)


def render_introduction(settings: Settings, request: Message, referral: Referral, *,
                        today: date | None = None) -> str:
    """Render the introduction mail to both the request's sender and ``referral`` (send it only after the
    referral agreed). Variables as ``render_consent_request``. Raises errors.TemplateError."""
    variables = template_variables(settings, request, [], [referral], today=today)
    variables["referral"] = _referral_vars(referral)
    return render_template(settings, INTRODUCTION_TEMPLATE, variables)


# --- headers --------------------------------------------------------------------------------------------


def header_safe(value: str | None) -> str:
    """Return ``value`` fit for a header: CR, LF and other control characters become spaces, runs of
    whitespace collapse to one space, ends are stripped ("" for None). Prevents header injection."""
    if not value:
        return ""
    return " ".join(_CONTROLS.sub(" ", value).split())


def idna_domain(domain: str) -> str:
    """Return ``domain`` as ASCII: non-ASCII labels become punycode ("xn--...", IDNA 2003, RFC 3490).
    Raises ValueError when a label is empty, too long or can't be encoded."""
    d = domain.strip().rstrip(".")
    if not d:
        raise ValueError("empty domain")
    try:
        ascii_domain = d.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"domain {d!r} can't be encoded (IDNA)") from exc
    if any(not label for label in ascii_domain.split(".")):
        raise ValueError(f"domain {d!r} has an empty label")
    if not re.fullmatch(r"[A-Za-z0-9.-]+", ascii_domain):
        raise ValueError(f"domain {d!r} has characters not allowed in a host name")
    return ascii_domain.lower()


def normalize_address(addr: str | None) -> str | None:
    """Return a sendable addr-spec (local part kept, domain lower-case and IDNA-encoded), or None when
    ``addr`` is not one: empty, no single "@", whitespace/controls/brackets/commas, or an invalid domain."""
    a = (addr or "").strip()
    if not a or a.count("@") != 1 or _CONTROLS.search(a) or re.search(r"[\s<>,;()\[\]\\\"]", a):
        return None
    local, domain = a.split("@")
    if not local or local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    try:
        ascii_domain = idna_domain(domain)
        headerregistry.Address(username=local, domain=ascii_domain)
    except (ValueError, HeaderParseError, IndexError):
        return None
    return f"{local}@{ascii_domain}"


def _is_no_reply(addr: str) -> bool:
    try:
        from .notify import is_no_reply
    except ImportError:  # notify.py not landed yet: nothing is treated as a no-reply relay
        return False
    return bool(is_no_reply(addr))


def reply_recipients(request: Message) -> list[Address]:
    """Return whom a reply to ``request`` goes to (RFC 5322 §3.6.2; alot-style).

    The Reply-To addresses that are valid (several are kept, duplicates dropped), else the From address.
    An empty or invalid Reply-To is ignored. Addresses are normalised (IDNA domain, see
    ``normalize_address``); names are header-safe. A networking site's no-reply relay is never a recipient,
    so a notification without the person's address gives ``[]`` (the caller offers the text to copy).
    """
    out: list[Address] = []
    seen: set[str] = set()
    for entry in request.reply_to or []:
        addr = normalize_address(entry.get("address"))
        if addr and addr.lower() not in seen and not _is_no_reply(addr):
            seen.add(addr.lower())
            out.append(Address(header_safe(entry.get("name")) or None, addr))
    if out:
        return out
    addr = normalize_address(request.from_address)
    if addr and not _is_no_reply(addr):
        return [Address(header_safe(request.from_name) or None, addr)]
    return []


def reply_subject(subject: str) -> str:
    """Return the reply's subject: "Re: " + the original, without doubling.

    Existing reply prefixes ("Re:", "RE:", "Re[2]:", "Re(3):", "Aw:", "Sv:", "Vs:", "Antw:", "Odp:", also
    repeated like "Re: Aw:") are folded into a single "Re: ". Forward prefixes are kept ("Re: Fwd: x").
    The original is made header-safe first. An empty subject gives "Re:".
    """
    s = header_safe(subject)
    while True:
        stripped = _REPLY_PREFIX.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return f"Re: {s}" if s else "Re:"


def _my_domain(settings: Settings) -> str:
    email = settings.my_email() or ""
    if "@" in email:
        try:
            return idna_domain(email.rsplit("@", 1)[1])
        except ValueError:
            pass
    return "gracebox.invalid"


def make_message_id(settings: Settings) -> str:
    """Return a new, globally unique Message-ID "<gb.<unix seconds>.<96 random bits hex>@<domain>>"
    (RFC 5322 §3.6.4) where the domain is the identity email's (IDNA), or "gracebox.invalid" without one.
    Made when a draft is created, so a retried send is recognisable and never sent twice."""
    return f"<gb.{int(time.time())}.{secrets.token_hex(12)}@{_my_domain(settings)}>"


def _msg_ids(values: Iterable[str | None]) -> list[str]:
    """Extract well-formed msg-ids from header values, in order, without duplicates."""
    out: list[str] = []
    for v in values:
        for mid in _MSG_ID.findall(header_safe(v)):
            if mid not in out:
                out.append(mid)
    return out


def trim_references(ids: Sequence[str], limit: int = MAX_REFERENCES) -> list[str]:
    """Keep the first identifier (the thread's root) and the last ``limit - 1`` ones (RFC 5322 §3.6.4
    allows trimming; the root and the direct parents are what threading needs)."""
    if len(ids) <= limit:
        return list(ids)
    return [ids[0], *ids[-(limit - 1):]]


def thread_headers(request: Message) -> tuple[str | None, list[str]]:
    """Return (In-Reply-To, References) for a reply to ``request`` (RFC 5322 §3.6.4).

    In-Reply-To is the original's Message-ID (None when it has none or it is malformed). References is the
    original's References (or, when it has none, its single In-Reply-To) followed by its Message-ID, without
    duplicates, trimmed by ``trim_references``.
    """
    parent = _msg_ids([request.message_id])
    mid = parent[0] if parent else None
    earlier = _msg_ids(request.references or [])
    if not earlier:
        irt = _msg_ids([request.in_reply_to])
        if len(irt) == 1:
            earlier = irt
    refs = [r for r in earlier if r != mid]
    if mid:
        refs.append(mid)
    return mid, trim_references(refs)


def _header_address(a: Address) -> headerregistry.Address:
    addr = normalize_address(a.address)
    if addr is None:
        raise MessageError(f"not a valid address for a reply: {header_safe(a.address)!r}")
    local, domain = addr.split("@")
    return headerregistry.Address(display_name=header_safe(a.name), username=local, domain=domain)


def _clean_body(body: str) -> str:
    text = _BODY_CONTROLS.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True, slots=True)
class Headers:
    """The header values a reply is built from (for callers that show or store them before building)."""

    to: list[Address]
    subject: str
    in_reply_to: str | None
    references: list[str]


def reply_headers(request: Message, to: list[Address] | None = None) -> Headers:
    """Return the recipients, subject and threading headers ``build_reply`` would use."""
    in_reply_to, refs = thread_headers(request)
    return Headers(to if to is not None else reply_recipients(request), reply_subject(request.subject or ""),
                   in_reply_to, refs)


def build_message(settings: Settings, to: Sequence[Address], subject: str, body: str, *, message_id: str,
                  now: datetime | None = None, in_reply_to: str | None = None,
                  references: Sequence[str] = (), cc: Sequence[Address] = ()) -> EmailMessage:
    """Build a text/plain (utf-8) message from the identity: From, To, Cc, Subject, Date, Message-ID and,
    when given, In-Reply-To and References. Every header value is made header-safe (no CR/LF/controls),
    domains are IDNA-encoded. ``now`` (aware; default the current time) gives the Date header.
    Raises errors.MessageError when there is no recipient, a recipient or the identity email is not a valid
    address, or ``message_id`` is malformed.
    """
    if not to:
        raise MessageError("no address to send this to; copy the text and answer on the site instead")
    me = Address(settings.my_name(), settings.my_email())
    if not me.address:
        raise MessageError("[identity] email is not set; add your address to the config")
    mid = _msg_ids([message_id])
    if not mid:
        raise MessageError(f"malformed Message-ID {header_safe(message_id)!r}")
    msg = EmailMessage(policy=default_policy)
    msg["From"] = _header_address(me)
    msg["To"] = [_header_address(a) for a in to]
    if cc:
        msg["Cc"] = [_header_address(a) for a in cc]
    msg["Subject"] = header_safe(subject)
    when = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = mid[0]
    irt = _msg_ids([in_reply_to]) if in_reply_to else []
    if irt:
        msg["In-Reply-To"] = irt[0]
    refs = _msg_ids(references)
    if refs:
        msg["References"] = " ".join(refs)
    msg.set_content(_clean_body(body))
    return msg


def build_reply(settings: Settings, request: Message, body: str, *, message_id: str,
                to: list[Address] | None = None, now: datetime | None = None) -> EmailMessage:
    """Build the reply to ``request`` (DESIGN "Replies and the outbox").

    From = identity name + email; To = ``to`` if given, else ``reply_recipients(request)`` (Reply-To, else
    From); Subject = ``reply_subject``; Date = ``now`` (default the current time); Message-ID =
    ``message_id`` (made at draft time by ``make_message_id``); In-Reply-To and References per RFC 5322
    §3.6.4 (``thread_headers``). Body text/plain, charset utf-8; the email package picks the
    Content-Transfer-Encoding. Values from the original are stripped of CR/LF and controls.
    Raises errors.MessageError when there is nobody to send to (e.g. a no-reply notification) or an address
    is invalid.
    """
    h = reply_headers(request, to)
    return build_message(settings, h.to, h.subject, body, message_id=message_id, now=now,
                         in_reply_to=h.in_reply_to, references=h.references)


def build_consent_request(settings: Settings, request: Message, referral: Referral, body: str, *,
                          message_id: str, now: datetime | None = None,
                          topic: str | None = None) -> EmailMessage:
    """Build the note asking ``referral`` whether they are open to an introduction: To the referral,
    Subject "Introduction? <topic>" when ``topic`` is given (the requester's own subject may name them), else
    "Introduction? <original subject>"; not threaded with the request (a different conversation).
    Raises errors.MessageError as ``build_message``."""
    about = topic if topic is not None else request.subject
    subject = f"Introduction? {header_safe(about)}".strip()
    return build_message(settings, [Address(referral.name, referral.address)], subject, body,
                         message_id=message_id, now=now)


def build_introduction(settings: Settings, request: Message, referral: Referral, body: str, *,
                       message_id: str, now: datetime | None = None) -> EmailMessage:
    """Build the introduction mail to both people (send only after the referral agreed): To the request's
    reply recipients and the referral, threaded as a reply to the request. Raises errors.MessageError as
    ``build_message``."""
    h = reply_headers(request)
    to = [*h.to, Address(referral.name, referral.address)]
    return build_message(settings, to, h.subject, body, message_id=message_id, now=now,
                         in_reply_to=h.in_reply_to, references=h.references)
