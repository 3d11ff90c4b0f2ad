"""Pass 5, fetch new: new UIDs fetched in batches, parsed and checked (pool.Preparer), stored through
the one ingest (store.ingest), re-attaching detached rows by identity."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from ..imap.types import FetchedMessage, chunks
from ..store import ingest
from ..store.rows import Prepared, norm_flags, prepare_parsed
from ..store.rows import placeholder as _placeholder
from . import limits, pool
from .base import RunBase, uid_set
from .pool import _Preparer, _Result


class FetchPass(RunBase):
    """The fetch-new pass (mixed into the run)."""

    def _store_batch(self, row_id: int, uidvalidity: int | None,
                     items: list[tuple[FetchedMessage, Prepared]], batch_max: int,
                     detached: dict[str, list[int]]) -> None:
        """Store a batch in one transaction with the folder's highest_uid; when the database rejects it
        (bad data, not an outage), store the messages one by one, a rejected one as a raw placeholder."""
        from sqlalchemy.exc import DataError, IntegrityError


        snapshot = {k: list(v) for k, v in detached.items()}
        try:
            with self.store.session() as s:
                counts = self._store_many(s, row_id, uidvalidity, items, detached)
                row = self._row(s, row_id)
                row.highest_uid = max(row.highest_uid, batch_max)
        except (DataError, IntegrityError, ValueError, TypeError):
            detached.clear()
            detached.update(snapshot)
            counts = []
            for fm, prep in items:
                try:
                    with self.store.session() as s:
                        counts.extend(self._store_many(s, row_id, uidvalidity, [(fm, prep)], detached))
                except (DataError, IntegrityError, ValueError, TypeError) as exc:
                    self.warn(f"{self.requests_name} UID {fm.uid}: the database refused it "
                              f"({type(exc).__name__}); stored raw")
                    bad = prepare_parsed(self.requests_name, fm.uid, fm.raw,
                                         _placeholder(f"not storable: {type(exc).__name__}"), False, self.ctx)
                    self.report.warnings.extend(bad.warnings)
                    with self.store.session() as s:
                        counts.extend(self._store_many(s, row_id, uidvalidity, [(fm, bad)], detached))
            with self.store.session() as s:
                row = self._row(s, row_id)
                row.highest_uid = max(row.highest_uid, batch_max)
        for is_new in counts:
            if is_new:
                self.report.new += 1
            else:
                self.report.updated += 1

    def _store_many(self, s: Session, row_id: int, uidvalidity: int | None,
                    items: Sequence[tuple[FetchedMessage, Prepared]],
                    detached: dict[str, list[int]]) -> list[bool]:
        """Store prepared messages through the one writer (``store.ingest.ingest``): a detached row with the
        same identity is re-attached (keeps its id), the others are inserted in bulk. Returns per message
        True when a new row was made."""
        got = ingest.ingest(s, [ingest.Incoming(
            {**prep.fields, "raw": fm.raw, "folder_id": row_id, "uid": fm.uid, "uidvalidity": uidvalidity,
             "imap_flags": list(norm_flags(fm.flags)), "internaldate": fm.internaldate, "size": fm.size},
            prep.hits, prep.checked) for fm, prep in items], self.ckey, now=self.now, detached=detached)
        return [is_new for _pk, is_new in got]

    def _fetch_new(self, name: str, row_id: int, uidvalidity: int | None, uids: list[int],
                   detached: dict[str, list[int]]) -> None:
        """Fetch ``uids`` in batches of limits.BATCH_SIZE; parse and check them (``_Preparer``: a process pool when
        there are at least limits.POOL_MIN of them, else here); store each batch in one transaction, then report
        progress. With the pool, batch i+1 is fetched and handed to the workers before batch i is stored,
        so the network, the workers and the database overlap; a batch is only stored after its own fetch
        and the next one succeeded, and everything stored is committed, so a cut connection resumes."""
        if not uids:
            return
        assert self.ctx is not None
        total = len(uids)
        done = 0
        with _Preparer(name, self.ctx, pool.pool_size(total)) as prep:
            pending: tuple[list[int], list[FetchedMessage], _Result] | None = None
            for batch in chunks(uids, limits.BATCH_SIZE):
                fetched = self.conn.fetch_messages(batch)
                if len(fetched) < len(batch):
                    fetched = self._refetch_missing(name, batch, fetched)
                job = (batch, fetched, prep.submit([(fm.uid, fm.raw) for fm in fetched]))
                if pending is not None:
                    done += self._finish_batch(row_id, uidvalidity, pending, detached, done, total)
                pending = job
                if not prep.parallel:
                    done += self._finish_batch(row_id, uidvalidity, pending, detached, done, total)
                    pending = None
            if pending is not None:
                self._finish_batch(row_id, uidvalidity, pending, detached, done, total)

    def _finish_batch(self, row_id: int, uidvalidity: int | None,
                      job: tuple[list[int], list[FetchedMessage], _Result], detached: dict[str, list[int]],
                      done: int, total: int) -> int:
        """Store one prepared batch, report progress; returns the batch's size (UIDs asked for)."""
        batch, fetched, result = job
        preps = result()
        for p in preps:
            self.report.warnings.extend(p.warnings)
        self._store_batch(row_id, uidvalidity, list(zip(fetched, preps, strict=True)), max(batch), detached)
        self.progress("fetch", done + len(batch), total)
        return len(batch)

    def _refetch_missing(self, name: str, batch: list[int], fetched: list[FetchedMessage]) -> list[FetchedMessage]:
        """Some UIDs of ``batch`` came back without a body. Those expunged meanwhile (Dovecot answers them
        with an empty body) are dropped; the others are fetched once more, and any still without a body is
        left for the next pass (a warning; ``incomplete`` set), never stored empty nor skipped for good."""
        got = {fm.uid for fm in fetched}
        missing = [u for u in batch if u not in got]
        self.conn.noop()  # collect the EXPUNGE notices (RFC 3501 §7.4.1) before asking what still exists
        present = set(self.conn.search_uids(["UID", uid_set(missing)]))
        still = [u for u in missing if u in present]
        out = list(fetched)
        if still:
            out.extend(self.conn.fetch_messages(still))
            got = {fm.uid for fm in out}
            for u in still:
                if u not in got:
                    self.incomplete = True
                    self.warn(f"{name} UID {u}: the server sent no body; it will be fetched again next sync")
        return sorted(out, key=lambda fm: fm.uid)
