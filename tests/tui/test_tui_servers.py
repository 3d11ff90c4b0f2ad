"""The TUI against the real test servers on 127.0.0.1: send through aiosmtpd (accepted and refused), and
sync from Dovecot on start and on ``s``, then reply with the copy in Sent and \\Answered on the original."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from textual.widgets import TextArea

from mailsync.store.engine import Store
from mailsync.store.models import Reply
from tests.servers.smtp import SmtpTestServer, free_port
from tests.tui.support import NOW, REQUESTS, make_settings, raw_mail, seed, settle, static_text
from tui.app import GraceboxApp
from tui.screens.confirm import ConfirmSend
from tui.screens.inbox import InboxScreen
from tui.screens.reply import ReplyScreen

SIZE = (160, 40)


async def _reply_with_scenario2(app: GraceboxApp, pilot, typed: str) -> None:
    await pilot.press("2")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ReplyScreen)
    area = screen.query_one(TextArea)
    area.move_cursor(area.document.end)
    await pilot.press(*typed)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmSend)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, InboxScreen)


async def test_send_goes_through_smtp(smtp: SmtpTestServer, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, smtp=smtp.smtp_config())
    store = Store(settings.database_url())
    seed(store)
    app = GraceboxApp(settings, store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _reply_with_scenario2(app, pilot, "Sent from the Pilot test.")
        assert app.last_send is not None and app.last_send.state == "sent"
        assert "Reply sent" in static_text(app, "#status")
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.rcpt_tos == ("sam@example.org",)
    assert got.mail_from == "alex@example.com"
    assert b"Sent from the Pilot test." in got.raw
    assert b"Subject: Re: Quick question about your team" in got.raw
    with store.session() as s:
        assert s.exec(select(Reply.state)).one() == "sent"
    store.close()


async def test_refused_send_shows_the_servers_words(smtp: SmtpTestServer, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, smtp=smtp.smtp_config())
    store = Store(settings.database_url())
    seed(store)
    smtp.inject(fail_data="554 5.7.1 Message refused by local policy", times=1)
    app = GraceboxApp(settings, store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _reply_with_scenario2(app, pilot, "x")
        assert app.last_send is not None and app.last_send.state == "failed"
        assert "refused by local policy" in (app.last_send.detail or "")
        status = static_text(app, "#status")
        assert "Reply failed" in status and "554" in status
    assert smtp.received == []
    store.close()


async def test_no_smtp_keeps_the_draft(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    seed(store)
    app = GraceboxApp(settings, store, clock=lambda: NOW)  # not demo, no [smtp], no [imap]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReplyScreen)
        await pilot.press(*"abc", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "No [smtp] in the config" in static_text(app, "#reply-notice")
    with store.session() as s:
        assert s.exec(select(Reply.state)).one() == "draft"
    store.close()


async def test_sync_error_shows_one_line(tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(tmp_path, imap={"host": "127.0.0.1", "port": port, "security": "plain",
                                             "username": "alex", "password": "not-shown-anywhere",
                                             "timeout": 5})
    store = Store(settings.database_url())
    app = GraceboxApp(settings, store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.last_sync is not None and app.last_sync.error
        status = static_text(app, "#status")
        assert "sync failed" in status and "not-shown-anywhere" not in status
        assert "\n" not in app.last_sync.error
    store.close()


async def test_sync_on_start_and_s_then_reply_lands_in_sent(imap_account, smtp: SmtpTestServer,
                                                           tmp_path: Path) -> None:
    imap_account.create_folder("Networking")
    imap_account.create_folder("Sent")
    imap_account.append("Networking", [raw_mail(REQUESTS[0], 0)])
    settings = make_settings(tmp_path, imap=imap_account.imap_config(), smtp=smtp.smtp_config())
    store = Store(settings.database_url())
    app = GraceboxApp(settings, store, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, rounds=6)
        assert app.last_sync is not None and app.last_sync.error is None
        assert app.last_sync.new == 1
        assert app.inbox.request_list.total == 1
        assert "1 new" in static_text(app, "#status")
        imap_account.append("Networking", [raw_mail(REQUESTS[2], 2)])
        await pilot.press("s")
        await settle(app, pilot, rounds=6)
        assert app.last_sync.new == 1
        assert app.inbox.request_list.total == 2
        cur = app.inbox.request_list.current  # newest first: Sam Lee's request (2 h old) stays on top
        assert cur is not None and cur.from_address == "sam@example.org"
        await _reply_with_scenario2(app, pilot, "Round trip.")
        assert app.last_send is not None and app.last_send.state == "sent", app.last_send
    assert len(smtp.received) == 1 and b"Round trip." in smtp.received[0].raw
    sent_uids = imap_account.uids("Sent")
    assert len(sent_uids) == 1
    assert b"Round trip." in imap_account.fetch_raw("Sent", sent_uids[0])
    orig = [u for u in imap_account.uids("Networking")
            if b"seed-0@tests.example" in imap_account.fetch_raw("Networking", u)]
    assert len(orig) == 1
    assert "\\Answered" in imap_account.flags("Networking", orig[0])
    store.close()
