"""A private PostgreSQL server for the tests (``pg_url``: a SQLAlchemy URL), one per test module, on a free
port in its own folder, so parallel workers never share one. Skipped (failed in CI) when PostgreSQL's
server binaries are not installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return None
    for v in sorted(base.iterdir(), reverse=True):
        if (v / "bin" / "initdb").exists():
            return v / "bin"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server not installed: apt-get install -y postgresql")
        pytest.skip("PostgreSQL server not installed: apt-get install -y postgresql")
    d = Path(tempfile.mkdtemp(prefix="gracebox-pg-"))  # pytest's tmp root is 0700: postgres can't enter it
    d.chmod(0o755)
    data = d / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(d, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*run_as, str(bindir / "initdb"), "-A", "trust", "--no-sync", "-U", "postgres", "-D", str(data)],
                   check=True, capture_output=True)
    port = _free_port()
    opts = f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(d / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(d, ignore_errors=True)
