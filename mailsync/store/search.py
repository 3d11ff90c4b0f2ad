"""Search over stored requests (sender name, sender address, subject, body) and the list indexes.

SQLite: an FTS5 index ``message_fts`` with *external content* (the text stays in ``message``; the index
holds only tokens). Triggers on ``message`` keep it right for every writer (the ORM, a bulk
``executemany``, another process) without calling this module:

- a new row's id goes to the small queue table ``message_fts_pending`` (a few microseconds per row);
  :func:`catch_up` indexes the queue in bulk, one ``INSERT ... SELECT`` per chunk (about 40 us per request).
  FTS5 writes one index segment per trigger call, so indexing inside an insert trigger cost ~4x as much
  and fragmented the index; hence the queue. Until caught up, queued rows are still found: the search
  clause matches them with ILIKE (see :func:`search_clause`).
- an update of an indexed column removes the row's old tokens and queues it again; a delete removes them.

:func:`ensure_index` (called by ``store.make_engine`` on open) creates the table, queue and triggers when
missing or different from this module's definitions, and then queues every stored request (fast: ids
only); it also creates the covering list indexes (:data:`LIST_INDEXES`, every database).

Query semantics (SQLite with FTS5): the user's text is one FTS5 *phrase* whose last word is a prefix, so
type-as-you-go works: ``"hiring man"`` finds "hiring manager". Words match from their start
(case-insensitive, accents ignored: ``jose`` finds "José"); inside a word they do not (``eedle`` does not
find "needle"). Everything the user types is data: it is quoted as one FTS5 string, never parsed as FTS5
syntax (``AND``, ``NEAR(``, ``col:``, ``*``, ``"`` and ``^`` are plain text). Text with symbols the
tokenizer drops (``c++``, ``a/b``, an address) must also occur exactly (ILIKE) in what FTS5 found. Text
without any letter or digit (``@``, ``--``) has no FTS5 token; it, queued rows and every other database
(PostgreSQL) use a case-insensitive substring match (ILIKE, with ``%`` and ``_`` matching literally).
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from sqlalchemy import Integer, and_, column, exists, func, inspect, or_, select, table, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from .models import Message

#: Name of the FTS5 table.
FTS_TABLE = "message_fts"
#: Name of the queue of message ids not yet in the FTS5 index.
PENDING_TABLE = "message_fts_pending"

#: The FTS5 table: external content over ``message``; unicode61 folds case and (2) strips diacritics;
#: 2- and 3-character prefix indexes keep short type-as-you-go prefixes fast.
FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "subject, from_name, from_address, body_text, "
    "content='message', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
)
PENDING_DDL = f"CREATE TABLE {PENDING_TABLE} (id INTEGER PRIMARY KEY)"

_COLS = "subject, from_name, from_address, body_text"
_OLD = "old.subject, old.from_name, old.from_address, old.body_text"
_NOT_QUEUED = f"WHERE NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE id = old.id)"

#: Triggers keeping the index equal to ``message`` (an external-content table must be told a row's old
#: values to remove its tokens). The update trigger fires only when an indexed column is written, so status
#: and flag changes cost nothing here.
TRIGGERS: dict[str, str] = {
    "message_fts_ai": (
        f"CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN "
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(id) VALUES (new.id); END"
    ),
    "message_fts_ad": (
        f"CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) SELECT 'delete', old.id, {_OLD} {_NOT_QUEUED}; "
        f"DELETE FROM {PENDING_TABLE} WHERE id = old.id; END"
    ),
    "message_fts_au": (
        f"CREATE TRIGGER message_fts_au AFTER UPDATE OF {_COLS} ON message BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) SELECT 'delete', old.id, {_OLD} {_NOT_QUEUED}; "
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(id) VALUES (new.id); END"
    ),
}

#: Covering indexes for the inbox list (``listing.list_requests`` / ``count_requests``): every filter's
#: count and any page (``OFFSET`` up to the end) is answered from one index without reading the rows;
#: ``id`` follows ``date`` so "newest first, then id" is the index order.
LIST_INDEXES: dict[str, str] = {
    "ix_message_list_date": "message (date, id, status, flag_codes, uid, folder_id)",
    "ix_message_list_status": "message (status, date, id, flag_codes, uid, folder_id)",
    "ix_message_list_flags": "message (flag_codes, date, id, status, uid, folder_id)",
    "ix_message_hidden": "message (id) WHERE uid IS NULL AND folder_id IS NOT NULL",
}
#: Rows the inbox hides: kept without a UID in a synced folder (expunged, or waiting after a UIDVALIDITY
#: change). The partial index ``ix_message_hidden`` answers "are there any?" at once.
HIDDEN_WHERE = "WHERE uid IS NULL AND folder_id IS NOT NULL"

#: Requests indexed per transaction by :func:`catch_up`.
CATCH_UP_CHUNK = 5000

_available: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_WORD = re.compile(r"[^\W_]")
_SYMBOL = re.compile(r"[^\w\s]|_")
_SCHEMA_Q = f"SELECT name, sql FROM sqlite_master WHERE name IN ({', '.join('?' * (2 + len(TRIGGERS)))})"
_SCHEMA_ARGS = (FTS_TABLE, PENDING_TABLE, *TRIGGERS)
_pending = table(PENDING_TABLE, column("id", Integer))


def _norm(sql: str | None) -> str:
    return " ".join((sql or "").split())


def _is_current(schema: dict[str, str]) -> bool:
    """True when the stored FTS table, queue and triggers (name -> CREATE sql) are exactly ours."""
    want = {FTS_TABLE: FTS_DDL, PENDING_TABLE: PENDING_DDL, **TRIGGERS}
    return all(_norm(schema.get(name)) == _norm(sql) for name, sql in want.items())


def _index_is_current(conn: Connection) -> bool:
    return _is_current(dict(conn.exec_driver_sql(_SCHEMA_Q, _SCHEMA_ARGS).all()))  # type: ignore[arg-type]


def _immediate(engine: Engine, work: Any) -> Any:
    """Run ``work(cursor)`` on a raw DB-API connection inside ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled
    back on error), so two processes doing the same maintenance serialise on SQLite's write lock."""
    raw = engine.raw_connection()
    try:
        dbapi: Any = raw.driver_connection
        old_isolation = dbapi.isolation_level
        dbapi.isolation_level = None  # the transaction is managed here
        cur = dbapi.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                result = work(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            return result
        finally:
            cur.close()
            dbapi.isolation_level = old_isolation
    finally:
        raw.close()


def ensure_index(engine: Engine) -> bool:
    """Create the list indexes (every database) and, on SQLite, the FTS5 table, its queue and triggers.

    When the FTS5 objects are missing or differ from FTS_DDL/PENDING_DDL/TRIGGERS they are (re)created
    empty and every stored request is queued (ids only, ~0.1 s per 100,000), so opening stays fast; the
    queue is indexed by :func:`catch_up`. Returns True when FTS5 search is available on ``engine``; False
    for other databases and SQLite builds without FTS5 (search then uses ILIKE). Database errors other
    than a missing FTS5 module propagate (SQLAlchemy / sqlite3 ``OperationalError``).
    """
    have = {ix["name"] for ix in inspect(engine).get_indexes("message")}
    missing = [name for name in LIST_INDEXES if name not in have]
    if missing:
        with engine.begin() as conn:
            for name in missing:
                conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {LIST_INDEXES[name]}")
    if engine.dialect.name != "sqlite":
        _set(engine, False)
        return False
    with engine.connect() as conn:
        if _index_is_current(conn):
            _set(engine, True)
            return True

    def create(cur: Any) -> None:
        schema = dict(cur.execute(_SCHEMA_Q, _SCHEMA_ARGS).fetchall())
        if _is_current(schema):  # another process did it meanwhile
            return
        for name in TRIGGERS:
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        cur.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        cur.execute(f"DROP TABLE IF EXISTS {PENDING_TABLE}")
        cur.execute(FTS_DDL)
        cur.execute(PENDING_DDL)
        for sql in TRIGGERS.values():
            cur.execute(sql)
        cur.execute(f"INSERT INTO {PENDING_TABLE}(id) SELECT id FROM message")

    try:
        _immediate(engine, create)
    except Exception as exc:
        if "no such module" in str(exc).lower():  # SQLite built without FTS5
            _set(engine, False)
            return False
        raise
    _set(engine, True)
    return True


def _set(engine: Engine, ok: bool) -> None:
    with _lock:
        _available[engine] = ok


def fts_available(engine: Engine) -> bool:
    """True when ``engine`` is SQLite and carries the current FTS5 index (checked once per engine)."""
    with _lock:
        known = _available.get(engine)
    if known is not None:
        return known
    ok = False
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            ok = _index_is_current(conn)
    _set(engine, ok)
    return ok


def pending_count(engine: Engine) -> int:
    """How many requests wait to be indexed (0 when FTS5 is not in use)."""
    if not fts_available(engine):
        return 0
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {PENDING_TABLE}").scalar_one())


def catch_up(engine: Engine, chunk: int = CATCH_UP_CHUNK) -> int:
    """Index the queued requests, ``chunk`` per ``BEGIN IMMEDIATE`` transaction (about 40 us each; the
    SQLite work runs without the GIL). Returns how many were indexed (0 without FTS5). Call it after
    writing many requests (the end of a sync) or from a background worker; searches are right without it,
    only slower while the queue is long. Raises ``OperationalError`` when the database stays locked
    longer than its busy timeout."""
    if not fts_available(engine):
        return 0
    first = f"SELECT id FROM {PENDING_TABLE} ORDER BY id LIMIT {int(chunk)}"

    def one(cur: Any) -> int:
        cur.execute(f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) SELECT id, {_COLS} FROM message WHERE id IN ({first})")
        cur.execute(f"DELETE FROM {PENDING_TABLE} WHERE id IN ({first})")
        return int(cur.rowcount)

    total = 0
    while True:
        n = _immediate(engine, one)
        total += n
        if n < chunk:
            return total


def fts_query(user_text: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed: one quoted phrase, last word as a prefix.

    ``'refer me to th'`` -> ``'"refer me to th"*'``; double quotes are doubled and NUL characters dropped,
    so no input can be read as FTS5 syntax or end the string early. Returns None when the text has no
    letter or digit (FTS5 would find no token in it); callers then use :func:`ilike_clause`.
    """
    cleaned = user_text.replace("\x00", " ").strip()
    if not _WORD.search(cleaned):
        return None
    return '"' + cleaned.replace('"', '""') + '"*'


def ilike_clause(user_text: str, target: Any = None) -> ColumnElement[bool]:
    """Case-insensitive substring match of ``user_text`` on sender name, address, subject and body
    (ILIKE; ``%``, ``_`` and ``/`` in the text match literally). ``target``: the Message table or an
    alias of it (default Message). Works on every database."""
    c = target.c if target is not None else None

    def field(name: str) -> Any:
        return c[name] if c is not None else col(getattr(Message, name))

    return or_(*(field(name).icontains(user_text, autoescape=True)
                 for name in ("subject", "from_name", "from_address", "body_text")))


def _queued_matches(user_text: str) -> Any:
    """SELECT of the queued (not yet indexed) message ids whose text contains ``user_text`` (ILIKE). The
    queue drives the query (usually empty; never a scan of ``message``): each id is looked up by key."""
    queued = Message.__table__.alias("queued")  # type: ignore[attr-defined]
    return select(_pending.c.id).where(
        exists().where(queued.c.id == _pending.c.id, ilike_clause(user_text.strip(), queued)))


def fts_clause(match: str, user_text: str) -> ColumnElement[bool]:
    """``message.id + 0 IN (<FTS5 matches> UNION <queued rows matching by ILIKE>)`` for the
    :func:`fts_query` expression ``match`` of ``user_text`` (both bound parameters).

    Queued rows are matched with the ILIKE of ``user_text``, so a search is complete before
    :func:`catch_up` has run. ``+ 0`` keeps SQLite from driving the query by the match list (one row
    lookup per match: ~120 ms for 90,000 matches); the list indexes drive it instead, so a count or a page
    costs at most one walk of a covering index (~10-25 ms per 100,000 requests) whatever the text."""
    fts = text(f"SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_match").bindparams(
        fts_match=match).columns(column("id", Integer))
    clause = (col(Message.id) + 0).in_(fts.subquery().select().union(_queued_matches(user_text)))
    if has_symbols(user_text):  # "c++", "a/b", "40%": the tokenizer drops these; keep them exact
        return and_(clause, ilike_clause(user_text))
    return clause


def has_symbols(user_text: str) -> bool:
    """True when the text holds characters the FTS5 tokenizer drops (not letters, digits or spaces), e.g.
    ``c++``, ``sam@example.org``, ``needle-free``: such a search also requires the exact text (ILIKE) in
    what FTS5 found, so ``c++`` does not find every word starting with "c"."""
    return _SYMBOL.search(user_text.strip()) is not None


def count_all(conn: Connection, user_text: str) -> int | None:
    """Fast count of the visible requests matching ``user_text`` with no other filter (inbox "all"), or
    None when this shortcut does not apply (no FTS5, no word in the text, or some rows are hidden: kept
    without a UID in a synced folder). Counts FTS5 matches inside the index (a few ms for 90,000 matches)
    plus queued rows matching by ILIKE. Runs on ``conn`` (the caller's transaction)."""
    if not fts_available(conn.engine):
        return None
    q = fts_query(user_text)
    if q is None or has_symbols(user_text):
        return None
    if conn.exec_driver_sql(f"SELECT 1 FROM message {HIDDEN_WHERE} LIMIT 1").first() is not None:
        return None
    n = conn.exec_driver_sql(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (q,)).scalar_one()
    queued = conn.execute(select(func.count()).select_from(_queued_matches(user_text).subquery())).scalar_one()
    return int(n) + int(queued)


def search_clause(bind: Engine | Connection, user_text: str, *, fts: bool | None = None) -> ColumnElement[bool]:
    """The WHERE clause for a search of ``user_text`` (sender, subject, body) on ``bind``'s database.

    ``fts`` None picks FTS5 when the index is available (see :func:`fts_available`) and the text has a
    word, else ILIKE; True/False force a path (tests compare the two). Raises ValueError when ``fts`` is
    True and the text has no word.
    """
    engine = bind if isinstance(bind, Engine) else bind.engine
    use = fts_available(engine) if fts is None else fts
    if use:
        q = fts_query(user_text)
        if q is not None:
            return fts_clause(q, user_text)
        if fts:
            raise ValueError(f"no word to search for in {user_text!r}")
    return ilike_clause(user_text)
