"""Sync runs for the TUI and the CLI, as plain data: ``sync_now`` (the TUI: one pass on its store),
``nothing_to_do`` (the quick path of ``gracebox sync``) and ``sync_from_config`` (one pass as
``gracebox sync`` runs it, then the quick path's state recorded). Imports nothing heavy up front: the quick
path must not load SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from ..store.engine import Store


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """One sync as the inbox shows it: requests stored for the first time, whether another sync held the
    lock, one-line warnings, replies sent by the outbox pass."""

    new: int
    locked: bool
    warnings: tuple[str, ...]
    sent: int


def sync_now(settings: Settings, store: Store, progress: Callable[[str, int, int], None],
             now: datetime) -> SyncOutcome:
    """Run one sync pass on ``store`` with the clock at ``now`` (aware UTC); ``progress(stage, done, total)``
    is called per batch. Raises what ``run_sync`` raises (errors.GraceboxError subclasses: 75, 77, 78)."""
    from ..sync.run import run_sync

    rep = run_sync(settings, store=store, progress=progress, now=now)
    return SyncOutcome(rep.new, rep.locked, tuple(rep.warnings), sum(1 for r in rep.sent if r.state == "sent"))


def nothing_to_do(explicit_config: str | None) -> bool:
    """The quick path (``sync.quick.nothing_to_do``): True only when a full sync would provably do nothing.
    Raises ServerUnreachable (75) when the IMAP server can't be reached; any other doubt is False."""
    from ..sync import quick

    return quick.nothing_to_do(explicit_config)


def summary_line(new: int = 0) -> str:
    """The summary ``gracebox sync`` prints after a pass that stored ``new`` requests and did nothing else."""
    from ..sync import quick

    return quick.summary_line(new)


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """One ``gracebox sync`` pass: counts of requests stored (``new``), updated, expunged and re-checked;
    ``locked`` when another sync held the lock (nothing done); one-line ``warnings``; replies ``sent``; and
    the replies that ``failed`` or ended ``unknown`` as (reply id, state, the server's words or None)."""

    new: int
    updated: int
    expunged: int
    rechecked: int
    locked: bool
    warnings: tuple[str, ...]
    sent: int
    failed: tuple[tuple[int, str, str | None], ...]


def sync_from_config(explicit_config: str | None, progress: Callable[[str, int, int], None]) -> SyncSummary:
    """Load the config (``--config`` value or None), run one pass with ``progress(stage, done, total)``, and
    after a clean pass record what the quick path needs next time (else forget it). Raises ConfigError (78),
    AuthFailed (77), ServerUnreachable (75) as ``run_sync``."""
    from ..config import load_config_digest, resolve_config_path
    from ..sync.run import run_sync

    path = resolve_config_path(explicit_config)
    settings, digest, _data = load_config_digest(path)
    report = run_sync(settings, progress=progress)
    _record_quick_state(settings, path, digest, report.locked, bool(report.warnings), report.context_key)
    failed = tuple((r.reply_id, r.state, r.detail) for r in report.sent if r.state in ("failed", "unknown"))
    return SyncSummary(report.new, report.updated, report.expunged, report.rechecked, report.locked,
                       tuple(report.warnings), sum(1 for r in report.sent if r.state == "sent"), failed)


def _record_quick_state(settings: Settings, path: Path, digest: str, locked: bool, warned: bool,
                        context_key: str) -> None:
    """After a full pass: record the quick path's state when the pass was clean (no warnings, the config
    unchanged since it was read, SQLite), else remove it so the next run takes the full path again."""
    from .. import checker
    from ..config import read_config
    from ..errors import ConfigError
    from ..store import context
    from ..store.engine import Store
    from ..store.lock import sqlite_path
    from ..sync import quick

    db = sqlite_path(settings.database_url())
    if db is None or locked:
        return
    try:
        same = read_config(path)[0] == digest
    except ConfigError:
        same = False
    if not same or warned or not context_key:
        quick.forget(db)
        return
    try:
        store = Store(settings.database_url())
        try:
            with store.session() as s:
                ctx = context.build_context(s, settings)
                digests = quick.db_digests(s.connection())
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - no state just means no quick path next time
        quick.forget(db)
        return
    if context.context_key(ctx) != context_key:
        quick.forget(db)  # something changed the context since the pass (the TUI noted a contact)
        return
    quick.remember(db, digest, context_key=context_key, checker_version=checker.CHECKER_VERSION, digests=digests)
