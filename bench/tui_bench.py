"""TUI benchmark on a 100,000-request database: time to an interactive inbox, peak memory, key latency.

Usage: .venv/bin/python bench/tui_bench.py [--requests 100000] [--rounds 5] [--cache-dir /var/tmp]
                                           [--rebuild] [--word kubernetes]

1. Builds (once; cached as ``<cache-dir>/gracebox-tui-bench-<key>.db``, the key naming the data version,
   the row count and the Message columns) a SQLite database of N requests through the real tables with
   SQLAlchemy Core bulk inserts: senders, subjects and bodies (300 B to 4 KB) from pools written for this
   script, a spread of flag codes (with their stored hits) and statuses, raw RFC 5322 bytes.
2. For each measurement starts a fresh Python process (so peak RSS is that measurement's alone) that runs
   the App headless with Pilot at 120x40:
   - startup: from the parent starting the process (interpreter start included) to the first paint that
     shows rows, the way ``run_app`` starts (``freeze_gc``); peak RSS (``ru_maxrss``) and CPU seconds;
   - keys: for j, k, page-down, end, home, each filter change (``f``), each keystroke of a ``/`` search
     (with the debounce the app picks: 0 with the FTS5 index), Enter and Escape: the time from sending
     the key to the first paint that shows its result (the cursor on its new row, and separately the
     highlighted request's detail; for f and / the first page of the new list), and the process CPU time
     over that span (less sensitive to a busy machine). Median and max over --rounds; peak RSS.
   Paints are timed by Textual's public post_display_hook.
3. Times ``mailsync.service.inbox.load_page`` (count + one page, what a list change costs in the store) per filter, for
   the last page and for each prefix of the search word.
Prints the tables and the goals (< 1 s to interactive, < 200 MB, < 50 ms per key). Nothing is asserted.
"""

from __future__ import annotations

import time

_T0 = time.time()  # the child's process start, as early as possible (before the heavy imports)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Bump when the generated data changes shape.
DATA_VERSION = "tui-bench-3"
#: The fixed clock of the benchmark (ages in the list are relative to it).
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SIZE = (120, 40)
GOAL_INTERACTIVE_S = 1.0
GOAL_RSS_MB = 200.0
GOAL_KEY_MS = 50.0

# --- data ------------------------------------------------------------------------------------------

FIRST = ["Sam", "Priya", "Jonas", "Aiko", "Mateo", "Ngozi", "Lars", "Fatima", "Chen", "Olivia", "Ravi", "Greta",
         "Tomasz", "Amara", "Diego", "Hana", "Kwame", "Elif", "Noah", "Ines", "Yusuf", "Mei", "Pablo", "Sigrid",
         "Arjun", "Zofia", "Malik", "Leonie", "Bruno", "Saanvi", "Emeka", "Ilse", "Kenji", "Marta", "Tariq",
         "Camille", "Dmitri", "Nadia", "Oskar", "Rosa", "Vikram", "Astrid", "Hugo", "Lucia", "Femi", "Anouk"]
LAST = ["Lee", "Sharma", "Becker", "Tanaka", "Garcia", "Okafor", "Nilsson", "Haddad", "Wang", "Brown", "Iyer",
        "Larsen", "Nowak", "Mensah", "Alvarez", "Kim", "Asante", "Yilmaz", "Fischer", "Moreau", "Aziz", "Lin",
        "Romero", "Berg", "Patel", "Kowalska", "Hassan", "Vogel", "Costa", "Rao", "Eze", "Janssen", "Sato",
        "Silva", "Khan", "Dubois", "Petrov", "Ali", "Lund", "Ortiz", "Menon", "Holm", "Laurent", "Ferri"]
DOMAINS = ["northwind.example", "bluepeak.example", "quillsoft.example", "harbor-labs.example", "mail.example",
           "freight.example", "orbitdata.example", "cedar.example.org", "uni.example.edu", "greenleaf.example",
           "brightpath.example", "fastmail.example", "lumen.example", "kite-analytics.example", "atlas.example",
           "pinecone-hr.example", "copperline.example", "studio9.example", "example.net", "riverbank.example"]
TOPICS = ["team leadership", "executive presence", "hiring", "onboarding", "career change", "public speaking",
          "kubernetes", "data pipelines", "product strategy", "negotiation", "remote teams", "feedback culture",
          "board meetings", "a first management role", "pricing", "conference talks", "mentoring programmes"]
SUBJECTS = ["Quick question about {t}", "Coffee next month?", "Introduction request", "Your talk on {t}",
            "Advice on {t}", "Could you review my plan for {t}?", "Partnership opportunity", "Following up",
            "A favour", "Speaking invitation: {t}", "Re: {t}", "Thanks, and one more question",
            "Would love your take on {t}", "Referral to your team?", "Exclusive offer for coaches",
            "Mentoring request", "Podcast guest on {t}?", "Can we connect?", "Feedback on my CV",
            "Invitation: roundtable on {t}", "Hello from {c}", "{t}: 15 minutes of your time?"]
OPENERS = ["Hi Alex,", "Dear Alex,", "Hello Alex,", "Alex,", "Good morning Alex,", "Hi there,"]
SENTENCES = [
    "I work on the operations side at {c}, where our group has roughly doubled over the last eighteen months.",
    "We met briefly after the panel in the autumn, and you suggested I write to you.",
    "I have followed your writing on {t} for a while and tried a few of the ideas with my own team.",
    "A former colleague of mine recommended you as the person to ask about {t}.",
    "I am preparing a move into {t} and looking for people who have made a similar step.",
    "Our company builds tools for {t}, and teams like yours usually see results within a quarter.",
    "We are offering a short free trial, and I would be glad to set up a demo next week.",
    "Would you be open to a twenty-minute call so I can ask a handful of questions?",
    "Could you introduce me to someone on your team who works on {t}?",
    "I would be grateful if you could pass my CV on to the hiring manager.",
    "If it is easier, I can send the questions by mail and you can answer whenever suits you.",
    "There is no rush at all; I know this is a busy time of year.",
    "Last spring we ran a pilot with four departments and learned a great deal about {t}.",
    "The main problem we keep running into is that decisions are made in meetings nobody wrote down.",
    "I read your piece about saying no kindly, and it made me rethink how I handle requests.",
    "Our meetup on {t} takes place every second Thursday, and we would love to have you speak.",
    "We can cover travel and offer a modest honorarium for the session.",
    "My manager suggested I find a mentor outside the company, and your name came up twice.",
    "Could you leave a short review of our workshop on the event page? It would help a lot.",
    "I have attached a one-page summary in case it is useful before we talk.",
    "Thank you for the introduction last month; the conversation went really well.",
    "I am happy to return the favour if there is anything I can help with.",
    "Please let me know which days work for you, and I will adapt.",
    "I realise we have not met, but I hope you do not mind me reaching out directly.",
    "In my current role I coordinate three product teams across two time zones.",
    "We are building a community of practitioners interested in {t}.",
    "Happy to keep this short; even a pointer to an article would help me a great deal.",
    "Several people on our board asked me how other organisations approach {t}.",
    "The budget for this year is already approved, so we could start quickly.",
    "I am still early in my career and trying to understand which skills matter most.",
]
CLOSERS = ["Best regards,", "Thanks in advance,", "Kind regards,", "Warm wishes,", "Cheers,", "All the best,"]
# (flag codes, weight): about half clean, the rest a spread of single and combined flags.
FLAG_MIX = [("", 50), ("RF3", 14), ("RF1", 9), ("RF7", 7), ("RF1 RF3", 6), ("RF2", 3), ("RF4", 3),
            ("RF3 RF7", 4), ("RF1 RF2", 2), ("RF4 RF3", 2)]
# (status, imap flags, weight)
STATUS_MIX = [("new", [], 40), ("read", ["\\Seen"], 33), ("replied", ["\\Seen", "\\Answered"], 12),
              ("draft", ["\\Seen"], 3), ("archived", ["\\Seen"], 12)]
RULES = {"RF1": ("selling", "sales-pitch", 2.5, 'phrase: "free trial"'),
         "RF2": ("reputation", "review-request", 3.0, 'asks: "leave a short review"'),
         "RF3": ("premature-ask", "favour-from-stranger", 3.0, 'asks: "introduce me to someone"'),
         "RF4": ("bad-history", "network-warning", 3.0, "*@pinecone-hr.example: spammed two colleagues"),
         "RF7": ("out-of-depth", "outside-expertise", 2.0, 'topic: "kubernetes" is not in your expertise')}


def _suggest(codes: str) -> str:
    cs = set(codes.split())
    if cs & {"RF1", "RF2", "RF3", "RF4"}:
        return "scenario2"
    return "scenario1" if cs & {"RF5", "RF6", "RF7"} else "accept"


def make_rows(n: int, seed: int, folder_id: int, start: datetime, top_uid: int
              ) -> tuple[list[dict[str, Any]], list[tuple[int, str]], datetime]:
    """``n`` Message column dicts (newest first, one every 1-13 minutes before ``start``, UIDs counting down
    from ``top_uid``), (row number, flag codes) for the flagged ones, and the oldest date. Deterministic for
    ``seed``."""
    rnd = random.Random(seed)
    codes_pop, codes_w = zip(*FLAG_MIX, strict=True)
    st_pop = [(s, f) for s, f, _ in STATUS_MIX]
    st_w = [w for *_, w in STATUS_MIX]
    rows: list[dict[str, Any]] = []
    flagged: list[tuple[int, str]] = []
    when = start
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        dom = rnd.choice(DOMAINS)
        company = dom.split(".")[0].replace("-", " ").title()
        addr = f"{first.lower()}.{last.lower()}{rnd.randrange(100) if rnd.random() < 0.3 else ''}@{dom}"
        topic = rnd.choice(TOPICS)
        subject = rnd.choice(SUBJECTS).format(t=topic, c=company)
        k = rnd.choice((1, 2, 3, 4, 6, 9, 14, 20, 28))
        sents = [rnd.choice(SENTENCES).format(t=rnd.choice(TOPICS) if rnd.random() < 0.3 else topic, c=company)
                 for _ in range(k)]
        paras = [" ".join(sents[j:j + 3]) for j in range(0, len(sents), 3)]
        body = (f"{rnd.choice(OPENERS)}\n\n" + "\n\n".join(paras)
                + f"\n\n{rnd.choice(CLOSERS)}\n{first} {last}\n{company} · +44 20 7946 {rnd.randrange(10000):04d}\n")
        when = when - timedelta(seconds=rnd.randrange(60, 780))
        codes = rnd.choices(codes_pop, codes_w)[0]
        status, imap_flags = rnd.choices(st_pop, st_w)[0]
        mid = f"<{i:06d}.{rnd.getrandbits(40):010x}@{dom}>"
        raw = (f"From: {first} {last} <{addr}>\r\nTo: Alex Rivera <alex@example.com>\r\nSubject: {subject}\r\n"
               f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\nMessage-ID: {mid}\r\n"
               f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
               f"Content-Transfer-Encoding: 8bit\r\n\r\n{body.replace(chr(10), chr(13) + chr(10))}").encode()
        rows.append({
            "folder_id": folder_id, "uid": top_uid - i, "uidvalidity": 1_732_000_000, "message_id": mid,
            "identity": mid, "sha256": hashlib.sha256(raw).hexdigest(), "raw": raw, "size": len(raw),
            "internaldate": when, "date": when, "subject": subject, "from_name": f"{first} {last}",
            "from_address": addr, "reply_to": [], "to_addrs": [{"name": "Alex Rivera", "address": "alex@example.com"}],
            "cc_addrs": [], "via": None, "in_reply_to": None, "references": [], "body_text": body,
            "auto_submitted": False, "imap_flags": imap_flags, "status": status,
            "archived": status == "archived", "accepted": False, "parse_warnings": [],
            "suggested": _suggest(codes), "flag_codes": " ".join(sorted(codes.split())), "checker_version": 1,
            "context_key": "", "created_at": when,
        })
        if codes:
            flagged.append((i, codes))
    return rows, flagged, when


def db_key(n: int) -> str:
    """Cache key: data version, row count and the Message columns (a schema change regenerates)."""
    from mailsync.store.models import Message

    cols = ",".join(sorted(Message.__table__.columns.keys()))  # type: ignore[attr-defined]
    return hashlib.sha256(f"{DATA_VERSION}|{n}|{cols}".encode()).hexdigest()[:12]


def build_db(path: Path, n: int) -> None:
    """Create the database at ``path`` with ``n`` requests (the real tables, Core bulk inserts)."""
    from sqlalchemy import insert

    from mailsync.store import search
    from mailsync.store.engine import Store
    from mailsync.store.models import Decision, FlagHitRow, Folder, KnownAddress, Message

    tmp = path.with_name(path.name + ".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    store = Store(f"sqlite:///{tmp}")
    t = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(insert(Folder), [{"name": "Networking", "role": "requests", "uidvalidity": 1_732_000_000,
                                       "uidnext": n + 1, "highest_uid": n, "messages": n}])
        conn.execute(insert(KnownAddress), [{"address": f"known{i}@example.org", "name": f"Known {i}", "count": 1}
                                            for i in range(500)])
        conn.execute(insert(Decision), [{"request_identity": f"<old{i}@example.org>", "kind": "accept",
                                         "source": "reply", "decided_at": NOW - timedelta(days=i * 3)}
                                        for i in range(6)])
    chunk = 5000
    done = 0
    start = NOW
    while done < n:
        m = min(chunk, n - done)
        rows, flagged, start = make_rows(m, seed=done, folder_id=1, start=start, top_uid=n - done)
        with store.engine.begin() as conn:
            ids = [row[0] for row in conn.execute(insert(Message).returning(Message.id), rows)]  # type: ignore[arg-type]
            hits = []
            for i, codes in flagged:
                for code in codes.split():
                    slug, rule, pts, ev = RULES[code]
                    hits.append({"message_pk": ids[i], "code": code, "slug": slug, "rule": rule, "points": pts,
                                 "evidence": [ev], "description": ""})
            if hits:
                conn.execute(insert(FlagHitRow), hits)
        done += m
        print(f"\r  generated {done:,}/{n:,} requests ({time.perf_counter() - t:.1f} s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    t = time.perf_counter()
    n_indexed = search.catch_up(store.engine)  # the steady state: every request in the search index
    print(f"  search index: {n_indexed:,} requests in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


# --- the child: one measurement in a fresh process ------------------------------------------------


class Paints:
    """Times paints through Textual's public ``post_display_hook`` (called after every display, headless
    too): ``wait({name: cond}, start)`` returns, per name, the seconds from ``start`` to the first paint at
    which ``cond()`` held. No polling: the hook sets an asyncio Event, so the measuring loop takes no CPU
    (and no GIL) from the app's workers. (Headless runs do not encode the paint to terminal text; the
    figures before this change included that encoding.)"""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.conds: dict[str, Callable[[], bool]] = {}
        self.hits: dict[str, tuple[float, float]] = {}
        self.event = asyncio.Event()
        original = app.post_display_hook

        def hook() -> None:
            original()
            for name, cond in list(self.conds.items()):
                if cond():
                    self.hits[name] = (time.perf_counter(), time.process_time())
                    del self.conds[name]
            if not self.conds:
                self.event.set()

        app.post_display_hook = hook

    def expect(self, conds: dict[str, Callable[[], bool]]) -> None:
        """Watch the next paints for ``conds`` (call before the action, or before the app starts)."""
        self.event.clear()
        self.hits = {}
        self.conds = dict(conds)

    async def wait(self, conds: dict[str, Callable[[], bool]] | None, start: float, cpu_start: float = 0.0,
                   timeout: float = 30.0) -> dict[str, tuple[float, float]]:
        """Per name: (seconds, CPU seconds of the process, all threads) from ``start`` / ``cpu_start`` to
        the first paint showing ``conds[name]`` (None: the ones given to ``expect``). Raises TimeoutError
        after ``timeout`` seconds."""
        if conds is not None:
            self.expect(conds)
        await asyncio.wait_for(self.event.wait(), timeout)
        return {name: (t - start, c - cpu_start) for name, (t, c) in self.hits.items()}


def _key_event(key: str) -> Any:
    from textual import events

    return events.Key(key, key if len(key) == 1 else None)


def _settings(db: Path) -> Any:
    from mailsync.config import settings_from_dict

    return settings_from_dict({
        "identity": {"name": "Alex Rivera", "email": "alex@example.com", "signature": "Alex"},
        "profile": {"expertise": ["team leadership", "executive presence"], "monthly_capacity": 8,
                    "weekly_limit": 3},
        "storage": {"database_url": f"sqlite:///{db}"},
    }, source="<bench>")


async def _child_startup(db: Path, outbox: Path, spawned: float | None) -> dict[str, Any]:
    from mailsync.store.engine import Store
    from tui.app import GraceboxApp, freeze_gc

    settings = _settings(db)
    store = Store(settings.database_url())
    freeze_gc()  # as run_app (the real entry) does around App.run
    app = GraceboxApp(settings, store, demo_outbox=outbox, clock=lambda: NOW)
    app.freeze_gc_after_start = True
    paints = Paints(app)
    paints.expect({"rows": lambda: app.inbox.is_attached and app.inbox.request_list.row_at(0) is not None})
    async with app.run_test(size=SIZE) as pilot:
        hit = await paints.wait(None, 0.0)
        t_ready = time.time() - (time.perf_counter() - hit["rows"][0])  # the paint's moment, wall clock
        ru = resource.getrusage(resource.RUSAGE_SELF)
        await pilot.pause()
    store.close()
    return {"interactive_s": t_ready - (spawned or _T0), "cpu_s": ru.ru_utime + ru.ru_stime,
            "rss_mb": ru.ru_maxrss / 1024}


async def _child_keys(db: Path, outbox: Path, rounds: int, word: str) -> dict[str, Any]:
    from textual.widgets import Input

    from mailsync.store.engine import Store
    from tui.app import GraceboxApp, freeze_gc
    from tui.screens.inbox import FILTER_CYCLE

    settings = _settings(db)
    store = Store(settings.database_url())
    freeze_gc()  # as run_app (the real entry) does around App.run
    app = GraceboxApp(settings, store, demo_outbox=outbox, clock=lambda: NOW)
    app.freeze_gc_after_start = True
    paints = Paints(app)
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    extra: dict[str, Any] = {}
    paints.expect({"rows": lambda: app.inbox.is_attached and app.inbox.request_list.row_at(0) is not None})
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.inbox
        lst = inbox.request_list
        detail = inbox.detail
        await paints.wait(None, 0.0)

        def moved(index: int) -> dict[str, Callable[[], bool]]:
            def row_shown() -> bool:
                return lst.cursor == index and lst.current is not None

            def detail_shown() -> bool:
                row = lst.current
                d = detail.detail
                return row_shown() and d is not None and row is not None and d.message.id == row.id

            return {"list": row_shown, "detail": detail_shown}

        def list_ready(filter_: str, search: str) -> dict[str, Callable[[], bool]]:
            return {"list": lambda: (inbox.query_.filter == filter_ and inbox.query_.search == search
                                     and lst.query_ == inbox.query_ and not lst._fresh)}

        async def quiet() -> None:
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()

        async def press(name: str, key: str, conds: dict[str, Callable[[], bool]]) -> None:
            """Send ``key``; file wall and CPU ms to the paints showing each condition under ``name``."""
            await quiet()
            cpu0 = time.process_time()
            start = time.perf_counter()
            app.post_message(_key_event(key))
            for part, (secs, cpu_s) in (await paints.wait(conds, start, cpu0)).items():
                label = name if part == "list" else f"{name}: detail shown"
                wall.setdefault(label, []).append(secs * 1000)
                cpu.setdefault(label, []).append(cpu_s * 1000)

        await quiet()  # the search index catch-up and the first detail
        for _ in range(rounds):
            await press("j (next)", "j", moved(lst.cursor + 1))
            await press("k (previous)", "k", moved(lst.cursor - 1))
            step = max(lst.scrollable_content_region.height - 1, 1)
            await press("page-down", "pagedown", moved(lst.cursor + step))
            await press("end (last of all)", "end", moved(lst.total - 1))
            await press("home (first)", "home", moved(0))
            for _ in FILTER_CYCLE:  # all -> new -> flagged -> clean -> replied -> all
                i = FILTER_CYCLE.index(inbox.query_.filter)
                nxt = FILTER_CYCLE[(i + 1) % len(FILTER_CYCLE)]
                await press(f"f -> {nxt}", "f", list_ready(nxt, ""))
            # search with the debounce the app chose (0 with the FTS5 index): every keystroke queried
            extra["debounce"] = inbox.search_debounce
            await pilot.press("slash")
            await quiet()
            assert isinstance(app.focused, Input)
            for n_typed in range(1, len(word) + 1):
                await press("/ search, each keystroke", word[n_typed - 1], list_ready("all", word[:n_typed]))
            extra["hits"] = lst.total
            await press("enter (search -> list)", "enter", {"list": lambda: app.focused is lst})
            await press("escape (clear search)", "escape", list_ready("all", ""))
    store.close()
    return {"wall": wall, "cpu": cpu, **extra, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_main(args: argparse.Namespace) -> None:
    os.environ.setdefault("CI", "true")
    outbox = Path(args.outbox)
    if args.child == "startup":
        res = asyncio.run(_child_startup(Path(args.db), outbox, args.spawned))
    else:
        res = asyncio.run(_child_keys(Path(args.db), outbox, args.rounds, args.word))
    print("RESULT " + json.dumps(res))


# --- the parent -----------------------------------------------------------------------------------


def run_child(kind: str, db: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; returns its RESULT json."""
    outbox = db.with_name("gracebox-tui-bench-outbox")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--db", str(db),
           "--outbox", str(outbox), "--rounds", str(args.rounds), "--word", args.word,
           "--spawned", repr(time.time())]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])  # type: ignore[no-any-return]
    raise SystemExit(f"{kind} measurement failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5, help="startup runs, and rounds of the key run")
    ap.add_argument("--cache-dir", default="/var/tmp")
    ap.add_argument("--rebuild", action="store_true", help="generate the database even if cached")
    ap.add_argument("--word", default="kubernetes", help="the word typed into / search")
    ap.add_argument("--child", choices=["startup", "keys"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--outbox", help=argparse.SUPPRESS)
    ap.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(args)
        return

    db = Path(args.cache_dir) / f"gracebox-tui-bench-{db_key(args.requests)}.db"
    if args.rebuild or not db.exists():
        print(f"generating {args.requests:,} requests into {db} …", file=sys.stderr)
        t = time.perf_counter()
        build_db(db, args.requests)
        print(f"  done in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    else:
        print(f"using the cached database {db}", file=sys.stderr)
    # one warm-up open: creates a missing search index (timed on its own) and warms the OS page cache
    from mailsync.store import search
    from mailsync.store.engine import Store

    t = time.perf_counter()
    store = Store(f"sqlite:///{db}")
    caught = search.catch_up(store.engine)
    open_s = time.perf_counter() - t
    db_rows = db_figures(store, args.word)
    store.close()
    size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6

    starts = [run_child("startup", db, args) for _ in range(args.rounds)]
    keys = run_child("keys", db, args)

    print()
    print(f"Gracebox TUI on {args.requests:,} stored requests ({size_mb:,.0f} MB SQLite file), Pilot "
          f"{SIZE[0]}x{SIZE[1]} headless, {args.rounds} rounds; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"open + search index catch-up before measuring: {open_s:.2f} s ({caught:,} requests indexed)")
    w = 34
    print()
    print(f"{'measure':<{w}} {'median':>9} {'max':>9} {'cpu med':>9}   goal")
    print("-" * (w + 50))

    def ok(v: float, goal: float) -> str:
        return "ok" if v < goal else "MISSED"

    inter = [x["interactive_s"] for x in starts]
    med = statistics.median(inter)
    print(f"{'start to interactive (s)':<{w}} {med:>9.3f} {max(inter):>9.3f} "
          f"{statistics.median([x['cpu_s'] for x in starts]):>9.3f}   < {GOAL_INTERACTIVE_S:g} s  "
          f"{ok(med, GOAL_INTERACTIVE_S)}")
    rss = [x["rss_mb"] for x in starts]
    print(f"{'peak RSS at interactive (MB)':<{w}} {statistics.median(rss):>9.1f} {max(rss):>9.1f} {'':>9}   "
          f"< {GOAL_RSS_MB:g} MB  {ok(max(rss), GOAL_RSS_MB)}")
    print(f"{'peak RSS after all keys (MB)':<{w}} {'':>9} {keys['rss_mb']:>9.1f} {'':>9}   "
          f"< {GOAL_RSS_MB:g} MB  {ok(keys['rss_mb'], GOAL_RSS_MB)}")
    for name, vals in keys["wall"].items():
        m = statistics.median(vals)
        c = statistics.median(keys["cpu"][name])
        goal = f"< {GOAL_KEY_MS:g} ms  {ok(m, GOAL_KEY_MS)}"
        if name.endswith("detail shown"):
            name, goal = "  … " + name.split(": ")[1], "(the detail follows in a worker)"
        print(f"{name + ' (ms)':<{w}} {m:>9.1f} {max(vals):>9.1f} {c:>9.1f}   {goal}")
    print()
    print(f"Key times: from sending the key to the first paint that shows the result (the cursor on its new "
          f"row; '… detail shown': also that request's detail; for f and / the first page of the new list). "
          f"'cpu' is the "
          f"process CPU time (all threads) over the same span. Search typed {args.word!r} one key at a time "
          f"(debounce {keys.get('debounce', 0):g} s; {keys.get('hits', 0):,} matches for the whole word).")
    print()
    print("Store queries behind a list change (service.inbox.load_page: count + one page of 100), median of 5:")
    print(f"{'query':<{w}} {'ms':>9} {'matches':>9}")
    for label, ms, total in db_rows:
        print(f"{label:<{w}} {ms:>9.1f} {total:>9,}")


def db_figures(store: Any, word: str) -> list[tuple[str, float, int]]:
    """(label, median ms, total) of ``mailsync.service.inbox.load_page`` for each filter, the last page, and each
    prefix of ``word`` plus a very common word."""
    from mailsync.service import inbox as data
    from tui.screens.inbox import FILTER_CYCLE

    def timed(q: Any, offset: int = 0) -> tuple[float, int]:
        ts = []
        total = 0
        for _ in range(5):
            t = time.perf_counter()
            total = data.load_page(store, q, offset).total
            ts.append((time.perf_counter() - t) * 1000)
        return statistics.median(ts), total

    out = []
    for f in FILTER_CYCLE:
        out.append((f"filter {f}", *timed(data.Query(f))))
    n = data.load_page(store, data.Query(), 0).total
    out.append(("filter all, last page", *timed(data.Query(), max(n - 1, 0) // data.PAGE_SIZE * data.PAGE_SIZE)))
    for i in range(1, len(word) + 1):
        out.append((f"search {word[:i]!r}", *timed(data.Query("all", word[:i]))))
    out.append(("search 'the' (in most requests)", *timed(data.Query("all", "the"))))
    out.append(("search 'the', filter new", *timed(data.Query("new", "the"))))
    out.append(("search '@' (no word: ILIKE scan)", *timed(data.Query("all", "@"))))
    return out


if __name__ == "__main__":
    main()
