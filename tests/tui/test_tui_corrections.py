"""Corrections (``c``), the accepted mark (``y``) and follow-ups after a break (``F``, ``gracebox followups``):
Pilot on a seeded SQLite store, the real checker and sync re-check paths (README "Keys": c, y, F)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import OptionList

from mailsync import cli
from mailsync.outbox import followups
from mailsync.store import actions, ingest
from mailsync.store.engine import Store
from mailsync.store.models import Correction, Decision, FlagHitRow
from tests.tui.support import NOW, hit, make_settings, seed, settle, static_text
from tui.app import GraceboxApp
from tui.screens.corrections import CODES, CorrectionsDialog
from tui.screens.inbox import InboxScreen
from tui.widgets.detail import FlagCard

SIZE = (160, 40)
SAM = "<seed-0@tests.example>"
BREAK_END = date(2026, 11, 17)  # three days before NOW


def _profile(**extra: Any) -> dict[str, Any]:
    return {"expertise": ["leadership communication"], "monthly_capacity": 4, "weekly_limit": 2, **extra}


@pytest.fixture
def env(tmp_path: Path):
    # The model's RF7 judgment is off here ([checker] weights 0) so that the re-checks find exactly the flags
    # these tests expect: they are about corrections, not about judgments (tests/unit/test_checker.py).
    settings = make_settings(tmp_path, checker={"weights": {"out-of-depth": 0.0}})
    store = Store(settings.database_url())
    ids = seed(store)
    yield settings, store, ids
    store.close()


def stored_codes(store: Store, pk: int) -> set[str]:
    with store.session() as s:
        return {r.code for r in s.exec(select(FlagHitRow).where(FlagHitRow.message_pk == pk)).all()}


async def toggle(app: GraceboxApp, pilot: Any, code: str) -> None:
    await pilot.press("c")
    await settle(app, pilot)
    assert isinstance(app.screen, CorrectionsDialog)
    app.screen.query_one(OptionList).highlighted = CODES.index(code)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, InboxScreen)


async def test_dismiss_survives_recheck_and_can_be_undone(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        opts = app.screen.query_one(OptionList)
        labels = [str(opts.get_option_at_index(i).prompt) for i in range(opts.option_count)]
        assert labels[2].startswith("RF3 premature-ask") and "flagged" in labels[2] and "dismiss" in labels[2]
        assert "not flagged" in labels[0] and "(Enter: add)" in labels[0]
        await pilot.press("escape")
        await settle(app, pilot)
        await toggle(app, pilot, "RF3")
        assert "RF3 dismissed by you" in static_text(app, "#status")
        assert "RF3" not in stored_codes(store, ids[0])
        assert [c.code for c in app.screen.query(FlagCard)] == []
        assert "RF3 dismissed by you (c to undo)" in static_text(app, "#detail-headers")
        with store.session() as s:
            assert [(c.code, c.action) for c in s.exec(select(Correction)).all()] == [("RF3", "dismiss")]
        # the sync re-check path (apply_checks) with the checker finding RF3 again keeps it dismissed
        with store.session() as s:
            ingest.apply_checks(s, [ingest.CheckResult(ids[0], SAM, [hit("RF3", "favour-from-stranger", 3.0, "x")])])
        assert "RF3" not in stored_codes(store, ids[0])
        with store.session() as s:
            actions.recheck_one(s, settings, ids[0], NOW)
        assert "RF3" not in stored_codes(store, ids[0])
        # undo: the dialog shows it dismissed by you; Enter clears the correction
        await pilot.press("c")
        await settle(app, pilot)
        assert "dismissed by you" in str(app.screen.query_one(OptionList).get_option_at_index(2).prompt)
        await pilot.press("escape")
        await settle(app, pilot)
        await toggle(app, pilot, "RF3")
        assert "your correction of RF3 cleared" in static_text(app, "#status")
        with store.session() as s:
            assert s.exec(select(Correction)).all() == []
        assert "dismissed by you" not in static_text(app, "#detail-headers")


async def test_added_flag_shows_corrected_by_you(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await toggle(app, pilot, "RF7")
        assert "RF7" in stored_codes(store, ids[0])
        cards = {c.code: str(c.render()) for c in app.screen.query(FlagCard)}
        assert "RF7" in cards and "corrected by you" in cards["RF7"] and "added by you" in cards["RF7"]
        assert "corrected by you" not in cards.get("RF3", "")
    with store.session() as s:  # a later re-check keeps the added flag
        hits = actions.recheck_one(s, settings, ids[0], NOW)
    assert [h.rule for h in hits if h.code == "RF7"] == ["corrected-by-you"]


def test_sync_recheck_keeps_corrections(tmp_path: Path, imap_account: Any) -> None:
    from mailsync.store.models import Message
    from mailsync.sync import run as sync
    from tests import mailgen
    from tests.integration.test_sync import REQ, settings_for

    store = Store(f"sqlite:///{tmp_path}/db.sqlite")
    try:
        imap_account.append(REQ, mailgen.series(2))
        sync.run_sync(settings_for(tmp_path, imap_account), store=store, flush=False)
        with store.session() as s:
            m = s.exec(select(Message).order_by(Message.id)).first()
            assert m is not None and m.id is not None
            pk, ident = m.id, m.identity
            actions.set_correction(s, ident, "RF1", "add")
            actions.set_correction(s, ident, "RF3", "dismiss")
            ingest.apply_check(s, m, [hit("RF3", "favour-from-stranger", 3.0, "x")])
        # a context change makes the next sync re-check every stored request
        profile = {"contacts": [{"address": "person9@example.org", "name": "P9", "experience": "positive"}]}
        report = sync.run_sync(settings_for(tmp_path, imap_account, profile=profile), store=store, flush=False)
        assert report.rechecked == 2
        codes = stored_codes(store, pk)
        assert "RF1" in codes and "RF3" not in codes
        with store.session() as s:
            m2 = s.get(Message, pk)
            assert m2 is not None and "RF1" in m2.flag_codes.split() and "RF3" not in m2.flag_codes.split()
    finally:
        store.close()


async def test_accepted_mark_updates_meter_and_detail(env, tmp_path: Path) -> None:
    settings, store, ids = env
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        meter = app.screen.query_one("#meter")
        assert meter.content.plain == "accepted 0 of 4 this month · 0 of 2 this week"
        await pilot.press("y")
        await settle(app, pilot)
        assert meter.content.plain == "accepted 1 of 4 this month · 1 of 2 this week"
        assert "accepted by you" in static_text(app, "#detail-headers")
        with store.session() as s:
            d = s.exec(select(Decision)).one()
            assert (d.request_identity, d.kind, d.source) == (SAM, "accept", "mark")
        await pilot.press("y")
        await settle(app, pilot)
        assert meter.content.plain == "accepted 0 of 4 this month · 0 of 2 this week"
        assert "accepted by you" not in static_text(app, "#detail-headers")
        assert "accepted mark removed" in static_text(app, "#status")
    with store.session() as s:
        assert s.exec(select(Decision)).all() == []


def _decide(store: Store) -> None:
    with store.session() as s:
        actions.record_decision(s, SAM, "scenario1", when=NOW - timedelta(days=5))          # a follow-up
        actions.record_decision(s, "<seed-2@tests.example>", "scenario1", when=NOW - timedelta(days=6))
        actions.record_decision(s, "<seed-2@tests.example>", "accept", when=NOW - timedelta(days=4))  # decided since
        actions.record_decision(s, "<seed-3@tests.example>", "scenario1", when=NOW - timedelta(days=1))  # after


async def test_followups_notice_and_filter(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, profile=_profile(on_break_until=BREAK_END))
    store = Store(settings.database_url())
    ids = seed(store)
    _decide(store)
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert static_text(app, "#notice") == "1 follow-up due since 2026-11-18 — press F to list"
            assert app.screen.query_one("#notice").display
            await pilot.press("F")
            await settle(app, pilot)
            lst = app.inbox.request_list
            assert lst.total == 1 and lst.current is not None and lst.current.id == ids[0]
            assert "filter: followups" in static_text(app, "#status")
            await pilot.press("f")  # the f cycle goes on from "all"
            await settle(app, pilot)
            assert lst.total == 5
    finally:
        store.close()


async def test_no_notice_while_on_break(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, profile=_profile(on_break_until=NOW.date()))
    store = Store(settings.database_url())
    seed(store)
    _decide(store)
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert not app.screen.query_one("#notice").display
        with store.session() as s:  # listed already, due after the break
            assert [f.identity for f in followups.followups(s, NOW.date())] == [SAM, "<seed-3@tests.example>"]
    finally:
        store.close()


def test_followups_cli_on_a_fixed_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "f.db"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[identity]\nemail = "alex@example.com"\n\n[profile]\non_break_until = {BREAK_END}\n\n'
                   f'[storage]\ndatabase_url = "sqlite:///{db}"\n', encoding="utf-8")
    store = Store(f"sqlite:///{db}")
    ids = seed(store)
    _decide(store)
    store.close()
    args = cli._parser().parse_args(["--config", str(cfg), "followups"])
    assert cli.cmd_followups(args, now=NOW) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 follow-up due since 2026-11-18:"
    assert out[1].split() == [str(ids[0]), "Sam", "Lee", "Quick", "question", "about", "your", "team",
                              "due", "2026-11-18"]
    assert cli.cmd_followups(args, now=NOW - timedelta(days=10)) == 0
    assert capsys.readouterr().out.splitlines()[0] == "1 follow-up due 2026-11-18, after your break:"
    cfg.write_text(f'[identity]\nemail = "alex@example.com"\n\n[storage]\ndatabase_url = "sqlite:///{db}"\n',
                   encoding="utf-8")
    assert cli.main(["--config", str(cfg), "followups"]) == 0
    assert capsys.readouterr().out.strip() == "no break set ([profile] on_break_until): no follow-ups"


async def test_help_lists_the_new_keys(env, tmp_path: Path) -> None:
    from textual.binding import Binding

    from tui.screens.help import HelpScreen

    for b in CorrectionsDialog.BINDINGS:
        assert isinstance(b, Binding) and b.id and b.description
    settings, store, _ = env
    app = GraceboxApp(settings, store, demo_outbox=tmp_path / "out", clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        from tui.screens.help import help_rows

        inbox = dict(dict(help_rows(app.screen.sections))["Inbox"])
        assert inbox["c"] == "Correct the red flags: dismiss a wrong one, add a missing one"
        assert inbox["y"] == "Accepted: I'll take this one (again: remove the mark)"
        assert inbox["F"] == "List the follow-ups due after your break"
