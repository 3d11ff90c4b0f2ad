"""``gracebox init``, ``demo``, the inbox itself, ``feedback`` and ``followups``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from .common import EXIT_CONFIG, EXIT_OK, err, load, open_store


def cmd_init(args: argparse.Namespace) -> int:
    """``gracebox init``: copy the commented example config to the config path with mode 0600."""
    from ..service.handles import resolve_config_path
    from ..service.reports import write_starter_config

    path = resolve_config_path(args.config)
    if path.exists() and not args.force:
        err(f"{path} already exists; edit it, or pass --force to overwrite it")
        return EXIT_CONFIG
    write_starter_config(path, example_config_text())
    print(f"wrote {path} (mode 0600): set [imap], [smtp] and [identity], then run `gracebox sync`")
    return EXIT_OK


def example_config_text() -> str:
    """Return the text of config.example.toml (package data in a wheel, else the repo's file)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "config.example.toml", here.parent / "config.example.toml"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("config.example.toml is missing from the installation")


def cmd_demo(args: argparse.Namespace) -> int:
    """``gracebox demo``: the TUI on bundled sample requests in a throw-away database."""
    from ..service.demo import prepare_demo

    demo = prepare_demo()
    try:
        from tui.app import run_app

        code = run_app(demo.settings, demo.store, demo_outbox=demo.outbox_dir)
    finally:
        demo.close()
    print(f"demo replies are written to {demo.outbox_dir}")
    return code


def cmd_tui(args: argparse.Namespace) -> int:
    """``gracebox``: the TUI with the configured account. No config -> a pointer to init/demo, exit 78."""
    from ..service.handles import resolve_config_path

    path = resolve_config_path(args.config)
    if not path.exists():
        err(f"no config at {path}: run `gracebox init` to write one, or `gracebox demo` to try it")
        return EXIT_CONFIG
    settings = load(args)
    store = open_store(settings)
    from tui.app import run_app

    return run_app(settings, store)


def cmd_feedback(args: argparse.Namespace) -> int:
    """``gracebox feedback --export DIR``: write corrected requests as a corpus (see bench/checker_eval.py)."""
    settings = load(args, require_account=False)
    store = open_store(settings)
    from ..service.feedback import export_corpus

    n = export_corpus(settings, store, Path(args.export))
    print(f"wrote {n} corrected requests to {args.export}")
    return EXIT_OK


def cmd_followups(args: argparse.Namespace, now: datetime | None = None) -> int:
    """``gracebox followups``: the requests answered with Scenario 1 during the break
    (``[profile] on_break_until``), one line each: id, sender, subject, "due <date>" (README "Keys": F, y).
    ``now`` (aware UTC, default the clock) only picks the heading: due now, or due after the break."""
    from datetime import UTC
    from datetime import datetime as clock

    from ..service.reports import followups

    got = followups(load(args, require_account=False), now or clock.now(UTC))
    if got.until is None or got.due is None:
        print("no break set ([profile] on_break_until): no follow-ups")
        return EXIT_OK
    if not got.lines:
        print(f"no follow-ups for the break until {got.until.isoformat()}")
        return EXIT_OK
    n = len(got.lines)
    when = f"due since {got.due.isoformat()}" if got.over else f"due {got.due.isoformat()}, after your break"
    print(f"{n} follow-up{'s' if n != 1 else ''} {when}:")
    for line in got.lines:
        print(line)
    return EXIT_OK
