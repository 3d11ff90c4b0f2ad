"""``gracebox list`` and ``gracebox check``: stored requests and message files, as text or the README's JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..types import FlagHit
from .common import EXIT_DATAERR, EXIT_OK, EXIT_USAGE, err, load, open_store


def cmd_list(args: argparse.Namespace) -> int:
    """``gracebox list [--json] [--status S] [--flag RFn]``."""
    import json

    from ..errors import ConfigError

    if args.flag and args.flag.upper() not in {f"RF{i}" for i in range(1, 8)}:
        err(f"--flag {args.flag}: unknown flag; use RF1..RF7")
        return EXIT_USAGE
    settings = load(args, require_account=False)
    store = open_store(settings)
    from ..store.queries import list_json

    try:
        with store.session() as s:
            rows = list_json(s, settings, status=args.status, flag=args.flag.upper() if args.flag else None)
    except ConfigError:
        raise
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    from ..mail.safe_text import display_safe

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

    from .. import checker
    from ..config import Settings, resolve_config_path
    from ..mail.parse import parse
    from ..store.context import build_context
    from ..store.queries import aggregate_flags

    path = resolve_config_path(args.config)
    if args.config or path.exists():
        settings = load(args, require_account=False)
        store = open_store(settings)
        with store.session() as s:
            ctx = build_context(s, settings)
    else:
        from ..types import CheckContext

        err(f"note: no config at {path}; checking with an empty profile (run `gracebox init`)")
        settings = Settings()
        ctx = CheckContext()
    cap = checker.capacity_hits(ctx)
    out = []
    status = EXIT_OK
    for f in args.files:
        try:
            raw = Path(f).read_bytes()
        except OSError as exc:
            err(f"{f}: cannot read ({exc.strerror}); check the path")
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
    from .. import checker
    from ..mail.safe_text import display_safe
    from ..store.queries import aggregate_flags

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


