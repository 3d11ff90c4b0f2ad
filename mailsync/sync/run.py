"""One sync pass (README "Sync from cron", ARCHITECTURE.md; RFC 3501, RFC 7162 CONDSTORE): Sent folder,
requests folder, re-checks, outbox.

``run_sync(settings)`` holds a file lock beside the database (``store.lock.sync_lock``) so cron and the TUI never
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
4. The outbox pass: ``outbox.flush.flush_outbox`` on the same connection (when ``flush``).

Errors are graded: a bad message aborts only that message (stored raw, with a warning); a folder error aborts
that folder (a warning); a connection error aborts the run (ServerUnreachable). A missing requests folder is
a ConfigError naming ``[imap] requests_folder`` and the folders that exist.

Heavy modules (SQLModel, the parser, the checker) are imported inside the functions that need them, so the
folder-state check (``folder_unchanged``) can later run before any of them are loaded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..imap import connect
from ..store.lock import sync_lock
from .outbox import OutboxPass
from .recheck import RecheckPass
from .report import ProgressFn, SyncReport
from .select import SelectPass
from .sent import SentPass

if TYPE_CHECKING:

    from ..config import Settings
    from ..store.engine import Store



def run_sync(settings: Settings, *, store: Store | None = None, progress: ProgressFn | None = None,
             now: datetime | None = None, flush: bool = True) -> SyncReport:
    """Run one sync pass (module docstring) and return its SyncReport.

    ``store`` defaults to ``Store(settings.database_url())`` (closed again at the end); ``progress`` is called
    per batch; ``now`` (aware UTC, default the clock) dates the check context and the outbox flush; ``flush``
    runs ``outbox.flush.flush_outbox`` at the end on the same IMAP connection.
    Raises ServerUnreachable (75), AuthFailed (77), ConfigError (78: certificate check failed, requests folder
    missing, bad settings). Another sync holding the lock -> ``SyncReport(locked=True)``, nothing done.
    """
    from ..store.engine import Store

    own_store = store is None
    if store is None:
        store = Store(settings.database_url())
    try:
        with sync_lock(store.url) as locked:
            if not locked:
                return SyncReport(locked=True)
            report = SyncReport()
            with connect(settings) as conn:
                run = Run(settings, store, conn, report, progress, now or datetime.now(UTC))
                run.sync_sent()
                run.build_context()
                run.sync_requests()
                run.recheck()
                report.context_key = run.ckey
                if flush:
                    run.flush_outbox(now)
                else:
                    from ..outbox.introductions import link_consent_replies

                    report.warnings.extend(link_consent_replies(store))
            return report
    finally:
        if own_store:
            store.close()


class Run(SentPass, SelectPass, RecheckPass, OutboxPass):
    """One pass: the Sent, select (expunge, flags, fetch new), re-check and outbox passes over one shared
    state."""
