"""SVG snapshots of the TUI (pytest-textual-snapshot): fixed clock, fixed data, fixed terminal size.

Update the baselines on purpose with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and review
the SVGs in tests/__snapshots__/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailsync.store.engine import Store
from tests.tui.support import NOW, make_settings, seed, settle
from tui.app import GraceboxApp

TERMINAL = (140, 36)


def _app(tmp_path: Path) -> GraceboxApp:
    settings = make_settings(tmp_path)
    store = Store(settings.database_url())
    seed(store)
    return GraceboxApp(settings, store, demo_outbox=tmp_path / "outbox", clock=lambda: NOW)


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        app.inbox.search_debounce = 0
        await settle(app, pilot)
        for k in keys:
            await pilot.press(k)
            await settle(app, pilot)

    return run_before


def test_inbox_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=TERMINAL, run_before=_keys("j"))


def test_inbox_search_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=TERMINAL, run_before=_keys("slash", *"coffee"))


def test_reply_editor_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=TERMINAL, run_before=_keys("2"))


def test_confirm_dialog_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=TERMINAL, run_before=_keys("2", "ctrl+s"))
