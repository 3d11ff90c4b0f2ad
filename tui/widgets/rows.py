"""How one request row of the list is painted: badges, sender, subject, age and status in fixed columns,
built straight into Line-API strips (``RowPainter``, a base of ``RequestList``)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mailsync.service.handles import RequestRow, truncate_cells

from ..safe import display_safe, one_line
from .badges import badge_text

BADGE_W = 12
SENDER_W = 22
AGE_W = 4
STATUS_W = 8
#: Pages kept in memory; the ones farthest from the cursor are dropped first.
MAX_PAGES = 40


_NULL = Style()


def _cells(s: str, width: int) -> str:
    """``one_line(s, width).plain``: untrusted ``s`` made safe, cut to ``width`` cells, padded to it."""
    t = truncate_cells(display_safe(s, single_line=True), width)
    return t + " " * max(width - cell_len(t), 0)


def age_text(when: datetime | None, now: datetime) -> str:
    """Short age of ``when`` at ``now``: "now", "42m", "5h", "3d", "6w", "2y" ("" for None)."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    secs = (now - when).total_seconds()
    if secs < 60:
        return "now"
    for unit, size in (("m", 60), ("h", 3600), ("d", 86400), ("w", 7 * 86400), ("y", 365 * 86400)):
        nxt = {"m": 3600, "h": 86400, "d": 7 * 86400, "w": 365 * 86400, "y": float("inf")}[unit]
        if secs < nxt:
            return f"{int(secs // size)}{unit}"
    return ""


class RowPainter(ScrollView):
    """Paints request rows; keeps the badge pieces per set of flag codes (``_badges``)."""

    _badges: dict[tuple[str, ...], list[tuple[str, Style | None]]]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def row_text(self, row: RequestRow, width: int, now: datetime) -> Text:
        """One row as Text, exactly ``width`` cells: badges, sender, subject, age, status."""
        subject_w = max(width - BADGE_W - SENDER_W - AGE_W - STATUS_W - 4, 0)
        sender = row.from_name or row.from_address or "(unknown sender)"
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(badge_text(row.flag_codes, self._style, width=BADGE_W))
        line.append(" ")
        who = one_line(sender, SENDER_W)
        subj = one_line(row.subject or "(no subject)", subject_w)
        if row.status == "new":
            who.stylize(self._style("request-list--new"))
            subj.stylize(self._style("request-list--new"))
        elif row.status == "archived":
            who.stylize(self._style("request-list--archived"))
            subj.stylize(self._style("request-list--archived"))
        line.append_text(who)
        line.append(" ")
        line.append_text(subj)
        line.append(" ")
        line.append(age_text(row.date, now).rjust(AGE_W), style=self._style("request-list--dim"))
        line.append(" ")
        line.append(row.status[:STATUS_W].ljust(STATUS_W), style=self._style("request-list--status"))
        line.truncate(width, pad=True)
        return line

    def notify_style_update(self) -> None:
        """Styles changed (theme, CSS): drop the cached badge pieces."""
        super().notify_style_update()
        self._badges.clear()

    def _badge_pieces(self, codes: tuple[str, ...]) -> list[tuple[str, Style | None]]:
        """``badge_text(codes, width=BADGE_W)`` as (text, style) pieces, cached per set of codes."""
        pieces = self._badges.get(codes)
        if pieces is None:
            text = badge_text(codes, self._style, width=BADGE_W)
            plain = text.plain
            pieces = []
            at = 0
            for span in sorted(text.spans, key=lambda sp: sp.start):
                if span.start > at:
                    pieces.append((plain[at:span.start], None))
                pieces.append((plain[span.start:span.end], span.style if isinstance(span.style, Style) else None))
                at = span.end
            if at < len(plain):
                pieces.append((plain[at:], None))
            self._badges[codes] = pieces
        return pieces

    def row_strip(self, row: RequestRow, width: int, now: datetime) -> Strip:
        """One row as a Strip of exactly ``width`` cells: the segments ``row_text`` renders to, built
        directly (a list repaint renders ~40 rows; going through rich ``Text`` cost 4x as much). Falls
        back to ``row_text`` for widths too narrow for every column."""
        subject_w = width - BADGE_W - SENDER_W - AGE_W - STATUS_W - 4
        age = age_text(row.date, now).rjust(AGE_W)
        if subject_w < 0 or len(age) > AGE_W:
            text = self.row_text(row, width, now)
            return Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, None)
        sender = row.from_name or row.from_address or "(unknown sender)"
        marked = (self._style("request-list--new") if row.status == "new"
                  else self._style("request-list--archived") if row.status == "archived" else None)
        pieces = [*self._badge_pieces(row.flag_codes), (" ", None),
                  (_cells(sender, SENDER_W), marked), (" ", None),
                  (_cells(row.subject or "(no subject)", subject_w), marked), (" ", None),
                  (age, self._style("request-list--dim")), (" ", None),
                  (row.status[:STATUS_W].ljust(STATUS_W), self._style("request-list--status"))]
        segments: list[Segment] = []
        plain = ""
        for piece, style in pieces:  # like rich: unstyled stretches join, each styled piece stays apart
            if not piece:
                continue
            if style is None:
                plain += piece
                continue
            if plain:
                segments.append(Segment(plain, _NULL))
                plain = ""
            segments.append(Segment(piece, style))
        if plain:
            segments.append(Segment(plain, _NULL))
        return Strip(segments, width)
