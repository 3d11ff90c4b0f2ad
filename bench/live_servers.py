"""Try Gracebox for real: a private Dovecot (IMAP) and aiosmtpd (SMTP) on 127.0.0.1 loaded with requests.

Usage:
    .venv/bin/python bench/live_servers.py --config /tmp/gb/config.toml [--requests DIR] [--sent DIR]
                                           [--profile PROFILE.toml] [--seconds N]

Loads every *.eml of --requests (default: the demo's sample requests) into the folder "Networking" and of --sent
into "Sent", writes a config for them (certificate checks on, through ca_file), prints how to run `gracebox sync`
and `gracebox`, then keeps the servers up until Ctrl-C (or --seconds). On exit it prints what the SMTP server
received and the flags of the originals. For trying the product in tmux and for timing a sync on a corpus.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.config_factory import write_config  # noqa: E402
from tests.servers.dovecot import DovecotServer  # noqa: E402
from tests.servers.smtp import start_server  # noqa: E402

DEMO = ROOT / "mailsync" / "demo_data"


def load(srv: DovecotServer, user: str, password: str, folder: str, files: list[Path]) -> None:
    from imapclient import IMAPClient

    with IMAPClient(srv.host, srv.tls_port, ssl_context=srv.ssl_context()) as c:
        c.login(user, password)
        if not c.folder_exists(folder):
            c.create_folder(folder)
        if files:
            c.multiappend(folder, [f.read_bytes() for f in files])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, type=Path, help="where to write the config file")
    ap.add_argument("--requests", type=Path, default=DEMO / "requests")
    ap.add_argument("--sent", type=Path, default=DEMO / "sent")
    ap.add_argument("--profile", type=Path, default=DEMO / "profile.toml", help="profile keys (top level)")
    ap.add_argument("--seconds", type=float, default=0, help="stop after this many seconds (0: until Ctrl-C)")
    args = ap.parse_args()
    args.config.parent.mkdir(parents=True, exist_ok=True)
    profile = tomllib.loads(args.profile.read_text(encoding="utf-8")) if args.profile.is_file() else {}
    me = {"email": profile.pop("email", "me@example.org"), "name": profile.pop("name", "Me")}
    profile.pop("role", None)
    with DovecotServer() as srv:
        smtp = start_server(args.config.parent)
        try:
            user, password = srv.new_account()
            load(srv, user, password, "Networking", sorted(args.requests.glob("*.eml")))
            load(srv, user, password, "Sent", sorted(args.sent.glob("*.eml")) if args.sent.is_dir() else [])
            imap = {"host": "localhost", "port": srv.tls_port, "security": "tls", "username": user,
                    "password": password, "ca_file": srv.ca_file, "requests_folder": "Networking",
                    "sent_folder": "Sent", "timeout": 15}
            write_config(args.config, imap=imap, smtp=smtp.smtp_config(), identity=me, profile=profile,
                         database_url=f"sqlite:///{args.config.parent / 'gracebox.db'}")
            print(f"IMAP localhost:{srv.tls_port} user {user}; SMTP localhost:{smtp.port}; config {args.config}")
            print(f"  .venv/bin/gracebox --config {args.config} sync")
            print(f"  .venv/bin/gracebox --config {args.config}")
            sys.stdout.flush()
            deadline = time.monotonic() + args.seconds if args.seconds else None
            signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
            try:
                while deadline is None or time.monotonic() < deadline:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
            print(f"SMTP received {len(smtp.received)} message(s)")
            for r in smtp.received:
                print(f"  to {', '.join(r.rcpt_tos)}: {len(r.raw)} bytes")
        finally:
            smtp.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
