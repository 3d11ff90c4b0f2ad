"""Search over stored requests: the SQLite FTS5 index (mailsync.search) against the ILIKE path, on real
SQLite files through Store and inbox.count_requests / list_requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update
from sqlmodel import select

from mailsync.store import listing as inbox
from mailsync.store import search
from mailsync.store.engine import Store
from mailsync.store.models import Folder, Message

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

#: (from_name, from_address, subject, body) of the small test mailbox, newest first.
MAIL = [
    ("Sam Lee", "sam@northwind.example", "Quick question about hiring",
     "Hi Alex, could you refer me to the hiring manager for the staff role? Thanks."),
    ("José Álvarez", "jose.alvarez@cedar.example", "Kubernetes operators",
     "I am stuck on kubernetes operators and custom resources; any pointers?"),
    ("Priya Iyer", "priya@bluepeak.example", "Coffee next month?",
     "Would you like to grab coffee next month? The needle-free tea is good too."),
    ("Dana Cho", "dana@quillsoft.example", "Partnership opportunity",
     "Our platform cuts costs by 40% -- book a demo (AND get a free trial) today: \"limited\" offer."),
    (None, "noreply@relay.example", "A_B testing for C++ teams",
     "Notes on A/B testing, 100% of the C++ crowd, and the col:value syntax."),
    ("Robin Park", "robin@example.org", "Thanks for the intro",
     "Thank you for the introduction last week; the coffee chat went well."),
]


def _store(tmp_path: Path, name: str = "s.db") -> Store:
    return Store(f"sqlite:///{tmp_path / name}")


def _rows(n_from: int = 0) -> list[dict[str, object]]:
    out = []
    for i, (name, addr, subject, body) in enumerate(MAIL):
        k = i + n_from
        out.append({
            "identity": f"<m{k}@tests.example>", "message_id": f"<m{k}@tests.example>", "sha256": f"{k:064x}",
            "raw": b"x", "size": 1, "subject": subject, "from_name": name, "from_address": addr,
            "body_text": body, "date": NOW - timedelta(hours=k), "status": "new", "flag_codes": "",
            "suggested": "accept", "reply_to": [], "to_addrs": [], "cc_addrs": [], "references": [],
            "imap_flags": [], "parse_warnings": [], "auto_submitted": False, "archived": False,
            "accepted": False, "checker_version": 1, "context_key": "", "created_at": NOW,
        })
    return out


def _fill(store: Store) -> list[int]:
    """Insert MAIL with one Core executemany (the bulk path) and return the ids, newest first."""
    with store.engine.begin() as conn:
        conn.execute(insert(Message), _rows())
    with store.session() as s:
        return [r.id for r in inbox.list_requests(s, "all", limit=100)]


def _ids(store: Store, text: str, *, fts: bool) -> set[int]:
    with store.session() as s:
        q = select(Message.id).where(search.search_clause(s.get_bind(), text, fts=fts))
        return set(s.exec(q).all())


def _found(store: Store, text: str, filter: str = "all") -> list[int]:
    with store.session() as s:
        rows = inbox.list_requests(s, filter, text, limit=100)
        assert inbox.count_requests(s, filter, text) == len(rows)
        return [r.id for r in rows]


@pytest.fixture
def filled(tmp_path: Path):
    store = _store(tmp_path)
    ids = _fill(store)
    assert search.pending_count(store.engine) == len(MAIL)  # queued by the insert trigger
    assert search.catch_up(store.engine) == len(MAIL)
    assert search.pending_count(store.engine) == 0
    yield store, ids
    store.close()


def test_index_is_created_and_fts_is_used(filled) -> None:
    store, _ids_ = filled
    assert search.fts_available(store.engine)
    with store.engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master").all()}
    assert {search.FTS_TABLE, search.PENDING_TABLE, *search.TRIGGERS, *search.LIST_INDEXES} <= names


@pytest.mark.parametrize(("text", "which"), [
    ("sam lee", [0]),                      # sender name
    ("bluepeak", [2]),                      # sender address (domain part)
    ("priya@bluepeak.example", [2]),        # a whole address
    ("kubernetes oper", [1]),               # subject and body, prefix of the last word
    ("hiring man", [0]),                    # type-as-you-go: "hiring manager"
    ("coffee", [2, 5]),                     # subject of one, body of another
    ("COFFEE", [2, 5]),                     # case-insensitive
    ("jose", [1]),                          # accents ignored: José
    ("álvarez", [1]),
    ("intro", [5]),                         # prefix of "intro" / "introduction"
    ("zzzq", []),
])
def test_fts_finds_sender_subject_body_by_word_prefix(filled, text: str, which: list[int]) -> None:
    store, ids = filled
    assert _found(store, text) == [ids[i] for i in which]


@pytest.mark.parametrize("text", [
    "hiring", "hiring man", "coffee", "coffee next", "kubernetes", "sam", "sam@northwind", "thank",
    "book a demo", "free trial", "the", "robin@example.org", "needle-free", "c++", "A/B",
])
def test_fts_results_equal_the_ilike_path(filled, text: str) -> None:
    """For text made of whole words (the last one may be cut), both paths find the same requests."""
    store, _ = filled
    got = _ids(store, text, fts=True)
    assert got == _ids(store, text, fts=False)
    assert got  # every query above finds something


def test_fts_matches_words_from_their_start_only(filled) -> None:
    """The documented difference: ILIKE finds text inside a word, FTS5 only from a word's start."""
    store, ids = filled
    assert _ids(store, "eedle", fts=False) == {ids[2]}
    assert _ids(store, "eedle", fts=True) == set()


@pytest.mark.parametrize("text", [
    '"', '""', '"limited', 'limited"', "AND", "OR NOT", "NEAR(coffee next)", "subject:coffee", "col:value",
    "*", "coffee*", "^coffee", "(", ")", "'", "-- drop table message;", "a\x00b", "\x00", "+", "100%",
    "A_B", "{subject}: x", "coffee AND NOT tea", "\\", "💥 coffee", "  ",
])
def test_syntax_in_the_users_text_is_data(filled, text: str) -> None:
    store, ids = filled
    with store.session() as s:
        n = inbox.count_requests(s, "all", text)
        rows = inbox.list_requests(s, "all", text, limit=100)
        assert n == len(rows)
        assert inbox.count_requests(s, "new", text) == n  # every row is new here
    assert search.fts_query(text) is None or search.fts_query(text).count('"') % 2 == 0  # type: ignore[union-attr]


def test_quotes_and_operators_match_as_words(filled) -> None:
    store, ids = filled
    assert _found(store, '"limited"') == [ids[3]]
    assert _found(store, "AND get") == [ids[3]]           # "AND" is a word of the body, not an operator
    assert _found(store, "col:value") == [ids[4]]
    assert _found(store, "NEAR(coffee") == []             # no word "near" in any request


def test_text_without_a_word_uses_ilike(filled) -> None:
    store, ids = filled
    assert search.fts_query("@") is None
    assert _found(store, "@") == ids                       # every address has one
    assert _found(store, "%") == [ids[3], ids[4]]          # "%" is literal, not a wildcard
    assert _found(store, "--") == [ids[3]]


def test_fts_query_quotes_the_text() -> None:
    assert search.fts_query("hiring man") == '"hiring man"*'
    assert search.fts_query('say "hi"') == '"say ""hi"""*'
    assert search.fts_query("a\x00b") == '"a b"*'
    assert search.fts_query("  --  ") is None


def test_queued_rows_are_found_before_catch_up(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ids = _fill(store)
    assert search.pending_count(store.engine) == len(MAIL)
    assert _found(store, "coffee") == [ids[2], ids[5]]     # ILIKE over the queue
    with store.engine.begin() as conn:                      # more rows while the first are indexed
        search.catch_up(store.engine)
        conn.execute(insert(Message), _rows(n_from=len(MAIL)))
    both = _found(store, "kubernetes")
    assert len(both) == 2 and search.pending_count(store.engine) == len(MAIL)
    search.catch_up(store.engine)
    assert _found(store, "kubernetes") == both
    store.close()


def test_updates_and_deletes_keep_the_index_right(filled) -> None:
    store, ids = filled
    with store.engine.begin() as conn:
        conn.execute(update(Message).where(Message.id == ids[2]).values(subject="Lunch in spring?",
                                                                        body_text="Lunch, maybe?"))
        conn.execute(update(Message).where(Message.id == ids[0]).values(status="read"))  # not indexed
    assert search.pending_count(store.engine) == 1          # the changed row waits, its old words are gone
    assert _found(store, "coffee") == [ids[5]]
    assert _found(store, "lunch") == [ids[2]]
    search.catch_up(store.engine)
    assert _found(store, "lunch") == [ids[2]]
    assert _found(store, "coffee") == [ids[5]]
    with store.session() as s:
        m = s.get(Message, ids[5])
        s.delete(m)
    assert _found(store, "coffee") == []
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('integrity-check')")


def test_hidden_rows_are_not_counted(filled) -> None:
    """Rows without a UID in a synced folder (expunged) leave the list; the fast FTS count notices them."""
    store, ids = filled
    with store.session() as s:
        folder = Folder(name="Networking")
        s.add(folder)
        s.flush()
        for pk in ids:
            m = s.get(Message, pk)
            assert m is not None
            m.folder_id, m.uid = folder.id, 10 + pk
            s.add(m)
    assert _found(store, "coffee") == [ids[2], ids[5]]
    with store.engine.begin() as conn:
        conn.execute(update(Message).where(Message.id == ids[5]).values(uid=None))
    assert _found(store, "coffee") == [ids[2]]
    with store.session() as s:
        assert search.count_all(s.connection(), "coffee") is None  # the shortcut steps aside


def test_missing_or_changed_index_is_rebuilt_on_open(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ids = _fill(store)
    search.catch_up(store.engine)
    with store.engine.begin() as conn:  # an older database: no index at all
        for name in search.TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql(f"DROP TABLE {search.FTS_TABLE}")
        conn.exec_driver_sql(f"DROP TABLE {search.PENDING_TABLE}")
    store.close()
    again = _store(tmp_path)
    assert search.fts_available(again.engine)
    assert search.pending_count(again.engine) == len(MAIL)  # every request queued, opening stays fast
    assert _found(again, "coffee") == [ids[2], ids[5]]
    assert search.catch_up(again.engine) == len(MAIL)
    assert _found(again, "coffee") == [ids[2], ids[5]]
    with again.engine.begin() as conn:  # a definition from another version is replaced too
        conn.exec_driver_sql("DROP TRIGGER message_fts_ai")
        conn.exec_driver_sql("CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN SELECT 1; END")
    again.close()
    third = _store(tmp_path)
    assert search.pending_count(third.engine) == len(MAIL)
    with third.engine.begin() as conn:
        conn.execute(insert(Message), _rows(n_from=100)[:1])
    assert search.pending_count(third.engine) == len(MAIL) + 1
    assert len(_found(third, "hiring")) == 2
    third.close()


def test_filters_combine_with_search(filled) -> None:
    store, ids = filled
    with store.engine.begin() as conn:
        conn.execute(update(Message).where(Message.id == ids[5]).values(status="replied"))
        conn.execute(update(Message).where(Message.id == ids[2]).values(flag_codes="RF1"))
    assert _found(store, "coffee", "replied") == [ids[5]]
    assert _found(store, "coffee", "flagged") == [ids[2]]
    assert _found(store, "coffee", "clean") == [ids[5]]
    assert _found(store, "coffee", "new") == [ids[2]]


def test_pages_are_newest_first_with_offsets(tmp_path: Path) -> None:
    """The page ids come from the covering index: same order and content as reading every row."""
    store = _store(tmp_path)
    with store.engine.begin() as conn:
        rows = []
        for k in range(250):
            r = _rows(n_from=1000 + k * 10)[k % len(MAIL)]
            r["date"] = NOW - timedelta(minutes=k // 2)  # pairs share a date: id breaks the tie
            r["status"] = "new" if k % 3 else "read"
            rows.append(r)
        conn.execute(insert(Message), rows)
    with store.session() as s:
        every = s.exec(select(Message.id, Message.status).order_by(Message.date.desc(),  # type: ignore[union-attr]
                                                                   Message.id.desc())).all()  # type: ignore[union-attr]
        for filter_, want in (("all", [i for i, _ in every]), ("new", [i for i, st in every if st == "new"])):
            got: list[int] = []
            for offset in range(0, 300, 100):
                got += [r.id for r in inbox.list_requests(s, filter_, offset=offset, limit=100)]
            assert got == want
            assert inbox.count_requests(s, filter_) == len(want)
    store.close()
