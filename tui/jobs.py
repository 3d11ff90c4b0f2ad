"""Every background job of the App starts here, with one error path.

A job is a function run in a worker thread (all store and network work happens there) that returns the
messages to post, in order; ``JobRunner.start`` posts them to the App (or a given screen). Any exception
becomes one message: the job's ``on_error(line)`` when given, else ``WorkFailed(what, line)``. Jobs that
write the store hold one lock, so two writes from the TUI never interleave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump

from .messages import WorkFailed

#: A job: runs in a worker thread, returns (or yields) the messages to post.
Job = Callable[[], Iterable[Message]]


def one_line(exc: BaseException) -> str:
    """One line for an exception (the GraceboxError messages are already one line, password-free)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class JobRunner:
    """Starts the App's jobs in thread workers (``App.run_worker``) and posts their results."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        #: Held by every job that writes the store.
        self.write_lock = threading.Lock()

    def start(self, what: str, job: Job, *, group: str, exclusive: bool = False, writes: bool = False,
              on_error: Callable[[str], Message] | None = None, target: MessagePump | None = None) -> None:
        """Run ``job`` in a thread worker of ``group`` (``exclusive``: cancel the group's running one).

        ``what`` names the job in errors ("list", "sync"); ``writes``: hold ``write_lock`` while it runs;
        ``target``: where its messages go (default the App). Never raises: an exception in the job is
        posted as ``on_error(one line)`` or ``WorkFailed(what, one line)``.
        """
        to = target or self.app

        def run() -> None:
            try:
                out: Iterable[Message]
                if writes:
                    with self.write_lock:
                        out = list(job())
                else:
                    out = job()
                for msg in out:
                    to.post_message(msg)
            except Exception as exc:  # noqa: BLE001 - the one error path: a message, never a crash
                to.post_message(on_error(one_line(exc)) if on_error else WorkFailed(what, one_line(exc)))

        self.app.run_worker(run, name=what, group=group, exclusive=exclusive, thread=True, exit_on_error=False)
