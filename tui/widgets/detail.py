"""The request detail: headers, one card per red flag (evidence, points, the article's reasoning), body.

Every mail string is shown through ``safe_text`` as plain ``Text``. Data arrives as ``service.inbox.Detail``
(plain dataclasses) from the App's jobs; this widget never touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from mailsync.service.inbox import BODY_LIMIT, Detail
from mailsync.types import FlagHit

from ..safe import name_hides_address, safe_text
from .badges import component_class
from .rows import age_text

#: How each suggestion reads in the detail view.
SCENARIO_LABELS = {
    "scenario1": 'Scenario 1 "not now, but here is help"',
    "scenario2": 'Scenario 2 "no, period"',
    "accept": "accept",
}


def reasoning_for(code: str) -> str | None:
    """The article's reasoning for ``code`` (``service.inbox.reasoning_for``; the checker was loaded by the
    worker that brought the detail)."""
    from mailsync.service.inbox import reasoning_for as reasoning

    return reasoning(code)


_LIST_ITEM = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s")


def _keeps_own_line(line: str) -> bool:
    """A line that is shown as it is: quoted (``>``), a list item, indented/preformatted, or a signature
    separator."""
    return (line.startswith((">", " ", "\t")) or bool(_LIST_ITEM.match(line)) or line.rstrip() == "--"
            or "  " in line.strip() and "|" in line)


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph into one line for display, so the pane wraps them once.

    Blank lines, quoted ``>`` lines, list items (``-``, ``*``, ``1.``), indented (preformatted) lines and
    the ``--`` signature separator keep their own lines; a list item's wrapped continuation stays on its
    own line too. Display only: the stored body is never changed. ``str`` in, ``str`` out."""
    out: list[str] = []
    joinable = False  # whether the last output line is prose that the next prose line continues
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            out.append("")
            joinable = False
        elif _keeps_own_line(line):
            out.append(line)
            joinable = False
        elif joinable:
            out[-1] = out[-1] + " " + line.strip()
        else:
            out.append(line)
            joinable = True
    return "\n".join(out)


def _addr_text(name: str | None, address: str | None) -> Text:
    if name and address:
        return safe_text(f"{name} <{address}>", single_line=True)
    return safe_text(name or address or "(unknown)", single_line=True)


class FlagCard(Widget):
    """One red flag on a request: its code and slug, summed points, each rule's points, description and
    evidence, and the article's reasoning. ``computed`` marks RF5/RF6 hits computed at the clock's time."""

    COMPONENT_CLASSES = {"flag-card--title", "flag-card--rule", "flag-card--evidence", "flag-card--reason"}

    def __init__(self, code: str, hits: list[FlagHit], *, computed: bool = False) -> None:
        super().__init__(classes=f"flag-card {code.lower()}")
        self.code = code
        self.hits = hits
        self.computed = computed

    def set_card(self, code: str, hits: list[FlagHit], *, computed: bool = False) -> None:
        """Show another flag in this card (the detail view reuses mounted cards: mounting new widgets on
        every cursor move cost more than the rest of the detail together)."""
        if code != self.code:
            self.set_classes(f"flag-card {code.lower()}")
        self.code = code
        self.hits = hits
        self.computed = computed
        self.refresh(layout=True)

    def render(self) -> Text:
        """The card as Text (title, rules with points, evidence, the article's reasoning)."""
        st = self.get_component_rich_style
        total = sum(h.points for h in self.hits)
        slug = self.hits[0].slug if self.hits else ""
        out = Text()
        out.append(f"{self.code} {slug}", style=st("flag-card--title"))
        out.append(f"  {total:g} points" + ("  (computed now)" if self.computed else ""))
        if any(h.rule == "corrected-by-you" for h in self.hits):
            out.append("  corrected by you", style=st("flag-card--title"))
        for h in self.hits:
            out.append("\n")
            out.append(f"{h.points:+g} {h.rule}", style=st("flag-card--rule"))
            if h.description:
                out.append("  ")
                out.append_text(safe_text(h.description, single_line=True))
            for ev in h.evidence:
                out.append("\n  · ", style=st("flag-card--evidence"))
                out.append_text(safe_text(ev, single_line=True))
        why = reasoning_for(self.code)
        if why:
            out.append("\n")
            out.append("Why: ", style=st("flag-card--title"))
            out.append(why, style=st("flag-card--reason"))
        return out


class DetailView(VerticalScroll, can_focus=True):
    """Headers, flag cards and body of the highlighted request (``show``).

    Enter on the list focuses it (the pane gets an accent border, see gracebox.tcss ``#detail:focus``);
    then j/k, the arrows and PgUp/PgDn scroll it, and Escape or Tab go back to the list."""

    COMPONENT_CLASSES = {"detail--label", "detail--dismissed"}
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", id="detail.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="detail.up", show=False),
        Binding("pagedown,space", "page_down", "Page down", id="detail.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="detail.page_up", show=False),
        Binding("home,g", "scroll_home", "Top", id="detail.top", show=False),
        Binding("end,G", "scroll_end", "Bottom", id="detail.bottom", show=False),
        Binding("escape,tab", "back_to_list", "Back to the list", key_display="esc", id="detail.back",
                priority=True),
    ]

    def action_back_to_list(self) -> None:
        """Escape / Tab: give the focus back to the request list."""
        from .request_list import RequestList

        lists = self.screen.query(RequestList)
        if lists:
            lists.first().focus()

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.detail: Detail | None = None

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield Static(Text("Nothing selected."), id="detail-headers")
        yield Vertical(id="detail-cards")
        yield Static(Text(""), id="detail-body")

    def header_text(self, d: Detail) -> Text:
        """The header block: From, via, Reply-To, To, Date, Subject, status and suggestion."""
        m = d.message
        label = self.get_component_rich_style("detail--label")
        out = Text()

        def line(name: str, value: Text) -> None:
            if out:
                out.append("\n")
            out.append(f"{name:<9}", style=label)
            out.append_text(value)

        sender = _addr_text(m.from_name, m.from_address)
        if name_hides_address(m.from_name, m.from_address):
            sender.append("  ⚠ the name shows another address", style=label)
        line("From", sender)
        if m.via:
            site = m.via.get("site") or m.via.get("address") or "a networking site"
            relay = m.via.get("address")
            shown = site if site.lower().startswith("via ") or " via " in site.lower() else f"via {site}"
            v = safe_text(shown + (f" ({relay})" if relay and relay != site else ""), single_line=True)
            v.append(" · a notification: answer on the site, not by mail")
            line("Via", v)
        if m.reply_to:
            line("Reply-To", Text(", ").join(_addr_text(a.name, a.address) for a in m.reply_to))
        if m.to_addrs:
            line("To", Text(", ").join(_addr_text(a.name, a.address) for a in m.to_addrs[:5]))
        when = m.date or m.internaldate
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            ago = age_text(when, self._clock())
            line("Date", Text(when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") + (f" ({ago} ago)" if ago else "")))
        line("Subject", safe_text(m.subject or "(no subject)", single_line=True))
        status = Text(f"{m.status} · suggested: {SCENARIO_LABELS.get(d.suggested, d.suggested)}")
        if d.accepted:
            status.append(" · accepted by you")
        line("Status", status)
        for iv in d.introductions:
            intro = safe_text(f"{iv.referral_name} <{iv.referral_address}> · {iv.state}", single_line=True)
            if iv.state == "asked":
                intro.append(" · their answer arrived" if iv.reply_seen else " · waiting for their answer")
                intro.append(" (i: agreed, send the introduction · I: declined)")
            elif iv.state == "agreed":
                intro.append(" (i: send the introduction · I: declined)")
            line("Intro", intro)
        dimmed = self.get_component_rich_style("detail--dismissed")
        for code, action in d.corrections:
            if action == "dismiss":
                line("Flag", Text(f"{code} dismissed by you (c to undo)", style=dimmed))
        for w in m.parse_warnings or []:
            line("Warning", safe_text(w, single_line=True))
        return out

    def show(self, d: Detail | None) -> None:
        """Display ``d`` (None: nothing selected)."""
        self.detail = d
        headers = self.query_one("#detail-headers", Static)
        body = self.query_one("#detail-body", Static)
        cards = self.query_one("#detail-cards", Vertical)
        if d is None:
            cards.remove_children()
            headers.update(Text("Nothing selected."))
            body.update(Text(""))
            return
        headers.update(self.header_text(d))
        by_code: dict[str, list[FlagHit]] = {}
        for h in d.hits:
            by_code.setdefault(h.code, []).append(h)
        specs = [(code, by_code[code], False) for code in sorted(by_code)]
        cap: dict[str, list[FlagHit]] = {}
        for h in d.capacity:
            cap.setdefault(h.code, []).append(h)
        specs += [(code, cap[code], True) for code in sorted(cap)]
        existing = [c for c in cards.children if isinstance(c, FlagCard)]
        for card, (code, hits, computed) in zip(existing, specs, strict=False):
            card.set_card(code, hits, computed=computed)
        if len(specs) > len(existing):
            cards.mount_all([FlagCard(code, hits, computed=computed) for code, hits, computed in specs[len(existing):]])
        for card in existing[len(specs):]:
            card.remove()
        text = d.message.body_text or "(no text body)"
        note = ""
        if len(text) > BODY_LIMIT:
            note = f"\n\n[… {len(text) - BODY_LIMIT} more characters not shown]"
            text = text[:BODY_LIMIT]
        shown = safe_text(reflow(text))
        if note:
            shown.append(note)
        body.update(shown)
        self.scroll_home(animate=False)


__all__ = ["DetailView", "FlagCard", "SCENARIO_LABELS", "component_class", "reasoning_for"]
