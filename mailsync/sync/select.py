"""Pass 2, select: the requests folder's STATUS compared with the stored state; when it changed, SELECT,
handle a new UIDVALIDITY, and run the expunge, flags and fetch-new passes on it."""

from __future__ import annotations

from ..errors import ConfigError
from ..imap.types import FolderError, FolderMissing, FolderStatus
from .expunge import ExpungePass
from .fetch import FetchPass
from .flags import FlagsPass
from .report import folder_unchanged


class SelectPass(ExpungePass, FlagsPass, FetchPass):
    """The requests-folder pass (mixed into the run)."""

    def sync_requests(self) -> None:
        """Sync the requests folder; a missing folder is a ConfigError, other folder trouble a warning."""
        name = self.requests_name
        try:
            st = self.conn.status(name)
        except FolderMissing:
            where = self.conn.where
            raise ConfigError(
                f"[imap] requests_folder: {name!r} does not exist on {where}; folders there: "
                f"{', '.join(self._names())}; set requests_folder to one of them"
            ) from None
        except FolderError as exc:
            self.warn(f"requests folder skipped: {exc}")
            return
        with self.store.session() as s:
            row = self._folder(s, name, "requests")
            stored = FolderStatus(name, row.uidvalidity, row.uidnext, row.messages, row.highestmodseq)
            row_id = row.id
        if folder_unchanged(stored, st):
            return
        try:
            self._sync_requests(name, row_id)
        except FolderMissing:
            self.warn(f"requests folder {name!r} disappeared during the sync")
        except FolderError as exc:
            self.warn(f"requests folder skipped: {exc}")

    def _sync_requests(self, name: str, row_id: int) -> None:
        from sqlmodel import col, select, update

        from ..store.models import Message

        sel = self.conn.select(name)
        with self.store.session() as s:
            row = self._row(s, row_id)
            # UIDNEXT below a stored UID breaks RFC 3501 §2.3.1.1 (UIDs strictly ascending): the UIDs can't be
            # trusted any more, so the folder is treated as if its UIDVALIDITY had changed.
            went_back = row.uidvalidity == sel.uidvalidity and sel.uidnext is not None \
                and 0 < sel.uidnext <= row.highest_uid
            if row.uidvalidity is not None and (row.uidvalidity != sel.uidvalidity or went_back):
                s.exec(update(Message).where(col(Message.folder_id) == row_id).values(uid=None))
                what = (f"UIDNEXT of {name!r} went back ({sel.uidnext} <= {row.highest_uid})" if went_back
                        else f"UIDVALIDITY of {name!r} changed ({row.uidvalidity} -> {sel.uidvalidity})")
                self.warn(f"{what}; fetching the folder again, rows re-attached by Message-ID")
                row.highest_uid = 0
                row.highestmodseq = None
                row.uidnext = None
                row.messages = None
            row.uidvalidity = sel.uidvalidity
            old_modseq = row.highestmodseq
            db_uids = {int(u) for u in s.exec(select(Message.uid).where(
                Message.folder_id == row_id, col(Message.uid).is_not(None))).all() if u is not None}
            detached: dict[str, list[int]] = {}
            for ident, mid in s.exec(select(Message.identity, Message.id).where(
                    Message.folder_id == row_id, col(Message.uid).is_(None)).order_by(col(Message.id))).all():
                if mid is not None:
                    detached.setdefault(ident, []).append(mid)

        server = self.conn.search_uids("ALL")
        server_set = set(server)
        gone = sorted(u for u in db_uids if u not in server_set)
        # Every server UID not stored yet: the UIDs above the stored highest, plus any earlier one a previous
        # pass could not fetch (answered without a body) or a server renumbered (UIDVALIDITY kept). Built from
        # SEARCH ALL, so the "UID n+1:*" last-message quirk can't bring back a stored message.
        new = [u for u in server if u not in db_uids]
        if gone and new:
            # maybe the same messages under new UIDs: detach, so the fetch re-attaches them by identity (their
            # row ids stay); rows not re-attached are deleted at the end of the pass.
            self._detach_uids(row_id, gone, detached)
        elif gone:
            self._delete_uids(row_id, gone)
        kept = sorted(db_uids & server_set)
        if kept:
            self._sync_flags(row_id, kept, old_modseq)
        self._fetch_new(name, row_id, sel.uidvalidity, new, detached)

        with self.store.session() as s:
            leftover = [i for i in s.exec(select(Message.id).where(
                Message.folder_id == row_id, col(Message.uid).is_(None))).all() if i is not None]
            if leftover:
                self._delete_ids(s, leftover)
                self.report.expunged += len(leftover)
            row = self._row(s, row_id)
            row.uidnext, row.messages, row.highestmodseq = sel.uidnext, sel.messages, sel.highestmodseq
            if self.incomplete:
                row.messages = None  # STATUS can't match: the next pass looks at the folder again
            row.last_sync = self.now

