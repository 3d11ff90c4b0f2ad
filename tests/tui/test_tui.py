"""The TUI driven by Pilot on a seeded SQLite store (real parse/inbox/compose/send; no mocks)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input, TextArea

from mailsync.store import context as store_context
from mailsync.store import listing
from mailsync.store.engine import Store
from mailsync.store.models import Contact, Reply
from tests.tui.support import (
    MARKUP_NAME,
    MARKUP_SUBJECT,
    NOW,
    REQUESTS,
    Req,
    make_settings,
    message,
    seed,
    settle,
    static_text,
    strip_text,
)
from tui.app import GraceboxApp
from tui.screens.confirm import ConfirmSend
from tui.screens.help import HelpScreen
from tui.screens.inbox import InboxScreen
from tui.screens.note import NoteDialog
from tui.screens.reply import ReplyScreen
from tui.widgets.detail import FlagCard
from tui.widgets.request_list import RequestList

SIZE = (160, 40)


@pytest.fixture
def env(tmp_path: Path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    ids = seed(store)
    yield settings, store, ids
    store.close()


def make_app(env, tmp_path: Path, **kw) -> GraceboxApp:
    settings, store, _ = env
    kw.setdefault("demo_outbox", tmp_path / "outbox")
    return GraceboxApp(settings, store, clock=lambda: NOW, **kw)


def rows(app: GraceboxApp) -> RequestList:
    return app.inbox.request_list


async def test_inbox_lists_requests_with_badges_and_detail(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lst = rows(app)
        assert lst.total == 5
        first = strip_text(lst, 0)
        assert first.startswith("RF3 ")
        assert "Sam Lee" in first and "Quick question about your team" in first
        assert first.rstrip().endswith("2h new")
        assert strip_text(lst, 1).startswith("RF1 RF4 ")
        assert strip_text(lst, 4).rstrip().endswith("replied")
        # detail of the highlighted (first) request: headers, one card per flag, body
        headers = static_text(app, "#detail-headers")
        assert "sam@example.org" in headers and "Quick question about your team" in headers
        assert 'suggested: Scenario 2 "no, period"' in headers
        cards = list(app.screen.query(FlagCard))
        assert [c.code for c in cards] == ["RF3"]
        card = str(cards[0].render())
        assert "favour-from-stranger" in card and 'asks: "refer me to the hiring manager"' in card
        assert "3 points" in card
        assert "refer me to the hiring manager" in static_text(app, "#detail-body")
        # j moves to the next request and its detail follows
        await pilot.press("j")
        await settle(app, pilot)
        assert lst.cursor == 1
        assert [c.code for c in app.screen.query(FlagCard)] == ["RF1", "RF4"]
        assert app.screen.query_one("#meter").content.plain == "accepted 0 of 4 this month · 0 of 2 this week"


async def test_markup_and_escapes_in_mail_show_literally(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=(220, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        line = strip_text(rows(app), 1)
        assert MARKUP_NAME in line
        assert MARKUP_SUBJECT[:40] in line
        headers = static_text(app, "#detail-headers")
        assert MARKUP_SUBJECT in headers
        assert MARKUP_NAME in headers
        body = static_text(app, "#detail-body")
        assert "Our [b]platform[/b] cuts" in body
        assert "\x1b" not in body and "␛[31m" in body
        assert app.is_running  # "[@click=app.quit]" did nothing


async def test_search_narrows_enter_returns_escape_clears(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.inbox.search_debounce = 0
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.focused, Input)
        await pilot.press(*"coffee")
        await settle(app, pilot)
        assert rows(app).total == 1
        assert "Coffee next month?" in strip_text(rows(app), 0)
        # a body word narrows too
        await pilot.press(*["backspace"] * 6, *"operators")
        await settle(app, pilot)
        assert rows(app).total == 1
        assert "Kubernetes operators" in strip_text(rows(app), 0)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.focused, RequestList)
        assert rows(app).cursor == 0
        assert "Dana Cho" in static_text(app, "#detail-headers")
        await pilot.press("slash", "escape")
        await settle(app, pilot)
        assert rows(app).total == 5
        assert app.inbox.query_.search == ""
        assert not app.inbox.query_one("#search", Input).display
        # the request found by the search stays highlighted in the full list (by id)
        assert rows(app).current is not None and rows(app).current.from_name == "Dana Cho"
        assert "Dana Cho" in static_text(app, "#detail-headers")


async def test_filter_cycles_and_changes_the_list(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        seen = []
        for _ in range(5):
            await pilot.press("f")
            await settle(app, pilot)
            seen.append((app.inbox.query_.filter, rows(app).total))
        assert seen == [("new", 3), ("flagged", 3), ("clean", 2), ("replied", 1), ("all", 5)]
        assert "filter: all" in static_text(app, "#status")


async def test_archive_removes_from_new(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # new
        await settle(app, pilot)
        assert rows(app).total == 3
        await pilot.press("a")
        await settle(app, pilot)
        assert rows(app).total == 2
        assert message(store, ids[0]).status == "archived"
        assert "archived" in static_text(app, "#status")


async def test_reply_scenario2_edit_send_to_demo_outbox(env, tmp_path: Path) -> None:
    settings, store, ids = env
    outbox = tmp_path / "outbox"
    app = make_app(env, tmp_path, demo_outbox=outbox)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        area = screen.query_one(TextArea)
        assert area.text.strip(), "the scenario 2 template rendered"
        assert screen.scenario == "scenario2"
        area.move_cursor(area.document.end)
        await pilot.press(*"PS: typed in the TUI test.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmSend)
        assert "Sam Lee <sam@example.org>" in static_text(app, "#confirm-text")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
        assert app.last_send is not None and app.last_send.state == "sent"
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"] == "Sam Lee <sam@example.org>"
    assert msg["Subject"] == "Re: Quick question about your team"
    assert msg["In-Reply-To"] == "<seed-0@tests.example>"
    assert "PS: typed in the TUI test." in msg.get_content()
    with store.session() as s:
        reply = s.exec(select(Reply)).one()
        assert (reply.state, reply.scenario) == ("sent", "scenario2")
    assert message(store, ids[0]).status == "replied"


async def test_confirm_escape_returns_to_editor_and_leaving_saves_draft(env, tmp_path: Path) -> None:
    settings, store, ids = env
    outbox = tmp_path / "outbox"
    app = make_app(env, tmp_path, demo_outbox=outbox)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReplyScreen) and screen.scenario == "scenario1"
        area = screen.query_one(TextArea)
        area.move_cursor(area.document.end)
        await pilot.press(*"draft words")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmSend)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert app.focused is area
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
    assert list(outbox.glob("*.eml")) == []
    with store.session() as s:
        reply = s.exec(select(Reply)).one()
        assert reply.state == "draft" and reply.scenario == "scenario1"
        assert reply.body.rstrip().endswith("draft words")
    assert message(store, ids[0]).status == "draft"


async def test_draft_is_restored_and_ctrl_t_switches_scenario(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReplyScreen) and screen.scenario == "scenario2"  # RF3 suggests 2
        scenario2_text = screen.text
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert screen.scenario == "accept"
        assert screen.text != scenario2_text
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert screen.scenario == "scenario1"
        area = screen.query_one(TextArea)
        area.move_cursor(area.document.end)
        await pilot.press(*"keep me")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        again = app.screen
        assert isinstance(again, ReplyScreen)
        assert again.scenario == "scenario1"
        assert again.text.rstrip().endswith("keep me")
        assert again.draft is not None and again.draft.from_draft


async def test_typing_in_the_editor_never_triggers_inbox_keys(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        area = screen.query_one(TextArea)
        area.move_cursor(area.document.end)
        await pilot.press(*"sqax?fr12/")
        await settle(app, pilot)
        assert app.screen is screen
        assert area.text.endswith("sqax?fr12/")
    assert message(store, ids[0]).status != "archived"


async def test_relay_request_copies_instead_of_sending(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    seed(store, [Req("Priya Raman", "priya@example.org", "Priya sent you a message",
                     "Priya: could we talk about your team?", 1,
                     via={"address": "messages-noreply@linkloop.example", "kind": "notification",
                          "site": "LinkLoop"})])
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "via LinkLoop" in static_text(app, "#detail-headers")
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        assert "can't be answered by mail" in static_text(app, "#reply-notice")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert app.clipboard == screen.text and app.clipboard.strip()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    store.close()


async def test_note_negative_experience_stores_contact(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"sent three sales pitches")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
        assert "noted mallory@pushy.example" in static_text(app, "#status")
    with store.session() as s:
        c = s.exec(select(Contact)).one()
        assert (c.address, c.experience, c.note) == ("mallory@pushy.example", "negative", "sent three sales pitches")
        ctx = store_context.build_context(s, settings, NOW)
        assert ctx.contacts["mallory@pushy.example"].experience == "negative"


async def test_note_escape_stores_nothing(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press(*"oops", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
    with store.session() as s:
        assert s.exec(select(Contact)).all() == []


async def test_help_lists_every_key_with_its_description(env, tmp_path: Path) -> None:
    from tui.screens.help import help_rows

    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        sections = dict(help_rows(app.screen.sections))
        assert list(sections) == ["Inbox", "Detail pane (after Enter)", "Reply editor", "Everywhere"]
        inbox = dict(sections["Inbox"])
        assert inbox["/"] == "Search"
        assert inbox["s"] == "Sync"
        assert inbox["j / ↓"] == "Next"
        assert dict(sections["Reply editor"])["ctrl+s"] == "Send after a confirmation (a relay request: copy the text)"
        assert dict(sections["Everywhere"])["ctrl+p"] == "Command palette"
        shown = "\n".join(" ".join(s.text for s in line)
                          for line in app.screen.query_one("#help-text").render_lines(
                              app.screen.query_one("#help-text").region.reset_offset))
        for internal_id in ("inbox.search", "list.next", "reply.send", "app.sync"):
            assert internal_id not in shown
        assert "Send after a confirmation (a relay request: copy the" in shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)


def test_every_binding_has_an_id_and_a_description() -> None:
    from textual.binding import Binding

    from tui.screens.help import HelpScreen
    from tui.screens.note import NoteDialog

    ids = []
    for cls in (GraceboxApp, InboxScreen, RequestList, ReplyScreen, ConfirmSend, NoteDialog, HelpScreen):
        for b in cls.BINDINGS:
            assert isinstance(b, Binding), (cls, b)
            assert b.id and b.description, (cls.__name__, b.key)
            ids.append(b.id)
    assert len(ids) == len(set(ids))


async def test_empty_store_shows_no_requests(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "o", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert rows(app).total == 0
        assert strip_text(rows(app), 0).startswith("No requests match.")
        assert static_text(app, "#detail-headers") == "Nothing selected."
        await pilot.press("r", "a", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, InboxScreen)
    store.close()


def test_seed_order_matches_requests(env) -> None:
    settings, store, ids = env
    with store.session() as s:
        got = [r.subject for r in listing.list_requests(s)]
    assert got == [r.subject for r in REQUESTS]


async def test_wide_and_bidi_text_is_cut_by_cells_and_made_visible(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    wide = "日本語の件名です" * 10
    seed(store, [Req("Eve \u202etxt.exe", "eve@example.org", wide, "body \u200b hidden", 1)])
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "o", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lst = rows(app)
        strip = lst.render_line(0)
        assert strip.cell_length == lst.scrollable_content_region.width
        line = str(strip.text)
        assert "Eve <U+202E>txt" in line
        assert "\u202e" not in line
        assert "日本語の件名です日本語" in line and "…" in line
        assert "<U+200B>" in static_text(app, "#detail-body")
    store.close()


async def test_enter_on_the_back_button_does_not_send(env, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    app = make_app(env, tmp_path, demo_outbox=outbox)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        editor = app.screen
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmSend)
        app.screen.query_one("#confirm-back").focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is editor
        assert app.last_send is None
    assert not outbox.exists() or list(outbox.iterdir()) == []


async def test_enter_focuses_the_detail_and_keys_scroll_it(env, tmp_path: Path) -> None:
    from tui.widgets.detail import DetailView

    app = make_app(env, tmp_path)
    async with app.run_test(size=(160, 16)) as pilot:
        await settle(app, pilot)
        detail = app.inbox.query_one(DetailView)
        assert detail.max_scroll_y > 2
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is detail
        assert detail.styles.border_left[0] == "thick"  # the visible focus mark (#detail:focus)
        await pilot.press("j", "j")
        await settle(app, pilot)
        assert detail.scroll_y == 2
        assert rows(app).cursor == 0  # the list did not move
        await pilot.press("k")
        await settle(app, pilot)
        assert detail.scroll_y == 1
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.focused, RequestList)
        assert detail.styles.border_left[0] in ("", "none")
        await pilot.press("enter", "tab")
        await settle(app, pilot)
        assert isinstance(app.focused, RequestList)


async def test_reply_editor_footer_has_no_inbox_keys(env, tmp_path: Path) -> None:
    app = make_app(env, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReplyScreen)
        shown = {b.description for _, b, enabled, _ in [
            (k, bi.binding, bi.enabled, bi.tooltip) for k, bi in app.screen.active_bindings.items()
        ] if b.show}
        assert "Send" in shown and "Sync" not in shown and "Help" not in shown
        from mailsync.mail.compose import reply_subject

        title = static_text(app, "#reply-title").splitlines()
        assert title[1] == reply_subject("Quick question about your team") == "Re: Quick question about your team"
        await pilot.press("s")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text.startswith("s")


def test_reflow_joins_paragraph_lines_only() -> None:
    from tui.widgets.detail import reflow

    text = ("Hi Ines,\n\nThanks for the talk. I wondered\nwhether you could\nhelp.\n\n"
            "> quoted line one\n> quoted two\n- item one\n  continued\n* item two\n2. third\n"
            "    code  block\nLast line\nwraps here\n--\nSam")
    assert reflow(text) == ("Hi Ines,\n\nThanks for the talk. I wondered whether you could help.\n\n"
                            "> quoted line one\n> quoted two\n- item one\n  continued\n* item two\n2. third\n"
                            "    code  block\nLast line wraps here\n--\nSam")


def test_send_status_helpers() -> None:
    from tui.text import short_name, wrap_path

    name = "gb.1795976513.ceacdd5b25f9cff788932392@northwind-lattice.example.eml"
    assert short_name(name) == "gb.1795976513.ceacd….eml"
    assert short_name("a.eml") == "a.eml"
    assert wrap_path("/root/.local/share/gracebox/demo-outbox/" + name).split("\n") == [
        "/root/.local/share/gracebox/demo-outbox/", "gb.1795976513.ceacdd5b25f9cff788932392@",
        "northwind-lattice.example.eml"]
