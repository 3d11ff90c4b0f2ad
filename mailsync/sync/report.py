"""What one sync pass did (SyncReport), the progress callback type, and the unchanged-folder test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..imap.types import FolderStatus

if TYPE_CHECKING:
    from ..outbox.flush import SendResult

#: ``progress(phase, done, total)``: phase is "sent", "fetch", "flags" or "recheck"; done/total are counts
#: of messages in that phase.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    """What one ``run_sync`` did.

    ``new``: requests stored for the first time; ``updated``: stored requests whose IMAP flags changed or that
    were re-attached after a UIDVALIDITY change; ``expunged``: rows deleted because their message left the
    server; ``rechecked``: stored requests checked again; ``locked``: another sync held the lock and nothing
    was done; ``sent``: the outbox flush results; ``warnings``: one-line problems (a message stored raw, a
    folder skipped), never containing a password.
    """

    new: int = 0
    updated: int = 0
    expunged: int = 0
    rechecked: int = 0
    locked: bool = False
    sent: list[SendResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The check context key every stored request carries after this pass ("" when the pass did not get
    #: that far); ``gracebox sync`` records it for the quick path (``sync.quick``).
    context_key: str = ""


def folder_unchanged(stored: FolderStatus | None, current: FolderStatus) -> bool:
    """True when a folder provably did not change since ``stored`` was recorded: same UIDVALIDITY, UIDNEXT and
    MESSAGES, and the same HIGHESTMODSEQ (RFC 7162 §3.1.2.1: any flag change raises it). Without a
    HIGHESTMODSEQ on both sides flag changes can't be ruled out, so the answer is False. Pure, no imports."""
    from .quick import requests_unchanged

    if stored is None:
        return False
    return requests_unchanged((stored.uidvalidity, stored.uidnext, stored.messages, stored.highestmodseq),
                              (current.uidvalidity, current.uidnext, current.messages, current.highestmodseq))

