"""The fast paths of the TUI give the same results as the plain ones: list rows built as segments equal the
rich Text rendering, the first page is on screen when the app is up, later pages reuse the known count, and
the search box uses the FTS5 index (every keystroke queried). Timing lives in bench/tui_bench.py."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from textual.strip import Strip

from mailsync.service import inbox as data
from mailsync.store import search
from mailsync.store.engine import Store
from mailsync.store.listing import RequestRow
from tests.tui.support import MARKUP_NAME, MARKUP_SUBJECT, NOW, make_settings, seed, settle, strip_text
from tui.app import GraceboxApp
from tui.widgets.detail import FlagCard


def _app(tmp_path: Path) -> GraceboxApp:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    seed(store)
    return GraceboxApp(settings, store, demo_outbox=tmp_path / "outbox", clock=lambda: NOW)


async def test_row_segments_equal_the_text_rendering(tmp_path: Path) -> None:
    app = _app(tmp_path)
    names = [None, "", "Sam Lee", MARKUP_NAME, "李小龍 a very long display name indeed", "e\u0301mile",
             "👩‍👩‍👧 family", "x" * 40, "tab\tname\x1b[31m", "\u202eevil"]
    subjects = ["", "Hi", MARKUP_SUBJECT, "日本語の件名がとても長い場合" * 3, "emoji 🎉🎉", "a" * 300, "line\nbreak"]
    codes = [(), ("RF1",), ("RF1", "RF3"), ("RF1", "RF2", "RF3", "RF4"), ("RF1", "RF2", "RF3", "RF4", "RF5", "RF6",
                                                                         "RF7")]
    rnd = random.Random(5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        lst = app.inbox.request_list
        for width in (30, 47, 48, 49, 60, 77, 119, 200):
            for _ in range(60):
                row = RequestRow(1, rnd.choice(names), rnd.choice([None, "a@b.example"]), False, rnd.choice(subjects),
                                 rnd.choice([None, NOW - timedelta(seconds=rnd.randrange(10**9))]),
                                 rnd.choice(["new", "read", "replied", "draft", "archived"]), rnd.choice(codes),
                                 "accept")
                text = lst.row_text(row, width, NOW)
                slow = Strip(list(text.render(app.console)), text.cell_len).crop_extend(0, width, None)
                fast = lst.row_strip(row, width, NOW)
                assert list(fast) == list(slow)
                assert fast.cell_length == width


async def test_first_page_is_shown_when_the_app_is_up(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(140, 36)):
        lst = app.inbox.request_list
        assert lst.total == 5  # no worker round trip needed for the first rows
        assert lst.row_at(0) is not None and lst.row_at(0).from_name == "Sam Lee"  # type: ignore[union-attr]


def test_a_known_total_skips_the_count(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    seed(store)
    assert data.load_page(store, data.Query(), 0).total == 5
    page = data.load_page(store, data.Query(), 0, total=77)
    assert page.total == 77 and len(page.rows) == 5


async def test_search_box_uses_the_index_on_each_keystroke(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        assert search.fts_available(app.store.engine)
        assert app.inbox.search_debounce == 0.0
        assert search.pending_count(app.store.engine) == 0  # caught up in the background after the first page
        await pilot.press("slash", *"kube")
        await settle(app, pilot)
        lst = app.inbox.request_list
        assert lst.total == 1 and lst.current is not None and lst.current.subject.startswith("Kubernetes")
        await pilot.press(*"rnetes operators")
        await settle(app, pilot)
        assert lst.total == 1
        await pilot.press("backspace", *" zzz")
        await settle(app, pilot)
        assert lst.total == 0
        assert "No requests match." in strip_text(lst, 0)


async def test_detail_cards_are_reused_and_follow_the_cursor(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        first = list(app.screen.query(FlagCard))
        assert [c.code for c in first] == ["RF3"]
        await pilot.press("j")
        await settle(app, pilot)
        cards = list(app.screen.query(FlagCard))
        assert [c.code for c in cards] == ["RF1", "RF4"]
        assert cards[0] is first[0] and cards[0].has_class("rf1") and not cards[0].has_class("rf3")
        await pilot.press("j", "j")  # a request without flags
        await settle(app, pilot)
        assert [c.code for c in app.screen.query(FlagCard)] == []
