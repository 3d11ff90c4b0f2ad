"""A sync run from the TUI: ``sync_now`` runs one pass (``sync.run.run_sync``) and returns what the inbox
shows about it as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
