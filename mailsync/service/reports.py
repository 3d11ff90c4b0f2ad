"""Plain results for the command line: the stored requests in the README's JSON shape (``gracebox list``),
message files run through the checker (``gracebox check``) and the follow-ups due after a break
(``gracebox followups``). Each call opens and closes what it needs; nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..config import Settings
from ..types import CheckContext, FlagHit


def list_requests(settings: Settings, status: str | None = None, flag: str | None = None) -> list[dict[str, object]]:
    """The stored requests as the objects of ``gracebox list --json`` (README), newest first; ``status``
    (new, read, draft, replied, archived) and ``flag`` ("RF1".."RF7") narrow them. Raises ConfigError (78)
    when the database can't be opened."""
    from ..store.engine import Store
    from ..store.queries import list_json

    store = Store(settings.database_url())
    try:
        with store.session() as s:
            return list_json(s, settings, status=status, flag=flag)
    finally:
        store.close()


@dataclass(frozen=True, slots=True)
class CheckedMessage:
    """One message file run through the checker: ``json`` is the ``gracebox check --json`` object (the
    ``list --json`` shape without id, folder, uid, uidvalidity and status, with ``file``); ``hits`` every
    flag hit (the content's and RF5/RF6); ``codes`` the flags in order; ``explain`` the rule report."""

    file: str
    subject: str
    json: dict[str, object]
    hits: tuple[FlagHit, ...]
    codes: tuple[str, ...]
    suggested: str
    explain: tuple[str, ...]


def check_context(settings: Settings | None) -> CheckContext:
    """The check context of ``settings`` (the profile plus the store's history), or an empty one for no
    config. Raises ConfigError (78) when the database can't be opened."""
    if settings is None:
        return CheckContext()
    from ..store.context import build_context
    from ..store.engine import Store

    store = Store(settings.database_url())
    try:
        with store.session() as s:
            return build_context(s, settings)
    finally:
        store.close()


def check_message(file: str, raw: bytes, ctx: CheckContext, *, explain: bool = False) -> CheckedMessage:
    """Parse ``raw`` (the bytes of ``file``) and run the checker with ``ctx``; with ``explain`` the rule
    report is filled in too. Never raises for bad mail."""
    from .. import checker
    from ..mail.parse import parse
    from ..store.queries import aggregate_flags

    parsed = parse(raw)
    hits = (*checker.check(parsed, ctx), *checker.capacity_hits(ctx))
    flags = aggregate_flags(list(hits))
    suggested = checker.suggest({h.code for h in hits})
    obj: dict[str, object] = {
        "file": file,
        "message_id": parsed.message_id,
        "from": parsed.from_.as_json() if parsed.from_ else None,
        "reply_to": parsed.reply_to[0].as_json() if parsed.reply_to else None,
        "via": {"address": parsed.via.address, "kind": parsed.via.kind} if parsed.via else None,
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "suggested": suggested,
        "flags": flags,
    }
    return CheckedMessage(file, parsed.subject, obj, tuple(hits), tuple(str(f["code"]) for f in flags), suggested,
                          tuple(checker.explain(list(hits))) if explain else ())


@dataclass(frozen=True, slots=True)
class Followups:
    """The follow-ups after a break: ``until`` the break's last day (None: no break set), ``due`` the day
    they fall due, ``over`` True when the break has ended at the clock's ``today``, ``lines`` one per
    request (id, sender, subject, "due <date>")."""

    until: date | None
    due: date | None
    over: bool
    lines: tuple[str, ...]


def followups(settings: Settings, now: datetime) -> Followups:
    """The requests answered with Scenario 1 during the break (``[profile] on_break_until``) at ``now``
    (aware UTC). Raises ConfigError (78) when the database can't be opened."""
    from ..outbox import followups as fu
    from ..store.engine import Store

    until = settings.profile.on_break_until
    if until is None:
        return Followups(None, None, False, ())
    store = Store(settings.database_url())
    try:
        with store.session() as s:
            items = fu.followups(s, until)
    finally:
        store.close()
    return Followups(until, fu.due_date(until), now.date() > until, tuple(fu.lines(items)))


def write_starter_config(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 (its folder made 0700 when missing). Raises OSError."""
    import os

    from ..store.files import FILE_MODE, private_dir

    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, FILE_MODE)
