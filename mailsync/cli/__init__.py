"""The ``gracebox`` command (README "Commands"): the parser and the dispatch; each sub-command lives in
``sync.py``, ``commands.py``, ``correct.py`` or ``setup.py``.

Imports are lazy: ``gracebox sync`` never imports Textual, and the heavy modules load only for the
sub-command that needs them. Exit codes: 0 done (also when another sync holds the lock), 1 unexpected
error, 2 usage, 65 a message could not be processed, 75 server unreachable or timed out, 77 authentication
refused, 78 configuration invalid.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .commands import cmd_check, cmd_list
from .common import EXIT_ERROR, err
from .correct import add_parser as add_correct
from .correct import cmd_correct
from .setup import cmd_demo, cmd_feedback, cmd_followups, cmd_init, cmd_tui
from .sync import cmd_sync


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gracebox",
        description="A terminal inbox for networking requests: red flags with evidence, two polite replies.",
    )
    p.add_argument("--config", metavar="PATH", help="config file (default: $GRACEBOX_CONFIG or the platform path)")
    p.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="open the inbox on bundled sample requests (no network, no config)")
    s = sub.add_parser("sync", help="one sync pass: Sent folder, requests folder, re-checks, outbox (for cron)")
    s.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    lp = sub.add_parser("list", help="print the stored requests")
    lp.add_argument("--json", action="store_true", help="one JSON array (the documented shape)")
    lp.add_argument("--status", choices=["new", "read", "draft", "replied", "archived"], help="only this status")
    lp.add_argument("--flag", metavar="RFn", help="only requests with this red flag (RF1..RF7)")
    cp = sub.add_parser("check", help="run the checker on message files")
    cp.add_argument("files", nargs="+", metavar="FILE.eml")
    cp.add_argument("--json", action="store_true", help="one JSON array")
    cp.add_argument("--explain", action="store_true", help="a rule report per message (points, rule, evidence)")
    ip = sub.add_parser("init", help="write a starter config at the platform's config path (mode 0600)")
    ip.add_argument("--force", action="store_true", help="overwrite an existing file")
    fp = sub.add_parser("feedback", help="export your flag corrections as a corpus for bench/checker_eval.py")
    fp.add_argument("--export", metavar="DIR", required=True, help="folder to write profile.toml, sent/, requests/")
    sub.add_parser("followups", help="requests answered with Scenario 1 during your break: follow up when it ends")
    add_correct(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gracebox`` command with ``argv`` (default sys.argv[1:]); return the exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    from ..errors import GraceboxError

    try:
        return _dispatch(args)
    except GraceboxError as exc:
        err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback only with --debug
        if args.debug:
            raise
        err(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "sync":
        return cmd_sync(args)
    if cmd == "list":
        return cmd_list(args)
    if cmd == "check":
        return cmd_check(args)
    if cmd == "init":
        return cmd_init(args)
    if cmd == "demo":
        return cmd_demo(args)
    if cmd == "feedback":
        return cmd_feedback(args)
    if cmd == "followups":
        return cmd_followups(args)
    if cmd == "correct":
        return cmd_correct(args)
    return cmd_tui(args)


# --- sub-commands -------------------------------------------------------------------------------------



