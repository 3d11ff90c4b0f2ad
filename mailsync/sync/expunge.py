"""Pass 3, expunge: rows whose message left the requests folder are deleted (or detached, when the same
messages may be back under new UIDs, so the fetch re-attaches them by identity)."""

from __future__ import annotations

from sqlmodel import Session

from ..imap.types import chunks
from . import limits
from .base import RunBase


class ExpungePass(RunBase):
    """Deleting and detaching rows of expunged UIDs (mixed into the run)."""

    def _detach_uids(self, row_id: int, uids: list[int], detached: dict[str, list[int]]) -> None:
        """Set uid=None on the rows of ``uids`` and add them to ``detached`` (identity -> row ids, ascending)."""
        from sqlmodel import col, select, update

        from ..store.models import Message

        with self.store.session() as s:
            for part in chunks(uids, limits.SQL_CHUNK):
                for ident, mid in s.exec(select(Message.identity, Message.id).where(
                        Message.folder_id == row_id, col(Message.uid).in_(part))).all():
                    if mid is not None:
                        detached.setdefault(ident, []).append(mid)
                s.exec(update(Message).where(col(Message.folder_id) == row_id, col(Message.uid).in_(part))
                       .values(uid=None))
        for ids in detached.values():
            ids.sort()

    def _delete_ids(self, s: Session, ids: list[int]) -> None:
        """Delete Message rows ``ids`` and their flag hits; replies keep their identity, lose the row link."""
        from sqlmodel import col, delete, update

        from ..store.models import FlagHitRow, Message, Reply

        for part in chunks(ids, limits.SQL_CHUNK):
            s.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk).in_(part)))
            s.exec(update(Reply).where(col(Reply.message_pk).in_(part)).values(message_pk=None))
            s.exec(delete(Message).where(col(Message.id).in_(part)))

    def _delete_uids(self, row_id: int, uids: list[int]) -> None:
        from sqlmodel import col, select

        from ..store.models import Message

        with self.store.session() as s:
            ids: list[int] = []
            for part in chunks(uids, limits.SQL_CHUNK):
                ids.extend(i for i in s.exec(select(Message.id).where(
                    Message.folder_id == row_id, col(Message.uid).in_(part))).all() if i is not None)
            self._delete_ids(s, ids)
        self.report.expunged += len(ids)

