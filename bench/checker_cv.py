"""Leave-one-writer-out cross-validation of the checker over the train and dev writers (prints figures only).

Usage: .venv/bin/python bench/checker_cv.py

For each writer of ``corpus/splits.toml``'s train and dev splits, trains the heads on the others
(``corpus/train.py``'s ``train``), runs the product's checker on that writer's requests with those heads (in this
process only; the shipped file is untouched) and adds up per-flag TP/FP/FN and the suggested-reply accuracy. This is
how the training settings were chosen; the test split never takes part.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "corpus"))
sys.path.insert(0, str(ROOT))

import train as T  # noqa: E402
from build import ROOT as CORPUS  # noqa: E402
from build import load_writer, splits  # noqa: E402

from mailsync import checker  # noqa: E402
from mailsync.checker import model  # noqa: E402

FLAGS = ("RF1", "RF2", "RF3", "RF4", "RF7")


def main() -> int:
    writers = [w for w in splits()["train"] + splits()["dev"] if (CORPUS / "writers" / w / "requests.jsonl").exists()]
    data = {w: load_writer(CORPUS / "writers" / w) for w in writers}
    tp = dict.fromkeys(FLAGS, 0)
    fp = dict.fromkeys(FLAGS, 0)
    fn = dict.fromkeys(FLAGS, 0)
    ok = n = 0
    t0 = time.perf_counter()
    for w in writers:
        model.use_heads(T.train([it for v in writers if v != w for it in data[v]]))
        held = data[w]
        by_ctx: dict[int, list[int]] = {}
        for i, it in enumerate(held):
            by_ctx.setdefault(id(it.ctx), []).append(i)
        got: dict[int, set[str]] = {}
        for idx in by_ctx.values():
            for i, hits in zip(idx, checker.check_many([held[i].parsed for i in idx], held[idx[0]].ctx), strict=True):
                got[i] = {h.code for h in hits}
        for i, it in enumerate(held):
            want = set(it.rec["flags"])
            for f in FLAGS:
                tp[f] += f in got[i] and f in want
                fp[f] += f in got[i] and f not in want
                fn[f] += f not in got[i] and f in want
            ok += checker.suggest(got[i]) == it.rec["suggested"]
            n += 1
        print(f"  held out {w}: {len(held)} requests", flush=True)
    print(f"{len(writers)} writers, {n} requests, {time.perf_counter() - t0:.0f} s")
    print(f"{'flag':5} {'prec':>6} {'recall':>6} {'F1':>6}")
    for f in FLAGS:
        p = tp[f] / (tp[f] + fp[f]) if tp[f] + fp[f] else 1.0
        r = tp[f] / (tp[f] + fn[f]) if tp[f] + fn[f] else 1.0
        print(f"{f:5} {p:6.3f} {r:6.3f} {2 * p * r / (p + r) if p + r else 0.0:6.3f}")
    print(f"suggested reply right: {ok}/{n} ({ok / max(1, n):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
