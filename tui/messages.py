"""Typed messages that jobs post back to the App (results of sync, send and store operations).

Jobs (``jobs.JobRunner``, in thread workers) do all network and SQL; widgets only receive these, with plain
data from ``mailsync.service``. ``post_message`` is thread-safe, so a job posts them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from mailsync.service.inbox import Detail, Page
from mailsync.service.replies import ReplyDraft


@dataclass
class SyncFinished(Message):
    """A sync pass ended: ``new`` requests stored, ``error`` is a one-line message or None.

    ``locked`` is True when another sync held the lock; ``warnings`` are the report's one-line warnings;
    ``sent`` counts replies the outbox flush sent.
    """

    new: int
    error: str | None = None
    locked: bool = False
    warnings: list[str] = field(default_factory=list)
    sent: int = 0


@dataclass
class SyncProgress(Message):
    """Progress of a running sync: ``done`` of ``total`` messages in the current pass (``stage`` names it)."""

    done: int
    total: int
    stage: str = ""


@dataclass
class SendFinished(Message):
    """A reply left the outbox: ``state`` is the reply's new state, ``detail`` the server's words or a path."""

    reply_id: int
    state: str
    detail: str | None = None
    #: Who the reply went to, as the status line names them ("Hana Kovacs"; "" when unknown).
    to: str = ""


@dataclass
class StoreChanged(Message):
    """Something in the store changed (archive, contact, correction): the list should refresh."""

    message_pk: int | None = None
    note: str | None = None


@dataclass
class PageLoaded(Message):
    """A page of the request list arrived for list generation ``generation``."""

    generation: int
    page: Page


@dataclass
class DetailLoaded(Message):
    """The detail of request ``message_pk`` arrived (``detail`` None: it no longer exists)."""

    message_pk: int
    detail: Detail | None


@dataclass
class MeterLoaded(Message):
    """The RF5/RF6 header meter text."""

    text: str


@dataclass
class ReplyPrepared(Message):
    """The reply editor's starting point arrived (``draft`` None: the request no longer exists)."""

    message_pk: int
    draft: ReplyDraft | None


@dataclass
class ReplyRendered(Message):
    """A template was re-rendered for a scenario switch: ``body`` or a one-line ``error``."""

    scenario: str
    body: str
    error: str | None = None


@dataclass
class DraftSaved(Message):
    """The editor's draft was saved (``reply_id``) or not (``error`` one line)."""

    reply_id: int | None
    error: str | None = None


@dataclass
class WorkFailed(Message):
    """A worker failed: ``what`` names the operation, ``error`` is one line."""

    what: str
    error: str


@dataclass
class FollowupsLoaded(Message):
    """Follow-ups after a break: ``count`` due now, fallen due on ``since`` (ISO date) or None."""

    count: int
    since: str | None = None
