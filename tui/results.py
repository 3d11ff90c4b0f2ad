"""How the App shows what its jobs posted back (``messages.py``): pages, details, the meter, replies, sync
and send results. A mixin of ``GraceboxApp``; it reads the App's screens and never touches the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App

from mailsync.service.handles import Settings, Store

from .jobs import JobRunner
from .messages import (
    DetailLoaded,
    DraftSaved,
    FollowupsLoaded,
    MeterLoaded,
    PageLoaded,
    ReplyPrepared,
    ReplyRendered,
    SendFinished,
    StoreChanged,
    SyncFinished,
    SyncProgress,
    WorkFailed,
)
from .screens.inbox import InboxScreen
from .screens.reply import ReplyScreen
from .text import short_name, wrap_path
from .widgets.meter import TopBar


class ResultHandlers(App[int]):
    """The App's handlers for job results (``GraceboxApp`` provides the attributes declared here)."""

    inbox: InboxScreen
    settings: Settings
    store: Store
    jobs: JobRunner
    demo_outbox: Path | None
    clock: Callable[[], datetime]
    syncing: bool
    leaving: bool
    last_send: SendFinished | None
    last_sync: SyncFinished | None

    def reload(self, note: str | None = None) -> None:
        """Refresh the list (keeping the cursor), the detail and the meter; ``note`` goes to the status."""
        raise NotImplementedError

    def catch_up_search(self) -> None:
        """Bring the search index up to date (a job)."""
        raise NotImplementedError

    def after_first_page(self) -> None:
        """Once rows are on screen (see ``GraceboxApp.after_first_page``)."""
        raise NotImplementedError

    def going_away(self) -> bool:
        """True while the app shuts down (widgets are being removed): a job's late result is dropped
        (showing it raised NoMatches on quit)."""
        return self.leaving or not self.inbox.is_attached or not self.inbox.children

    def on_page_loaded(self, msg: PageLoaded) -> None:
        """Hand a loaded page to the list and refresh the status line."""
        if self.going_away():
            return
        self.inbox.request_list.apply_page(msg.generation, msg.page)
        self.inbox.set_status()
        self.after_first_page()

    def on_detail_loaded(self, msg: DetailLoaded) -> None:
        """Show a loaded detail if its request is still the highlighted one."""
        if self.going_away():
            return
        cur = self.inbox.request_list.current
        if cur is not None and cur.id == msg.message_pk:
            self.inbox.detail.show(msg.detail)

    def on_meter_loaded(self, msg: MeterLoaded) -> None:
        """Show the RF5/RF6 meter in the header."""
        if self.going_away():
            return
        self.inbox.query_one("#topbar", TopBar).set_meter(msg.text)

    def on_followups_loaded(self, msg: FollowupsLoaded) -> None:
        """Show (or hide) the one-line notice of follow-ups due after the break."""
        if self.going_away():
            return
        n = msg.count
        self.inbox.set_notice(f"{n} follow-up{'s' if n != 1 else ''} due since {msg.since} — press F to list"
                              if n else "")

    def reply_screen(self, message_pk: int | None = None) -> ReplyScreen | None:
        """The open reply editor (on request ``message_pk`` when given), or None."""
        for s in reversed(self.screen_stack):
            if isinstance(s, ReplyScreen) and (message_pk is None or s.message_pk == message_pk):
                return s
        return None

    def on_reply_prepared(self, msg: ReplyPrepared) -> None:
        """Load the prepared draft into its reply editor."""
        screen = self.reply_screen(msg.message_pk)
        if screen is not None:
            screen.apply_prepared(msg.draft)

    def on_reply_rendered(self, msg: ReplyRendered) -> None:
        """Put a re-rendered template into the open reply editor."""
        screen = self.reply_screen()
        if screen is not None:
            screen.apply_rendered(msg.scenario, msg.body, msg.error)

    def on_draft_saved(self, msg: DraftSaved) -> None:
        """Tell the open reply editor its draft was saved (or not)."""
        screen = self.reply_screen()
        if screen is not None:
            screen.draft_saved(msg.reply_id, msg.error)

    def on_store_changed(self, msg: StoreChanged) -> None:
        """Refresh the list, detail and meter after a change in the store."""
        self.reload(note=msg.note)

    def on_work_failed(self, msg: WorkFailed) -> None:
        """Show a job's failure as a toast and on the status line."""
        self.notify(f"{msg.what}: {msg.error}", severity="error", markup=False)
        self.inbox.set_status(f"{msg.what} failed: {msg.error}")

    def on_sync_progress(self, msg: SyncProgress) -> None:
        """Show sync progress on the status line."""
        stage = f"{msg.stage} " if msg.stage else ""
        self.inbox.set_status(f"Syncing {stage}{msg.done}/{msg.total}…")

    def on_sync_finished(self, msg: SyncFinished) -> None:
        """Refresh after a sync; show "N new" or the error line."""
        self.syncing = False
        self.last_sync = msg
        if not msg.error and not msg.locked:
            self.catch_up_search()
        if msg.error:
            note = f"sync failed: {msg.error}"
            self.notify(msg.error, title="Sync failed", severity="error", markup=False)
        elif msg.locked:
            note = "another sync is running"
        else:
            note = f"{msg.new} new"
            if msg.sent:
                note += f" · {msg.sent} sent"
            for w in msg.warnings[:3]:
                self.notify(w, title="Sync", severity="warning", markup=False)
        self.reload(note=note)

    def on_send_finished(self, msg: SendFinished) -> None:
        """Show the send result (toast + status; a failure shows the server's words) and refresh.

        The status line stays short ("Reply sent to Hana Kovacs"; demo: "Reply written to
        demo-outbox/<short file name>"); the toast carries the full path, broken only at "/"."""
        self.last_send = msg
        detail = msg.detail or ""
        if msg.state == "sent":
            path = Path(detail) if detail and self.demo_outbox is not None and detail.endswith(".eml") else None
            if path is not None:
                text = f"Reply written to {path.parent.name}/{short_name(path.name)}"
                self.notify("Written to\n" + wrap_path(str(path)), title="Reply sent", markup=False)
            else:
                text = f"Reply sent to {msg.to}" if msg.to else "Reply sent."
                self.notify(text + (f"\n{detail}" if detail else ""), title="Sent", markup=False)
        elif msg.state == "failed":
            text = f"Reply failed: {detail or 'no reason given'}"
            self.notify(text, title="Not sent", severity="error", markup=False, timeout=15)
        elif msg.state == "unknown":
            text = f"Delivery unknown: {detail or 'the connection was lost after the message went out'}"
            self.notify(text, title="Unknown", severity="warning", markup=False, timeout=15)
        else:
            text = f"Reply {msg.state}{': ' + detail if detail else ''}"
            self.notify(text, markup=False)
        self.reload(note=text)
