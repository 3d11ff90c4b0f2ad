"""Introductions with consent in the App: the referral picker's lookup, the consent request, and marking an
introduction agreed (then sending it to both, after a confirmation) or declined. A mixin of
``GraceboxApp``; every store or network step is a job."""

from __future__ import annotations

from textual.message import Message

from mailsync.service import inbox as data

from . import requests as rq
from .messages import SendFinished
from .results import ResultHandlers
from .screens.introductions import ConfirmText, IntroMarked, IntroSent, SuggestionsLoaded


class IntroFlow(ResultHandlers):
    """The introduction requests and results (``GraceboxApp`` provides the state)."""

    def on_intro_agreed(self, msg: rq.IntroAgreed) -> None:
        """``i``: mark the introduction agreed, then confirm sending it to both (``on_intro_marked``)."""
        who = f"{msg.name} <{msg.address}>" if msg.name else (msg.address or "the requester")
        self._intro_mark(msg.message_pk, msg.intro, "agreed", who)

    def on_intro_declined(self, msg: rq.IntroDeclined) -> None:
        """``I``: mark the introduction declined (nothing is sent)."""
        self._intro_mark(msg.message_pk, data.IntroView(msg.intro_id, "", "", "asked", False), "declined", "")

    def _intro_mark(self, message_pk: int, intro: data.IntroView, state: str, requester: str) -> None:
        def job() -> list[Message]:
            from mailsync.service import introductions

            if not (state == "agreed" and intro.state == "agreed"):
                introductions.mark(self.store, intro.id, state)
            who = intro.referral_name or "the referral"
            return [IntroMarked(message_pk, intro.id, state, requester,
                                f"{intro.referral_name} <{intro.referral_address}>", f"introduction: {who} {state}")]

        self.jobs.start("introduction", job, group="store", writes=True)

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
            if not ok:
                self.reload(note=f"{msg.note}; introduction not sent yet (i again to send it)")
                return

            def job() -> list[Message]:
                from mailsync.service import introductions

                out = introductions.introduce(self.store, self.settings, msg.intro_id, self.demo_outbox)
                return [SendFinished(out.reply_id or 0, out.state, out.detail)]

            self.jobs.start("introduction", job, group="send", writes=True,
                            on_error=lambda line: SendFinished(0, "failed", line))

        self.push_screen(ConfirmText(q), done)

    def on_find_referrals(self, msg: rq.FindReferrals) -> None:
        """ctrl+r in the editor: the referrals for the RF7 topic (SuggestionsLoaded, to the editor)."""
        def job() -> list[Message]:
            from mailsync.service import introductions

            sg = introductions.suggestions(self.store, self.settings, msg.message_pk, self.clock())
            return [SuggestionsLoaded(sg.topic, list(sg.referrals), sg.asked)]

        self.jobs.start("referrals", job, group="intro", target=self.reply_screen(msg.message_pk),
                        on_error=lambda line: SuggestionsLoaded("", [], {}, line))

    def on_ask_consent(self, msg: rq.AskConsent) -> None:
        """Send the chosen referral the consent request (IntroSent, to the editor)."""
        def job() -> list[Message]:
            from mailsync.service import introductions

            out = introductions.ask_consent(self.store, self.settings, msg.message_pk, msg.referral, self.clock(),
                                            self.demo_outbox)
            return [IntroSent("consent", out.state, out.detail)]

        self.jobs.start("consent", job, group="intro", writes=True, target=self.reply_screen(msg.message_pk),
                        on_error=lambda line: IntroSent("consent", "failed", line))
