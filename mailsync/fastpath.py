"""The no-op fast path of ``gracebox sync``: learn "nothing changed" before loading SQLModel, pydantic or
imapclient (DESIGN "Details settled": STATUS before the heavy imports).

Cron runs ``gracebox sync`` every few minutes and most runs find nothing new. A full run costs ~0.5 s of
imports before it talks to the server; this module answers "is there anything to do?" with the standard
library only (``tomllib``, ``sqlite3``, ``imaplib``, ``ssl``) in a few tens of milliseconds, and the full
path runs whenever the answer is not a sure "no". It is never the authority on errors: any doubt (a config
that was not validated as it is now, a database other than SQLite, a server error, a missing folder) means
"run the full path", which reports the problem with its exit code.

Nothing to do means all of these hold (each mirrors what the full path would do on this run):

* The config file (and ``[profile] file``) has exactly the bytes a previous full run validated and synced
  with, and the installed code is the same (``code_signature``): recorded by ``remember`` in a state file
  beside the database (``state_path``), written only after a full run with no warnings.
* The requests folder's STATUS (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ) equals the stored state
  (``requests_unchanged``; RFC 7162 §3.1.2.1: every flag change raises HIGHESTMODSEQ, so without it nothing
  can be ruled out) and the Sent folder's STATUS (UIDVALIDITY, UIDNEXT, MESSAGES) equals its stored state
  (the full path re-reads Sent envelopes only then).
* No stored request waits for a re-check: every row carries the context key and checker version recorded
  by the last full run, and the inputs of that key that live in the database (contacts, known addresses)
  are unchanged (digests).
* The outbox has nothing ``send.flush_outbox`` would act on: no reply ``queued`` or ``sending``, none
  ``sent`` without its Sent copy or \\Answered flag.

Passwords: ``password_command`` runs at most once per process; the full path reuses the value through
``cached_password`` (memory only, never written anywhere).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: Version of the state file's format.
STATE_VERSION = 1

#: Reply states ``send.flush_outbox`` acts on (send.OPEN_STATES; "sent" only while its Sent copy or the
#: \\Answered flag is missing). tests/test_fastpath.py checks they agree.
OUTBOX_STATES = ("queued", "sending", "sent")

#: Seconds to wait for the database when another process writes (reads in WAL mode rarely wait).
DB_TIMEOUT_S = 5.0

_PASSWORDS: dict[tuple[str, ...], str] = {}


# --- files -----------------------------------------------------------------------------------------------


def expand(p: str) -> Path:
    """Expand ``~`` and environment variables in a path (as ``config.expand``)."""
    return Path(os.path.expandvars(os.path.expanduser(p)))


def config_path(explicit: str | None) -> Path:
    """The config file ``gracebox`` uses: ``explicit`` (--config), else $GRACEBOX_CONFIG, else the
    platform's config path (as ``config.resolve_config_path``)."""
    if explicit:
        return expand(explicit)
    env = os.environ.get("GRACEBOX_CONFIG")
    if env:
        return expand(env)
    from platformdirs import user_config_path

    return user_config_path("gracebox") / "config.toml"


def _read_config(path: Path) -> tuple[str, dict[str, Any]] | None:
    """(sha256 of the config bytes plus the profile file's bytes, parsed TOML) or None when unreadable."""
    import tomllib

    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    h = hashlib.sha256(raw)
    prof = data.get("profile")
    if isinstance(prof, dict) and prof.get("file"):
        ppath = expand(str(prof["file"]))
        if not ppath.is_absolute():
            ppath = path.parent / ppath
        try:
            h.update(b"\0profile\0" + ppath.read_bytes())
        except OSError:
            return None
    return h.hexdigest(), data


def config_digest(path: Path) -> str | None:
    """sha256 (hex) of the config file's bytes and its ``[profile] file``; None when it can't be read or
    parsed as TOML."""
    got = _read_config(path)
    return got[0] if got else None


def code_signature() -> str:
    """A digest of the installed ``mailsync`` modules (name, size, mtime in ns) and the package version:
    any upgrade or edit (a new CHECKER_VERSION, a parser change) makes the fast path step aside once."""
    from . import __version__

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    try:
        entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(here)
                         if e.name.endswith(".py"))
    except OSError:
        return ""
    h.update(repr(entries).encode())
    return h.hexdigest()


def sqlite_file(database_url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (``~`` expanded), else None (other databases take the full path)."""
    if not database_url.startswith("sqlite:///") or database_url == "sqlite:///:memory:":
        return None
    rest = database_url[len("sqlite:///"):]
    return expand(rest) if rest else None


def default_database() -> Path:
    """The default database file (``config.default_data_dir() / "gracebox.db"``)."""
    from platformdirs import user_data_path

    return user_data_path("gracebox") / "gracebox.db"


def state_path(db_file: Path) -> Path:
    """The fast-path state file beside the SQLite database."""
    return db_file.with_name(db_file.name + ".fastpath.json")


# --- database ----------------------------------------------------------------------------------------------


def connect_db(db_file: Path) -> sqlite3.Connection:
    """Open an existing SQLite file for reading (``mode=rw`` so a missing file is an error, not created)."""
    uri = "file:" + str(db_file).replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=DB_TIMEOUT_S)


def _rows_digest(rows: Iterable[Sequence[Any]]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(repr(tuple(r)).encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def db_digests(conn: Any) -> dict[str, str]:
    """Digests of the context-key inputs kept in the database: ``contacts`` (address, name, experience,
    note) and ``known`` (Sent addresses and names). ``conn`` is a DB-API connection or anything with an
    ``execute(sql)`` returning rows (an SQLAlchemy Connection with ``exec_driver_sql``)."""
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


# --- the state file --------------------------------------------------------------------------------------


def remember(db_file: Path, digest: str, *, context_key: str, checker_version: int, digests: dict[str, str]) -> None:
    """Record that a full run validated the config with ``digest`` and left the database consistent with
    ``context_key``/``checker_version`` and ``digests`` (``db_digests``). Written atomically, mode 0600;
    never raises (no state file just means no fast path)."""
    data = {"v": STATE_VERSION, "config": digest, "code": code_signature(), "context_key": context_key,
            "checker_version": checker_version, **{f"db_{k}": v for k, v in digests.items()}}
    target = state_path(db_file)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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


# --- pure comparisons ------------------------------------------------------------------------------------


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


# --- IMAP (imaplib) --------------------------------------------------------------------------------------

_STATUS_ITEM = re.compile(rb"([A-Z]+) (\d+)")
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _status(m: Any, folder: str, items: str) -> dict[bytes, int] | None:
    typ, data = m.status(_quote(folder), f"({items})")
    if typ != "OK" or not data or not isinstance(data[-1], bytes):
        return None
    inner = data[-1].rsplit(b"(", 1)[-1]
    return {k: int(v) for k, v in _STATUS_ITEM.findall(inner.upper())}


def _special_sent(m: Any) -> str | None:
    """The folder with the \\Sent SPECIAL-USE flag (RFC 6154) from LIST, "Sent" when none, or None when
    the answer can't be read with certainty (literals, non-ASCII names) so the full path decides."""
    typ, data = m.list('""', "*")
    if typ != "OK":
        return None
    for line in data or ():
        if not isinstance(line, bytes):
            return None
        got = _LIST_LINE.match(line)
        if got is None:
            return None
        flags = got.group("flags").lower().split()
        if b"\\sent" in flags:
            name = got.group("name")
            if name.startswith(b'"'):
                name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
            if not name.isascii() or b"&" in name:
                return None  # modified UTF-7 (RFC 3501 §5.1.3): let imapclient decode it
            return name.decode("ascii")
    return "Sent"


def cached_password(argv: Sequence[str] | None) -> str | None:
    """The output of ``password_command`` ``argv`` when this process already ran it (the fast path did),
    else None. Kept in memory only."""
    return _PASSWORDS.get(tuple(argv)) if argv else None


def _password(imap: dict[str, Any]) -> str | None:
    import shlex
    import subprocess

    cmd = imap.get("password_command")
    if cmd is not None:
        argv = shlex.split(cmd) if isinstance(cmd, str) else [str(a) for a in cmd] if isinstance(cmd, list) else None
        if not argv:
            return None
        key = tuple(argv)
        if key in _PASSWORDS:
            return _PASSWORDS[key]
        try:
            out = subprocess.run(argv, capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            return None
        if out.returncode != 0:
            return None
        value = out.stdout.decode("utf-8", "replace").splitlines()[0] if out.stdout.strip() else ""
        _PASSWORDS[key] = value
        return value
    pw = imap.get("password")
    return pw if isinstance(pw, str) else None


class Unreachable(Exception):
    """The server could not be reached in time (the full path would wait as long again): ``where`` is
    "host:port"; the CLI reports it as ServerUnreachable (75) with the full path's wording."""

    def __init__(self, where: str) -> None:
        super().__init__(f"IMAP {where}: cannot connect (timed out)")
        self.where = where


def _tls_context(ca_file: object) -> Any:
    """A client TLS context with certificate and host name checks that trusts a *subset* of what
    ``imap.ssl_context`` trusts (so it can't accept a server the full path would refuse; a refusal here
    just means the full path runs): only ``ca_file`` when set, else the system's hashed CA directory, looked
    up lazily (loading the whole system bundle costs ~20 ms). None when neither can be loaded."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED and check_hostname are its defaults
    try:
        if ca_file is not None:
            ctx.load_verify_locations(cafile=str(expand(str(ca_file))))
            return ctx
        capath = ssl.get_default_verify_paths().capath
        if capath and os.path.isdir(capath):
            ctx.load_verify_locations(capath=capath)
            return ctx
        return ssl.create_default_context()
    except (OSError, ssl.SSLError):
        return None


def _imap_open(imap: dict[str, Any], data: dict[str, Any]) -> Any:
    """Connect and log in with imaplib as ``imap.connect`` does (TLS with certificate checks, ca_file,
    timeout; plain only to loopback). None when anything is off; raises Unreachable on a connect timeout."""
    import imaplib

    host = imap.get("host")
    security = imap.get("security", "tls")
    port = imap.get("port") or (993 if security == "tls" else 143)
    timeout = imap.get("timeout", 30)
    ident = data.get("identity") if isinstance(data.get("identity"), dict) else {}
    user = imap.get("username") or ident.get("email")
    if not (isinstance(host, str) and isinstance(port, int) and isinstance(user, str)
            and isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0):
        return None
    if security == "plain" and host not in ("127.0.0.1", "localhost", "::1"):
        return None
    if security not in ("tls", "starttls", "plain"):
        return None
    ctx = _tls_context(imap.get("ca_file"))
    if ctx is None:
        return None
    password = _password(imap)
    if password is None:
        return None
    try:
        if security == "tls":
            m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=float(timeout))
        else:
            m = imaplib.IMAP4(host, port, timeout=float(timeout))
    except TimeoutError:
        raise Unreachable(f"{host}:{port}") from None
    except (OSError, imaplib.IMAP4.error):
        return None
    try:
        if security == "starttls":
            m.starttls(ssl_context=ctx)
        m.login(user, password)
    except (OSError, imaplib.IMAP4.error, UnicodeError):
        _close(m, logout=False)
        return None
    return m


def _close(m: Any, *, logout: bool = True) -> None:
    try:
        if logout:
            m.logout()
        else:
            m.shutdown()
    except Exception:  # noqa: BLE001 - best effort on the way out
        pass


# --- the decision ------------------------------------------------------------------------------------------


def nothing_to_do(explicit_config: str | None) -> bool:
    """True only when a full ``gracebox sync`` would provably do nothing (module docstring); False means
    "run the full path" (also on any doubt or error). Raises ``Unreachable`` when connecting timed out.
    Never writes the database or the state file."""
    path = config_path(explicit_config)
    got = _read_config(path)
    if got is None:
        return False
    digest, data = got
    imap = data.get("imap")
    if not isinstance(imap, dict):
        return False
    if _password_warning(path, data):
        return False  # the full path prints the "readable by others" warning
    storage = data.get("storage") if isinstance(data.get("storage"), dict) else {}
    url = storage.get("database_url")
    db_file = default_database() if not url else sqlite_file(str(url))
    if db_file is None or not db_file.is_file():
        return False
    state = _load_state(db_file)
    if state is None or state.get("config") != digest or state.get("code") != code_signature():
        return False
    requests = imap.get("requests_folder", "INBOX")
    sent_cfg = imap.get("sent_folder")
    if not isinstance(requests, str) or (sent_cfg is not None and not isinstance(sent_cfg, str)):
        return False
    try:
        conn = connect_db(db_file)
    except sqlite3.Error:
        return False
    try:
        folders = {r[0]: (r[1], r[2:]) for r in conn.execute(
            "SELECT name, role, uidvalidity, uidnext, messages, highestmodseq FROM folder")}
        ckey, version = state.get("context_key"), state.get("checker_version")
        if not isinstance(ckey, str) or not isinstance(version, int):
            return False
        if _outbox_busy(conn) or _recheck_pending(conn, ckey, version):
            return False
        digests = db_digests(conn)
        if any(state.get(f"db_{k}") != v for k, v in digests.items()):
            return False
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    req_row = folders.get(requests)
    if req_row is None or req_row[0] != "requests":
        return False
    return _server_unchanged(imap, data, requests, sent_cfg, req_row[1], folders)


def _server_unchanged(imap: dict[str, Any], data: dict[str, Any], requests: str, sent_cfg: str | None,
                      req_state: Sequence[int | None], folders: dict[str, tuple[str, Sequence[int | None]]]) -> bool:
    import imaplib

    if req_state[3] is None:
        return False  # no HIGHESTMODSEQ stored: flag changes can't be ruled out
    m = _imap_open(imap, data)
    if m is None:
        return False
    try:
        sent = sent_cfg or _special_sent(m)
        if sent is None or sent == requests:
            return False  # the full path warns about a Sent folder that is the requests folder
        sent_row = folders.get(sent)
        if sent_row is None or sent_row[0] != "sent":
            return False
        st = _status(m, requests, "UIDVALIDITY UIDNEXT MESSAGES HIGHESTMODSEQ")
        if st is None or not requests_unchanged(
                req_state, (st.get(b"UIDVALIDITY"), st.get(b"UIDNEXT"), st.get(b"MESSAGES"), st.get(b"HIGHESTMODSEQ"))):
            return False
        ss = _status(m, sent, "UIDVALIDITY UIDNEXT MESSAGES")
        return ss is not None and sent_unchanged(
            sent_row[1], (ss.get(b"UIDVALIDITY"), ss.get(b"UIDNEXT"), ss.get(b"MESSAGES")))
    except (OSError, imaplib.IMAP4.error, ValueError):
        return False
    finally:
        _close(m)


def _password_warning(path: Path, data: dict[str, Any]) -> bool:
    """True when the full path would warn that the config holds a password and is readable by others."""
    holds = any(isinstance(data.get(s), dict) and "password" in data[s] for s in ("imap", "smtp"))
    if not holds:
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return True


def summary_line() -> str:
    """What ``gracebox sync`` prints when a pass did nothing (the full path's summary with zeros)."""
    return "synced: 0 new, 0 updated, 0 expunged, 0 re-checked; outbox: 0 sent, 0 failed"


if __name__ == "__main__":  # pragma: no cover - a manual probe: prints the decision for a config
    print(nothing_to_do(sys.argv[1] if len(sys.argv) > 1 else None))
