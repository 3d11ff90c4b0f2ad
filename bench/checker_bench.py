"""Checker throughput: checks per second over generated, realistic requests (prints figures only).

Usage: .venv/bin/python bench/checker_bench.py [--messages N] [--rounds R] [--seed S]

Builds N requests from sentence pools written for this script (greetings, context about the sender,
pitches, favours, questions, sign-offs, quoted history, a signature), mixes known and unknown senders,
and times the checker over them R times, one message at a time (``check``, as ``gracebox check`` does) and in
batches of 256 (``check_many``, as a sync does). The first round is reported on its own (it loads the model).
Also prints the cost of importing the checker and loading the model in a fresh process. Goal: >= 5,000
checks/s on one core in batch; import plus model load <= 0.2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailsync import checker  # noqa: E402
from mailsync.types import Address, CheckContext, ContactInfo, ListEntry, ParsedMessage  # noqa: E402

GREETINGS = ["Hi Alex,", "Dear Ms Rivera,", "Hello Alex,", "Alex,", "Good morning Alex,"]
CONTEXT = [
    "I lead the data team at a mid-sized logistics company and we have grown from four to eleven people "
    "this year.",
    "We met briefly at the spring conference, where you spoke about making decisions under pressure.",
    "I have been reading your newsletter for a while and the piece on weekly updates changed how I write "
    "mine.",
    "A colleague of mine mentioned your workshop and said it was the most practical day she had all year.",
    "I'm moving from teaching into instructional design and I'm trying to learn from people who made a "
    "similar jump.",
    "Our organisation runs an annual meetup for engineering managers in the north of the country.",
]
PITCHES = [
    "Our platform turns meeting notes into action items automatically, and teams typically save four hours "
    "a week.",
    "We're offering a 30-day free trial, and plans start at $15 per user per month.",
    "Can I send over a one-page overview and our pricing?",
    "I'd love to show you a quick demo next Tuesday.",
]
FAVOURS = [
    "Would you be able to introduce me to the person who runs hiring on your team?",
    "Could you take a look at my CV and tell me whether it reads well for a lead role?",
    "Would you mind passing my name along to your former manager?",
    "I'd really value your advice on how to structure my first all-hands.",
]
QUESTIONS = [
    "Do you know whether we need to register for VAT if the client is abroad?",
    "Which cloud provider would you recommend for a small analytics workload?",
    "How should I prepare for a board presentation when the numbers are bad?",
]
OFFERS = [
    "Would you like to speak at our autumn event? We cover travel and offer an honorarium.",
    "Would be glad to connect and keep in touch.",
    "No need to reply; I just wanted to say thank you for the workshop.",
]
CLOSINGS = ["Best,\nSam", "Kind regards,\nJordan Lee", "Thanks so much,\nPriya", "Cheers,\nMo"]
QUOTE = (
    "\n\nOn Tue, 3 Jun 2025 at 09:12, Alex Rivera <alex@example.com> wrote:\n"
    "> Thanks for the notes. Let's pick this up after the summer.\n> Best, Alex\n"
)
SIGNATURE = "\n-- \nSam Patel | Head of Data | Northwind Freight\n+44 20 0000 0000\n"


def make_messages(n: int, rng: random.Random) -> list[ParsedMessage]:
    """N ParsedMessages of 3-9 sentences, some with quoted history and signatures."""
    out: list[ParsedMessage] = []
    pools = [CONTEXT, CONTEXT, PITCHES, FAVOURS, QUESTIONS, OFFERS]
    for i in range(n):
        parts = [rng.choice(GREETINGS)]
        para = [rng.choice(CONTEXT)]
        for _ in range(rng.randint(2, 7)):
            para.append(rng.choice(rng.choice(pools)))
        parts.append(" ".join(para[: len(para) // 2]))
        parts.append(" ".join(para[len(para) // 2:]))
        parts.append(rng.choice(CLOSINGS))
        body = "\n\n".join(parts)
        if rng.random() < 0.3:
            body += QUOTE
        if rng.random() < 0.3:
            body += SIGNATURE
        addr = f"person{i % 50}@org{i % 17}.example"
        out.append(
            ParsedMessage(
                message_id=f"<{i}@bench.example>",
                subject=rng.choice(["Quick question", "Hello", "Re: our chat", "An idea", "Introduction"]),
                from_=Address(f"Person {i % 50}", addr),
                body_text=body,
            )
        )
    return out


def make_context() -> CheckContext:
    return CheckContext(
        me="alex@example.com",
        known_addresses=frozenset(f"person{i}@org{i % 17}.example" for i in range(0, 50, 3)),
        known_names=frozenset(f"person {i}" for i in range(0, 50, 3)),
        contacts={"person7@org7.example": ContactInfo("person7@org7.example", "Person 7", "negative", "no-show")},
        network_warnings=(ListEntry("*@org5.example", "spam", "Jo"),),
        reputation_watch=(ListEntry("*@org11.example", "fake reviews"),),
        expertise=("leadership communication", "executive presence", "board presentations", "feedback"),
    )


def load_cost() -> str:
    """Import + model load in a fresh interpreter (wall seconds), as the first check of a process pays it."""
    import subprocess

    code = ("import time; t=time.perf_counter(); from mailsync import checker; checker.model.encoder(); "
            "checker.model.heads(); print(f'{time.perf_counter()-t:.3f}')")
    root = Path(__file__).resolve().parents[1]
    runs = sorted(float(subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                                       check=True).stdout) for _ in range(3))
    return f"import + model load in a fresh process: median {runs[1]:.3f} s (min {runs[0]:.3f}, max {runs[2]:.3f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    msgs = make_messages(args.messages, rng)
    ctx = make_context()
    avg_chars = statistics.mean(len(m.body_text) for m in msgs)
    print(f"{len(msgs)} messages, mean body {avg_chars:.0f} chars, {args.rounds} rounds")
    rates: list[float] = []
    cpu_rates: list[float] = []
    flagged = 0
    print(load_cost())
    for r in range(args.rounds + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        for m in msgs:
            hits = checker.check(m, ctx)
            if r == 0 and hits:
                flagged += 1
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        rate = len(msgs) / dt
        if r == 0:
            print(f"cold round: {rate:,.0f} checks/s ({flagged} of {len(msgs)} flagged)")
        else:
            rates.append(rate)
            cpu_rates.append(len(msgs) / max(dc, 1e-9))
    print(f"warm rounds (wall clock): median {statistics.median(rates):,.0f} checks/s, "
          f"min {min(rates):,.0f}, max {max(rates):,.0f}; {1e6 / statistics.median(rates):.0f} us/check")
    print(f"warm rounds (CPU time of this process, less sensitive to a busy machine): median "
          f"{statistics.median(cpu_rates):,.0f} checks/s; {1e6 / statistics.median(cpu_rates):.0f} us/check")
    batch: list[float] = []
    for _r in range(args.rounds):
        t0 = time.process_time()
        for i in range(0, len(msgs), 256):
            checker.check_many(msgs[i:i + 256], ctx)
        batch.append(len(msgs) / max(time.process_time() - t0, 1e-9))
    print(f"batch of 256 (check_many, CPU time): median {statistics.median(batch):,.0f} checks/s; "
          f"{1e6 / statistics.median(batch):.0f} us/check")
    print("goal: >= 5,000 checks/s on one core in batch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
