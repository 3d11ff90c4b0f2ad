"""Batch sizes and pool thresholds of the sync (module attributes, read at call time, so tests can lower
them)."""

from __future__ import annotations

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
