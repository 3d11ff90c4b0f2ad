"""The Gracebox Textual App: bindings, workers, routing of messages.

All store and network work runs in thread workers (``@work(thread=True)``) that call ``tui.data`` /
``mailsync`` functions and post typed messages (``tui.messages``) back; handlers here route them to the
screens. ``run_app`` is the entry point the CLI uses (``gracebox`` and ``gracebox demo``).
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import RenderableType
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from mailsync.service import inbox as data
from mailsync.service.handles import Settings, Store
from mailsync.service.inbox import Query
from mailsync.types import Address

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
from .screens.corrections import CorrectionsDialog
from .screens.help import HelpScreen
from .screens.inbox import FILTER_CYCLE, InboxScreen
from .screens.introductions import ConfirmText, IntroMarked
from .screens.note import NoteDialog
from .screens.reply import ReplyScreen
from .widgets.detail import DetailView
from .widgets.meter import TopBar
from .widgets.request_list import RequestList


def _line(exc: BaseException) -> str:
    """One line for an exception (the GraceboxError messages are already one line, password-free)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def short_name(name: str, width: int = 24) -> str:
    """``name`` cut to at most ``width`` characters, keeping its start and its extension ("a1b2c3d4e5…@host.eml")."""
    if len(name) <= width:
        return name
    stem, dot, ext = name.rpartition(".")
    tail = dot + ext if dot and len(ext) <= 5 else ""
    keep = max(width - len(tail) - 1, 1)
    return name[:keep] + "…" + tail


def wrap_path(path: str, width: int = 44) -> str:
    """``path`` on lines of at most ``width`` characters, broken after a "/" (inside a longer file name
    after a "." or "@", a piece longer than ``width`` at ``width`` as a last resort): a toast then never
    splits a name at an arbitrary letter."""
    folder, slash, name = path.rpartition("/")
    if folder and name and len(path) > width:  # the file name starts on its own line
        return wrap_path(folder + slash, width) + "\n" + wrap_path(name, width)
    lines: list[str] = []
    cur = ""
    for part in re.findall(r"[^/.@]*[/.@]|[^/.@]+$", path):
        while len(part) > width:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(part[:width])
            part = part[width:]
        if len(cur) + len(part) > width and cur:
            lines.append(cur)
            cur = ""
        cur += part
    if cur:
        lines.append(cur)
    return "\n".join(lines)


class GraceboxApp(App[int]):
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
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.syncing = False
        #: True once ``exit`` was called (the app is shutting down).
        self.leaving = False
        self.last_send: SendFinished | None = None
        self.last_sync: SyncFinished | None = None
        self._write_lock = threading.Lock()
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
        not in a worker: a worker thread would start only after the first frame and share the GIL with
        the mounting, so the rows came ~0.1 s later. Any error leaves it to the worker, which reports it.
        The meter and sync workers wait for the first frame for the same reason (they also import the
        checker, whose rule tables take ~0.3 s of CPU to compile)."""
        try:
            first: data.Page | None = data.load_page(self.store, Query(), 0)
        except Exception:  # noqa: BLE001 - the worker path below shows the error
            first = None
        await self.push_screen(self.inbox)
        if data.search_is_indexed(self.store):
            self.inbox.search_debounce = 0.0  # an indexed search costs a few ms: query every keystroke
        self.inbox.set_query(Query(), first=first)
        if first is not None:
            self.call_after_refresh(self._after_first_page)
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        """After the first frame: the RF5/RF6 meter, and syncing now and every ``sync_interval`` minutes."""
        self.refresh_meter()
        if self.sync_enabled():
            self.action_sync()
            minutes = self.settings.ui.sync_interval
            if minutes > 0:
                self.set_interval(minutes * 60, self.action_sync)

    def sync_enabled(self) -> bool:
        """Syncing runs for a configured account, never in the demo."""
        return self.demo_outbox is None and self.settings.imap is not None

    def can_send(self) -> bool:
        """Sending works in the demo (to the outbox folder) or with ``[smtp]`` configured."""
        return self.demo_outbox is not None or self.settings.smtp is not None

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Note that the app is leaving (late worker results are then dropped), then ``App.exit``."""
        self.leaving = True
        super().exit(result, return_code, message)

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
        """``s``: start a sync in a worker (not in the demo, not while one runs)."""
        if not self.sync_enabled():
            self.inbox.set_status("Sync is off here (demo, or no [imap] in the config).")
            return
        if self.syncing:
            return
        self.syncing = True
        self.inbox.set_status("Syncing…")
        self._sync()

    # --- routing from widgets ---------------------------------------------------------------------
    def on_request_list_page_wanted(self, event: RequestList.PageWanted) -> None:
        """Load the page the list needs in a worker."""
        self._load_page(event.generation, event.query, event.offset, event.total)

    def on_request_list_highlighted(self, event: RequestList.Highlighted) -> None:
        """Load the highlighted request's detail in a worker."""
        if event.row is None:
            self.inbox.detail.show(None)
        else:
            self._load_detail(event.row.id)

    def open_reply(self, message_pk: int, scenario: str | None) -> None:
        """Open the reply editor on a request (``scenario`` None = suggested)."""
        self.push_screen(ReplyScreen(message_pk, scenario))

    def ask_note(self, message_pk: int, name: str | None, address: str) -> None:
        """Ask for a note, then store the sender as a negative contact and re-check (``x``)."""
        sender = f"{name} <{address}>" if name else address

        def done(note: str | None) -> None:
            if note is not None:
                self._note(message_pk, note)

        self.push_screen(NoteDialog(sender), done)

    def ask_corrections(self, message_pk: int, subject: str, flagged: set[str], corrections: dict[str, str]) -> None:
        """Open the ``c`` dialog; a toggled flag is stored and the request re-checked in a worker."""

        def done(choice: tuple[str, str | None] | None) -> None:
            if choice is not None:
                self._correct(message_pk, choice[0], choice[1])

        self.push_screen(CorrectionsDialog(subject, flagged, corrections), done)

    def toggle_accept(self, message_pk: int) -> None:
        """Toggle the "accepted: I'll take this one" mark (``y``) in a worker; the meter follows."""
        self._accept(message_pk)

    def intro_agreed(self, message_pk: int, name: str | None, address: str | None, intro: data.IntroView) -> None:
        """``i``: mark the introduction agreed in a worker, then confirm sending it to both (``on_intro_marked``)."""
        self._intro_mark(message_pk, intro, "agreed", f"{name} <{address}>" if name else (address or "the requester"))

    def intro_declined(self, message_pk: int, intro_id: int) -> None:
        """``I``: mark the introduction declined in a worker (nothing is sent)."""
        self._intro_mark(message_pk, data.IntroView(intro_id, "", "", "asked", False), "declined", "")

    def on_intro_marked(self, msg: IntroMarked) -> None:
        """After "agreed": ask before the introduction goes to both people; after "declined": refresh."""
        if msg.state != "agreed":
            self.reload(note=msg.note)
            return
        from rich.text import Text

        from .safe import safe_text

        q = Text("Send the introduction to both ")
        q.append_text(safe_text(f"{msg.requester} and {msg.referral}", single_line=True))
        q.append("? They agreed; this shares each one's address with the other.")

        def done(ok: bool | None) -> None:
            if ok:
                self._introduce(msg.intro_id)
            else:
                self.reload(note=f"{msg.note}; introduction not sent yet (i again to send it)")

        self.push_screen(ConfirmText(q), done)

    # --- routing from workers ---------------------------------------------------------------------
    def on_page_loaded(self, msg: PageLoaded) -> None:
        """Hand a loaded page to the list and refresh the status line."""
        if self._going_away():
            return
        self.inbox.request_list.apply_page(msg.generation, msg.page)
        self.inbox.set_status()
        self._after_first_page()

    def _after_first_page(self) -> None:
        """Once, when rows are first on screen: bring the search index up to date in a worker and (under
        run_app) freeze the start-up objects out of the garbage collector's scans."""
        if self._indexed_once:
            return
        self._indexed_once = True
        self.catch_up_search()
        if self.freeze_gc_after_start:
            gc.freeze()

    def on_detail_loaded(self, msg: DetailLoaded) -> None:
        """Show a loaded detail if its request is still the highlighted one."""
        if self._going_away():
            return
        cur = self.inbox.request_list.current
        if cur is not None and cur.id == msg.message_pk:
            self.inbox.detail.show(msg.detail)

    def _going_away(self) -> bool:
        """True while the app shuts down (widgets are being removed): a worker's late result is dropped
        (showing it raised NoMatches on quit)."""
        return self.leaving or not self.inbox.is_attached or not self.inbox.children

    def on_meter_loaded(self, msg: MeterLoaded) -> None:
        """Show the RF5/RF6 meter in the header."""
        if self._going_away():
            return
        self.inbox.query_one("#topbar", TopBar).set_meter(msg.text)

    def on_followups_loaded(self, msg: FollowupsLoaded) -> None:
        """Show (or hide) the one-line notice of follow-ups due after the break."""
        if self._going_away():
            return
        n = msg.count
        self.inbox.set_notice(f"{n} follow-up{'s' if n != 1 else ''} due since {msg.since} — press F to list"
                              if n else "")

    def _reply_screen(self, message_pk: int | None = None) -> ReplyScreen | None:
        for s in reversed(self.screen_stack):
            if isinstance(s, ReplyScreen) and (message_pk is None or s.message_pk == message_pk):
                return s
        return None

    def on_reply_prepared(self, msg: ReplyPrepared) -> None:
        """Load the prepared draft into its reply editor."""
        screen = self._reply_screen(msg.message_pk)
        if screen is not None:
            screen.apply_prepared(msg.draft)

    def on_reply_rendered(self, msg: ReplyRendered) -> None:
        """Put a re-rendered template into the open reply editor."""
        screen = self._reply_screen()
        if screen is not None:
            screen.apply_rendered(msg.scenario, msg.body, msg.error)

    def on_draft_saved(self, msg: DraftSaved) -> None:
        """Tell the open reply editor its draft was saved (or not)."""
        screen = self._reply_screen()
        if screen is not None:
            screen.draft_saved(msg.reply_id, msg.error)

    def on_store_changed(self, msg: StoreChanged) -> None:
        """Refresh the list, detail and meter after a change in the store."""
        self.reload(note=msg.note)

    def on_work_failed(self, msg: WorkFailed) -> None:
        """Show a worker's failure as a toast and on the status line."""
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

    def reload(self, note: str | None = None) -> None:
        """Refresh the list (keeping the cursor), the detail and the meter; ``note`` goes to the status."""
        self.inbox.set_query(self.inbox.query_, keep_cursor=True)
        if note is not None:
            self.inbox.set_status(note)
        self.refresh_meter()

    # --- workers ----------------------------------------------------------------------------------
    def refresh_meter(self) -> None:
        """Recompute the RF5/RF6 header meter in a worker."""
        self._meter()

    @work(thread=True, group="meter", exit_on_error=False)
    def _meter(self) -> None:
        try:
            self.post_message(MeterLoaded(data.meter_text(self.store, self.settings, self.clock())))
            n, since = data.followups_due(self.store, self.settings, self.clock())
            self.post_message(FollowupsLoaded(n, since.isoformat() if since else None))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("meter", _line(exc)))

    def catch_up_search(self) -> None:
        """Index the requests waiting for the search index in a worker (after the first page and each
        sync); a search is complete without it, only slower while many wait."""
        self._catch_up()

    @work(thread=True, group="search-index", exclusive=False, exit_on_error=False)
    def _catch_up(self) -> None:
        try:
            data.catch_up_search(self.store)
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("search index", _line(exc)))

    @work(thread=True, group="page", exit_on_error=False)
    def _load_page(self, generation: int, query: Query, offset: int, total: int | None = None) -> None:
        try:
            self.post_message(PageLoaded(generation, data.load_page(self.store, query, offset, total=total,
                                                                    settings=self.settings)))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("list", _line(exc)))

    @work(thread=True, group="detail", exclusive=True, exit_on_error=False)
    def _load_detail(self, message_pk: int) -> None:
        try:
            d = data.load_detail(self.store, self.settings, message_pk, self.clock())
            self.post_message(DetailLoaded(message_pk, d))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("detail", _line(exc)))

    @work(thread=True, group="reply", exit_on_error=False)
    def prepare_reply(self, message_pk: int, scenario: str | None) -> None:
        """Worker: load the draft or render the template for the editor (posts ReplyPrepared)."""
        try:
            d = data.prepare_reply(self.store, self.settings, message_pk, scenario, self.clock())
            self.post_message(ReplyPrepared(message_pk, d))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("reply", _line(exc)))

    @work(thread=True, group="reply", exit_on_error=False)
    def rerender(self, message_pk: int, scenario: str, hits: list) -> None:  # type: ignore[type-arg]
        """Worker: render ``scenario``'s template for the open editor (posts ReplyRendered)."""
        try:
            d = data.load_detail(self.store, self.settings, message_pk, self.clock())
            if d is None:
                return
            body, err = data.render(self.settings, d.message, scenario, hits, today=self.clock().date())
            self.post_message(ReplyRendered(scenario, body, err))
        except Exception as exc:  # noqa: BLE001
            self.post_message(ReplyRendered(scenario, "", _line(exc)))

    @work(thread=True, group="draft", exit_on_error=False)
    def save_draft(self, message_pk: int, scenario: str, body: str) -> None:
        """Worker: send.save_draft (posts DraftSaved)."""
        try:
            with self._write_lock:
                rid = data.save_draft(self.store, self.settings, message_pk, scenario, body)
            self.post_message(DraftSaved(rid))
        except Exception as exc:  # noqa: BLE001
            self.post_message(DraftSaved(None, _line(exc)))

    @work(thread=True, group="send", exit_on_error=False)
    def send_reply(self, message_pk: int, scenario: str, body: str, to: list[Address] | None) -> None:
        """Worker: queue the reply and flush only it (posts SendFinished)."""
        try:
            with self._write_lock:
                out = data.send_reply(self.store, self.settings, message_pk, scenario, body, to, self.demo_outbox)
            who = (to[0].name or to[0].address or "") if to else ""
            self.post_message(SendFinished(out.reply_id or 0, out.state, out.detail, who))
        except Exception as exc:  # noqa: BLE001
            self.post_message(SendFinished(0, "failed", _line(exc)))

    def archive(self, message_pk: int) -> None:
        """Toggle the archived state of a request (``a``)."""
        self._archive(message_pk)

    @work(thread=True, group="store", exit_on_error=False)
    def _archive(self, message_pk: int) -> None:
        try:
            with self._write_lock:
                archived = data.set_archived(self.store, message_pk)
            self.post_message(StoreChanged(message_pk, "archived" if archived else "moved back from the archive"))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("archive", _line(exc)))

    @work(thread=True, group="store", exit_on_error=False)
    def _note(self, message_pk: int, note: str) -> None:
        try:
            with self._write_lock:
                addr, n = data.note_negative(self.store, self.settings, message_pk, note, self.clock())
            self.post_message(StoreChanged(message_pk, f"noted {addr} as a bad experience; re-checked {n}"))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("note", _line(exc)))

    @work(thread=True, group="store", exit_on_error=False)
    def _correct(self, message_pk: int, code: str, action: str | None) -> None:
        try:
            with self._write_lock:
                note = data.set_correction(self.store, self.settings, message_pk, code, action, self.clock())
            self.post_message(StoreChanged(message_pk, note))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("correction", _line(exc)))

    @work(thread=True, group="store", exit_on_error=False)
    def _intro_mark(self, message_pk: int, intro: data.IntroView, state: str, requester: str) -> None:
        from mailsync.service import introductions as intro_data

        try:
            with self._write_lock:
                if not (state == "agreed" and intro.state == "agreed"):
                    intro_data.mark(self.store, intro.id, state)
            who = intro.referral_name or "the referral"
            self.post_message(IntroMarked(message_pk, intro.id, state, requester,
                                          f"{intro.referral_name} <{intro.referral_address}>",
                                          f"introduction: {who} {state}"))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("introduction", _line(exc)))

    @work(thread=True, group="send", exit_on_error=False)
    def _introduce(self, intro_id: int) -> None:
        from mailsync.service import introductions as intro_data

        try:
            with self._write_lock:
                out = intro_data.introduce(self.store, self.settings, intro_id, self.demo_outbox)
            self.post_message(SendFinished(out.reply_id or 0, out.state, out.detail))
        except Exception as exc:  # noqa: BLE001
            self.post_message(SendFinished(0, "failed", _line(exc)))

    @work(thread=True, group="store", exit_on_error=False)
    def _accept(self, message_pk: int) -> None:
        try:
            with self._write_lock:
                marked = data.toggle_accept(self.store, message_pk, self.clock())
            self.post_message(StoreChanged(message_pk, "accepted by you: you'll take this one" if marked
                                           else "accepted mark removed"))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("accepted mark", _line(exc)))

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        try:
            from mailsync.service.syncing import sync_now

            def progress(stage: str, done: int, total: int) -> None:
                self.post_message(SyncProgress(done, total, stage))

            rep = sync_now(self.settings, self.store, progress, self.clock())
            self.post_message(SyncFinished(rep.new, None, rep.locked, list(rep.warnings), rep.sent))
        except Exception as exc:  # noqa: BLE001 - every error becomes the status line
            self.post_message(SyncFinished(0, _line(exc)))


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
