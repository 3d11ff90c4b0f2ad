"""The inbox screen: request list beside the detail, search box, status line, footer.

Keys here act on the highlighted request: the screen posts a request (``tui.requests``) up to the App,
which runs the job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from mailsync.service.inbox import FOLLOWUPS, Page, Query

from .. import requests as rq
from ..widgets.detail import DetailView
from ..widgets.meter import TopBar
from ..widgets.request_list import RequestList
from ..widgets.rows import AGE_W, BADGE_W, SENDER_W, STATUS_W

if TYPE_CHECKING:
    from mailsync.service.inbox import Detail, IntroView

#: The order ``f`` cycles through (README "Keys").
FILTER_CYCLE = ("all", "new", "flagged", "clean", "replied")


class InboxScreen(Screen[None]):
    """Request list + detail. ``query`` is the list's filter and search text."""

    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="inbox.search"),
        Binding("f", "cycle_filter", "Filter", id="inbox.filter"),
        Binding("r", "reply", "Reply", tooltip="Reply with the suggested scenario", id="inbox.reply"),
        Binding("1", "reply('scenario1')", "Scenario 1", id="inbox.scenario1"),
        Binding("2", "reply('scenario2')", "Scenario 2", id="inbox.scenario2"),
        Binding("a", "archive", "Archive", id="inbox.archive"),
        Binding("x", "note", "Bad exp.", tooltip="Note a negative experience with the sender", id="inbox.note"),
        Binding("c", "corrections", "Correct", tooltip="Correct the red flags: dismiss a wrong one, add a missing one",
                id="inbox.corrections", show=False),
        Binding("y", "accept_mark", "Accepted", tooltip="Accepted: I'll take this one (again: remove the mark)",
                id="inbox.accept", show=False),
        Binding("i", "intro_agreed", "Intro agreed", tooltip="The referral agreed: confirm, then introduce both",
                id="inbox.intro_agreed", show=False),
        Binding("I", "intro_declined", "Intro declined", tooltip="The referral declined: nothing is shared",
                id="inbox.intro_declined", show=False),
        Binding("F", "followups", "Follow-ups", tooltip="List the follow-ups due after your break",
                id="inbox.followups", show=False),
        Binding("escape", "back", "Back to the list / clear search", id="inbox.back", show=False),
        Binding("s", "app.sync", "Sync", id="inbox.sync"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="inbox.help"),
    ]

    #: Seconds the search box waits after a key before narrowing the list (0 = at once).
    search_debounce: float = 0.15

    def __init__(self, clock: Callable[[], datetime], title: str) -> None:
        super().__init__()
        self._clock = clock
        self._title = title
        self.query_ = Query()
        self._search_timer: Timer | None = None
        self._status_note = ""

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TopBar(self._title, id="topbar")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Input(placeholder="search sender, subject, body (Enter: list, Escape: clear)", id="search")
                yield Static(self._columns(), id="list-header")
                yield RequestList(self._clock, id="requests")
            yield DetailView(self._clock, id="detail")
        yield Static(Text(""), id="notice")
        yield Static(Text(""), id="status")
        yield Footer()

    @staticmethod
    def _columns() -> Text:
        return Text(
            "flags".ljust(BADGE_W) + " " + "from".ljust(SENDER_W) + " " + "subject", no_wrap=True
        )

    @property
    def request_list(self) -> RequestList:
        """The virtual request list."""
        return self.query_one(RequestList)

    @property
    def detail(self) -> DetailView:
        """The detail view."""
        return self.query_one(DetailView)

    def on_mount(self) -> None:
        """Set up once mounted."""
        self.query_one("#search", Input).display = False
        self.query_one("#notice", Static).display = False
        self.request_list.focus()

    def set_notice(self, text: str) -> None:
        """Show a one-line notice above the status line (e.g. follow-ups due); "" hides it."""
        box = self.query_one("#notice", Static)
        box.update(Text(text))
        box.display = bool(text)

    # --- status -----------------------------------------------------------------------------------
    def set_status(self, note: str | None = None) -> None:
        """Refresh the status line: count, filter, search, and the last ``note`` (e.g. "3 new")."""
        if note is not None:
            self._status_note = note
        lst = self.request_list
        parts = [f"{lst.total} request{'s' if lst.total != 1 else ''}", f"filter: {self.query_.filter}"]
        line = Text(" · ".join(parts))
        if self.query_.search:
            line.append(" · search: ")
            line.append(self.query_.search)
        if self._status_note:
            line.append(" · ")
            line.append(self._status_note)
        self.query_one("#status", Static).update(line, layout=False)  # one fixed line: no relayout

    def set_query(self, query: Query, *, keep_cursor: bool = False, first: Page | None = None,
                  select_id: int | None = None) -> None:
        """Show ``query`` in the list (posts a PageWanted the App answers; ``first``: its page 0, loaded
        already, shown at once; ``select_id``: the request to keep highlighted if it is in the new list)."""
        self.query_ = query
        self.request_list.reset(query, keep_cursor=keep_cursor, first=first, select_id=select_id)
        self.set_status()

    # --- search -----------------------------------------------------------------------------------
    def action_search(self) -> None:
        """``/``: show and focus the search box."""
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Narrow the list as the search text changes (debounced by ``search_debounce`` seconds)."""
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if self.search_debounce <= 0:
            self._apply_search()
        else:
            self._search_timer = self.set_timer(self.search_debounce, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        text = self.query_one("#search", Input).value.strip()
        if text != self.query_.search:
            self.set_query(Query(self.query_.filter, text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box: back to the list with the first match highlighted."""
        if event.input.id != "search":
            return
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        before = self.query_.search
        self._apply_search()
        if self.query_.search == before:
            self.request_list.move_to(0)
        if not self.query_.search:
            event.input.display = False
        self.request_list.focus()

    def action_back(self) -> None:
        """Escape: hide and clear the search box (if shown) and focus the list."""
        box = self.query_one("#search", Input)
        if box.display:
            if self._search_timer is not None:
                self._search_timer.stop()
                self._search_timer = None
            box.value = ""
            box.display = False
            if self.query_.search:
                cur = self.request_list.current  # stays highlighted in the full list (by id)
                self.set_query(Query(self.query_.filter, ""), select_id=cur.id if cur is not None else None)
        self.request_list.focus()

    # --- list / detail ----------------------------------------------------------------------------
    def on_request_list_selected(self, event: RequestList.Selected) -> None:
        """Enter on a row: focus the detail to read it."""
        self.detail.focus()

    def action_cycle_filter(self) -> None:
        """``f``: next filter (all, new, flagged, clean, replied)."""
        i = FILTER_CYCLE.index(self.query_.filter) if self.query_.filter in FILTER_CYCLE else -1
        self.set_query(Query(FILTER_CYCLE[(i + 1) % len(FILTER_CYCLE)], self.query_.search))

    def set_filter(self, name: str) -> None:
        """Show the list with filter ``name`` (one of inbox.FILTERS)."""
        self.set_query(Query(name, self.query_.search))

    def _current(self) -> int | None:
        row = self.request_list.current
        if row is None:
            self.notify("No request selected.", severity="warning")
            return None
        return row.id

    def action_reply(self, scenario: str | None = None) -> None:
        """``r`` / ``1`` / ``2``: open the reply editor with the suggested scenario or the one given."""
        pk = self._current()
        if pk is not None:
            self.post_message(rq.OpenReply(pk, scenario))

    def action_archive(self) -> None:
        """``a``: archive the highlighted request (again: move it back)."""
        pk = self._current()
        if pk is not None:
            self.post_message(rq.ToggleArchive(pk))

    def action_note(self) -> None:
        """``x``: note a negative experience with the sender (RF4), then re-check their requests."""
        row = self.request_list.current
        if row is None:
            self.notify("No request selected.", severity="warning")
            return
        if not row.from_address:
            self.notify("This request has no sender address to note.", severity="warning")
            return
        self.post_message(rq.NoteSender(row.id, row.from_name, row.from_address))

    def action_corrections(self) -> None:
        """``c``: correct the red flags of the highlighted request (README "Keys": c)."""
        pk = self._current()
        if pk is None:
            return
        d = self.detail.detail
        if d is None or d.message.id != pk:
            self.notify("The request is still loading; try again.", severity="warning")
            return
        flagged = {h.code for h in d.hits if h.rule != "corrected-by-you"} | {h.code for h in d.capacity}
        self.post_message(rq.CorrectFlags(pk, d.message.subject, flagged, dict(d.corrections)))

    def action_accept_mark(self) -> None:
        """``y``: mark the highlighted request "accepted: I'll take this one" (again: remove the mark)."""
        pk = self._current()
        if pk is not None:
            self.post_message(rq.ToggleAccept(pk))

    def _open_intro(self, states: tuple[str, ...]) -> tuple[Detail, IntroView] | None:
        pk = self._current()
        if pk is None:
            return None
        d = self.detail.detail
        if d is None or d.message.id != pk:
            self.notify("The request is still loading; try again.", severity="warning")
            return None
        found = [iv for iv in d.introductions if iv.state in states]
        if not found:
            self.notify("No open introduction on this request (ctrl+r in the reply editor asks a referral).",
                        severity="warning")
            return None
        found.sort(key=lambda iv: (not iv.reply_seen, iv.id))
        return d, found[0]

    def action_intro_agreed(self) -> None:
        """``i``: the referral agreed: mark it and confirm sending the introduction to both (README "Keys")."""
        got = self._open_intro(("asked", "agreed"))
        if got is not None:
            d, iv = got
            self.post_message(rq.IntroAgreed(d.message.id, d.message.from_name, d.message.from_address, iv))

    def action_intro_declined(self) -> None:
        """``I``: the referral declined: mark it; the requester's details are never sent."""
        got = self._open_intro(("asked", "agreed"))
        if got is not None:
            self.post_message(rq.IntroDeclined(got[0].message.id, got[1].id))

    def action_followups(self) -> None:
        """``F``: list the follow-ups due after the break (the "followups" filter)."""
        self.set_filter(FOLLOWUPS)


__all__ = ["AGE_W", "FILTER_CYCLE", "InboxScreen", "STATUS_W"]
