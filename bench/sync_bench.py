"""Sync benchmark: gracebox against the server's ceiling, mbsync and offlineimap3, side by side in one run.

Usage: .venv/bin/python bench/sync_bench.py [--messages 10000] [--rounds 3] [--no-offlineimap]

Starts a private Dovecot (tests/servers/dovecot.py), loads N realistic requests of 2-8 KB with MULTIAPPEND, then
measures (median of --rounds, wall seconds): (a) one `UID FETCH 1:* BODY.PEEK[]` drained (the ceiling); (b) mbsync
to a Maildir on disk with default settings; (c) offlineimap3 if installed; (d) `gracebox sync` from empty (parse,
check, store); (e) no-op re-sync, gracebox and mbsync; (f) 100 new messages on the full folder (gracebox's quick path);
(g) the same plus a flag change on an old message (the full path). Prints a table.
Nothing here is asserted: these are figures for the README and the issue notes.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from mailgen_bench import make_batch  # noqa: E402

from tests.servers.dovecot import DovecotServer  # noqa: E402

FOLDER = "Networking"


def median_time(fn: Callable[[], None], rounds: int, setup: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(rounds):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def load(srv: DovecotServer, user: str, password: str, msgs: list[bytes]) -> None:
    from imapclient import IMAPClient

    with IMAPClient(srv.host, srv.tls_port, ssl_context=srv.ssl_context()) as c:
        c.login(user, password)
        if not c.folder_exists(FOLDER):
            c.create_folder(FOLDER)
        if not c.folder_exists("Sent"):
            c.create_folder("Sent")
        for i in range(0, len(msgs), 1000):
            c.multiappend(FOLDER, msgs[i : i + 1000])


def toggle_flag(srv: DovecotServer, user: str, password: str, on: bool) -> None:
    """Another client sets (or clears) \\Flagged on the first message: a flag change the sync must see."""
    from imapclient import IMAPClient

    with IMAPClient(srv.host, srv.tls_port, ssl_context=srv.ssl_context()) as c:
        c.login(user, password)
        c.select_folder(FOLDER)
        first = min(c.search(["ALL"]))
        (c.add_flags if on else c.remove_flags)([first], [b"\\Flagged"])


def ceiling(srv: DovecotServer, user: str, password: str) -> None:
    m = imaplib.IMAP4_SSL(srv.host, srv.tls_port, ssl_context=srv.ssl_context())
    m.login(user, password)
    m.select(FOLDER, readonly=True)
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
    assert typ == "OK" and data
    m.logout()


def write_mbsyncrc(d: Path, srv: DovecotServer, user: str, password: str) -> Path:
    rc = d / "mbsyncrc"
    (d / "maildir").mkdir(exist_ok=True)
    rc.write_text(
        f"IMAPAccount bench\nHost localhost\nPort {srv.tls_port}\nUser {user}\nPass {password}\n"
        f"SSLType IMAPS\nCertificateFile {srv.ca_file}\n\n"
        f"IMAPStore remote\nAccount bench\n\n"
        f"MaildirStore local\nPath {d}/maildir/\nInbox {d}/maildir/INBOX\n\n"
        f"Channel bench\nFar :remote:{FOLDER}\nNear :local:{FOLDER}\nCreate Near\nSync Pull\n"
        f"SyncState *\n"
    )
    return rc


def write_offlineimaprc(d: Path, srv: DovecotServer, user: str, password: str) -> Path:
    rc = d / "offlineimaprc"
    rc.write_text(
        f"[general]\naccounts = bench\nmetadata = {d}/meta\nui = quiet\n\n"
        f"[Account bench]\nlocalrepository = local\nremoterepository = remote\n\n"
        f"[Repository local]\ntype = Maildir\nlocalfolders = {d}/oi-maildir\n\n"
        f"[Repository remote]\ntype = IMAP\nremotehost = localhost\nremoteport = {srv.tls_port}\n"
        f"remoteuser = {user}\nremotepass = {password}\nssl = yes\nsslcacertfile = {srv.ca_file}\n"
        f"folderfilter = lambda f: f == '{FOLDER}'\nreadonly = True\n"
    )
    return rc


def write_config(d: Path, srv: DovecotServer, user: str, password: str) -> Path:
    cfg = d / "config.toml"
    cfg.write_text(
        f'[imap]\nhost = "{srv.host}"\nport = {srv.tls_port}\nsecurity = "tls"\nusername = "{user}"\n'
        f'password = "{password}"\nca_file = "{srv.ca_file}"\nrequests_folder = "{FOLDER}"\nsent_folder = "Sent"\n\n'
        f'[identity]\nemail = "alex@example.org"\nname = "Alex Rivera"\n\n'
        f'[profile]\nexpertise = ["leadership communication", "executive presence"]\n\n'
        f'[storage]\ndatabase_url = "sqlite:///{d}/gracebox.db"\n'
    )
    cfg.chmod(0o600)
    return cfg


def run(cmd: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if out.returncode != 0:
        why = (out.stderr.strip() or out.stdout.strip())[-500:]
        raise SystemExit(f"{cmd[0]} failed ({out.returncode}): {why}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-offlineimap", action="store_true", help="skip offlineimap3 (slow) while iterating")
    args = ap.parse_args()
    n, rounds = args.messages, args.rounds
    script = Path(sys.executable).with_name("gracebox")
    # The console script when installed (README: pip install -e .), else the same entry point through -m.
    gracebox_cmd = [str(script)] if script.exists() else [sys.executable, "-m", "mailsync.cli"]
    rows: list[tuple[str, float, int]] = []
    with DovecotServer() as srv, tempfile.TemporaryDirectory(prefix="gb-bench-", dir="/var/tmp") as tmp:
        d = Path(tmp)
        user, password = srv.new_account()
        msgs = make_batch(n)
        size = sum(len(m) for m in msgs)
        t = time.perf_counter()
        load(srv, user, password, msgs)
        print(f"loaded {n} messages ({size / 1e6:.1f} MB) in {time.perf_counter() - t:.2f} s", file=sys.stderr)

        rows.append(("(a) ceiling: UID FETCH 1:* BODY.PEEK[]", median_time(lambda: ceiling(srv, user, password),
                                                                           rounds), n))
        mb = None
        if shutil.which("mbsync"):
            rc = write_mbsyncrc(d, srv, user, password)

            def mb_clean() -> None:
                shutil.rmtree(d / "maildir", ignore_errors=True)
                (d / "maildir").mkdir()

            mb = median_time(lambda: run(["mbsync", "-q", "-c", str(rc), "bench"]), rounds, mb_clean)
            rows.append(("(b) mbsync, Maildir on disk, defaults", mb, n))
        if shutil.which("offlineimap") and not args.no_offlineimap:
            orc = write_offlineimaprc(d, srv, user, password)

            def oi_clean() -> None:
                for p in ("oi-maildir", "meta"):
                    shutil.rmtree(d / p, ignore_errors=True)
                (d / "oi-maildir").mkdir()

            oi = median_time(lambda: run(["offlineimap", "-c", str(orc), "-u", "quiet"]), 1, oi_clean)
            rows.append(("(c) offlineimap3 (1 round)", oi, n))
        cfg = write_config(d, srv, user, password)

        def gb_clean() -> None:
            for p in d.glob("gracebox.db*"):
                p.unlink()

        gb_sync = [*gracebox_cmd, "--config", str(cfg), "sync", "--quiet"]
        gb = median_time(lambda: run(gb_sync), rounds, gb_clean)
        rows.append(("(d) gracebox sync from empty (parse, check, store)", gb, n))
        gb_noop = median_time(lambda: run(gb_sync), max(rounds, 5))
        rows.append(("(e) gracebox no-op re-sync", gb_noop, 0))
        mb_noop = None
        if mb is not None:
            mb_noop = median_time(lambda: run(["mbsync", "-q", "-c", str(rc), "bench"]), max(rounds, 5))
            rows.append(("(e) mbsync no-op re-sync", mb_noop, 0))
        new100: list[float] = []
        for r in range(rounds):
            load(srv, user, password, make_batch(100, start=n + r * 100))
            t = time.perf_counter()
            run(gb_sync)
            new100.append(time.perf_counter() - t)
        rows.append(("(f) gracebox sync, 100 new on the full folder", statistics.median(new100), 100))
        full100: list[float] = []
        for r in range(rounds):  # the same with a flag change too: the quick path steps aside, the full path runs
            load(srv, user, password, make_batch(100, start=n + (rounds + r) * 100))
            toggle_flag(srv, user, password, on=r % 2 == 0)
            t = time.perf_counter()
            run(gb_sync)
            full100.append(time.perf_counter() - t)
        rows.append(("(g) gracebox sync, 100 new + 1 flag change (full path)", statistics.median(full100), 100))

    print(f"\nsync_bench: {n} messages of 2-8 KB, median of {rounds} rounds, {os.cpu_count()} cores")
    print(f"{'what':<54} {'wall s':>8} {'msg/s':>9}")
    for name, secs, count in rows:
        rate = f"{count / secs:,.0f}" if count else "-"
        print(f"{name:<54} {secs:>8.3f} {rate:>9}")
    ceil = rows[0][1]
    print(f"\nratio gracebox/ceiling (initial): {gb / ceil:.2f}  (goal <= 5)")
    if mb is not None:
        print(f"ratio gracebox/mbsync (initial):  {gb / mb:.2f}  (goal <= 1.0)")
    if mb_noop is not None:
        print(f"ratio gracebox/mbsync (no-op):    {gb_noop / mb_noop:.2f}  (goal <= 3)")
    print(f"100 new messages: {statistics.median(new100):.3f} s  (goal < 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
