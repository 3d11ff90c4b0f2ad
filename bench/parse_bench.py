"""Parse benchmark: milliseconds per message for ``mailsync.parse.parse`` on generated messages.

Usage: .venv/bin/python bench/parse_bench.py [--messages 2000] [--rounds 3] [--dir DIR]

Generates N requests of 2-8 KB (bench/mailgen_bench.py) in three shapes: plain text; multipart/alternative
with an HTML part; and encoded-word headers with an ISO-8859-1 quoted-printable body. For each shape it prints the
median over --rounds of: the stdlib's naive read (``message_from_bytes(policy.default)`` + ``get_body()`` +
``get_content()`` + subject + from, the 0.82 ms figure in the test-server notes), ``parse`` as shipped
(policy.default), ``parse`` on ``policy.compat32`` (same results, see ``parse_with``), and the share spent
converting HTML. ``--dir`` also parses every .eml in DIR with both policies and counts differing results
(read-only). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import random
import statistics
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from mailgen_bench import make_batch  # noqa: E402

from mailsync.mail import bodies, parse  # noqa: E402


def with_html(raw: bytes) -> bytes:
    """The same request with an HTML alternative (paragraphs, a link, a style block)."""
    src = email.message_from_bytes(raw, policy=email.policy.default)
    text = src.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    m = EmailMessage()
    for h in ("From", "To", "Subject", "Date", "Message-ID"):
        m[h] = src[h]
    m.set_content(text)
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    m.add_alternative(
        f"<html><head><style>p{{margin:0}}</style></head><body>{paras}"
        f'<p><a href="https://example.org/profile">my profile</a></p></body></html>',
        subtype="html",
    )
    return m.as_bytes(policy=m.policy.clone(linesep="\r\n"))


def with_latin1(raw: bytes, i: int) -> bytes:
    """Encoded-word From/Subject and an ISO-8859-1 quoted-printable body."""
    src = email.message_from_bytes(raw, policy=email.policy.default)
    text = src.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    m = EmailMessage()
    m["From"] = f"José Müller {i} <jose{i}@example.org>"
    m["To"] = src["To"]
    m["Subject"] = f"Réunion café n°{i}"
    m["Date"] = src["Date"]
    m["Message-ID"] = src["Message-ID"]
    m.set_content(text.replace("Hi", "Olá") + "\nÀ bientôt", charset="iso-8859-1", cte="quoted-printable")
    return m.as_bytes(policy=m.policy.clone(linesep="\r\n"))


def naive(raw: bytes) -> None:
    """The stdlib baseline of the test-server notes."""
    m = email.message_from_bytes(raw, policy=email.policy.default)
    b = m.get_body()
    if b is not None:
        b.get_content()
    str(m["subject"])
    _ = m["from"].addresses if m["from"] else ()


def median_ms(fn: Callable[[bytes], object], msgs: list[bytes], rounds: int) -> float:
    """Median over ``rounds`` of the wall time per message, in milliseconds."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for raw in msgs:
            fn(raw)
        times.append((time.perf_counter() - t0) / len(msgs) * 1000)
    return statistics.median(times)


def html_share(msgs: list[bytes], rounds: int) -> float:
    """Milliseconds per message spent in html_to_text (HTML parts converted alone)."""
    htmls = []
    for raw in msgs:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        part = m.get_body(("html",))
        if part is not None:
            htmls.append(part.get_content())
    if not htmls:
        return 0.0
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for h in htmls:
            bodies.html_to_text(h)
        times.append((time.perf_counter() - t0) / len(msgs) * 1000)
    return statistics.median(times)


def compare_dir(directory: Path) -> None:
    """Parse every .eml of ``directory`` with both policies; print how many results differ."""
    files = sorted(p for p in directory.iterdir() if p.suffix == ".eml")
    diff = [p.name for p in files
            if parse.parse(p.read_bytes()) != parse.parse_with(p.read_bytes(), email.policy.compat32)]
    print(f"{directory}: {len(files)} files, {len(diff)} differ between policy.default and compat32"
          + (f": {', '.join(diff)}" if diff else ""))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None, help="also compare policies on DIR/*.eml (read-only)")
    args = ap.parse_args(argv)
    rng = random.Random(11)
    plain = make_batch(args.messages)
    shapes = {
        "plain": plain,
        "html alternative": [with_html(r) for r in plain],
        "latin-1 + encoded-words": [with_latin1(r, i) for i, r in enumerate(plain)],
    }
    rng.shuffle(plain)
    sizes = [len(r) for r in plain]
    print(f"{args.messages} messages per shape, {min(sizes)}-{max(sizes)} bytes (plain), median of {args.rounds}")
    print(f"{'shape':<26}{'stdlib naive':>14}{'parse':>10}{'compat32':>10}{'html2text':>11}   (ms/message)")
    compat = email.policy.compat32
    for name, msgs in shapes.items():
        same = sum(parse.parse(r) == parse.parse_with(r, compat) for r in msgs[:200])
        row = (
            median_ms(naive, msgs, args.rounds),
            median_ms(parse.parse, msgs, args.rounds),
            median_ms(lambda r: parse.parse_with(r, compat), msgs, args.rounds),
            html_share(msgs, args.rounds),
        )
        print(f"{name:<26}" + "".join(f"{v:>{w}.3f}" for v, w in zip(row, (14, 10, 10, 11), strict=True))
              + f"   same results {same}/{min(200, len(msgs))}")
    if args.dir is not None:
        compare_dir(args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
