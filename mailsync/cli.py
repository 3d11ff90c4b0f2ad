"""The ``gracebox`` command (DESIGN "Commands").

Imports are lazy: ``gracebox sync`` never imports Textual, and the heavy modules load only for the
sub-command that needs them. Exit codes: 0 done (also when another sync holds the lock), 1 unexpected
error, 2 usage, 65 a message could not be processed, 75 server unreachable or timed out, 77 authentication
refused, 78 configuration invalid.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from .config import Settings
    from .store import Store
    from .sync import SyncReport
    from .types import FlagHit

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_DATAERR, EXIT_TEMPFAIL, EXIT_NOPERM, EXIT_CONFIG = 0, 1, 2, 65, 75, 77, 78


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
    from .cli_correct import add_parser as add_correct

    add_correct(sub)
    return p


def _err(msg: str) -> None:
    print(f"gracebox: {msg}", file=sys.stderr)


def _load(args: argparse.Namespace, *, require_account: bool = True) -> Settings:
    from .config import load_config, resolve_config_path

    return load_config(resolve_config_path(args.config), require_account=require_account)


def _open_store(settings: Settings) -> Store:
    from .store import Store

    return Store(settings.database_url())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gracebox`` command with ``argv`` (default sys.argv[1:]); return the exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    from .errors import GraceboxError

    try:
        return _dispatch(args)
    except GraceboxError as exc:
        _err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback only with --debug
        if args.debug:
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
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
        from .cli_correct import cmd_correct

        settings = _load(args, require_account=False)
        return cmd_correct(args, settings, _open_store(settings))
    return cmd_tui(args)


# --- sub-commands -------------------------------------------------------------------------------------


def cmd_sync(args: argparse.Namespace) -> int:
    """``gracebox sync [--quiet]``: one pass; progress on a TTY; lock held -> exit 0.

    First the quick path (``mailsync.fastpath``, no SQLModel/pydantic/imapclient): when it is sure nothing
    changed since the last clean full run, or that the only change is a little new mail (which it stores as
    the full path would), print the usual summary and stop. Otherwise the full path; after a clean pass it
    records what the quick path needs next time.
    """
    from . import fastpath
    from .errors import ServerUnreachable

    try:
        quick = fastpath.quick_sync(args.config)
    except fastpath.Unreachable as exc:
        raise ServerUnreachable(str(exc)) from None
    except Exception:  # a bug in the shortcut must not stop the sync: the full path decides (and reports)
        if args.debug:
            raise
        quick = None
    if quick is not None:
        if not args.quiet:
            print(fastpath.summary_line(quick))
        return EXIT_OK
    path = fastpath.config_path(args.config)
    digest = fastpath.config_digest(path)
    settings = _load(args)
    from .sync import run_sync

    tty = sys.stderr.isatty() and not args.quiet
    last = [""]

    def progress(phase: str, done: int, total: int) -> None:
        if tty:
            line = f"\r{phase}: {done}/{total}"
            print(line.ljust(len(last[0])), end="", file=sys.stderr, flush=True)
            last[0] = line

    report = run_sync(settings, progress=progress)
    _record_fast_path(settings, path, digest, report)
    if tty and last[0]:
        print(file=sys.stderr)
    if report.locked:
        if not args.quiet:
            _err("another sync is running (lock held); nothing done")
        return EXIT_OK
    for w in report.warnings:
        _err(f"warning: {w}")
    failed = [r for r in report.sent if r.state in ("failed", "unknown")]
    for r in failed:
        _err(f"reply {r.reply_id}: {r.state}: {r.detail or ''}".rstrip(": "))
    if not args.quiet:
        sent = sum(1 for r in report.sent if r.state == "sent")
        print(
            f"synced: {report.new} new, {report.updated} updated, {report.expunged} expunged, "
            f"{report.rechecked} re-checked; outbox: {sent} sent, {len(failed)} failed"
        )
    return EXIT_OK


def _record_fast_path(settings: Settings, path: Path, digest: str | None, report: SyncReport) -> None:
    """After a full pass: record the fast path's state when the pass was clean (no warnings, the config
    unchanged since it was read, SQLite), else remove it so the next run takes the full path again."""
    from . import fastpath

    db = fastpath.sqlite_file(settings.database_url())
    if db is None or report.locked:
        return
    if digest is None or report.warnings or not report.context_key or fastpath.config_digest(path) != digest:
        fastpath.forget(db)
        return
    from . import inbox, rows
    from .checker import CHECKER_VERSION

    try:
        store = _open_store(settings)
        try:
            with store.session() as s:
                ctx = inbox.build_context(s, settings)
                digests = fastpath.db_digests(s.connection())
        finally:
            store.close()
    except Exception:  # noqa: BLE001 - no state just means no fast path next time
        fastpath.forget(db)
        return
    if rows.context_key(ctx) != report.context_key:
        fastpath.forget(db)  # something changed the context since the pass (the TUI noted a contact)
        return
    fastpath.remember(db, digest, context_key=report.context_key, checker_version=CHECKER_VERSION,
                      digests=digests, context=rows.context_to_json(ctx))


def cmd_list(args: argparse.Namespace) -> int:
    """``gracebox list [--json] [--status S] [--flag RFn]``."""
    import json

    from .errors import ConfigError

    if args.flag and args.flag.upper() not in {f"RF{i}" for i in range(1, 8)}:
        _err(f"--flag {args.flag}: unknown flag; use RF1..RF7")
        return EXIT_USAGE
    settings = _load(args, require_account=False)
    store = _open_store(settings)
    from .inbox import list_json

    try:
        with store.session() as s:
            rows = list_json(s, settings, status=args.status, flag=args.flag.upper() if args.flag else None)
    except ConfigError:
        raise
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    from .safe_text import display_safe

    for r in rows:
        frm = r["from"] or {}
        assert isinstance(frm, dict)
        who = display_safe(str(frm.get("name") or frm.get("address") or "?"), single_line=True)
        flags = r["flags"]
        assert isinstance(flags, list)
        codes = ",".join(str(f["code"]) for f in flags) or "-"
        subj = display_safe(str(r["subject"]), single_line=True)
        print(f"{r['id']:>6}  {str(r['status']):<8} {codes:<16} {who[:28]:<28}  {subj[:60]}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """``gracebox check FILE.eml... [--json] [--explain]``: checker on files with the configured profile."""
    import json

    from . import checker
    from .config import Settings, resolve_config_path
    from .inbox import aggregate_flags, build_context
    from .parse import parse

    path = resolve_config_path(args.config)
    if args.config or path.exists():
        settings = _load(args, require_account=False)
        store = _open_store(settings)
        with store.session() as s:
            ctx = build_context(s, settings)
    else:
        from .types import CheckContext

        _err(f"note: no config at {path}; checking with an empty profile (run `gracebox init`)")
        settings = Settings()
        ctx = CheckContext()
    cap = checker.capacity_hits(ctx)
    out = []
    status = EXIT_OK
    for f in args.files:
        try:
            raw = Path(f).read_bytes()
        except OSError as exc:
            _err(f"{f}: cannot read ({exc.strerror}); check the path")
            status = EXIT_DATAERR
            continue
        parsed = parse(raw)
        hits = [*checker.check(parsed, ctx), *cap]
        obj = {
            "file": f,
            "message_id": parsed.message_id,
            "from": parsed.from_.as_json() if parsed.from_ else None,
            "reply_to": parsed.reply_to[0].as_json() if parsed.reply_to else None,
            "via": {"address": parsed.via.address, "kind": parsed.via.kind} if parsed.via else None,
            "subject": parsed.subject,
            "date": parsed.date.isoformat() if parsed.date else None,
            "suggested": checker.suggest({h.code for h in hits}),
            "flags": aggregate_flags(hits),
        }
        out.append(obj)
        if not args.json:
            _print_check(f, parsed.subject, hits, explain=args.explain)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return status


def _print_check(file: str, subject: str, hits: list[FlagHit], *, explain: bool) -> None:
    """Print one checked file: its flags and suggestion, then the rule report (``--explain``) or the evidence."""
    from . import checker
    from .inbox import aggregate_flags
    from .safe_text import display_safe

    flags = aggregate_flags(hits)
    codes = " ".join(str(f["code"]) for f in flags) or "no red flags"
    print(f"{file}: {codes} -> {checker.suggest({h.code for h in hits})}")
    print(f"  subject: {display_safe(subject, single_line=True)}")
    if explain:
        for line in checker.explain(hits):
            print("  " + display_safe(line, single_line=True))
        return
    for h in sorted(hits, key=lambda h: (h.code, -h.points)):
        for e in h.evidence:
            print(f"  {h.code}: {display_safe(e, single_line=True)}")


def cmd_init(args: argparse.Namespace) -> int:
    """``gracebox init``: copy the commented example config to the config path with mode 0600."""
    from .config import resolve_config_path

    path = resolve_config_path(args.config)
    if path.exists() and not args.force:
        _err(f"{path} already exists; edit it, or pass --force to overwrite it")
        return EXIT_CONFIG
    text = example_config_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)
    print(f"wrote {path} (mode 0600): set [imap], [smtp] and [identity], then run `gracebox sync`")
    return EXIT_OK


def example_config_text() -> str:
    """Return the text of config.example.toml (package data in a wheel, else the repo's file)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "config.example.toml", here.parent / "config.example.toml"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("config.example.toml is missing from the installation")


def cmd_demo(args: argparse.Namespace) -> int:
    """``gracebox demo``: the TUI on bundled sample requests in a throw-away database."""
    from .demo import prepare_demo

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
    from .config import resolve_config_path

    path = resolve_config_path(args.config)
    if not path.exists():
        _err(f"no config at {path}: run `gracebox init` to write one, or `gracebox demo` to try it")
        return EXIT_CONFIG
    settings = _load(args)
    store = _open_store(settings)
    from tui.app import run_app

    return run_app(settings, store)


def cmd_feedback(args: argparse.Namespace) -> int:
    """``gracebox feedback --export DIR``: write corrected requests as a corpus (see bench/checker_eval.py)."""
    settings = _load(args, require_account=False)
    store = _open_store(settings)
    from .feedback import export_corpus

    n = export_corpus(settings, store, Path(args.export))
    print(f"wrote {n} corrected requests to {args.export}")
    return EXIT_OK


def cmd_followups(args: argparse.Namespace, now: datetime | None = None) -> int:
    """``gracebox followups``: the requests answered with Scenario 1 during the break
    (``[profile] on_break_until``), one line each: id, sender, subject, "due <date>" (issue 3 item 6).
    ``now`` (aware UTC, default the clock) only picks the heading: due now, or due after the break."""
    from datetime import UTC
    from datetime import datetime as clock

    from . import followups

    settings = _load(args, require_account=False)
    until = settings.profile.on_break_until
    if until is None:
        print("no break set ([profile] on_break_until): no follow-ups")
        return EXIT_OK
    store = _open_store(settings)
    with store.session() as s:
        items = followups.followups(s, until)
    today = (now or clock.now(UTC)).date()
    due = followups.due_date(until)
    if not items:
        print(f"no follow-ups for the break until {until.isoformat()}")
        return EXIT_OK
    when = f"due since {due.isoformat()}" if today > until else f"due {due.isoformat()}, after your break"
    print(f"{len(items)} follow-up{'s' if len(items) != 1 else ''} {when}:")
    for line in followups.lines(items):
        print(line)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
