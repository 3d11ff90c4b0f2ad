"""One sync pass (DESIGN "Sync"; RFC 3501, RFC 7162 CONDSTORE): Sent folder, requests folder, re-checks, outbox.

``run_sync(settings)`` holds a file lock beside the database (``store.lock_path``) so cron and the TUI never
sync at once; a held lock returns ``SyncReport(locked=True)`` at once. Steps:

1. Sent folder first: ENVELOPE of UIDs above the stored highest -> ``KnownAddress`` rows (To/Cc, lower-case,
   with name and count), so requests are judged against current history (RF3 "do I know them").
2. Requests folder: STATUS (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ); if nothing changed since the last
   pass the folder is skipped. Else SELECT (read-only; CONDSTORE when advertised). A UIDVALIDITY change
   detaches the folder's rows (uid=None) and fetches everything again, re-attaching rows by identity
   (Message-ID, else sha256 of the raw bytes) so ``Message.id`` stays the same; rows left detached are gone.
   Expunged UIDs (in the DB, not on the server) are deleted with their flag hits (replies, decisions and
   corrections are keyed by identity and survive). Flag changes: ``CHANGEDSINCE`` the stored HIGHESTMODSEQ
   with CONDSTORE, else FLAGS of every stored UID. New mail: UIDs above the stored highest, fetched in
   batches; each batch is parsed, checked and committed in one transaction together with the folder's
   ``highest_uid``, so a cut connection resumes where it stopped.
3. Re-check stored requests whose ``context_key`` or ``checker_version`` differs (from the stored raw bytes).
4. ``send.flush_outbox`` on the same connection (when ``flush``).

Errors are graded: a bad message aborts only that message (stored raw, with a warning); a folder error aborts
that folder (a warning); a connection error aborts the run (ServerUnreachable). A missing requests folder is
a ConfigError naming ``[imap] requests_folder`` and the folders that exist.

Heavy modules (SQLModel, the parser, the checker) are imported inside the functions that need them, so the
folder-state check (``folder_unchanged``) can later run before any of them are loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .imap import FetchedMessage, FolderError, FolderMissing, FolderStatus, ImapConnection, chunks, connect
from .rows import Prepared, parse_bytes, prepare, prepare_parsed  # noqa: F401  (parse_bytes: re-exported)
from .rows import norm_flags as _norm_flags
from .rows import placeholder as _placeholder

if TYPE_CHECKING:
    from sqlmodel import Session

    from .config import Settings
    from .models import Message
    from .send import SendResult
    from .store import Store
    from .types import CheckContext, FlagHit, ParsedMessage

#: Messages per FETCH BODY.PEEK[] batch (one DB transaction each).
BATCH_SIZE = 200
#: Messages per FETCH ENVELOPE batch in the Sent folder.
ENVELOPE_BATCH = 500
#: UIDs per FETCH FLAGS command (explicit UID lists; CHANGEDSINCE narrows the answer, not the command).
FLAGS_BATCH = 2000
#: Stored requests re-checked per transaction.
RECHECK_BATCH = 200
#: Row ids per SQL ``IN (...)`` list.
SQL_CHUNK = 500
#: New messages from which parse + check run in a process pool (below it the pool's start-up costs more
#: than it saves).
POOL_MIN = 400
#: Upper bound of pool workers (the pool uses the CPUs this process may run on, at most this many).
MAX_WORKERS = 4

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
    #: that far); ``gracebox sync`` records it for the no-op fast path (mailsync.fastpath).
    context_key: str = ""


def folder_unchanged(stored: FolderStatus | None, current: FolderStatus) -> bool:
    """True when a folder provably did not change since ``stored`` was recorded: same UIDVALIDITY, UIDNEXT and
    MESSAGES, and the same HIGHESTMODSEQ (RFC 7162 §3.1.2.1: any flag change raises it). Without a
    HIGHESTMODSEQ on both sides flag changes can't be ruled out, so the answer is False. Pure, no imports."""
    from .fastpath import requests_unchanged

    if stored is None:
        return False
    return requests_unchanged((stored.uidvalidity, stored.uidnext, stored.messages, stored.highestmodseq),
                              (current.uidvalidity, current.uidnext, current.messages, current.highestmodseq))


def run_sync(settings: Settings, *, store: Store | None = None, progress: ProgressFn | None = None,
             now: datetime | None = None, flush: bool = True) -> SyncReport:
    """Run one sync pass (module docstring) and return its SyncReport.

    ``store`` defaults to ``Store(settings.database_url())`` (closed again at the end); ``progress`` is called
    per batch; ``now`` (aware UTC, default the clock) dates the check context and the outbox flush; ``flush``
    runs ``send.flush_outbox`` at the end on the same IMAP connection.
    Raises ServerUnreachable (75), AuthFailed (77), ConfigError (78: certificate check failed, requests folder
    missing, bad settings). Another sync holding the lock -> ``SyncReport(locked=True)``, nothing done.
    """
    from filelock import FileLock, Timeout

    from .store import Store, lock_path

    own_store = store is None
    if store is None:
        store = Store(settings.database_url())
    lock_file = lock_path(store.url)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if own_store:
            store.close()
        return SyncReport(locked=True)
    try:
        report = SyncReport()
        when = now or datetime.now(UTC)
        with connect(settings) as conn:
            run = _Run(settings, store, conn, report, progress, when)
            run.sync_sent()
            run.build_context()
            run.sync_requests()
            run.recheck()
            report.context_key = run.ckey
            from .introductions import link_consent_replies  # never raises: trouble is a warning

            report.warnings.extend(link_consent_replies(store))
            if flush:
                from . import send

                report.sent = list(send.flush_outbox(settings, store, imap=conn, now=now))
        return report
    finally:
        lock.release()
        if own_store:
            store.close()


class _Run:
    """The state of one pass: settings, store, connection, report, clock, check context."""

    def __init__(self, settings: Settings, store: Store, conn: ImapConnection, report: SyncReport,
                 progress: ProgressFn | None, now: datetime) -> None:
        self.settings = settings
        self.store = store
        self.conn = conn
        self.report = report
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.now = now
        self.ctx: CheckContext | None = None
        self.ckey = ""
        assert settings.imap is not None
        self.requests_name = settings.imap.requests_folder
        #: True when a message of the requests folder could not be fetched this pass (no body in the answer):
        #: the folder state is then not recorded, so the next pass does not skip the folder.
        self.incomplete = False

    def warn(self, text: str) -> None:
        self.report.warnings.append(" ".join(text.split()))

    # --- folders in the DB --------------------------------------------------------------------------------
    @staticmethod
    def _row(s: Session, row_id: int) -> Any:
        """The Folder row ``row_id`` (it exists: this pass created or found it)."""
        from .models import Folder

        row = s.get(Folder, row_id)
        if row is None:
            raise RuntimeError(f"folder row {row_id} vanished during the sync")
        return row

    @staticmethod
    def _folder(s: Session, name: str, role: str) -> Any:
        from sqlmodel import select

        from .models import Folder

        row = s.exec(select(Folder).where(Folder.name == name)).first()
        if row is None:
            row = Folder(name=name, role=role, highest_uid=0)
            s.add(row)
            s.flush()
        elif row.role != role:
            row.role = role
        return row

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

        from .models import KnownAddress

        st = self.conn.status(name)
        with self.store.session() as s:
            row = self._folder(s, name, "sent")
            if row.uidvalidity is not None and row.uidvalidity != st.uidvalidity:
                # UIDs mean nothing any more: count the whole folder again from scratch.
                s.exec(delete(KnownAddress))
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
        for batch in chunks(uids, ENVELOPE_BATCH):
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

        from .models import KnownAddress

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

    # --- context ----------------------------------------------------------------------------------------
    def build_context(self) -> None:
        """Build the CheckContext once (after the Sent scan) and its key."""
        from . import inbox

        with self.store.session() as s:
            self.ctx = inbox.build_context(s, self.settings, self.now)
        self.ckey = inbox.context_key(self.ctx)

    # --- 2. requests ------------------------------------------------------------------------------------
    def _names(self) -> list[str]:
        try:
            return self.conn.folder_names()
        except FolderError:
            return ["(could not list folders)"]

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

        from .models import Message

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

    def _detach_uids(self, row_id: int, uids: list[int], detached: dict[str, list[int]]) -> None:
        """Set uid=None on the rows of ``uids`` and add them to ``detached`` (identity -> row ids, ascending)."""
        from sqlmodel import col, select, update

        from .models import Message

        with self.store.session() as s:
            for part in chunks(uids, SQL_CHUNK):
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

        from .models import FlagHitRow, Message, Reply

        for part in chunks(ids, SQL_CHUNK):
            s.exec(delete(FlagHitRow).where(col(FlagHitRow.message_pk).in_(part)))
            s.exec(update(Reply).where(col(Reply.message_pk).in_(part)).values(message_pk=None))
            s.exec(delete(Message).where(col(Message.id).in_(part)))

    def _delete_uids(self, row_id: int, uids: list[int]) -> None:
        from sqlmodel import col, select

        from .models import Message

        with self.store.session() as s:
            ids: list[int] = []
            for part in chunks(uids, SQL_CHUNK):
                ids.extend(i for i in s.exec(select(Message.id).where(
                    Message.folder_id == row_id, col(Message.uid).in_(part))).all() if i is not None)
            self._delete_ids(s, ids)
        self.report.expunged += len(ids)

    def _sync_flags(self, row_id: int, kept: list[int], old_modseq: int | None) -> None:
        """Fetch flags of stored UIDs (CHANGEDSINCE when possible) and update imap_flags + status."""
        changed: dict[int, tuple[str, ...]] = {}
        since = old_modseq if self.conn.condstore else None
        keep = set(kept)
        done = 0
        for part in chunks(kept, FLAGS_BATCH):
            got = self.conn.fetch_flags(part, changedsince=since)
            changed.update((u, f) for u, f in got.items() if u in keep)
            done += len(part)
            self.progress("flags", done, len(kept))
        if changed:
            self._apply_flags(row_id, changed)

    def _apply_flags(self, row_id: int, flags: dict[int, tuple[str, ...]]) -> None:
        from sqlmodel import col, select

        from . import inbox
        from .models import Message

        uids = sorted(flags)
        with self.store.session() as s:
            for part in chunks(uids, SQL_CHUNK):
                rows = s.exec(select(Message).where(Message.folder_id == row_id, col(Message.uid).in_(part))).all()
                for m in rows:
                    if m.uid is None:
                        continue
                    new = _norm_flags(flags[m.uid])
                    if new != _norm_flags(m.imap_flags or ()):
                        m.imap_flags = list(new)
                        inbox.refresh_status(s, m)
                        s.add(m)
                        self.report.updated += 1

    def _fetch_new(self, name: str, row_id: int, uidvalidity: int | None, uids: list[int],
                   detached: dict[str, list[int]]) -> None:
        """Fetch ``uids`` in batches of BATCH_SIZE; parse and check them (``_Preparer``: a process pool when
        there are at least POOL_MIN of them, else here); store each batch in one transaction, then report
        progress. With the pool, batch i+1 is fetched and handed to the workers before batch i is stored,
        so the network, the workers and the database overlap; a batch is only stored after its own fetch
        and the next one succeeded, and everything stored is committed, so a cut connection resumes."""
        if not uids:
            return
        assert self.ctx is not None
        total = len(uids)
        done = 0
        with _Preparer(name, self.ctx, pool_size(total)) as prep:
            pending: tuple[list[int], list[FetchedMessage], _Result] | None = None
            for batch in chunks(uids, BATCH_SIZE):
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

    def _check(self, folder: str, uid: int | None, parsed: ParsedMessage) -> tuple[list[FlagHit], bool]:
        from . import checker

        assert self.ctx is not None
        try:
            return list(checker.check(parsed, self.ctx)), True
        except Exception as exc:  # noqa: BLE001 - a checker bug on one message must not stop the sync
            where = f"{folder} UID {uid}" if uid is not None else folder
            self.warn(f"{where}: checker failed ({type(exc).__name__}); stored without flags")
            return [], False

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
        """Store prepared messages: a detached row with the same identity is re-attached (ORM, keeps its
        id), the others are inserted in bulk (``inbox.insert_messages``: one INSERT for the batch, one for
        the flag hits). Returns per message True when a new row was made."""
        from . import inbox
        from .models import Message

        reattached: list[tuple[Message, Prepared]] = []
        fresh: list[inbox.NewMessage] = []
        out: list[bool] = []
        for fm, prep in items:
            cols = {**prep.fields, "raw": fm.raw, "uid": fm.uid, "uidvalidity": uidvalidity,
                    "imap_flags": list(_norm_flags(fm.flags)), "internaldate": fm.internaldate, "size": fm.size}
            m: Message | None = None
            ids = detached.get(str(prep.fields["identity"]))
            while ids and m is None:
                m = s.get(Message, ids.pop(0))
            if m is not None:
                for key, value in cols.items():
                    setattr(m, key, value)
                s.add(m)
                reattached.append((m, prep))
            else:
                fresh.append(inbox.NewMessage({**cols, "folder_id": row_id}, prep.hits, prep.checked))
            out.append(m is None)
        if reattached:
            s.flush()
            for m, prep in reattached:
                inbox.apply_check(s, m, prep.hits, self.ckey)
                if not prep.checked:
                    m.checker_version = 0  # try again at the next re-check
                inbox.refresh_status(s, m)
        inbox.insert_messages(s, fresh, self.ckey)
        return out

    # --- 3. re-check -----------------------------------------------------------------------------------
    def recheck(self) -> None:
        """Re-check stored requests whose context key or checker version is stale, from their raw bytes:
        RECHECK_BATCH per transaction, parsed and checked like new mail (``_Preparer``: a process pool from
        POOL_MIN requests, the next batch read and handed over before this one is written), written in bulk
        (``inbox.apply_checks``)."""
        from sqlmodel import col, or_, select

        from . import checker, inbox
        from .models import Message

        assert self.ctx is not None
        with self.store.session() as s:
            ids = [i for i in s.exec(select(Message.id).where(or_(
                Message.context_key != self.ckey, Message.checker_version != checker.CHECKER_VERSION,
            )).order_by(col(Message.id))).all() if i is not None]
        if not ids:
            return
        done = 0

        def finish(job: tuple[list[tuple[int, int | None, str]], _Result]) -> None:
            nonlocal done
            rows, result = job
            preps = result()
            out: list[inbox.CheckResult] = []
            odd: list[int] = []
            for (pk, _uid, ident), p in zip(rows, preps, strict=True):
                if not p.parsed_ok:
                    odd.append(pk)  # the parser raised: check the stored fields instead (below)
                    continue
                self.report.warnings.extend(p.warnings)
                out.append(inbox.CheckResult(pk, ident, p.hits, p.checked))
            with self.store.session() as s:
                inbox.apply_checks(s, out, self.ckey)
                for m in s.exec(select(Message).where(col(Message.id).in_(odd)).order_by(col(Message.id))).all():
                    hits, ok = self._check("re-check", m.uid, _from_row(m))
                    inbox.apply_check(s, m, hits, self.ckey)
                    if not ok:
                        m.checker_version = 0
                    s.add(m)
            self.report.rechecked += len(rows)
            done += len(rows)
            self.progress("recheck", done, len(ids))

        with _Preparer("re-check", self.ctx, pool_size(len(ids))) as prep:
            pending: tuple[list[tuple[int, int | None, str]], _Result] | None = None
            for part in chunks(ids, RECHECK_BATCH):
                with self.store.session() as s:
                    got = s.exec(select(Message.id, Message.uid, Message.identity, Message.raw).where(
                        col(Message.id).in_(part)).order_by(col(Message.id))).all()
                rows = [(int(pk), uid, ident) for pk, uid, ident, _raw in got if pk is not None]
                job = (rows, prep.submit([(uid, bytes(raw)) for pk, uid, _ident, raw in got if pk is not None]))
                if pending is not None:
                    finish(pending)
                pending = job
                if not prep.parallel:
                    finish(pending)
                    pending = None
            if pending is not None:
                finish(pending)



def _aware(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)




def uid_set(uids: Sequence[int]) -> str:
    """Compress UIDs into an IMAP sequence set (RFC 3501 §9 sequence-set), e.g. [1,2,3,7] -> "1:3,7"."""
    from .fastpath import seqset

    return seqset(uids)


# --- parse + check, here or in a process pool ---------------------------------------------------------


#: A handle on a submitted batch: call it for the batch's Prepared list (in order).
_Result = Callable[[], list[Prepared]]

_WORKER: dict[str, Any] = {}


def _pool_init(folder: str, ctx: CheckContext) -> None:
    """Pool worker start-up: keep the folder name and the check context; leave Ctrl-C to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["folder"], _WORKER["ctx"] = folder, ctx


def _pool_prepare(items: list[tuple[int | None, bytes]]) -> list[Prepared]:
    """Pool task: ``prepare`` each (uid, raw) with the worker's folder and context."""
    return [prepare(_WORKER["folder"], uid, raw, _WORKER["ctx"]) for uid, raw in items]


def pool_size(count: int) -> int:
    """Worker processes for ``count`` new messages: 0 (parse here) below POOL_MIN or on one CPU, else the
    CPUs this process may use, at most MAX_WORKERS."""
    import os

    if count < POOL_MIN:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return 0 if cpus < 2 else min(cpus, MAX_WORKERS)


class _Preparer:
    """Runs ``prepare`` on fetched batches: in this process (``workers`` 0) or in a process pool.

    The pool forks when this is the only thread (cheap: the modules are loaded already) and spawns fresh
    interpreters otherwise (the TUI syncs in a worker thread; forking a threaded process can deadlock).
    A broken pool (a worker died) is not fatal: that batch and the rest are prepared here.
    """

    def __init__(self, folder: str, ctx: CheckContext, workers: int) -> None:
        self.folder = folder
        self.ctx = ctx
        self.workers = workers
        self.pool: Any = None
        if workers:
            import multiprocessing
            import threading
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() \
                else "spawn"
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                            initializer=_pool_init, initargs=(folder, ctx))

    @property
    def parallel(self) -> bool:
        """True while a pool does the work (results arrive later)."""
        return self.pool is not None

    def _here(self, items: Sequence[tuple[int | None, bytes]]) -> list[Prepared]:
        return [prepare(self.folder, uid, raw, self.ctx) for uid, raw in items]

    def submit(self, items: Sequence[tuple[int | None, bytes]]) -> _Result:
        """Start preparing ``items`` ((uid, raw bytes) pairs); returns a callable giving the Prepared list in
        the same order."""
        fetched = list(items)
        if self.pool is None:
            done = self._here(fetched)
            return lambda: done
        step = max(1, -(-len(fetched) // self.workers))
        try:
            futs = [self.pool.submit(_pool_prepare, fetched[i:i + step])
                    for i in range(0, len(fetched), step)]
        except Exception:  # noqa: BLE001 - a broken or shut-down pool: do the work here
            self._drop_pool()
            done = self._here(fetched)
            return lambda: done

        def result() -> list[Prepared]:
            try:
                return [p for f in futs for p in f.result()]
            except Exception:  # noqa: BLE001 - a worker died (BrokenProcessPool) or a task failed: here, then
                self._drop_pool()  # a real bug raises again, in this process, with its own traceback
                return self._here(fetched)

        return result

    def _drop_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> _Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _from_row(m: Message) -> ParsedMessage:
    from .types import Address, ParsedMessage, Via

    def addrs(xs: list[dict[str, str | None]] | None) -> tuple[Address, ...]:
        return tuple(Address(x.get("name"), x.get("address")) for x in xs or [])

    via = Via(m.via.get("address"), m.via.get("kind") or "notification", m.via.get("site")) if m.via else None
    frm = Address(m.from_name, m.from_address) if (m.from_name or m.from_address) else None
    return ParsedMessage(message_id=m.message_id, subject=m.subject, from_=frm, reply_to=addrs(m.reply_to),
                         to=addrs(m.to_addrs), cc=addrs(m.cc_addrs), date=_aware(m.date),
                         in_reply_to=m.in_reply_to, references=tuple(m.references or ()), body_text=m.body_text,
                         via=via, auto_submitted=m.auto_submitted, warnings=tuple(m.parse_warnings or ()))
