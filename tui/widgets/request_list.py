"""The virtual request list: a Line-API ``ScrollView`` that renders only the visible rows.

Rows come from a page cache (``service.inbox.PAGE_SIZE`` rows per page) filled by the App's jobs: when a
visible row's page is missing the list posts ``PageWanted``; the App answers with ``apply_page``. No widget per
row and no SQL here, so 100,000 requests cost the same as 100.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from mailsync.service.handles import RequestRow
from mailsync.service.inbox import PAGE_SIZE, Page, Query

from .badges import CODES, component_class
from .rows import MAX_PAGES, RowPainter


class RequestList(RowPainter, can_focus=True):
    """The inbox list: badges, sender, subject, age and status per row; ``cursor`` is the highlighted index."""

    COMPONENT_CLASSES = {
        "request-list--cursor",
        "request-list--cursor-blur",
        "request-list--new",
        "request-list--archived",
        "request-list--dim",
        "request-list--status",
        *(component_class(c) for c in CODES),
    }

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next", id="list.next", show=False),
        Binding("k,up", "cursor_up", "Previous", id="list.previous", show=False),
        Binding("pagedown,space", "page_down", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="list.page_up", show=False),
        Binding("home,g", "first", "First request", id="list.first", show=False),
        Binding("end,G", "last", "Last request", id="list.last", show=False),
        Binding("enter", "select", "Read", tooltip="Move to the detail to read it", id="list.select",
                show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    @dataclass
    class PageWanted(Message):
        """The list needs rows ``offset..offset+PAGE_SIZE`` of ``query`` for list generation ``generation``.

        ``total`` is the matching count when the list already knows it for this generation (the loader
        then skips the count query), else None."""

        generation: int
        query: Query
        offset: int
        total: int | None = None

    @dataclass
    class Highlighted(Message):
        """The cursor rests on ``row`` (None: the list is empty)."""

        row: RequestRow | None

    @dataclass
    class Selected(Message):
        """Enter was pressed on ``row``."""

        row: RequestRow

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.query_ = Query()
        self.generation = 0
        self.total = 0
        self.loaded = False
        self._pages: dict[int, tuple[RequestRow, ...]] = {}
        self._pending: set[int] = set()
        self._fresh = True  # next page of the current generation replaces the cache
        self._keep_cursor = False
        #: A request id to put the cursor on when the new list's first page arrives (``reset(select_id=)``).
        self._select_id: int | None = None
        self._announced: int | None = -1
        self._announce_pending = False
        self._pass: tuple[Style, int, datetime] | None = None
        self._badges: dict[tuple[str, ...], list[tuple[str, Style | None]]] = {}

    # --- data in ----------------------------------------------------------------------------------
    def reset(self, query: Query, *, keep_cursor: bool = False, first: Page | None = None,
              select_id: int | None = None) -> None:
        """Show ``query`` (a new filter/search, or a refresh with ``keep_cursor``); posts PageWanted, unless
        ``first`` (page 0 of ``query``, already loaded) is given: it is shown at once. ``select_id``: keep
        that request highlighted if it is on the new list's first page (else the cursor goes to the top)."""
        self.query_ = query
        self._select_id = select_id
        self.generation += 1
        self._pending = set()
        self._fresh = True
        self._keep_cursor = keep_cursor
        if first is not None and not keep_cursor and first.offset == 0 and first.query == query:
            self.apply_page(self.generation, first)
            return
        page = (self.cursor // PAGE_SIZE) if keep_cursor else 0
        self._want_page(page)

    def apply_page(self, generation: int, page: Page) -> None:
        """Store a page from the App's worker; pages of an older generation are ignored."""
        if generation != self.generation:
            return
        number = page.offset // PAGE_SIZE
        self._pending.discard(number)
        if self._fresh:
            self._pages = {}
            self._fresh = False
            self._announced = -1
            if not self._keep_cursor:
                at = next((i for i, r in enumerate(page.rows) if r.id == self._select_id), None)
                self.set_reactive(RequestList.cursor, page.offset + at if at is not None else 0)
                self.scroll_to(y=0, animate=False, immediate=True)
            self._select_id = None
        self._pages[number] = page.rows
        self.total = page.total
        self.loaded = True
        self.virtual_size = Size(self.size.width, self.total)
        if self.cursor >= self.total:
            self.set_reactive(RequestList.cursor, max(self.total - 1, 0))
        self._evict()
        self.refresh()
        self._scroll_cursor_visible()
        # the new rows are painted first; the highlighted request's detail is asked for after that
        # paint, so the frame that shows a new filter or search carries only the list
        self.call_after_refresh(self._announce)

    def row_at(self, index: int) -> RequestRow | None:
        """The row at list index ``index`` if its page is loaded, else None."""
        rows = self._pages.get(index // PAGE_SIZE)
        if rows is None:
            return None
        i = index % PAGE_SIZE
        return rows[i] if i < len(rows) else None

    @property
    def current(self) -> RequestRow | None:
        """The highlighted row, or None (empty list or its page not loaded yet)."""
        return self.row_at(self.cursor) if self.total else None

    def _emit(self, message: Message) -> None:
        """Post ``message`` to the screen (it bubbles on to the App). Posting to the screen rather than
        bubbling from here matters: a message created while the screen's own timer runs has the screen as
        sender, and Textual stops bubbling at the sender."""
        self.screen.post_message(message)

    def _want_page(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        known = None if self._fresh else self.total
        self._emit(self.PageWanted(self.generation, self.query_, number * PAGE_SIZE, known))

    def _evict(self) -> None:
        if len(self._pages) <= MAX_PAGES:
            return
        here = self.cursor // PAGE_SIZE
        for n in sorted(self._pages, key=lambda p: -abs(p - here))[: len(self._pages) - MAX_PAGES]:
            del self._pages[n]

    def _announce(self, force: bool = False) -> None:
        if not self.total:
            if self._announced is not None or force:
                self._announced = None
                self._emit(self.Highlighted(None))
            return
        row = self.current
        if row is None:
            self._announce_pending = True
            self._want_page(self.cursor // PAGE_SIZE)
            return
        self._announce_pending = False
        if force or row.id != self._announced:
            self._announced = row.id
            self._emit(self.Highlighted(row))

    # --- cursor -----------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor visible, redraw (only the two rows that changed when the list did not scroll),
        and announce the highlighted row."""
        top = round(self.scroll_y)
        self._scroll_cursor_visible()
        if round(self.scroll_y) == top:
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self._announce()

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on ``index`` (clamped to the list)."""
        if self.total:
            self.cursor = max(0, min(index, self.total - 1))

    def action_cursor_down(self) -> None:
        """Next request."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous request."""
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        """One screen down."""
        self.move_to(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        """One screen up."""
        self.move_to(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        """First request."""
        self.move_to(0)

    def action_last(self) -> None:
        """Last request (loads only the last page)."""
        self.move_to(self.total - 1)

    def action_select(self) -> None:
        """Enter: post Selected for the highlighted row."""
        row = self.current
        if row is not None:
            self._emit(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        """Click: highlight the clicked row."""
        self.move_to(round(self.scroll_y) + event.y)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size and the cursor in view."""
        self.virtual_size = Size(event.size.width, self.total)
        self._scroll_cursor_visible()

    def on_focus(self) -> None:
        """Redraw the cursor in its focused colour."""
        self.refresh()

    def on_blur(self) -> None:
        """Redraw the cursor in its unfocused colour."""
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render the dirty lines in ``crop``; the widget's base style, the width and the clock are looked up
        once per pass (``rich_style`` walks every ancestor: ~0.3 ms, as much as rendering the row)."""
        self._pass = (self.rich_style, self.scrollable_content_region.width, self._clock())
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        """Render list line ``y`` (Line API): the row from the page cache, or a placeholder while its page loads."""
        base, width, now = self._pass or (self.rich_style, self.scrollable_content_region.width, self._clock())
        index = round(self.scroll_y) + y
        if index >= self.total:
            if y == 0 and self.loaded and not self.total:
                text = Text("No requests match.", style=self._style("request-list--dim"))
                strip = Strip(list(text.render(self.app.console)), text.cell_len)
                return strip.crop_extend(0, width, None).apply_style(base)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._want_page(index // PAGE_SIZE)
            text = Text("…", style=self._style("request-list--dim"))
            strip = Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, None)
        else:
            strip = self.row_strip(row, width, now)
        if index == self.cursor:
            name = "request-list--cursor" if self.has_focus else "request-list--cursor-blur"
            strip = strip.apply_style(self._style(name))
        return strip.apply_style(base)
