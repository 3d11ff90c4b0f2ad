"""The quick path of ``gracebox sync``: learn "nothing changed" before SQLModel and the checker load.

Cron runs ``gracebox sync`` every few minutes and most runs find nothing new. A full run costs ~0.5 s of
imports before it talks to the server; this module answers "nothing to do" with the config reader
(``config.load``), the IMAP session (``imap.login.connect``), the sync lock (``store.lock.sync_lock``, held
while it looks) and read-only ``sqlite3`` queries: the implementations the full path uses, without
SQLAlchemy or the checker. It never writes a message row: any change at all (new mail, a flag, an expunge)
means "run the full path", which stores it through the one ingest (``store.ingest``). It is never the
authority on errors either: any doubt (a config other than the one last validated, a database other than
SQLite, a folder error, another sync running) means the full path, which reports the problem with its exit
code. Only an unreachable server is reported from here (75), since the full path would wait as long again.

Nothing to do (``nothing_to_do`` returns True) means all of these hold, each mirroring the full path:

* The config file (and ``[profile] file``) has exactly the bytes a previous full run validated and synced
  with, and the installed code is the same (``code_signature``): recorded by ``remember`` in a state file
  beside the database (``state_path``, mode 0600), written only after a full run with no warnings.
* The requests folder's STATUS (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ) equals the stored state
  (``requests_unchanged``; RFC 7162 §3.1.2.1: every flag change raises HIGHESTMODSEQ, so without it nothing
  can be ruled out) and the Sent folder's STATUS (UIDVALIDITY, UIDNEXT, MESSAGES) equals its stored state.
* No stored request waits for a re-check: every row carries the context key and checker version recorded by
  the last full run, and the inputs of that key that live in the database (contacts, known addresses) are
  unchanged (digests).
* The outbox has nothing ``outbox.flush.flush_outbox`` would act on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..store.files import FILE_MODE

#: Version of the state file's format.
STATE_VERSION = 2

#: Reply states ``outbox.flush.flush_outbox`` acts on ("sent" only while its Sent copy or the \\Answered flag
#: is missing): the same tuple as ``outbox.replies.OPEN_STATES`` (tests/integration/test_quick.py checks it).
OUTBOX_STATES = ("queued", "sending", "sent")

#: Seconds to wait for the database when another process writes (reads in WAL mode rarely wait).
DB_TIMEOUT_S = 5.0


def code_signature() -> str:
    """A digest (hex) of the installed ``mailsync`` modules (path, size, mtime in ns) and the package version:
    any upgrade or edit (a new CHECKER_VERSION, a parser change) makes the quick path step aside once."""
    from .. import __version__

    here = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(__version__.encode())
    try:
        entries = sorted((str(p.relative_to(here)), p.stat().st_size, p.stat().st_mtime_ns)
                         for p in here.rglob("*.py"))
    except OSError:
        return ""
    h.update(repr(entries).encode())
    return h.hexdigest()


def state_path(db_file: Path) -> Path:
    """The quick path's state file beside the SQLite database ``db_file``."""
    return db_file.with_name(db_file.name + ".fastpath.json")


# --- database (read only) ------------------------------------------------------------------------------------


def connect_db(db_file: Path) -> sqlite3.Connection:
    """Open an existing SQLite file for reading (``mode=rw``: a missing file is an error, never created; not
    ``mode=ro``, which leaves an empty -wal file behind in WAL mode). Only SELECTs run on it."""
    uri = "file:" + str(db_file).replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=DB_TIMEOUT_S)


def _rows_digest(rows: Iterable[Sequence[Any]]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(repr(tuple(r)).encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def db_digests(conn: Any) -> dict[str, str]:
    """Digests (hex) of the context-key inputs kept in the database: ``contacts`` (address, name, experience,
    note) and ``known`` (Sent addresses and names). ``conn`` is a DB-API connection or an SQLAlchemy
    Connection (``exec_driver_sql``)."""
    run = getattr(conn, "exec_driver_sql", None) or conn.execute
    return {
        "contacts": _rows_digest(run("SELECT address, name, experience, note FROM contact ORDER BY address, id")),
        "known": _rows_digest(run("SELECT address, name FROM known_address ORDER BY address")),
    }


def _outbox_busy(conn: sqlite3.Connection) -> bool:
    marks = ",".join("?" for _ in OUTBOX_STATES)
    row = conn.execute(
        f"SELECT 1 FROM reply WHERE state IN ({marks}) AND NOT (state = 'sent' AND appended AND answered) LIMIT 1",
        OUTBOX_STATES).fetchone()
    return row is not None


def _recheck_pending(conn: sqlite3.Connection, ckey: str, version: int) -> bool:
    """True when a stored request has another context key or checker version than (ckey, version). Each
    probe is a range seek on the (context_key, checker_version) index, so it costs the same at 100k rows."""
    probes = (
        ("SELECT 1 FROM message WHERE context_key < ? LIMIT 1", (ckey,)),
        ("SELECT 1 FROM message WHERE context_key > ? LIMIT 1", (ckey,)),
        ("SELECT 1 FROM message WHERE context_key = ? AND checker_version < ? LIMIT 1", (ckey, version)),
        ("SELECT 1 FROM message WHERE context_key = ? AND checker_version > ? LIMIT 1", (ckey, version)),
        ("SELECT 1 FROM message WHERE context_key IS NULL OR checker_version IS NULL LIMIT 1", ()),
    )
    return any(conn.execute(q, args).fetchone() is not None for q, args in probes)


# --- the state file ------------------------------------------------------------------------------------------


def remember(db_file: Path, digest: str, *, context_key: str, checker_version: int,
             digests: dict[str, str]) -> None:
    """Record that a full run validated the config with ``digest`` (``config.read_config``) and left the
    database consistent with ``context_key``/``checker_version`` and ``digests`` (``db_digests``). Written
    atomically, mode 0600; never raises (no state file just means no quick path)."""
    data = {"v": STATE_VERSION, "config": digest, "code": code_signature(), "context_key": context_key,
            "checker_version": checker_version, **{f"db_{k}": v for k, v in digests.items()}}
    target = state_path(db_file)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, target)
    except OSError:
        forget(db_file)
        with contextlib.suppress(OSError):
            tmp.unlink()


def forget(db_file: Path) -> None:
    """Remove the state file (the next ``gracebox sync`` takes the full path); never raises."""
    with contextlib.suppress(OSError):
        state_path(db_file).unlink()


def _load_state(db_file: Path) -> dict[str, Any] | None:
    try:
        with state_path(db_file).open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("v") == STATE_VERSION else None


# --- pure comparisons ----------------------------------------------------------------------------------------


def requests_unchanged(stored: Sequence[int | None] | None, current: Sequence[int | None]) -> bool:
    """Whether the requests folder provably did not change: ``stored`` and ``current`` are (UIDVALIDITY,
    UIDNEXT, MESSAGES, HIGHESTMODSEQ). Equal, with a HIGHESTMODSEQ on both sides (RFC 7162 §3.1.2.1: a flag
    change raises it; without it flag changes can't be ruled out, so False)."""
    if stored is None or stored[3] is None or current[3] is None:
        return False
    return tuple(stored) == tuple(current)


def sent_unchanged(stored: Sequence[int | None] | None, current: Sequence[int | None]) -> bool:
    """Whether the Sent folder needs no envelope scan: (UIDVALIDITY, UIDNEXT, MESSAGES) equal and known."""
    if stored is None or stored[0] is None:
        return False
    return tuple(stored[:3]) == tuple(current[:3])


# --- the decision --------------------------------------------------------------------------------------------


def nothing_to_do(explicit_config: str | None) -> bool:
    """True only when a full ``gracebox sync`` would provably do nothing (module docstring); False means
    "run the full path" (also on any doubt, and on any error but one). Never writes anything.

    ``explicit_config``: the ``--config`` value or None. Raises ``errors.ServerUnreachable`` (75) when the
    IMAP server can't be reached (the full path would wait as long again).
    """
    from ..config import (
        check_account,
        password_readable_by_others,
        read_config,
        resolve_config_path,
        settings_from_dict,
    )
    from ..errors import GraceboxError, ServerUnreachable
    from ..store.lock import sqlite_path, sync_lock

    path = resolve_config_path(explicit_config)
    try:
        digest, data = read_config(path)
        if password_readable_by_others(path, data):
            return False  # the full path prints the "readable by others" warning
        settings = settings_from_dict(data, str(path))
        check_account(settings)
    except GraceboxError:
        return False
    db_file = sqlite_path(settings.database_url())
    if db_file is None or not db_file.is_file() or settings.imap is None:
        return False
    state = _load_state(db_file)
    if state is None or state.get("config") != digest or state.get("code") != code_signature():
        return False
    with sync_lock(settings.database_url()) as held:  # the full path's lock: a sync running -> it says so
        if not held:
            return False
        folders = _local_folders(db_file, state)
        if folders is None:
            return False
        try:
            return _server_unchanged(settings, folders)
        except ServerUnreachable:
            raise
        except GraceboxError:
            return False


def _local_folders(db_file: Path, state: dict[str, Any]) -> dict[str, tuple[str, tuple[int | None, ...]]] | None:
    """{folder name: (role, (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ))} from the database, or None when
    something waits for the full path (outbox, re-checks, changed contacts or known addresses)."""
    ckey, version = state.get("context_key"), state.get("checker_version")
    if not isinstance(ckey, str) or not isinstance(version, int):
        return None
    try:
        conn = connect_db(db_file)
    except sqlite3.Error:
        return None
    try:
        folders = {r[0]: (r[1], tuple(r[2:6])) for r in conn.execute(
            "SELECT name, role, uidvalidity, uidnext, messages, highestmodseq FROM folder")}
        if _outbox_busy(conn) or _recheck_pending(conn, ckey, version):
            return None
        if any(state.get(f"db_{k}") != v for k, v in db_digests(conn).items()):
            return None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return folders


def _server_unchanged(settings: Any, folders: dict[str, tuple[str, tuple[int | None, ...]]]) -> bool:
    """STATUS of the Sent and requests folders against the stored state, over ``imap.connect``."""
    from ..imap import connect

    assert settings.imap is not None
    requests = settings.imap.requests_folder
    req_row = folders.get(requests)
    if req_row is None or req_row[0] != "requests" or req_row[1][3] is None:
        return False  # no HIGHESTMODSEQ stored: flag changes can't be ruled out
    with connect(settings, remember_password=True) as conn:  # the full path after it reuses the password
        sent = conn.sent_folder()
        sent_row = folders.get(sent)
        if sent == requests or sent_row is None or sent_row[0] != "sent":
            return False
        ss = conn.status(sent)
        if not sent_unchanged(sent_row[1], (ss.uidvalidity, ss.uidnext, ss.messages)):
            return False
        st = conn.status(requests)
        return requests_unchanged(req_row[1], (st.uidvalidity, st.uidnext, st.messages, st.highestmodseq))


def summary_line(new: int = 0) -> str:
    """What ``gracebox sync`` prints after a pass that stored ``new`` requests and did nothing else (the full
    path's summary line)."""
    return f"synced: {new} new, 0 updated, 0 expunged, 0 re-checked; outbox: 0 sent, 0 failed"
