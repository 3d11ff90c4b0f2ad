"""The reply editor: a TextArea with the rendered template, scenario switch, $EDITOR, send with a
confirmation naming the recipient(s), drafts autosaved.

Keys that the TextArea types are never commands here: ctrl+s, ctrl+t, ctrl+e and escape are priority
bindings. A notification-relay request can't be answered by mail: ctrl+s copies the text instead.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from mailsync.service.handles import reply_subject
from mailsync.service.replies import ReplyDraft, edit_externally
from mailsync.types import Referral

from .. import requests as rq
from ..safe import safe_text
from ..widgets.detail import SCENARIO_LABELS
from .confirm import ConfirmSend, recipients_text
from .introductions import ConfirmText, IntroSent, ReferralPicker, SuggestionsLoaded, consent_question

#: The order ctrl+t switches through.
SCENARIOS = ("scenario1", "scenario2", "accept")


class ReplyScreen(Screen[None]):
    """Edit and send a reply to request ``message_pk``; ``scenario`` None = the suggested one."""

    BINDINGS = [
        Binding("ctrl+s", "send", "Send", tooltip="Send after a confirmation (a relay request: copy the text)",
                id="reply.send", priority=True),
        Binding("ctrl+t", "switch_scenario", "Switch scenario", tooltip="Scenario 1 -> Scenario 2 -> accept",
                id="reply.switch", priority=True),
        Binding("ctrl+e", "external_editor", "$EDITOR", tooltip="Edit the text in $EDITOR (or $VISUAL)",
                id="reply.editor", priority=True),
        Binding("ctrl+r", "referrals", "Introduction",
                tooltip="RF7: ask someone from [[profile.referrals]] whether they're open to an introduction",
                id="reply.referrals", priority=True, show=False),
        Binding("escape", "leave", "Back (draft kept)", id="reply.leave", priority=True),
    ]

    #: Seconds after the last change before the draft is saved.
    autosave_delay: float = 1.0

    def __init__(self, message_pk: int, scenario: str | None, *, can_send: bool = True) -> None:
        super().__init__()
        self.message_pk = message_pk
        #: False when sending is off (no ``[smtp]``, not the demo): drafting still works.
        self.can_send = can_send
        self.scenario = scenario
        self.draft: ReplyDraft | None = None
        self._saved_text: str | None = None
        self._timer: Timer | None = None
        self.closed = False

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield Static(Text("Preparing the reply…"), id="reply-title")
        yield Static(Text(""), id="reply-notice")
        editor = TextArea(id="reply-body", soft_wrap=True, show_line_numbers=False)
        editor.read_only = True
        yield editor
        yield Static(Text(""), id="reply-status")
        yield Footer()

    def on_mount(self) -> None:
        """Set up once mounted."""
        self.query_one("#reply-notice", Static).display = False
        if self.app.is_headless:
            self.query_one(TextArea).cursor_blink = False
        self.post_message(rq.PrepareReply(self.message_pk, self.scenario))

    @property
    def text(self) -> str:
        """The editor's current text."""
        return self.query_one(TextArea).text

    def set_status(self, line: str) -> None:
        """Show one status line under the editor (plain text)."""
        self.query_one("#reply-status", Static).update(Text(line))

    def _title(self) -> Text:
        d = self.draft
        assert d is not None
        m = d.message
        t = Text(f"{SCENARIO_LABELS.get(d.scenario, d.scenario)} · to ")
        if d.recipients and not d.no_reply:
            t.append_text(recipients_text(d.recipients))
        else:
            t.append_text(safe_text(m.from_name or m.from_address or "(unknown)", single_line=True))
        t.append("\n")
        t.append_text(safe_text(reply_subject(m.subject or ""), single_line=True))  # exactly what is sent
        return t

    # --- data in ----------------------------------------------------------------------------------
    def apply_prepared(self, draft: ReplyDraft | None) -> None:
        """Load the worker's ReplyDraft into the editor."""
        if draft is None:
            self.set_status("This request no longer exists.")
            return
        self.draft = draft
        self.scenario = draft.scenario
        area = self.query_one(TextArea)
        area.load_text(draft.body)
        area.read_only = False
        self._saved_text = draft.body  # unedited text is not a draft yet
        self.query_one("#reply-title", Static).update(self._title())
        notice = self.query_one("#reply-notice", Static)
        if draft.no_reply:
            n = safe_text("Can't send: " + draft.no_reply, single_line=True)
            n.append("\nctrl+s copies the finished text to the clipboard.")
            notice.update(n)
            notice.display = True
        elif not self.can_send:
            notice.update(Text("No [smtp] in the config: drafting works, sending needs an [smtp] table."))
            notice.display = True
        else:
            notice.display = False
        self.set_status(draft.error or ("Draft restored." if draft.from_draft else "Template rendered."))
        area.focus()

    def apply_rendered(self, scenario: str, body: str, error: str | None) -> None:
        """Replace the text with the template of ``scenario`` (ctrl+t)."""
        if self.draft is None:
            return
        if error:
            self.set_status(error)
            return
        self.scenario = scenario
        self.draft = ReplyDraft(self.draft.message, self.draft.hits, scenario, body, self.draft.recipients,
                                False, None)
        self.query_one(TextArea).load_text(body)
        self.query_one("#reply-title", Static).update(self._title())
        self.set_status(f"Switched to {SCENARIO_LABELS.get(scenario, scenario)}.")
        self._schedule_save()

    # --- drafts -----------------------------------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Autosave the draft a moment after the last change."""
        if self.draft is not None and not self.closed:
            self._schedule_save()

    def _schedule_save(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.autosave_delay, self.save_now)

    def save_now(self) -> None:
        """Save the draft now if the text changed since the last save."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.draft is None or self.closed:
            return
        text = self.text
        if text == self._saved_text:
            return
        self._saved_text = text
        self.post_message(rq.SaveDraft(self.message_pk, self.scenario or self.draft.scenario, text))

    def draft_saved(self, reply_id: int | None, error: str | None) -> None:
        """The App reports a finished draft save."""
        if not self.closed:
            self.set_status(f"Draft not saved: {error}" if error else "Draft saved.")

    # --- actions ----------------------------------------------------------------------------------
    def action_leave(self) -> None:
        """Escape: save the draft if it changed and go back to the inbox."""
        self.save_now()
        self.closed = True
        self.app.pop_screen()

    def action_switch_scenario(self) -> None:
        """ctrl+t: re-render with the next scenario (Scenario 1, Scenario 2, accept)."""
        if self.draft is None:
            return
        cur = self.scenario or self.draft.scenario
        nxt = SCENARIOS[(SCENARIOS.index(cur) + 1) % len(SCENARIOS)] if cur in SCENARIOS else SCENARIOS[0]
        self.post_message(rq.RerenderReply(self.message_pk, nxt, list(self.draft.hits)))

    def action_external_editor(self) -> None:
        """ctrl+e: edit the text in $VISUAL/$EDITOR (the app is suspended meanwhile)."""
        if self.draft is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.app.suspend():
                new = edit_externally(self.text, editor)
        except SuspendNotSupported:
            self.set_status("This terminal can't hand over to $EDITOR.")
            return
        except OSError as exc:
            self.set_status(f"$EDITOR failed: {exc.strerror or exc}")
            return
        self.query_one(TextArea).load_text(new)
        self.set_status("Text from $EDITOR.")
        self._schedule_save()

    def action_send(self) -> None:
        """ctrl+s: confirm and send; a relay/no-reply request copies the text instead."""
        d = self.draft
        if d is None:
            return
        if d.no_reply:
            self.app.copy_to_clipboard(self.text)
            self.save_now()
            self.set_status("Copied the reply to the clipboard: paste it on the site.")
            self.notify("Reply copied to the clipboard.")
            return
        if not self.can_send:
            self.save_now()
            self.notify("Sending needs [smtp] in the config. Draft saved.", severity="warning")
            return
        if not d.recipients:
            self.set_status("No address to reply to.")
            return
        self.app.push_screen(ConfirmSend(d.recipients, reply_subject(d.message.subject)), self._confirmed)

    def _confirmed(self, ok: bool | None) -> None:
        if not ok or self.draft is None:
            self.query_one(TextArea).focus()
            return
        if self._timer is not None:
            self._timer.stop()
        self.closed = True
        self.post_message(rq.SendReply(self.message_pk, self.scenario or self.draft.scenario, self.text,
                                       list(self.draft.recipients)))
        self.app.pop_screen()

    # --- introductions with consent (README "Keys": ctrl+r, i, I) ------------------------------------------------
    def action_referrals(self) -> None:
        """ctrl+r: for an RF7 request, list the referrals whose topics match; choosing one asks them first."""
        d = self.draft
        if d is None:
            return
        if not any(h.code == "RF7" for h in d.hits):
            self.set_status("No RF7 (out of depth) on this request: no introduction to suggest.")
            return
        self.set_status("Looking for referrals…")
        self.post_message(rq.FindReferrals(self.message_pk))

    def on_suggestions_loaded(self, msg: SuggestionsLoaded) -> None:
        """Show the referral picker (or say why not)."""
        if msg.error:
            self.set_status(f"Referrals: {msg.error}")
            return
        if not msg.referrals:
            self.set_status("No referral in [[profile.referrals]] works on this topic.")
            return
        self.set_status("")

        def chosen(r: Referral | None) -> None:
            if r is None:
                self.query_one(TextArea).focus()
                return
            if not self.can_send:
                self.set_status("Sending needs [smtp] in the config: the consent request was not sent.")
                return

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self.set_status(f"Asking {r.name}…")
                    self.post_message(rq.AskConsent(self.message_pk, r))
                else:
                    self.query_one(TextArea).focus()

            self.app.push_screen(ConfirmText(consent_question(r)), confirmed)

        self.app.push_screen(ReferralPicker(msg.topic, msg.referrals, msg.asked), chosen)

    def on_intro_sent(self, msg: IntroSent) -> None:
        """Report the consent request's outcome."""
        if msg.state == "sent":
            self.set_status("Consent request sent; introduce them once they agree (i on the request).")
        else:
            self.set_status(f"Consent request {msg.state}: {msg.detail or ''}".strip())
