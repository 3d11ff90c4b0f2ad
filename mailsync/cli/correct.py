"""``gracebox correct ID --add RFn --dismiss RFn --clear RFn``: the inbox's ``c`` from a script (README "How the
checker decides"). The corrected request is re-checked at once; the other stored requests at the next
``gracebox sync`` (the user's examples are part of their check context)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from .common import EXIT_OK, EXIT_USAGE, err, load, open_store

#: The flags a user can correct (RF5/RF6 follow the user's own decisions).
CORRECTABLE = ("RF1", "RF2", "RF3", "RF4", "RF7")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``correct`` on the sub-command parser ``sub``."""
    cp = sub.add_parser("correct", help="correct the red flags of a stored request (like c in the inbox)")
    cp.add_argument("id", type=int, help="the request's id (gracebox list --json)")
    for opt, what in (("--add", "the flag applies though the checker missed it"),
                      ("--dismiss", "the flag is wrong"), ("--clear", "forget your correction of this flag")):
        cp.add_argument(opt, action="append", default=[], metavar="RFn", type=str.upper, help=what)


def cmd_correct(args: argparse.Namespace) -> int:
    """Apply the corrections, print the request's flags after the re-check; exit 2 on an unknown id or code."""
    from mailsync.service import actions, inbox

    changes = [(c, "add") for c in args.add] + [(c, "dismiss") for c in args.dismiss] + \
        [(c, None) for c in args.clear]
    if not changes:
        err("correct needs --add, --dismiss or --clear with a flag code (RF1-RF4, RF7)")
        return EXIT_USAGE
    bad = [c for c, _a in changes if c not in CORRECTABLE]
    if bad:
        err(f"{bad[0]} can't be corrected; use one of {', '.join(CORRECTABLE)} (RF5/RF6 follow your decisions)")
        return EXIT_USAGE
    settings = load(args, require_account=False)
    store = open_store(settings)
    now = datetime.now(UTC)
    try:
        for code, action in changes:
            actions.set_correction(store, settings, args.id, code, action, now)
    except LookupError:
        err(f"no request with id {args.id} (gracebox list --json shows the ids)")
        return EXIT_USAGE
    detail = inbox.load_detail(store, settings, args.id, now)
    codes = sorted({h.code for h in detail.hits}) if detail else []
    print(f"request {args.id}: flags now {', '.join(codes) if codes else 'none'}; the other stored requests are "
          "re-checked at the next gracebox sync")
    return EXIT_OK
