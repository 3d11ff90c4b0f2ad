"""The request list stays virtual with 100,000 requests: no widget per row, only pages near the cursor
are in memory, and jumping to the end loads just the last page. (Timing goals live in bench/, not here.)"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from mailsync.service.inbox import PAGE_SIZE
from mailsync.store.engine import Store
from mailsync.store.models import Message
from tests.tui.support import NOW, make_settings, settle, strip_text
from tui.app import GraceboxApp
from tui.widgets.request_list import MAX_PAGES, RequestList

N = 100_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("tui-100k")
    settings = make_settings(tmp)
    store = Store(settings.database_url())
    rows = []
    for i in range(N):
        rows.append({
            "identity": f"<bulk-{i}@tests.example>", "message_id": f"<bulk-{i}@tests.example>",
            "sha256": f"{i:064x}", "raw": b"x", "size": 1, "subject": f"Request number {i}",
            "from_name": f"Sender {i}", "from_address": f"s{i}@bulk.example",
            "date": NOW - timedelta(minutes=i), "status": "new" if i % 3 else "read",
            "flag_codes": "RF3" if i % 5 == 0 else "", "suggested": "accept",
            "body_text": "the needle is here" if i == 77_777 else "plain words",
            "reply_to": [], "to_addrs": [], "cc_addrs": [], "references": [], "imap_flags": [],
            "parse_warnings": [], "auto_submitted": False, "archived": False, "accepted": False,
            "checker_version": 1, "context_key": "", "created_at": NOW,
        })
    with store.engine.begin() as conn:
        conn.execute(Message.__table__.insert(), rows)  # type: ignore[attr-defined]
    yield settings, store
    store.close()


async def test_100k_requests_page_on_demand(big_store, tmp_path: Path) -> None:
    settings, store = big_store
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "o", clock=lambda: NOW)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        lst = app.inbox.request_list
        assert lst.total == N
        assert list(lst.children) == []  # lines are rendered, not widgets
        assert sorted(lst._pages) == [0]
        assert "Request number 0 " in strip_text(lst, 0)
        await pilot.press("end")
        await settle(app, pilot)
        assert lst.cursor == N - 1
        assert sorted(lst._pages) == [0, (N - 1) // PAGE_SIZE]  # the first page and the last, nothing between
        assert lst.current is not None and lst.current.subject == f"Request number {N - 1}"
        height = lst.scrollable_content_region.height
        assert f"Request number {N - 1} " in strip_text(lst, height - 1)
        assert "Sender 99999" in app.screen.query_one("#detail-headers").content.plain
        for _ in range(60):
            await pilot.press("pageup")
        await settle(app, pilot)
        assert lst.cursor == N - 1 - 60 * (height - 1)
        assert len(lst._pages) <= MAX_PAGES
        assert lst.current is not None and lst.current.subject == f"Request number {lst.cursor}"


async def test_100k_search_and_filter(big_store, tmp_path: Path) -> None:
    settings, store = big_store
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "o", clock=lambda: NOW)
    async with app.run_test(size=(160, 40)) as pilot:
        app.inbox.search_debounce = 0
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.focused, Input)
        await pilot.press(*"needle", "enter")
        await settle(app, pilot)
        lst = app.inbox.request_list
        assert isinstance(app.focused, RequestList)
        assert lst.total == 1
        assert lst.current is not None and lst.current.subject == "Request number 77777"
        await pilot.press("escape", "f", "f")  # clear search; filter new, then flagged
        await settle(app, pilot)
        assert app.inbox.query_.filter == "flagged"
        assert lst.total == N // 5
        assert lst.current is not None and lst.current.flag_codes == ("RF3",)
