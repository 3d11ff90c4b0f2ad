"""Pass 7, outbox: link consent answers to their introductions, then flush the outbox on the sync's IMAP
session (``outbox.flush.flush_outbox``)."""

from __future__ import annotations

from datetime import datetime

from ..outbox import flush as send
from ..outbox.introductions import link_consent_replies
from .base import RunBase


class OutboxPass(RunBase):
    """The outbox pass (mixed into the run)."""

    def flush_outbox(self, now: datetime | None) -> None:
        """Record consent answers (trouble becomes a warning, never raises) and send what is due; ``now``
        (aware UTC or None for the clock) as ``outbox.flush.flush_outbox``."""
        self.report.warnings.extend(link_consent_replies(self.store))
        self.report.sent = list(send.flush_outbox(self.settings, self.store, imap=self.conn, now=now))
