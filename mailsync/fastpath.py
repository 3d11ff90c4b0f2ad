"""The quick path of ``gracebox sync``: learn "nothing changed" (or "only a little new mail") before loading
SQLModel, pydantic or imapclient (DESIGN "Details settled": STATUS before the heavy imports).

Cron runs ``gracebox sync`` every few minutes and most runs find nothing new, or a few new requests. A full
run costs ~0.5 s of imports before it talks to the server; this module answers with the standard library
(``tomllib``, ``sqlite3``, ``imaplib``, ``ssl``) plus the parser and the checker, and the full path runs
whenever the answer is not sure. It is never the authority on errors: any doubt (a config that was not
validated as it is now, a database other than SQLite, a server error, a missing folder) means "run the full
path", which reports the problem with its exit code.

Nothing to do (``quick_sync`` returns 0) means all of these hold, each mirroring what the full path would do:

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

When all of that holds except that the requests folder has new mail, and the new mail is all that changed
(``_store_new`` lists the checks: nothing expunged, no flag changed, at most QUICK_MAX_NEW messages, no
warning), the new requests are parsed and checked with the check context the last full run recorded, and
stored under the sync's file lock with the rows the full path would write (``rows.new_rows``;
tests/test_fastpath.py compares the two databases).

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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
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


def remember(db_file: Path, digest: str, *, context_key: str, checker_version: int, digests: dict[str, str],
             context: dict[str, Any] | None = None) -> None:
    """Record that a full run validated the config with ``digest`` and left the database consistent with
    ``context_key``/``checker_version`` and ``digests`` (``db_digests``); ``context`` is the check context
    (``rows.context_to_json``) the quick path checks new mail with. Written atomically, mode 0600; never
    raises (no state file just means no fast path)."""
    data = {"v": STATE_VERSION, "config": digest, "code": code_signature(), "context_key": context_key,
            "checker_version": checker_version, "context": context,
            **{f"db_{k}": v for k, v in digests.items()}}
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
_UID_IN = re.compile(rb"\bUID (\d+)", re.I)
#: "<seq> (<attributes>": the start of one FETCH answer as imaplib hands it over.
_FETCH_HEAD = re.compile(rb"^\d+ \((.*)$", re.S)
_FETCH_ITEM = re.compile(
    rb'\s*(?:(UID|RFC822\.SIZE|MODSEQ) (\(\d+\)|\d+)|(FLAGS) \(([^()]*)\)|(INTERNALDATE) "([^"]*)")', re.I)
_DOTTED_TIME = re.compile(r"\w+, ?\d{1,2} \w+ \d\d(\d\d)? \d\d?\.\d\d?\.\d\d?.*")


def seqset(uids: Iterable[int]) -> str:
    """Sorted UIDs as an IMAP sequence set with ranges (RFC 3501 §9), e.g. [1, 2, 3, 7] -> "1:3,7"."""
    xs = sorted(set(int(u) for u in uids))
    parts: list[str] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] == xs[j] + 1:
            j += 1
        parts.append(str(xs[i]) if i == j else f"{xs[i]}:{xs[j]}")
        i = j + 1
    return ",".join(parts)


def internaldate(value: bytes) -> datetime | None:
    """An INTERNALDATE (RFC 3501 §9 date-time) as aware UTC, read as imapclient reads it (``parsedate_tz``,
    dotted times accepted, no zone = UTC); None when it can't be read."""
    from email.utils import parsedate_tz

    text = value.decode("latin-1")
    if _DOTTED_TIME.match(text):
        text = text.replace(".", ":")
    tt = parsedate_tz(text)
    if tt is None:
        return None
    try:
        if tt[9] is None:
            return datetime(*tt[:6], tzinfo=UTC)
        return datetime(*tt[:6], tzinfo=timezone(timedelta(seconds=tt[9]))).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _fetch_attrs(text: bytes) -> dict[str, Any] | None:
    """UID, FLAGS, INTERNALDATE and RFC822.SIZE from the non-literal part of a FETCH answer; None when
    something else is in it."""
    out: dict[str, Any] = {}
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _FETCH_ITEM.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        if m.group(1):
            name = m.group(1).upper()
            if name == b"UID":
                out["uid"] = int(m.group(2))
            elif name == b"RFC822.SIZE":
                out["size"] = int(m.group(2))
        elif m.group(3):
            out["flags"] = tuple(f.decode("utf-8", "replace") for f in m.group(4).split())
        else:
            out["internaldate"] = internaldate(m.group(6))
    return out


def parse_fetch_bodies(data: Sequence[Any]) -> dict[int, dict[str, Any]] | None:
    """imaplib's answer to ``UID FETCH (BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE)`` as {uid: {"body": bytes,
    "flags": (str, ...), "internaldate": aware UTC | None, "size": int}}; an answer without a body literal has
    no "body". None when an answer has another shape (the caller then uses a general parser)."""
    got: dict[int, dict[str, Any]] = {}
    i = 0
    while i < len(data):
        item = data[i]
        i += 1
        if item is None:
            continue
        if isinstance(item, bytes):  # an answer without a literal: no body (or an unsolicited FLAGS)
            m = _FETCH_HEAD.match(item)
            if m is None:
                if item.strip() == b")":
                    continue
                return None
            attrs = _fetch_attrs(m.group(1).rstrip(b")"))
            if attrs is None or "uid" not in attrs:
                return None
            got.setdefault(attrs.pop("uid"), {}).update(attrs)
            continue
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], bytes)):
            return None
        head, literal = item
        m = _FETCH_HEAD.match(head)
        upper = head.upper()
        if m is None or not upper.endswith(b"}") or b"BODY[] {" not in upper:
            return None
        tail = b""
        if i < len(data) and isinstance(data[i], bytes) and not _FETCH_HEAD.match(data[i]):
            tail = data[i]
            i += 1
        attrs_text = m.group(1)
        text = attrs_text[: attrs_text.upper().rfind(b"BODY[] {")] + b" " + tail.rstrip().rstrip(b")")
        attrs = _fetch_attrs(text)
        if attrs is None or "uid" not in attrs:
            return None
        attrs["body"] = bytes(literal)
        got.setdefault(attrs.pop("uid"), {}).update(attrs)
    return got
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
        super().__init__(f"IMAP {where}: cannot connect (timed out); check [imap] host and port, or try later")
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
    ident_table = data.get("identity")
    ident: dict[str, Any] = ident_table if isinstance(ident_table, dict) else {}
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
            m: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=float(timeout))
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

#: At most this many new requests go through the quick path's writer; more take the full path (its parse
#: pool pays off there).
QUICK_MAX_NEW = 300


@dataclass
class _Local:
    """What the local checks found: the config (digest, parsed), the database file, the state file, the
    folder rows (name -> (id, role, (uidvalidity, uidnext, messages, highestmodseq), highest_uid))."""

    digest: str
    data: dict[str, Any]
    imap: dict[str, Any]
    db_file: Path
    state: dict[str, Any]
    requests: str
    sent_cfg: str | None
    folders: dict[str, tuple[int, str, tuple[int | None, ...], int]]


def _local_checks(explicit_config: str | None) -> _Local | None:
    """Everything the decision needs that is on this machine (config digest, code, database), or None."""
    path = config_path(explicit_config)
    got = _read_config(path)
    if got is None:
        return None
    digest, data = got
    imap = data.get("imap")
    if not isinstance(imap, dict):
        return None
    if _password_warning(path, data):
        return None  # the full path prints the "readable by others" warning
    storage_table = data.get("storage")
    storage: dict[str, Any] = storage_table if isinstance(storage_table, dict) else {}
    url = storage.get("database_url")
    db_file = default_database() if not url else sqlite_file(str(url))
    if db_file is None or not db_file.is_file():
        return None
    state = _load_state(db_file)
    if state is None or state.get("config") != digest or state.get("code") != code_signature():
        return None
    requests = imap.get("requests_folder", "INBOX")
    sent_cfg = imap.get("sent_folder")
    if not isinstance(requests, str) or (sent_cfg is not None and not isinstance(sent_cfg, str)):
        return None
    ckey, version = state.get("context_key"), state.get("checker_version")
    if not isinstance(ckey, str) or not isinstance(version, int):
        return None
    try:
        conn = connect_db(db_file)
    except sqlite3.Error:
        return None
    try:
        folders = {r[1]: (int(r[0]), r[2], tuple(r[3:7]), int(r[7] or 0)) for r in conn.execute(
            "SELECT id, name, role, uidvalidity, uidnext, messages, highestmodseq, highest_uid FROM folder")}
        if _outbox_busy(conn) or _recheck_pending(conn, ckey, version):
            return None
        digests = db_digests(conn)
        if any(state.get(f"db_{k}") != v for k, v in digests.items()):
            return None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    req_row = folders.get(requests)
    if req_row is None or req_row[1] != "requests" or req_row[2][3] is None:
        return None  # no HIGHESTMODSEQ stored: flag changes can't be ruled out
    return _Local(digest, data, imap, db_file, state, requests, sent_cfg, folders)


def nothing_to_do(explicit_config: str | None) -> bool:
    """True only when a full ``gracebox sync`` would provably do nothing (module docstring); False means
    "run the full path" (also on any doubt or error). Raises ``Unreachable`` when connecting timed out.
    Never writes the database or the state file."""
    return quick_sync(explicit_config, write=False) == 0


def quick_sync(explicit_config: str | None, *, write: bool = True, now: datetime | None = None) -> int | None:
    """The quick path of ``gracebox sync``: 0 when nothing changed (module docstring); with ``write``, the
    number of new requests stored when the only change is new mail in the requests folder (at most
    QUICK_MAX_NEW; see ``_store_new``); None when the full path must run (also on any doubt or error).
    ``now``: aware UTC (default the clock). Raises ``Unreachable`` when connecting timed out."""
    import imaplib

    local = _local_checks(explicit_config)
    if local is None:
        return None
    m = _imap_open(local.imap, local.data)
    if m is None:
        return None
    try:
        sent = local.sent_cfg or _special_sent(m)
        if sent is None or sent == local.requests:
            return None  # the full path warns about a Sent folder that is the requests folder
        sent_row = local.folders.get(sent)
        if sent_row is None or sent_row[1] != "sent":
            return None
        ss = _status(m, sent, "UIDVALIDITY UIDNEXT MESSAGES")
        if ss is None or not sent_unchanged(sent_row[2], (ss.get(b"UIDVALIDITY"), ss.get(b"UIDNEXT"),
                                                          ss.get(b"MESSAGES"))):
            return None
        stored = local.folders[local.requests][2]
        st = _status(m, local.requests, "UIDVALIDITY UIDNEXT MESSAGES HIGHESTMODSEQ")
        if st is None:
            return None
        current = (st.get(b"UIDVALIDITY"), st.get(b"UIDNEXT"), st.get(b"MESSAGES"), st.get(b"HIGHESTMODSEQ"))
        if requests_unchanged(stored, current):
            return 0
        if not write or current[0] != stored[0] or current[1] is None or stored[1] is None \
                or current[1] <= stored[1]:
            return None  # no new mail (so flags or expunges changed), or a new UIDVALIDITY: the full path
        return _store_new(m, local, now or datetime.now(UTC))
    except (OSError, imaplib.IMAP4.error, ValueError, UnicodeError):
        return None
    finally:
        _close(m)


def _store_new(m: Any, local: _Local, now: datetime) -> int | None:
    """New mail only: fetch, parse, check and store it as the full path would, or None (full path).

    Holds only when, after an EXAMINE with CONDSTORE (RFC 7162 §3.1.8): UIDVALIDITY is the stored one;
    UID SEARCH ALL gives every stored UID (nothing expunged) plus at most QUICK_MAX_NEW new UIDs above the
    stored highest; no stored message changed flags (UID FETCH FLAGS CHANGEDSINCE the stored HIGHESTMODSEQ
    answers none of them); every new message came with its body; parse and check gave no warning; and the
    stored check context still has the recorded key. Then, under the sync's file lock and in one SQLite
    transaction that first re-reads the folder row, the rows are inserted (``rows.new_rows``, encoded by
    ``rows.sqlite_row``) with the folder's new state from the EXAMINE.
    """
    from . import rows

    folder_id, _role, stored, highest = local.folders[local.requests]
    qname = _quote(local.requests)
    if not _enable_condstore(m):
        return None
    typ, _ = m.select(qname, readonly=True)
    if typ != "OK":
        return None
    sel_validity = _resp_int(m, "UIDVALIDITY")
    sel_uidnext = _resp_int(m, "UIDNEXT")
    sel_modseq = _resp_int(m, "HIGHESTMODSEQ")
    exists = _resp_int(m, "EXISTS")
    if None in (sel_validity, sel_uidnext, sel_modseq, exists) or sel_validity != stored[0]:
        return None
    assert sel_uidnext is not None and sel_modseq is not None
    if sel_uidnext <= highest:
        return None  # UIDs went back (a renumbering server): the full path re-attaches by identity
    typ, data = m.uid("SEARCH", "ALL")
    if typ != "OK":
        return None
    server = {int(x) for part in data if isinstance(part, bytes) for x in part.split()}
    try:
        conn = connect_db(local.db_file)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT 1 FROM message WHERE folder_id = ? AND uid IS NULL LIMIT 1",
                        (folder_id,)).fetchone() is not None:
            return None  # rows waiting to be re-attached: the full path's business
        db_uids = {int(u) for (u,) in conn.execute(
            "SELECT uid FROM message WHERE folder_id = ? AND uid IS NOT NULL", (folder_id,))}
        new = sorted(server - db_uids)
        if db_uids - server or not new or len(new) > QUICK_MAX_NEW or new[0] <= highest:
            return None
        if db_uids:
            typ, data = m.uid("FETCH", f"1:{highest}", "(FLAGS)", f"(CHANGEDSINCE {stored[3]})")
            if typ != "OK":
                return None
            changed = {int(u) for part in data if isinstance(part, bytes) for u in _UID_IN.findall(part)}
            if changed & db_uids:
                return None  # flags changed too: the full path compares and updates them
        typ, data = m.uid("FETCH", seqset(new), "(BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE)")
        if typ != "OK":
            return None
        fetched = parse_fetch_bodies(data)
        if fetched is None or sorted(u for u, d in fetched.items() if d.get("body")) != new:
            return None  # a message without its body: the full path asks again
        if any(k in m.untagged_responses for k in ("EXPUNGE", "VANISHED")):
            return None
        ctx = _context(conn, local.state, now)
        if ctx is None:
            return None
        items = []
        for uid in new:
            got = fetched[uid]
            p = rows.prepare(local.requests, uid, got["body"], ctx)
            if p.warnings or not p.checked or not p.parsed_ok:
                return None  # the full path reports them (and keeps its state file honest)
            items.append(rows.NewMessage({
                **p.fields, "raw": got["body"], "folder_id": folder_id, "uid": uid, "uidvalidity": sel_validity,
                "imap_flags": list(rows.norm_flags(got.get("flags", ()))), "internaldate": got.get("internaldate"),
                "size": got.get("size") or len(got["body"])}, p.hits, True))
        with _sync_lock(local.db_file) as locked:
            if not locked:
                return None  # another sync runs: the full path says so
            assert exists is not None
            return _write_new(conn, local, items, (sel_uidnext, exists, sel_modseq), max(new), now)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _write_new(conn: sqlite3.Connection, local: _Local, items: list[Any], sel: tuple[int, int, int],
               top_uid: int, now: datetime) -> int | None:
    """Insert ``items`` (rows.NewMessage) and the folder's new state in one transaction; None (nothing
    written) when the folder row changed since it was read."""
    from . import rows

    folder_id, _role, stored, highest = local.folders[local.requests]
    ckey = str(local.state["context_key"])
    conn.isolation_level = None  # explicit transactions
    conn.execute(f"PRAGMA busy_timeout = {int(DB_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT uidvalidity, uidnext, messages, highestmodseq, highest_uid, role FROM folder "
                           "WHERE id = ?", (folder_id,)).fetchone()
        if row is None or tuple(row[:4]) != tuple(stored) or int(row[4] or 0) != highest or row[5] != "requests":
            conn.execute("ROLLBACK")
            return None
        idents = sorted({str(it.fields["identity"]) for it in items})
        marks = ",".join("?" for _ in idents)
        corr: dict[str, dict[str, str]] = {}
        for ident, code, action in conn.execute(
                f"SELECT identity, code, action FROM correction WHERE identity IN ({marks})", idents):
            corr.setdefault(ident, {})[code] = action
        states: dict[str, set[str]] = {}
        for ident, state in conn.execute(
                f"SELECT request_identity, state FROM reply WHERE request_identity IN ({marks})", idents):
            states.setdefault(ident, set()).add(state)
        new, kept_hits = rows.new_rows(items, corr, states, ckey, now)
        hit_rows: list[dict[str, Any]] = []
        for r, hits in zip(new, kept_hits, strict=True):
            enc = rows.sqlite_row(r)
            cols = ", ".join(f'"{k}"' for k in enc)
            pk = conn.execute(f"INSERT INTO message ({cols}) VALUES ({', '.join('?' for _ in enc)})",
                              list(enc.values())).lastrowid
            assert pk is not None
            hit_rows.extend(rows.sqlite_row(rows.hit_row(pk, h)) for h in hits)
        if hit_rows:
            keys = list(hit_rows[0])
            conn.executemany(f"INSERT INTO flag_hit ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})",
                             [[h[k] for k in keys] for h in hit_rows])
        uidnext, exists, modseq = sel
        conn.execute("UPDATE folder SET highest_uid = ?, uidnext = ?, messages = ?, highestmodseq = ?, "
                     "last_sync = ? WHERE id = ?",
                     (max(highest, top_uid), uidnext, exists, modseq, rows.sqlite_datetime(now), folder_id))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(items)


def _context(conn: sqlite3.Connection, state: dict[str, Any], now: datetime) -> Any:
    """The check context recorded by the last full run, with today's date and the accept counts of the
    rolling 30/7-day windows (RF5/RF6) as ``inbox.build_context`` computes them; None when the recorded
    one is missing or no longer has the recorded key."""
    from . import rows

    data = state.get("context")
    if not isinstance(data, dict):
        return None

    def since(days: int) -> int:
        row = conn.execute("SELECT count(*) FROM decision WHERE kind = 'accept' AND decided_at >= ?",
                           (rows.sqlite_datetime(now - timedelta(days=days)),)).fetchone()
        return int(row[0])

    try:
        ctx = rows.context_from_json(data, today=now.date(), accepted_30d=since(30), accepted_7d=since(7))
    except (KeyError, TypeError, ValueError):
        return None
    return ctx if rows.context_key(ctx) == state.get("context_key") else None


def _enable_condstore(m: Any) -> bool:
    """ENABLE CONDSTORE (RFC 7162 §3.1: before SELECT, so its answer carries HIGHESTMODSEQ)."""
    try:
        typ, _ = m._simple_command("ENABLE", "CONDSTORE")
    except Exception:  # noqa: BLE001 - any trouble: the full path decides
        return False
    return bool(typ == "OK")


def _resp_int(m: Any, name: str) -> int | None:
    """The last number imaplib kept from an untagged answer or response code ``name`` (EXISTS, UIDNEXT, ...)."""
    vals = m.untagged_responses.get(name) or []
    try:
        return int(vals[-1]) if vals else None
    except (TypeError, ValueError):
        return None


@contextlib.contextmanager
def _sync_lock(db_file: Path) -> Iterator[bool]:
    """The sync's file lock (``store.lock_path``: the database path + ".lock", the file ``filelock`` locks with
    flock), taken without waiting: yields False when another sync holds it."""
    try:
        import fcntl
    except ImportError:  # no flock here: let the full path lock with filelock
        yield False
        return
    path = db_file.with_name(db_file.name + ".lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _password_warning(path: Path, data: dict[str, Any]) -> bool:
    """True when the full path would warn that the config holds a password and is readable by others."""
    holds = any(isinstance(data.get(s), dict) and "password" in data[s] for s in ("imap", "smtp"))
    if not holds:
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return True


def summary_line(new: int = 0) -> str:
    """What ``gracebox sync`` prints after a pass that stored ``new`` requests and did nothing else (the full
    path's summary line)."""
    return f"synced: {new} new, 0 updated, 0 expunged, 0 re-checked; outbox: 0 sent, 0 failed"


if __name__ == "__main__":  # pragma: no cover - a manual probe: prints the decision for a config
    print(nothing_to_do(sys.argv[1] if len(sys.argv) > 1 else None))
