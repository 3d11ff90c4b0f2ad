"""The shipped checker heads are exactly what the corpus trains, and the corpus is valid (README "Red flags")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_corpus_is_valid() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "corpus" / "validate.py")], capture_output=True, text=True,
                       check=False)
    assert r.returncode == 0, r.stdout[-2000:]
    total = r.stdout.strip().splitlines()[-1]
    assert total.startswith("total: ") and int(total.split()[1]) >= 1500, total


def test_shipped_heads_are_what_the_corpus_trains() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "corpus" / "train.py"), "--verify"], capture_output=True,
                       text=True, check=False, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_checker_version_follows_the_heads() -> None:
    from mailsync import checker
    from mailsync.checker import model

    digest = model.HEADS_FILE.with_suffix(".sha256").read_text().strip()
    assert len(digest) == 64
    assert 0 < checker.CHECKER_VERSION < 2**28
