"""``gracebox sync``: the quick path first (``sync.quick``), else one full pass (``sync.run``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ServerUnreachable
from .common import EXIT_OK, err

if TYPE_CHECKING:
    from ..config import Settings
    from ..sync.report import SyncReport

def cmd_sync(args: argparse.Namespace) -> int:
    """``gracebox sync [--quiet]``: one pass; progress on a TTY; lock held -> exit 0.

    First the quick path (``sync.quick.nothing_to_do``, no SQLAlchemy, no checker): when it is sure nothing
    changed since the last clean full run, print the usual summary and stop. Otherwise the full path; after
    a clean pass it records what the quick path needs next time. Raises what ``run_sync`` raises.
    """
    from ..config import load_config_digest, resolve_config_path
    from ..sync import quick

    try:
        if quick.nothing_to_do(args.config):
            if not args.quiet:
                print(quick.summary_line(0))
            return EXIT_OK
    except ServerUnreachable:
        raise
    except Exception:  # a bug in the shortcut must not stop the sync: the full path decides (and reports)
        if args.debug:
            raise
    path = resolve_config_path(args.config)
    settings, digest, _data = load_config_digest(path)
    from ..sync.run import run_sync

    tty = sys.stderr.isatty() and not args.quiet
    last = [""]

    def progress(phase: str, done: int, total: int) -> None:
        if tty:
            line = f"\r{phase}: {done}/{total}"
            print(line.ljust(len(last[0])), end="", file=sys.stderr, flush=True)
            last[0] = line

    report = run_sync(settings, progress=progress)
    _record_quick_state(settings, path, digest, report)
    if tty and last[0]:
        print(file=sys.stderr)
    if report.locked:
        if not args.quiet:
            err("another sync is running (lock held); nothing done")
        return EXIT_OK
    for w in report.warnings:
        err(f"warning: {w}")
    failed = [r for r in report.sent if r.state in ("failed", "unknown")]
    for r in failed:
        err(f"reply {r.reply_id}: {r.state}: {r.detail or ''}".rstrip(": "))
    if not args.quiet:
        sent = sum(1 for r in report.sent if r.state == "sent")
        print(
            f"synced: {report.new} new, {report.updated} updated, {report.expunged} expunged, "
            f"{report.rechecked} re-checked; outbox: {sent} sent, {len(failed)} failed"
        )
    return EXIT_OK


def _record_quick_state(settings: Settings, path: Path, digest: str, report: SyncReport) -> None:
    """After a full pass: record the quick path's state when the pass was clean (no warnings, the config
    unchanged since it was read, SQLite), else remove it so the next run takes the full path again."""
    from .. import checker
    from ..config import read_config
    from ..errors import ConfigError
    from ..store import context
    from ..store.engine import Store
    from ..store.lock import sqlite_path
    from ..sync import quick

    db = sqlite_path(settings.database_url())
    if db is None or report.locked:
        return
    try:
        same = read_config(path)[0] == digest
    except ConfigError:
        same = False
    if not same or report.warnings or not report.context_key:
        quick.forget(db)
        return
    try:
        store = Store(settings.database_url())
        try:
            with store.session() as s:
                ctx = context.build_context(s, settings)
                digests = quick.db_digests(s.connection())
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - no state just means no quick path next time
        quick.forget(db)
        return
    if context.context_key(ctx) != report.context_key:
        quick.forget(db)  # something changed the context since the pass (the TUI noted a contact)
        return
    quick.remember(db, digest, context_key=report.context_key, checker_version=checker.CHECKER_VERSION,
                   digests=digests)
