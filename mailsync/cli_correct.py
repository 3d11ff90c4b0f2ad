"""``gracebox correct ID --add RFn --dismiss RFn --clear RFn``: the TUI's ``c`` from a script.

A correction is kept across re-checks and becomes one of the checker's examples from you (README "Red flags"):
similar requests move the same way. The corrected request is re-checked at once; the other stored requests at
the next ``gracebox sync`` (their check context changed).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .checker import STORED_FLAGS

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``correct`` sub-command on ``sub``."""
    cp = sub.add_parser("correct", help="correct the red flags of a stored request (like c in the inbox)")
    cp.add_argument("id", type=int, help="the request's id (gracebox list --json)")
    for opt, what in (("--add", "the flag applies though the checker missed it"),
                      ("--dismiss", "the flag is wrong"), ("--clear", "forget your correction of this flag")):
        cp.add_argument(opt, action="append", default=[], metavar="RFn", type=str.upper, help=what)


def cmd_correct(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """Apply the corrections, re-check the request, print its flags; exit 2 on an unknown id or flag code."""
    from . import inbox
    from .models import Message

    changes = [(c, "add") for c in args.add] + [(c, "dismiss") for c in args.dismiss] + \
        [(c, None) for c in args.clear]
    if not changes:
        print("gracebox: correct needs --add, --dismiss or --clear with a flag code (RF1-RF4, RF7)")
        return EXIT_USAGE
    for code, _a in changes:
        if code not in STORED_FLAGS:
            print(f"gracebox: {code} can't be corrected; use one of {', '.join(STORED_FLAGS)} "
                  "(RF5/RF6 follow your decisions)")
            return EXIT_USAGE
    with store.session() as s:
        m = s.get(Message, args.id)
        if m is None or m.id is None:
            print(f"gracebox: no request with id {args.id} (gracebox list shows the ids)")
            return EXIT_USAGE
        for code, action in changes:
            inbox.set_correction(s, m.identity, code, action)
        s.flush()
        hits = inbox.recheck_one(s, settings, m.id)
        s.commit()
    shown = sorted({h.code for h in hits})
    print(f"request {args.id}: flags now {', '.join(shown) if shown else 'none'}; other stored requests are "
          "re-checked at the next gracebox sync")
    return EXIT_OK
