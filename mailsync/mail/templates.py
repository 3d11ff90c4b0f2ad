"""Reply text from Jinja templates: the shipped (or user-overridden) templates rendered in a sandboxed
environment with ``StrictUndefined``. An unknown variable, a syntax error or a sandbox violation is an
``errors.TemplateError`` whose one-line message names the template file, the line and the problem.

Mail text is data: it is passed to templates as plain strings and never evaluated as template source.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..config import Settings, expand
from ..errors import TemplateError
from ..types import FLAG_SLUGS, FlagHit, Referral
from .compose import _CONTROLS

if TYPE_CHECKING:
    from ..store.models import Message

#: The scenarios a reply can be rendered for; each is ``<scenario>.txt.j2`` in the templates folder.
SCENARIOS = ("scenario1", "scenario2", "accept")
#: Template for asking a referral whether they are open to an introduction (Scenario 1, asked first).
CONSENT_TEMPLATE = "consent_request.txt.j2"
#: Template for the introduction itself, sent to both people once the referral agreed.
INTRODUCTION_TEMPLATE = "introduction.txt.j2"
_TITLES = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof", "prof.", "sir"}

# --- templates ------------------------------------------------------------------------------------------


def templates_dir() -> Path:
    """Return the folder of the shipped templates.

    In an installed wheel the build backend maps the repository's top-level ``templates/`` into the package
    as ``mailsync/_templates`` (pyproject ``force-include``); in a checkout that folder is absent and the
    repository's ``templates/`` is used.
    """
    packaged = Path(__file__).resolve().parent.parent / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "templates"


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
    """Return the variables every reply template gets (README "Replies and the outbox").

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
    The requester's details are withheld until the referral agreed (README "Keys": ctrl+r, i, I): ``sender`` has every
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

