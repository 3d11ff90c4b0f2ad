"""Pass 1, sent: learn the To/Cc addresses of new messages in the Sent folder (KnownAddress rows), the
"who you know" input of RF3."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..imap.types import FolderError, FolderMissing, chunks
from . import limits
from .base import RunBase, _aware


class SentPass(RunBase):
    """The Sent-folder pass (mixed into the run)."""

    # --- 1. Sent --------------------------------------------------------------------------------------
    def sync_sent(self) -> None:
        """Learn To/Cc addresses of new Sent messages (KnownAddress). Folder trouble -> a warning."""
        try:
            name = self.conn.sent_folder()
        except FolderError as exc:
            self.warn(f"Sent folder skipped: {exc}")
            return
        if name == self.requests_name:
            self.warn(f"Sent folder {name!r} is also [imap] requests_folder; sent history skipped")
            return
        try:
            self._sync_sent(name)
        except FolderMissing:
            self.warn(f"Sent folder {name!r} not found, so no sent history for RF3; set [imap] sent_folder "
                      f"(folders: {', '.join(self._names())})")
        except FolderError as exc:
            self.warn(f"Sent folder skipped: {exc}")

    def _sync_sent(self, name: str) -> None:
        from sqlmodel import delete

        from ..store.models import KnownAddress, SentMessage

        st = self.conn.status(name)
        with self.store.session() as s:
            row = self._folder(s, name, "sent")
            if row.uidvalidity is not None and row.uidvalidity != st.uidvalidity:
                # UIDs mean nothing any more: count the whole folder again from scratch.
                s.exec(delete(KnownAddress))
                s.exec(delete(SentMessage))
                row.highest_uid = 0
                row.uidnext = None
                self.warn(f"UIDVALIDITY of {name!r} changed; sent history re-read")
            if row.uidvalidity == st.uidvalidity and row.uidnext == st.uidnext and row.messages == st.messages:
                return
            row.uidvalidity = st.uidvalidity
            row_id, highest = row.id, row.highest_uid
        sel = self.conn.select(name)
        uids = self.conn.uids_above(highest)
        done = 0
        for batch in chunks(uids, limits.ENVELOPE_BATCH):
            envs = self.conn.fetch_envelopes(batch)
            with self.store.session() as s:
                self._learn(s, envs)
                row = self._row(s, row_id)
                row.highest_uid = max(row.highest_uid, max(batch))
            done += len(batch)
            self.progress("sent", done, len(uids))
        with self.store.session() as s:
            row = self._row(s, row_id)
            row.uidnext, row.messages, row.highestmodseq = sel.uidnext, sel.messages, sel.highestmodseq
            row.last_sync = self.now

    def _learn(self, s: Session, envs: Sequence[Any]) -> None:
        from sqlmodel import col, select

        from ..store.models import KnownAddress, SentMessage

        ids = {e.message_id for e in envs if e.message_id}
        if ids:
            have = set(s.exec(select(SentMessage.message_id).where(col(SentMessage.message_id).in_(ids))))
            s.add_all(SentMessage(message_id=m) for m in sorted(ids - have))
        me = (self.settings.my_email() or "").lower()
        seen: dict[str, tuple[str | None, int, datetime | None, datetime | None]] = {}
        for e in envs:
            for a in (*e.to, *e.cc):
                if not a.address or a.address == me:
                    continue
                name, count, first, last = seen.get(a.address, (None, 0, None, None))
                d = e.date
                first = d if first is None or (d is not None and d < first) else first
                last = d if last is None or (d is not None and d > last) else last
                seen[a.address] = (a.name or name, count + 1, first, last)
        if not seen:
            return
        existing = {k.address: k for k in s.exec(select(KnownAddress).where(col(KnownAddress.address).in_(seen)))}
        for addr, (name, count, first, last) in seen.items():
            k = existing.get(addr)
            if k is None:
                s.add(KnownAddress(address=addr, name=name, count=count, first_seen=first, last_seen=last))
                continue
            k.count += count
            k.name = name or k.name
            kf, kl = _aware(k.first_seen), _aware(k.last_seen)
            k.first_seen = first if kf is None or (first is not None and first < kf) else kf
            k.last_seen = last if kl is None or (last is not None and last > kl) else kl

