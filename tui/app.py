"""The Gracebox Textual App: bindings, the screens' requests, the jobs.

Screens post requests up (``requests.py``); the App answers each by opening a dialog or starting a job
(``jobs.JobRunner``: a thread worker that calls ``mailsync.service`` and posts typed results back,
``messages.py``), and shows the results (``results.ResultHandlers``). ``run_app`` is the entry point the
CLI uses (``gracebox`` and ``gracebox demo``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from rich.console import RenderableType
from textual.app import SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from mailsync.service import actions, replies
from mailsync.service import inbox as data
from mailsync.service.handles import Settings, Store
from mailsync.service.inbox import Query

from . import requests as rq
from .intro_flow import IntroFlow
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
)
from .screens.corrections import CorrectionsDialog
from .screens.help import HelpScreen
from .screens.inbox import FILTER_CYCLE, InboxScreen
from .screens.note import NoteDialog
from .screens.reply import ReplyScreen
from .widgets.detail import DetailView
from .widgets.request_list import RequestList


class GraceboxApp(IntroFlow):
    """The inbox TUI on ``store`` with ``settings``.

    ``demo_outbox``: when set (``gracebox demo``), sending writes ``<message-id>.eml`` files there and no
    sync runs. ``clock`` returns the aware UTC "now" used for ages and the RF5/RF6 meter (tests fix it).
    """

    CSS_PATH = "gracebox.tcss"
    TITLE = "Gracebox"
    BINDINGS = [
        # shown in the inbox footer by InboxScreen's own "s" / "?" bindings; the reply editor's TextArea
        # types these letters, so its footer must not list them
        Binding("s", "sync", "Sync", id="app.sync", show=False),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help", show=False),
        Binding("q", "quit", "Quit", id="app.quit", show=False),
    ]

    def __init__(self, settings: Settings, store: Store, *, demo_outbox: Path | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.demo_outbox = demo_outbox
        self.clock = clock or (lambda: datetime.now(UTC))
        self.syncing = False
        #: True once ``exit`` was called (the app is shutting down).
        self.leaving = False
        self.last_send = None
        self.last_sync = None
        self.jobs = JobRunner(self)
        self._indexed_once = False
        #: run_app sets this: once the first page is on screen, the objects of the start (widgets, styles)
        #: are frozen out of the garbage collector's scans too (see ``freeze_gc``).
        self.freeze_gc_after_start = False
        who = settings.my_email() or ""
        self.inbox = InboxScreen(self.clock, "Gracebox" + (" · DEMO" if demo_outbox else "")
                                 + (f" · {who}" if who else ""))

    # --- lifecycle --------------------------------------------------------------------------------
    async def on_mount(self) -> None:
        """Show the inbox with its first page; after the first frame, load the meter and start syncing
        (not in the demo).

        The first page (one indexed query, ~10 ms at 100,000 requests) is the one store read done here,
        not in a job: a worker thread would start only after the first frame and share the GIL with the
        mounting, so the rows came ~0.1 s later. Any error leaves it to the job, which reports it. The
        meter and sync jobs wait for the first frame for the same reason (they also import the checker,
        whose rule tables take ~0.3 s of CPU to compile)."""
        try:
            first: data.Page | None = data.load_page(self.store, Query(), 0)
        except Exception:  # noqa: BLE001 - the job path below shows the error
            first = None
        await self.push_screen(self.inbox)
        if data.search_is_indexed(self.store):
            self.inbox.search_debounce = 0.0  # an indexed search costs a few ms: query every keystroke
        self.inbox.set_query(Query(), first=first)
        if first is not None:
            self.call_after_refresh(self.after_first_page)
        self.call_after_refresh(self._start_background)

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Note that the app is leaving (late job results are then dropped), then ``App.exit``."""
        self.leaving = True
        super().exit(result, return_code, message)

    def _start_background(self) -> None:
        """After the first frame: the RF5/RF6 meter, and syncing now and every ``sync_interval`` minutes."""
        self.refresh_meter()
        if self.sync_enabled():
            self.action_sync()
            minutes = self.settings.ui.sync_interval
            if minutes > 0:
                self.set_interval(minutes * 60, self.action_sync)

    def after_first_page(self) -> None:
        """Once, when rows are first on screen: bring the search index up to date in a job and (under
        run_app) freeze the start-up objects out of the garbage collector's scans."""
        if self._indexed_once:
            return
        self._indexed_once = True
        self.catch_up_search()
        if self.freeze_gc_after_start:
            gc.freeze()

    def sync_enabled(self) -> bool:
        """Syncing runs for a configured account, never in the demo."""
        return self.demo_outbox is None and self.settings.imap is not None

    def can_send(self) -> bool:
        """Sending works in the demo (to the outbox folder) or with ``[smtp]`` configured."""
        return self.demo_outbox is not None or self.settings.smtp is not None

    # --- commands ---------------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p): Textual's commands plus sync, help and the filters."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Sync now", "Fetch new requests and flush the outbox", self.action_sync)
        yield SystemCommand("Help", "Show every key", self.action_help)
        for name in FILTER_CYCLE:
            yield SystemCommand(f"Filter: {name}", f"Show {name} requests",
                                lambda n=name: self.inbox.set_filter(n))

    def action_help(self) -> None:
        """``?``: show every key with its description, grouped by screen."""
        self.push_screen(HelpScreen([
            ("Inbox", [*InboxScreen.BINDINGS, *RequestList.BINDINGS]),
            ("Detail pane (after Enter)", DetailView.BINDINGS),
            ("Reply editor", ReplyScreen.BINDINGS),
            ("Everywhere", [Binding("ctrl+p", "command_palette", "Command palette", id="app.palette"),
                            Binding("q", "quit", "Quit (in the inbox)", id="app.quit")]),
        ]))

    def action_sync(self) -> None:
        """``s``: start a sync in a job (not in the demo, not while one runs)."""
        if not self.sync_enabled():
            self.inbox.set_status("Sync is off here (demo, or no [imap] in the config).")
            return
        if self.syncing:
            return
        self.syncing = True
        self.inbox.set_status("Syncing…")

        def job() -> Iterator[Message]:
            from mailsync.service.syncing import sync_now

            def progress(stage: str, done: int, total: int) -> None:
                self.post_message(SyncProgress(done, total, stage))

            rep = sync_now(self.settings, self.store, progress, self.clock())
            yield SyncFinished(rep.new, None, rep.locked, list(rep.warnings), rep.sent)

        self.jobs.start("sync", job, group="sync", on_error=lambda line: SyncFinished(0, line))

    # --- requests from the widgets and screens ------------------------------------------------------
    def on_request_list_page_wanted(self, event: RequestList.PageWanted) -> None:
        """Load the page the list needs."""
        self.jobs.start("list", lambda: [PageLoaded(event.generation, data.load_page(
            self.store, event.query, event.offset, total=event.total, settings=self.settings))], group="page")

    def on_request_list_highlighted(self, event: RequestList.Highlighted) -> None:
        """Load the highlighted request's detail."""
        if event.row is None:
            self.inbox.detail.show(None)
            return
        pk = event.row.id
        self.jobs.start("detail", lambda: [DetailLoaded(pk, data.load_detail(self.store, self.settings, pk,
                                                                             self.clock()))],
                        group="detail", exclusive=True)

    def open_reply(self, message_pk: int, scenario: str | None) -> None:
        """Open the reply editor on a request (``scenario`` None = suggested)."""
        self.push_screen(ReplyScreen(message_pk, scenario, can_send=self.can_send()))

    def on_open_reply(self, msg: rq.OpenReply) -> None:
        """``r`` / ``1`` / ``2`` in the inbox."""
        self.open_reply(msg.message_pk, msg.scenario)

    def on_toggle_archive(self, msg: rq.ToggleArchive) -> None:
        """``a``: archive the request (again: move it back)."""
        def job() -> list[Message]:
            archived = actions.set_archived(self.store, msg.message_pk)
            return [StoreChanged(msg.message_pk, "archived" if archived else "moved back from the archive")]

        self.jobs.start("archive", job, group="store", writes=True)

    def on_note_sender(self, msg: rq.NoteSender) -> None:
        """``x``: ask for a note, then store the sender as a negative contact and re-check."""
        sender = f"{msg.name} <{msg.address}>" if msg.name else msg.address

        def done(note: str | None) -> None:
            if note is None:
                return

            def job() -> list[Message]:
                addr, n = actions.note_negative(self.store, self.settings, msg.message_pk, note, self.clock())
                return [StoreChanged(msg.message_pk, f"noted {addr} as a bad experience; re-checked {n}")]

            self.jobs.start("note", job, group="store", writes=True)

        self.push_screen(NoteDialog(sender), done)

    def on_correct_flags(self, msg: rq.CorrectFlags) -> None:
        """``c``: the corrections dialog; a toggled flag is stored and the request re-checked."""
        def done(choice: tuple[str, str | None] | None) -> None:
            if choice is None:
                return
            code, action = choice

            def job() -> list[Message]:
                note = actions.set_correction(self.store, self.settings, msg.message_pk, code, action, self.clock())
                return [StoreChanged(msg.message_pk, note)]

            self.jobs.start("correction", job, group="store", writes=True)

        self.push_screen(CorrectionsDialog(msg.subject, msg.flagged, msg.corrections), done)

    def on_toggle_accept(self, msg: rq.ToggleAccept) -> None:
        """``y``: toggle the "accepted: I'll take this one" mark; the meter follows."""
        def job() -> list[Message]:
            marked = actions.toggle_accept(self.store, msg.message_pk, self.clock())
            return [StoreChanged(msg.message_pk, "accepted by you: you'll take this one" if marked
                                 else "accepted mark removed")]

        self.jobs.start("accepted mark", job, group="store", writes=True)

    def on_prepare_reply(self, msg: rq.PrepareReply) -> None:
        """The reply editor opened: its draft, or the template rendered (posts ReplyPrepared)."""
        self.jobs.start("reply", lambda: [ReplyPrepared(msg.message_pk, replies.prepare_reply(
            self.store, self.settings, msg.message_pk, msg.scenario, self.clock()))], group="reply")

    def on_rerender_reply(self, msg: rq.RerenderReply) -> None:
        """The editor switched scenario: render that template (posts ReplyRendered)."""
        def job() -> list[Message]:
            body, err = replies.rerender(self.store, self.settings, msg.message_pk, msg.scenario, msg.hits,
                                         today=self.clock().date())
            return [ReplyRendered(msg.scenario, body, err)]

        self.jobs.start("reply", job, group="reply", on_error=lambda line: ReplyRendered(msg.scenario, "", line))

    def on_save_draft(self, msg: rq.SaveDraft) -> None:
        """Save the editor's draft (posts DraftSaved)."""
        self.jobs.start("draft", lambda: [DraftSaved(replies.save_draft(
            self.store, self.settings, msg.message_pk, msg.scenario, msg.body))], group="draft", writes=True,
                        on_error=lambda line: DraftSaved(None, line))

    def on_send_reply(self, msg: rq.SendReply) -> None:
        """Queue the reply and flush only it (posts SendFinished)."""
        def job() -> list[Message]:
            out = replies.send_reply(self.store, self.settings, msg.message_pk, msg.scenario, msg.body, msg.to,
                                     self.demo_outbox)
            who = (msg.to[0].name or msg.to[0].address or "") if msg.to else ""
            return [SendFinished(out.reply_id or 0, out.state, out.detail, who)]

        self.jobs.start("send", job, group="send", writes=True, on_error=lambda line: SendFinished(0, "failed", line))

    # --- store-wide refreshes ---------------------------------------------------------------------
    def reload(self, note: str | None = None) -> None:
        """Refresh the list (keeping the cursor), the detail and the meter; ``note`` goes to the status."""
        self.inbox.set_query(self.inbox.query_, keep_cursor=True)
        if note is not None:
            self.inbox.set_status(note)
        self.refresh_meter()

    def refresh_meter(self) -> None:
        """Recompute the RF5/RF6 header meter and the follow-ups notice."""
        def job() -> Iterator[Message]:
            yield MeterLoaded(data.meter_text(self.store, self.settings, self.clock()))
            n, since = data.followups_due(self.store, self.settings, self.clock())
            yield FollowupsLoaded(n, since.isoformat() if since else None)

        self.jobs.start("meter", job, group="meter")

    def catch_up_search(self) -> None:
        """Index the requests waiting for the search index (after the first page and each sync); a search
        is complete without it, only slower while many wait."""
        def job() -> list[Message]:
            data.catch_up_search(self.store)
            return []

        self.jobs.start("search index", job, group="search-index")


def freeze_gc() -> None:
    """Move every object alive now (modules, compiled rules, the ORM metadata) out of the garbage
    collector's reach (``gc.freeze``; no collection first: that cost ~30 ms of start-up): the full
    collections that run while keys are pressed then scan only what the app made since, ~15 ms instead
    of ~50 ms, a pause a key would otherwise wait for. For a process that runs one app (``run_app``), not
    for test runs that start many."""
    gc.freeze()


def run_app(settings: Settings, store: Store, *, demo_outbox: Path | None = None,
            clock: Callable[[], datetime] | None = None) -> int:
    """Run the TUI until the user quits; returns the exit status (0)."""
    freeze_gc()
    app = GraceboxApp(settings, store, demo_outbox=demo_outbox, clock=clock)
    app.freeze_gc_after_start = True
    app.run()
    return app.return_code or 0
