"""Score the red-flag checker on a labelled corpus (prints figures; never run by the test suite).

Usage: .venv/bin/python bench/checker_eval.py CORPUS_DIR [--verbose | --summary]

CORPUS_DIR holds ``profile.toml`` (top-level profile keys), ``sent/*.eml`` (who the user already knows),
``requests/*.eml`` and ``labels.json`` (a list of {file, flags, suggested, why, ...}). The real pipeline
runs: ``mailsync.parse.parse`` on every file -> a CheckContext built from the profile (through
``mailsync.config.settings_from_dict``) and the To/Cc of the sent mail -> ``mailsync.checker.check``.
Prints per flag TP/FP/FN, precision, recall and F1, the suggested-reply accuracy, then every miss with the
evidence of the hits and the label's ``why``. ``--summary`` prints only the per-flag table, the
suggested-reply accuracy and the number of misses (for a validation corpus that must stay unread, so that
its figures remain an honest estimate). The corpus is only read, never copied.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailsync import checker
from mailsync.config import settings_from_dict
from mailsync.mail import notify
from mailsync.mail.parse import parse
from mailsync.store.context import make_context
from mailsync.types import CheckContext, ParsedMessage  # noqa: E402

FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")


def build_context(corpus: Path) -> CheckContext:
    """CheckContext from ``profile.toml`` and the To/Cc of ``sent/*.eml`` (README "Red flags": "Known")."""
    data = tomllib.loads((corpus / "profile.toml").read_text(encoding="utf-8"))
    ident = {k: data[k] for k in ("email", "name") if k in data}
    settings = settings_from_dict({"identity": ident, "profile": data}, source=str(corpus / "profile.toml"))
    sent_to: list[tuple[str, str | None]] = []
    for f in sorted((corpus / "sent").glob("*.eml")):
        sent = parse(f.read_bytes())
        sent_to.extend((a.address, a.name) for a in (*sent.to, *sent.cc) if a.address)
    return make_context(settings, sent_to, {c.address: c for c in settings.contacts()})


def load(corpus: Path) -> list[tuple[str, ParsedMessage, dict[str, object]]]:
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    out = []
    notes = 0
    for lab in labels:
        raw = (corpus / "requests" / lab["file"]).read_bytes()
        p = parse(raw)
        if p.via is None:
            q = notify.apply_notification(p)
            if q is not p:
                notes += 1
                p = q
        out.append((lab["file"], p, lab))
    if notes:
        print(f"note: parse.parse did not apply notify.apply_notification to {notes} relay mail(s); "
              "the eval applied it\n")
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    corpus = Path(argv[0])
    verbose = "--verbose" in argv
    summary = "--summary" in argv
    if verbose and summary:
        print("--verbose and --summary exclude each other")
        return 2
    ctx = build_context(corpus)
    items = load(corpus)
    tp = dict.fromkeys(FLAGS, 0)
    fp = dict.fromkeys(FLAGS, 0)
    fn = dict.fromkeys(FLAGS, 0)
    sugg_ok = 0
    misses: list[str] = []
    for fname, parsed, lab in items:
        hits = checker.check(parsed, ctx)
        got = {h.code for h in hits}
        want = set(lab.get("flags", []))  # type: ignore[arg-type]
        for f in FLAGS:
            if f in got and f in want:
                tp[f] += 1
            elif f in got:
                fp[f] += 1
            elif f in want:
                fn[f] += 1
        sugg = checker.suggest(got)
        if sugg == lab.get("suggested"):
            sugg_ok += 1
        if got != want or verbose:
            who = parsed.from_.as_json() if parsed.from_ else None
            lines = [f"{fname}: expected {sorted(want) or '-'} got {sorted(got) or '-'}   from {who}"
                     + (f" via {parsed.via.site}" if parsed.via else "")]
            lines += ["    " + x for x in checker.explain(hits)]
            lines.append(f"    why: {lab.get('why')}")
            misses.append("\n".join(lines))
    print(f"{'flag':5} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>6} {'recall':>6} {'F1':>6}")
    for f in FLAGS:
        p = tp[f] / (tp[f] + fp[f]) if tp[f] + fp[f] else 1.0
        r = tp[f] / (tp[f] + fn[f]) if tp[f] + fn[f] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{f:5} {tp[f]:3} {fp[f]:3} {fn[f]:3} {p:6.3f} {r:6.3f} {f1:6.3f}")
    print(f"\nsuggested reply: {sugg_ok}/{len(items)} correct ({sugg_ok / max(1, len(items)):.1%})")
    if summary:
        print(f"misses: {len(misses)} of {len(items)} requests")
        return 0
    if misses:
        print(f"\n{'details' if verbose else 'misses'} ({len(misses)}):")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
