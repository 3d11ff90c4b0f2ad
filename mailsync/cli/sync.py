"""``gracebox sync``: the quick path first, else one full pass (both through ``service.syncing``)."""

from __future__ import annotations

import argparse
import sys

from ..errors import ServerUnreachable
from .common import EXIT_OK, err


def cmd_sync(args: argparse.Namespace) -> int:
    """``gracebox sync [--quiet]``: one pass; progress on a TTY; lock held -> exit 0.

    First the quick path (``service.syncing.nothing_to_do``: no SQLAlchemy, no checker): when it is sure
    nothing changed since the last clean full run, print the usual summary and stop. Otherwise the full
    path, which records what the quick path needs next time. Raises what ``run_sync`` raises.
    """
    from ..service import syncing

    try:
        if syncing.nothing_to_do(args.config):
            if not args.quiet:
                print(syncing.summary_line(0))
            return EXIT_OK
    except ServerUnreachable:
        raise
    except Exception:  # a bug in the shortcut must not stop the sync: the full path decides (and reports)
        if args.debug:
            raise
    tty = sys.stderr.isatty() and not args.quiet
    last = [""]

    def progress(phase: str, done: int, total: int) -> None:
        if tty:
            line = f"\r{phase}: {done}/{total}"
            print(line.ljust(len(last[0])), end="", file=sys.stderr, flush=True)
            last[0] = line

    report = syncing.sync_from_config(args.config, progress)
    if tty and last[0]:
        print(file=sys.stderr)
    if report.locked:
        if not args.quiet:
            err("another sync is running (lock held); nothing done")
        return EXIT_OK
    for w in report.warnings:
        err(f"warning: {w}")
    for reply_id, state, detail in report.failed:
        err(f"reply {reply_id}: {state}: {detail or ''}".rstrip(": "))
    if not args.quiet:
        print(
            f"synced: {report.new} new, {report.updated} updated, {report.expunged} expunged, "
            f"{report.rechecked} re-checked; outbox: {report.sent} sent, {len(report.failed)} failed"
        )
    return EXIT_OK
