"""How corrections teach the checker: after the user corrects k messages of a kind the base model gets wrong,
how are the next unseen messages of that kind flagged? (prints figures; never run by the test suite)

Usage: .venv/bin/python bench/learning_curve.py [--split dev] [--ks 1,3,5]

A "kind" is one recipient's mistakes on one flag in one direction (missed, or raised wrongly): what a user sees
in their own inbox. For each kind with at least k + 2 mistakes, the first k (in corpus order) become the user's
corrections (``UserExample``: the message vector, the flag, whether it applies), and the rest are checked again.
Reported per k: how many of those unseen mistakes are now right, and how many of the recipient's other messages
(right before) changed to wrong — the price of learning. The dev split by default; never the test split.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "corpus"))
sys.path.insert(0, str(ROOT))

from build import Item, load_split  # noqa: E402

from mailsync import checker  # noqa: E402
from mailsync.types import UserExample  # noqa: E402

FLAGS = ("RF1", "RF2", "RF3", "RF7")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--ks", default="1,3,5")
    args = ap.parse_args()
    items = load_split(args.split)
    by_rcpt: dict[str, list[Item]] = {}
    for it in items:
        by_rcpt.setdefault(it.rec["recipient"], []).append(it)
    base: dict[str, set[str]] = {}
    vec: dict[str, tuple[float, ...]] = {}
    for group in by_rcpt.values():
        for it, hits in zip(group, checker.check_many([g.parsed for g in group], group[0].ctx), strict=True):
            base[it.rec["id"]] = {h.code for h in hits}
            vec[it.rec["id"]] = checker.message_vector(it.parsed)
    print(f"{args.split}: {len(items)} requests, {len(by_rcpt)} recipients")
    print(f"{'k':>2} {'kinds':>5} {'unseen mistakes':>15} {'now right':>9} {'share':>6} {'others broken':>13}")
    for k in (int(x) for x in args.ks.split(",")):
        kinds = fixed = unseen = broken = others = 0
        for group in by_rcpt.values():
            for flag in FLAGS:
                for direction in (True, False):  # True: missed (should be present)
                    wrong = [it for it in group
                             if (flag in it.rec["flags"]) == direction and (flag in base[it.rec["id"]]) != direction]
                    if len(wrong) < k + 2:
                        continue
                    kinds += 1
                    taught, rest = wrong[:k], wrong[k:]
                    ex = tuple(UserExample(vec[t.rec["id"]], flag, direction) for t in taught)
                    ctx = dataclasses.replace(group[0].ctx, user_examples=ex)
                    after = checker.check_many([g.parsed for g in group], ctx)
                    now = {g.rec["id"]: {h.code for h in hits} for g, hits in zip(group, after, strict=True)}
                    unseen += len(rest)
                    fixed += sum((flag in now[r.rec["id"]]) == direction for r in rest)
                    taught_ids = {t.rec["id"] for t in wrong}
                    for g in group:
                        if g.rec["id"] in taught_ids:
                            continue
                        was_right = (flag in base[g.rec["id"]]) == (flag in g.rec["flags"])
                        if was_right:
                            others += 1
                            broken += (flag in now[g.rec["id"]]) != (flag in g.rec["flags"])
        share = f"{fixed / unseen:.0%}" if unseen else "-"
        print(f"{k:>2} {kinds:>5} {unseen:>15} {fixed:>9} {share:>6} {broken:>6} of {others}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
