"""A private Dovecot IMAP server on 127.0.0.1 for tests and bench scripts (no pytest import here).

Facts followed (see the project's test-server notes): ``dovecot -F -c DIR/dovecot.conf`` in its own process
session, stopped by SIGKILL to the group; nothing from /etc/dovecot is read. Mail is owned by nobody:nogroup
(Dovecot refuses uid 0), the temp root is chmod 755, the passwd file 0644. A static passdb lets every test
log in as a fresh user with the shared password; the ``anvil-auth-penalty`` listener is disabled so one failed
login does not delay the next by 4 s. Ports are picked free on 127.0.0.1; if Dovecot exits 89 (port taken
before bind) new ports are tried.

Usage::

    with DovecotServer() as srv:
        user, password = srv.new_account()
        IMAPClient(srv.host, srv.tls_port, ssl_context=ssl.create_default_context(cafile=srv.ca_file))
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

#: Exit status Dovecot uses when a listener cannot bind (port taken between our probe and its bind).
EXIT_BIND_FAILED = 89

_CONF = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
login_greeting = {greeting}
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
mail_max_userip_connections = 1000
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = {dir}/passwd
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={dir}/mail/%u
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that was free on ``host`` a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def make_self_signed_cert(directory: Path, *, days: int = 30) -> tuple[Path, Path]:
    """Write ``cert.pem`` and ``key.pem`` (RSA 2048, self-signed, SAN DNS:localhost, IP:127.0.0.1) into
    ``directory`` with openssl; return (cert, key). The cert doubles as the CA file for clients.
    Raises subprocess.CalledProcessError when openssl fails."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", str(days), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


class DovecotError(RuntimeError):
    """Dovecot could not be started (the message carries the tail of its log)."""


class DovecotServer:
    """A private Dovecot instance in a temp directory.

    Attributes after ``start()``: ``host`` ("127.0.0.1"), ``port`` (plain IMAP, STARTTLS offered),
    ``tls_port`` (implicit TLS), ``ca_file`` (Path of the self-signed cert to trust), ``password`` (the
    static password every ``new_account`` user logs in with), ``greeting`` (the unique login greeting),
    ``dir`` (the temp root). Not thread-safe; one instance per test session is the intended use.
    """

    host = "127.0.0.1"

    def __init__(self, base_dir: Path | None = None, *, start_timeout: float = 10.0, extra_conf: str = "") -> None:
        """``base_dir``: parent of the temp root (default: the system temp dir); ``start_timeout``: seconds
        to wait for both listeners' greeting; ``extra_conf``: lines appended to dovecot.conf (e.g.
        ``imap_capability = IMAP4rev1 IDLE`` for a server without CONDSTORE)."""
        self._base_dir = base_dir
        self._extra_conf = extra_conf
        self._start_timeout = start_timeout
        self.dir: Path | None = None
        self.port = 0
        self.tls_port = 0
        self.ca_file: Path | None = None
        self.password = "pw-" + secrets.token_hex(8)
        self.greeting = "gracebox-test-" + secrets.token_hex(6)
        self._proc: subprocess.Popen[bytes] | None = None
        self._counter = 0

    # --- life cycle -----------------------------------------------------------------------------------
    def start(self) -> DovecotServer:
        """Create the temp root, cert and config, start Dovecot and wait until both ports greet.

        Retries with new ports (up to 5 times) when Dovecot exits 89. Raises DovecotError (with the log
        tail) when it exits otherwise or does not greet within ``start_timeout`` seconds."""
        if shutil.which("dovecot") is None:
            raise DovecotError("dovecot not installed: apt-get install -y dovecot-imapd")
        root = Path(tempfile.mkdtemp(prefix="gracebox-dovecot-", dir=self._base_dir))
        self.dir = root
        os.chmod(root, 0o755)
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        _chown_nobody(root / "mail")
        self.ca_file, _key = make_self_signed_cert(root)
        os.chmod(_key, 0o600)
        passwd = root / "passwd"
        passwd.write_text(f"alice:{{PLAIN}}{self.password}\n")
        os.chmod(passwd, 0o644)
        last = ""
        for _attempt in range(5):
            self.port, self.tls_port = free_port(), free_port()
            while self.tls_port == self.port:
                self.tls_port = free_port()
            conf = root / "dovecot.conf"
            conf.write_text(_CONF.format(dir=root, greeting=self.greeting, password=self.password,
                                         port=self.port, tls_port=self.tls_port) + self._extra_conf + "\n")
            self._proc = subprocess.Popen(
                ["dovecot", "-F", "-c", str(conf)], start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            rc = self._wait_ready()
            if rc is None:
                return self
            last = self._log_tail()
            if rc != EXIT_BIND_FAILED:
                break
        self.stop()
        raise DovecotError(f"dovecot did not start: {last}")

    def _wait_ready(self) -> int | None:
        """Return None once both ports greet with our token, or Dovecot's exit status if it died."""
        assert self._proc is not None and self.ca_file is not None
        deadline = time.monotonic() + self._start_timeout
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        ready = {"plain": False, "tls": False}
        while time.monotonic() < deadline:
            rc = self._proc.poll()
            if rc is not None:
                return rc
            if not ready["plain"]:
                ready["plain"] = self._greets(self.port, None)
            if not ready["tls"]:
                ready["tls"] = self._greets(self.tls_port, ctx)
            if all(ready.values()):
                return None
            time.sleep(0.01)
        self._kill()
        return -1

    def _greets(self, port: int, ctx: ssl.SSLContext | None) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=2) as raw:
                sock: socket.socket = ctx.wrap_socket(raw, server_hostname="localhost") if ctx else raw
                data = b""
                while b"\r\n" not in data:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                return self.greeting.encode() in data
        except OSError:
            return False

    def _log_tail(self) -> str:
        parts = []
        if self._proc is not None and self._proc.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                parts.append(self._proc.stderr.read().decode("utf-8", "replace")[-800:])
        if self.dir is not None and (self.dir / "dovecot.log").exists():
            parts.append((self.dir / "dovecot.log").read_text("utf-8", "replace")[-800:])
        return " | ".join(p.strip() for p in parts if p.strip()) or "(no log)"

    def _kill(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()
        if self._proc.stderr is not None:
            self._proc.stderr.close()
        self._proc = None

    def kill(self) -> None:
        """SIGKILL Dovecot (all its processes) but keep the temp root: a server crash / cut connection."""
        self._kill()

    def stop(self) -> None:
        """SIGKILL Dovecot's process group (about 1 ms) and remove the temp root."""
        self._kill()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True while the Dovecot master process is alive."""
        return self._proc is not None and self._proc.poll() is None

    # --- accounts and admin -----------------------------------------------------------------------------
    def new_account(self) -> tuple[str, str]:
        """Return (user, password) of a fresh, empty account (static passdb: no reload needed)."""
        self._counter += 1
        return f"u{self._counter}x{secrets.token_hex(3)}", self.password

    def maildir(self, user: str) -> Path:
        """Return the Maildir root of ``user`` (``DIR/mail/USER/Maildir``, LAYOUT=fs)."""
        assert self.dir is not None
        return self.dir / "mail" / user / "Maildir"

    def doveadm(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``doveadm -c DIR/dovecot.conf ARGS...`` and return the finished process (text output).
        Raises subprocess.CalledProcessError (with stderr) when doveadm fails, e.g.
        ``doveadm("mailbox", "update", "-u", user, "--uid-validity", "42", "Networking")``."""
        assert self.dir is not None
        return subprocess.run(["doveadm", "-c", str(self.dir / "dovecot.conf"), *args],
                              check=True, capture_output=True, text=True)

    def ssl_context(self) -> ssl.SSLContext:
        """A client SSLContext that trusts this server's certificate (checks stay on)."""
        assert self.ca_file is not None
        return ssl.create_default_context(cafile=str(self.ca_file))


def _chown_nobody(path: Path) -> None:
    import grp
    import pwd

    if os.geteuid() != 0:
        return
    os.chown(path, pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)


if __name__ == "__main__":  # a quick manual check: start, print the ports, stop
    with DovecotServer() as _srv:
        print(f"dovecot up: plain {_srv.port}, tls {_srv.tls_port}, ca {_srv.ca_file}, {_srv.new_account()}")
