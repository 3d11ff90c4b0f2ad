"""Profile one ``run_sync`` from empty (and optionally a no-op re-sync) in-process, against a private Dovecot.

Usage: .venv/bin/python bench/profile_sync.py [--messages 3000] [--profiler pyinstrument|cprofile|none]
       [--noop] [--new 100]

Loads N generated requests (bench/mailgen_bench.py) with MULTIAPPEND, then runs ``mailsync.sync.run.run_sync`` on
an empty SQLite database under the chosen profiler and prints where the time goes (pyinstrument's tree, or
cProfile's top 40 by cumulative time) and the wall seconds of the phases. Prints only; nothing is asserted.
pyinstrument is optional (``.venv/bin/pip install pyinstrument``); cProfile is the stdlib fallback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from mailgen_bench import make_batch  # noqa: E402
from sync_bench import FOLDER, load, write_config  # noqa: E402

from tests.servers.dovecot import DovecotServer  # noqa: E402


def profiled(kind: str, fn: Callable[[], Any]) -> float:
    """Run ``fn`` under profiler ``kind`` (pyinstrument | cprofile | none); print the report; return wall s."""
    t = time.perf_counter()
    if kind == "pyinstrument":
        from pyinstrument import Profiler

        prof = Profiler(interval=0.001)
        prof.start()
        fn()
        prof.stop()
        wall = time.perf_counter() - t
        print(prof.output_text(unicode=False, color=False, show_all=False))
        return wall
    if kind == "cprofile":
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        fn()
        pr.disable()
        wall = time.perf_counter() - t
        pstats.Stats(pr).sort_stats("cumulative").print_stats(40)
        return wall
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--profiler", choices=["pyinstrument", "cprofile", "none"], default="pyinstrument")
    ap.add_argument("--noop", action="store_true", help="also profile a no-op re-sync")
    ap.add_argument("--new", type=int, default=0, help="also profile a sync of this many new messages")
    args = ap.parse_args()

    from mailsync.config import load_config
    from mailsync.store.engine import Store
    from mailsync.sync.run import run_sync

    with DovecotServer() as srv, tempfile.TemporaryDirectory(prefix="gb-prof-", dir="/var/tmp") as tmp:
        d = Path(tmp)
        user, password = srv.new_account()
        load(srv, user, password, make_batch(args.messages))
        settings = load_config(write_config(d, srv, user, password))
        store = Store(settings.database_url())
        walls: list[tuple[str, float]] = []
        rep: list[Any] = []
        walls.append(("initial", profiled(args.profiler, lambda: rep.append(run_sync(settings, store=store)))))
        print(f"initial: {rep[-1].new} new, warnings {rep[-1].warnings[:3]}", file=sys.stderr)
        if args.noop:
            walls.append(("no-op", profiled(args.profiler, lambda: rep.append(run_sync(settings, store=store)))))
        if args.new:
            load(srv, user, password, make_batch(args.new, start=args.messages))
            walls.append((f"{args.new} new", profiled(args.profiler,
                                                       lambda: rep.append(run_sync(settings, store=store)))))
        store.close()
    print(f"\nprofile_sync: {args.messages} messages in {FOLDER}")
    for name, secs in walls:
        print(f"{name:<12} {secs:8.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
