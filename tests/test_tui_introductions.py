"""The TUI's introduction flow (issue 3 item 7) driven by Pilot on the real demo data: ctrl+r in the reply
editor of an RF7 request lists the matching referral, the confirmation names them, and Enter writes the
consent request to the demo outbox - addressed to the referral only, without the requester's details."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select
from textual.widgets import OptionList

from mailsync.demo import prepare_demo
from mailsync.models import Introduction, Message
from tests.test_tui_support import settle, static_text
from tui.app import GraceboxApp
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
        files = list(demo.outbox_dir.glob("*.eml"))
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
            sofia.identity, "ruth@ledgerwise.example", "asked")
    finally:
        demo.store.close()
