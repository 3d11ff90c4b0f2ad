"""Typed messages that workers post back to the App (results of sync, send and store operations).

Workers (``@work(thread=True)``) do all network and SQL; widgets only receive these.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SyncFinished(Message):
    """A sync pass ended: ``new`` requests stored, ``error`` is a one-line message or None."""

    new: int
    error: str | None = None


@dataclass
class SyncProgress(Message):
    """Progress of a running sync: ``done`` of ``total`` messages in the current pass."""

    done: int
    total: int


@dataclass
class SendFinished(Message):
    """A reply left the outbox: ``state`` is the reply's new state, ``detail`` the server's words or a path."""

    reply_id: int
    state: str
    detail: str | None = None


@dataclass
class StoreChanged(Message):
    """Something in the store changed (archive, contact, correction): the list should refresh."""

    message_pk: int | None = None
