"""Writing requests into the store: ``ingest`` is the one writer of message rows (new and re-attached);
``apply_checks`` stores check results of stored rows; ``refresh_status`` derives the status.

Used by sync, demo and tests. Functions take an open ``Session``; callers own the transaction. No network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, select

from ..types import FlagHit, ParsedMessage
from .models import Correction, FlagHitRow, Message, Reply
from .rows import corrected, message_fields, status_of
from .rows import hit_row as _hit_row


def derive_status(m: Message, reply_states: set[str] | None = None) -> str:
    """Status from IMAP flags, archive and outbox: archived > replied (\\Answered or sent) > draft > read
    (\\Seen) > new."""
    return status_of(m.archived, m.imap_flags, reply_states)


def refresh_status(session: Session, m: Message) -> None:
    """Recompute ``m.status`` from its flags and its replies in the outbox."""
    states = set(session.exec(select(Reply.state).where(Reply.request_identity == m.identity)).all())
    m.status = derive_status(m, states)


def apply_check(session: Session, m: Message, hits: list[FlagHit], context_key: str = "") -> None:
    """Store ``hits`` as the check result of the stored request ``m`` (``apply_checks`` for one row: old
    hits replaced, the user's corrections honoured, flag_codes, suggested, checker_version, context_key).
    ``m`` must have an id; it is flushed first and expired after, so its attributes reload."""
    assert m.id is not None
    session.flush()
    apply_checks(session, [CheckResult(m.id, m.identity, tuple(hits))], context_key)
    session.expire(m)


#: Row ids / identities per SQL ``IN (...)`` list in the bulk paths.
_IN_CHUNK = 500


def corrections_for(session: Session, identities: Iterable[str]) -> dict[str, dict[str, str]]:
    """The user's flag corrections by request identity: identity -> code -> "dismiss" | "add"."""
    out: dict[str, dict[str, str]] = {}
    ids = sorted(set(identities))
    for i in range(0, len(ids), _IN_CHUNK):
        q = select(Correction.identity, Correction.code, Correction.action).where(
            col(Correction.identity).in_(ids[i:i + _IN_CHUNK]))
        for ident, code, action in session.exec(q).all():
            out.setdefault(ident, {})[code] = action
    return out


def reply_states(session: Session, identities: Iterable[str]) -> dict[str, set[str]]:
    """The states of the replies to each request identity (one query per 500 identities)."""
    out: dict[str, set[str]] = {}
    ids = sorted(set(identities))
    for i in range(0, len(ids), _IN_CHUNK):
        q = select(Reply.request_identity, Reply.state).where(col(Reply.request_identity).in_(ids[i:i + _IN_CHUNK]))
        for ident, state in session.exec(q).all():
            out.setdefault(ident, set()).add(state)
    return out


@dataclass(frozen=True, slots=True)
class Incoming:
    """One request to store with ``ingest``.

    ``fields``: Message columns by name: ``rows.message_fields(parsed, raw)`` (identity, sha256, raw, the
    parsed headers and body) plus what the caller knows (folder_id, uid, uidvalidity, imap_flags,
    internaldate, size). Columns left out keep the model's defaults (new rows) or their stored value
    (re-attached rows). ``hits``: the checker's hits before the user's corrections. ``checked``: False when
    the checker failed on it (stored with ``checker_version`` 0, so the next re-check tries again).
    """

    fields: dict[str, Any]
    hits: Sequence[FlagHit] = ()
    checked: bool = True


def incoming(parsed: ParsedMessage, raw: bytes, hits: Sequence[FlagHit] = (), checked: bool = True,
             **fields: Any) -> Incoming:
    """An ``Incoming`` from a parse result and the raw bytes; ``fields`` adds columns (folder_id, uid, ...)."""
    return Incoming({**message_fields(parsed, raw), **fields}, tuple(hits), checked)


def as_message(parsed: ParsedMessage, raw: bytes, **fields: Any) -> Message:
    """An unsaved Message built from a parse result (for composing a reply in memory); ``fields`` adds
    columns. Never written by itself: ``ingest`` writes rows."""
    return Message(**{**message_fields(parsed, raw), **fields})


def _model_defaults() -> dict[str, Any]:
    """Every Message column but ``id`` that has a default, with the value a new ``Message()`` gets (taken
    from the model itself, so there is no second copy of them)."""
    out: dict[str, Any] = {}
    for name, f in Message.model_fields.items():
        if name == "id":
            continue
        if f.default_factory is not None:
            out[name] = f.default_factory()  # type: ignore[call-arg]
        elif f.default is not PydanticUndefined:
            out[name] = f.default
    return out


def ingest(session: Session, items: Sequence[Incoming], context_key: str = "", *, now: datetime | None = None,
           detached: dict[str, list[int]] | None = None) -> list[tuple[int, bool]]:
    """Write request rows: the one writer of ``message`` rows (sync, demo and tests all come here).

    For each item, in order: when ``detached`` (identity -> row ids of rows the sync detached from their
    UIDs, oldest first; consumed here) names an existing row with the item's identity, that row is
    re-attached: its id, ``created_at``, archive and accept marks stay, the item's columns replace the
    stored ones. Otherwise a new row is made (``created_at`` = ``now``: aware UTC, default the clock).
    Either way the check result is stored with the user's corrections by identity (``rows.corrected``:
    flag hits, flag_codes, suggested, checker_version, context_key) and ``status`` is derived from the
    flags, the archive mark and the request's replies (``rows.status_of``). New rows go in with one
    multi-row INSERT per chunk and one for their flag hits.

    Returns (row id, True when a new row was made) per item. The caller owns the transaction. Raises what
    the database raises (IntegrityError, DataError) for rows it refuses; nothing is kept once the caller
    rolls back.
    """
    if not items:
        return []
    when = now or datetime.now(UTC)
    idents = sorted({str(it.fields["identity"]) for it in items})
    corr = corrections_for(session, idents)
    states = reply_states(session, idents)
    reuse = _reattach_targets(session, items, detached or {})
    table = Message.__table__  # type: ignore[attr-defined]
    defaults = _model_defaults()
    fresh: list[dict[str, Any]] = []
    fresh_hits: list[list[FlagHit]] = []
    out: list[tuple[int, bool] | None] = []
    hit_rows: list[dict[str, Any]] = []
    for it, target in zip(items, reuse, strict=True):
        ident = str(it.fields["identity"])
        kept, check_cols = corrected(it.hits, corr.get(ident, {}), context_key)
        if not it.checked:
            check_cols["checker_version"] = 0
        if target is None:
            row = {**{k: (list(v) if isinstance(v, list) else v) for k, v in defaults.items()}, "created_at": when,
                   **it.fields, **check_cols}
            row["status"] = status_of(bool(row["archived"]), row["imap_flags"], states.get(ident))
            fresh.append(row)
            fresh_hits.append(kept)
            out.append(None)
            continue
        pk, archived = target
        cols = {**it.fields, **check_cols}
        cols["status"] = status_of(archived, cols.get("imap_flags"), states.get(ident))
        session.execute(update(table).where(table.c.id == pk).values(**cols))
        session.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk) == pk))
        hit_rows.extend(_hit_row(pk, h) for h in kept)
        out.append((pk, False))
    if fresh:
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = iter([int(r[0]) for r in session.execute(stmt, fresh)])
        for i, slot in enumerate(out):
            if slot is None:
                out[i] = (next(ids), True)
        new_ids = [o[0] for o in out if o is not None and o[1]]
        hit_rows.extend(_hit_row(pk, h) for pk, kept in zip(new_ids, fresh_hits, strict=True) for h in kept)
    if hit_rows:
        session.execute(insert(FlagHitRow.__table__), hit_rows)  # type: ignore[attr-defined]
    return [o for o in out if o is not None]


def _reattach_targets(session: Session, items: Sequence[Incoming],
                      detached: dict[str, list[int]]) -> list[tuple[int, bool] | None]:
    """Per item: (row id, archived) of the detached row it re-attaches to, or None for a new row. Ids that
    no longer exist are skipped; each id is used once (popped from ``detached``)."""
    wanted = [pk for it in items for pk in detached.get(str(it.fields["identity"]), ())]
    if not wanted:
        return [None] * len(items)
    alive: dict[int, bool] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        for pk, archived in session.exec(select(Message.id, Message.archived).where(
                col(Message.id).in_(wanted[i:i + _IN_CHUNK]))).all():
            if pk is not None:
                alive[int(pk)] = bool(archived)
    out: list[tuple[int, bool] | None] = []
    for it in items:
        ids = detached.get(str(it.fields["identity"]))
        target = None
        while ids and target is None:
            pk = ids.pop(0)
            if pk in alive:
                target = (pk, alive.pop(pk))
        out.append(target)
    return out


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A stored request checked again, for ``apply_checks``: its row id, identity, the checker's hits and
    whether the check ran (False: stored without flags and ``checker_version`` 0, tried again later)."""

    message_pk: int
    identity: str
    hits: Sequence[FlagHit] = ()
    checked: bool = True


def apply_checks(session: Session, results: Sequence[CheckResult], context_key: str = "") -> None:
    """``apply_check`` for many stored requests at once: the same rows and columns (old hits replaced,
    the user's corrections honoured, flag_codes, suggested, checker_version, context_key), in a handful of
    statements per 500 requests instead of several per request. Does not touch ``status`` (a check does
    not change it). The caller owns the transaction."""
    from sqlalchemy import bindparam, update

    if not results:
        return
    corr = corrections_for(session, {r.identity for r in results})
    pks = [r.message_pk for r in results]
    for i in range(0, len(pks), _IN_CHUNK):
        session.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk).in_(pks[i:i + _IN_CHUNK])))
    hit_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for r in results:
        kept, fields = corrected(r.hits, corr.get(r.identity, {}), context_key)
        if not r.checked:
            fields["checker_version"] = 0
        hit_rows.extend(_hit_row(r.message_pk, h) for h in kept)
        updates.append({"pk": r.message_pk, **{f"v_{k}": v for k, v in fields.items()}})
    if hit_rows:
        session.execute(insert(FlagHitRow.__table__), hit_rows)  # type: ignore[attr-defined]
    table = Message.__table__  # type: ignore[attr-defined]
    stmt = update(table).where(table.c.id == bindparam("pk")).values(
        {k: bindparam(f"v_{k}") for k in ("flag_codes", "suggested", "checker_version", "context_key")})
    session.execute(stmt, updates)


