"""Pass 4, flags: IMAP flags of stored requests (CHANGEDSINCE the stored HIGHESTMODSEQ when the server has
CONDSTORE, RFC 7162 §3.1.4) copied to the rows, with the status they imply."""

from __future__ import annotations

from ..imap.types import chunks
from ..store import ingest
from ..store.rows import norm_flags
from . import limits
from .base import RunBase


class FlagsPass(RunBase):
    """The flag pass (mixed into the run)."""

    def _sync_flags(self, row_id: int, kept: list[int], old_modseq: int | None) -> None:
        """Fetch flags of stored UIDs (CHANGEDSINCE when possible) and update imap_flags + status."""
        changed: dict[int, tuple[str, ...]] = {}
        since = old_modseq if self.conn.condstore else None
        keep = set(kept)
        done = 0
        for part in chunks(kept, limits.FLAGS_BATCH):
            got = self.conn.fetch_flags(part, changedsince=since)
            changed.update((u, f) for u, f in got.items() if u in keep)
            done += len(part)
            self.progress("flags", done, len(kept))
        if changed:
            self._apply_flags(row_id, changed)

    def _apply_flags(self, row_id: int, flags: dict[int, tuple[str, ...]]) -> None:
        from sqlmodel import col, select

        from ..store.models import Message

        uids = sorted(flags)
        with self.store.session() as s:
            for part in chunks(uids, limits.SQL_CHUNK):
                rows = s.exec(select(Message).where(Message.folder_id == row_id, col(Message.uid).in_(part))).all()
                for m in rows:
                    if m.uid is None:
                        continue
                    new = norm_flags(flags[m.uid])
                    if new != norm_flags(m.imap_flags or ()):
                        m.imap_flags = list(new)
                        ingest.refresh_status(s, m)
                        s.add(m)
                        self.report.updated += 1

