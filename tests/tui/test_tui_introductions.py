"""The TUI's introduction flow (README "Keys": ctrl+r, i, I) driven by Pilot on the real demo data: ctrl+r in the reply
editor of an RF7 request lists the matching referral, the confirmation names them, and Enter writes the
consent request to the demo outbox - addressed to the referral only, without the requester's details."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select
from textual.widgets import OptionList

from mailsync.service.demo import prepare_demo
from mailsync.store.models import Introduction, Message
from tests.tui.support import settle, static_text
from tui.app import GraceboxApp
from tui.screens.inbox import InboxScreen
from tui.screens.introductions import ConfirmText, ReferralPicker
from tui.screens.reply import ReplyScreen

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


async def test_ctrl_r_asks_the_referral_and_writes_the_consent_eml(tmp_path: Path) -> None:
    demo = prepare_demo(tmp_path / "db", NOW, outbox_dir=tmp_path / "outbox")
    with demo.store.session() as s:
        sofia = s.exec(select(Message).where(Message.from_name == "Sofia Marin")).one()
    assert "RF7" in sofia.flag_codes
    app = GraceboxApp(demo.settings, demo.store, demo_outbox=demo.outbox_dir, clock=lambda: NOW)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(app, pilot)
            app.open_reply(sofia.id or 0, "scenario1")
            await settle(app, pilot)
            assert isinstance(app.screen, ReplyScreen)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            picker = app.screen
            assert isinstance(picker, ReferralPicker)
            assert [r.name for r in picker.referrals] == ["Ruth Abernathy"]
            picker.query_one(OptionList).highlighted = 0
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmText)
            assert static_text(app, "#confirm-intro-text") == (
                "Ask Ruth Abernathy (ruth@ledgerwise.example) whether they're open to an introduction? "
                "The requester's details are not shared yet.")
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ReplyScreen)
            assert "Consent request sent" in static_text(app, "#reply-status")
            consent_files = list(demo.outbox_dir.glob("*.eml"))

            # back in the inbox: the detail shows the introduction; i = agreed -> confirm -> to both
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, InboxScreen)
            rl = app.inbox.request_list
            index = next(i for i in range(rl.total or 0) if (row := rl.row_at(i)) and row.id == sofia.id)
            rl.move_to(index)
            await settle(app, pilot)
            assert "Ruth Abernathy <ruth@ledgerwise.example> · asked" in static_text(app, "#detail-headers")
            await pilot.press("i")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmText)
            question = static_text(app, "#confirm-intro-text")
            assert question.startswith("Send the introduction to both Sofia Marin <")
            assert "Ruth Abernathy <ruth@ledgerwise.example>?" in question
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.last_send is not None and app.last_send.state == "sent"
            assert "· introduced" in static_text(app, "#detail-headers")
        intro_files = [f for f in demo.outbox_dir.glob("*.eml") if f not in consent_files]
        assert len(intro_files) == 1
        both = email.message_from_bytes(intro_files[0].read_bytes(), policy=email.policy.default)
        assert "ruth@ledgerwise.example" in both["To"] and (sofia.from_address or "-") in both["To"]
        files = consent_files
        assert len(files) == 1
        raw = files[0].read_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["To"] == "Ruth Abernathy <ruth@ledgerwise.example>"
        assert msg["Subject"].startswith("Introduction? ")
        assert "open to an introduction" in msg.get_content()
        text = raw.decode("utf-8", "replace") + msg.get_content()
        assert sofia.from_address and sofia.from_address not in text
        assert "Sofia" not in text and "Marin" not in text
        with demo.store.session() as s:
            intro = s.exec(select(Introduction)).one()
        assert (intro.request_identity, intro.referral_address, intro.state) == (
            sofia.identity, "ruth@ledgerwise.example", "introduced")
    finally:
        demo.store.close()


async def test_shift_i_declines_and_nothing_is_sent(tmp_path: Path) -> None:
    from mailsync import checker
    from mailsync.mail.parse import parse
    from mailsync.outbox import introductions
    from mailsync.store.context import build_context

    demo = prepare_demo(tmp_path / "db", NOW, outbox_dir=tmp_path / "outbox")
    with demo.store.session() as s:
        tariq = s.exec(select(Message).where(Message.from_name == "Tariq Hassan")).one()
        hits = checker.check(parse(tariq.raw), build_context(s, demo.settings, NOW))
        [kofi] = introductions.suggest_referrals(demo.settings, hits)
        introductions.ask_consent(s, demo.settings, tariq, kofi, hits)
    app = GraceboxApp(demo.settings, demo.store, demo_outbox=demo.outbox_dir, clock=lambda: NOW)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(app, pilot)
            rl = app.inbox.request_list
            rl.move_to(next(i for i in range(rl.total or 0) if (row := rl.row_at(i)) and row.id == tariq.id))
            await settle(app, pilot)
            assert "Kofi Mensah <kofi@platformcraft.example> · asked" in static_text(app, "#detail-headers")
            await pilot.press("I")
            await settle(app, pilot)
            assert isinstance(app.screen, InboxScreen)
            assert "Kofi Mensah <kofi@platformcraft.example> · declined" in static_text(app, "#detail-headers")
            await pilot.press("i")  # nothing open any more: no confirmation, nothing sent
            await settle(app, pilot)
            assert isinstance(app.screen, InboxScreen)
        assert list(demo.outbox_dir.glob("*.eml")) == []  # the consent request was only queued here
        with demo.store.session() as s:
            assert s.exec(select(Introduction)).one().state == "declined"
    finally:
        demo.store.close()
