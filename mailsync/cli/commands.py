"""``gracebox list`` and ``gracebox check``: stored requests and message files, as text or the README's JSON
(the data comes from ``service.reports``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_DATAERR, EXIT_OK, EXIT_USAGE, err, load

if TYPE_CHECKING:
    from ..service.reports import CheckedMessage


def cmd_list(args: argparse.Namespace) -> int:
    """``gracebox list [--json] [--status S] [--flag RFn]``."""
    from ..service.handles import display_safe
    from ..service.reports import list_requests

    if args.flag and args.flag.upper() not in {f"RF{i}" for i in range(1, 8)}:
        err(f"--flag {args.flag}: unknown flag; use RF1..RF7")
        return EXIT_USAGE
    settings = load(args, require_account=False)
    rows = list_requests(settings, status=args.status, flag=args.flag.upper() if args.flag else None)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
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
    from ..service.handles import resolve_config_path
    from ..service.reports import check_context, check_message

    path = resolve_config_path(args.config)
    if args.config or path.exists():
        ctx = check_context(load(args, require_account=False))
    else:
        err(f"note: no config at {path}; checking with an empty profile (run `gracebox init`)")
        ctx = check_context(None)
    out = []
    status = EXIT_OK
    for f in args.files:
        try:
            raw = Path(f).read_bytes()
        except OSError as exc:
            err(f"{f}: cannot read ({exc.strerror}); check the path")
            status = EXIT_DATAERR
            continue
        checked = check_message(f, raw, ctx, explain=args.explain and not args.json)
        out.append(checked.json)
        if not args.json:
            _print_check(checked, explain=args.explain)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return status


def _print_check(c: CheckedMessage, *, explain: bool) -> None:
    """Print one checked file: its flags and suggestion, then the rule report (``--explain``) or the evidence."""
    from ..service.handles import display_safe

    print(f"{c.file}: {' '.join(c.codes) or 'no red flags'} -> {c.suggested}")
    print(f"  subject: {display_safe(c.subject, single_line=True)}")
    if explain:
        for line in c.explain:
            print("  " + display_safe(line, single_line=True))
        return
    for h in sorted(c.hits, key=lambda h: (h.code, -h.points)):
        for e in h.evidence:
            print(f"  {h.code}: {display_safe(e, single_line=True)}")
