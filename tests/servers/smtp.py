"""A private SMTP server for tests and bench scripts: aiosmtpd 1.4.6 on 127.0.0.1 (no pytest import here).

``SmtpTestServer`` runs an aiosmtpd ``Controller`` on a free port with

* TLS: STARTTLS required (``implicit_tls=False``, the default) or implicit TLS / SMTPS (``implicit_tls=True``),
  with a self-signed certificate whose SAN is ``DNS:localhost, IP:127.0.0.1`` (``make_cert``), so clients can
  keep certificate checks on with ``ssl.create_default_context(cafile=server.ca_file)``;
* AUTH PLAIN/LOGIN required, checked against ``user`` / ``password``;
* a record of every accepted message in ``received`` (``Received``: envelope from, recipients, raw bytes);
* fault injection (``inject``): ``fail_rcpt`` ("550 ..."), ``fail_data`` ("451 ..." / "554 ..."),
  ``drop_after_data`` (the connection is aborted after the DATA is read, before any reply: the client sees a
  disconnect) and ``delay_data`` (seconds to sleep before replying to DATA), each optionally only for the next
  N messages;
* ``smtp_config()``: the matching ``[smtp]`` config table.

Facts behind the choices: ``port=0`` does not work with the
Controller, so a free port is picked first (and retried if taken meanwhile); AUTH is offered on SMTPS only with
``auth_require_tls=False``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

#: Server name in the greeting (fixed, so no DNS lookup of the machine's name is made).
SERVER_NAME = "gracebox-test-smtp"

# aiosmtpd 1.4.6 logs a deprecation line on every AUTH (its own internals): keep test output readable.


class _QuietAiosmtpd(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return "login_data is deprecated" not in msg


logging.getLogger("mail.log").addFilter(_QuietAiosmtpd())


def make_cert(directory: Path, name: str = "smtp") -> tuple[Path, Path]:
    """Create a self-signed certificate and key in ``directory`` with openssl.

    Returns ``(cert_pem, key_pem)``. The certificate's CN is ``localhost`` and its SAN is
    ``DNS:localhost, IP:127.0.0.1``, valid 10 years; the cert file doubles as the client's ``ca_file``.
    Raises ``RuntimeError`` when openssl is missing or fails.
    """
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is not installed; install it (apt-get install -y openssl)")
    directory.mkdir(parents=True, exist_ok=True)
    cert = directory / f"{name}-cert.pem"
    key = directory / f"{name}-key.pem"
    proc = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=False, timeout=60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"openssl failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-300:]}")
    key.chmod(0o600)
    return cert, key


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that was free on ``host`` a moment ago (bind to 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Received:
    """One message the server took in: envelope sender, recipients, the DATA bytes (CRLF line ends,
    dot-unstuffed), the AUTH login used, and ``dropped`` (True when the connection was aborted after the DATA
    arrived, so the client never saw the 250 although the server holds the message)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    login: str | None = None
    dropped: bool = False


@dataclass(frozen=True)
class Rejected:
    """A message refused at DATA by an injected ``fail_data`` reply (``reply`` is that reply line)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    reply: str


@dataclass
class _Fault:
    """One injected fault: the value (reply line, True, or seconds) and how many more messages it hits
    (``None`` = every message until cleared)."""

    value: Any = None
    times: int | None = None

    def take(self) -> Any:
        """Return the value if the fault applies to this message (and count it down), else None."""
        if not self.value:
            return None
        if self.times is not None:
            if self.times <= 0:
                return None
            self.times -= 1
        return self.value


@dataclass
class _State:
    received: list[Received] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    auth_failures: int = 0
    data_seen: int = 0
    fail_rcpt: _Fault = field(default_factory=_Fault)
    fail_data: _Fault = field(default_factory=_Fault)
    drop_after_data: _Fault = field(default_factory=_Fault)
    delay_data: _Fault = field(default_factory=_Fault)


class _Handler:
    """aiosmtpd handler: records messages and applies the injected faults (runs in the server's thread)."""

    def __init__(self, owner: SmtpTestServer) -> None:
        self.owner = owner

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          mail_options: list[str]) -> str:
        if not session.authenticated:
            # SMTPS runs with auth_required=False (aiosmtpd warns about auth_required without
            # auth_require_tls); AUTH is still required, here.
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        with self.owner._lock:
            envelope.gracebox_rcpt_fault = self.owner._state.fail_rcpt.take()  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        fault = getattr(envelope, "gracebox_rcpt_fault", None)
        if fault:
            return str(fault)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content if envelope.original_content is not None else envelope.content
        raw = content if isinstance(content, bytes) else str(content or "").encode("utf-8", "surrogateescape")
        login = None
        if isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode("utf-8", "replace")
        mail_from = envelope.mail_from or ""
        rcpts = tuple(envelope.rcpt_tos)
        st = self.owner._state
        with self.owner._lock:
            delay = st.delay_data.take()
            fail = st.fail_data.take()
            drop = None if fail else st.drop_after_data.take()
            st.data_seen += 1
        if fail:
            if delay:
                await asyncio.sleep(float(delay))
            with self.owner._lock:
                st.rejected.append(Rejected(mail_from, rcpts, raw, str(fail)))
            return str(fail)
        # The server has the whole message from here on (it is recorded before any delay or drop).
        with self.owner._lock:
            st.received.append(Received(mail_from, rcpts, raw, login, dropped=bool(drop)))
        if delay:
            await asyncio.sleep(float(delay))
        if drop:
            assert server.transport is not None
            server.transport.abort()
            # The connection is gone; aiosmtpd's write of this reply goes nowhere.
            return "250 OK (never seen by the client)"
        return "250 OK queued"


class SmtpTestServer:
    """A running (after ``start()``) private SMTP server on 127.0.0.1.

    Attributes for clients: ``host`` ("127.0.0.1"), ``port`` (int), ``user``, ``password``, ``ca_file``
    (str path of the self-signed cert), ``security`` ("starttls" or "tls", matching Gracebox's ``[smtp]
    security``), ``received`` (list of ``Received``, in arrival order), ``rejected`` (list of ``Rejected``),
    ``auth_failures`` (count of refused logins). Thread-safe for a test thread reading while the server
    thread writes.
    """

    host = "127.0.0.1"

    def __init__(self, cert: Path, key: Path, *, user: str = "alex@example.test",
                 password: str = "smtp-secret-1", implicit_tls: bool = False) -> None:
        self.cert = Path(cert)
        self.key = Path(key)
        self.ca_file = str(self.cert)
        self.user = user
        self.password = password
        self.implicit_tls = implicit_tls
        self.security = "tls" if implicit_tls else "starttls"
        self.port = 0
        self._lock = threading.Lock()
        self._state = _State()
        self._controller: Controller | None = None

    # --- what tests read ------------------------------------------------------------------------------
    @property
    def received(self) -> list[Received]:
        """The accepted messages so far (the live list; ``reset()`` clears it)."""
        return self._state.received

    @property
    def rejected(self) -> list[Rejected]:
        """Messages refused at DATA by an injected ``fail_data``."""
        return self._state.rejected

    @property
    def auth_failures(self) -> int:
        """How many AUTH attempts were refused since the last ``reset()``."""
        return self._state.auth_failures

    @property
    def data_seen(self) -> int:
        """How many complete DATA payloads arrived since the last ``reset()`` (accepted, refused or not yet
        answered: a ``delay_data`` reply still pending counts)."""
        return self._state.data_seen

    def smtp_config(self, *, password: str | None = None, ca_file: bool = True, timeout: float = 10,
                    **extra: Any) -> dict[str, Any]:
        """An ``[smtp]`` table for ``tests.servers.config_factory.write_config`` / ``settings_from_dict``:
        host, port, security, username, password (``password`` overrides it), ca_file (unless False),
        timeout seconds, plus ``extra`` keys."""
        table: dict[str, Any] = {"host": self.host, "port": self.port, "security": self.security,
                                 "username": self.user, "password": self.password if password is None else password,
                                 "timeout": timeout}
        if ca_file:
            table["ca_file"] = self.ca_file
        table.update(extra)
        return table

    def client_context(self) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` with certificate and host name checks on that trusts this server's cert."""
        return ssl.create_default_context(cafile=self.ca_file)

    # --- fault injection --------------------------------------------------------------------------------
    def inject(self, *, fail_rcpt: str | None = None, fail_data: str | None = None,
               drop_after_data: bool = False, delay_data: float = 0.0, times: int | None = None) -> None:
        """Set faults for the next ``times`` messages (None: every message until ``clear_faults()``).

        ``fail_rcpt``: reply to every RCPT of the message, e.g. "550 5.1.1 No such user".
        ``fail_data``: reply to the DATA instead of 250, e.g. "451 4.3.0 Try later" or "554 5.7.1 Refused";
        the message is not kept (see ``rejected``). ``drop_after_data``: abort the connection after the DATA
        is read, before replying; the message is kept in ``received`` with ``dropped=True``.
        ``delay_data``: seconds to wait before replying to the DATA (a slow server; for client timeouts); the
        message is recorded in ``received`` before the wait (the server has it, the client has no answer yet).
        Only the faults named are changed.
        """
        with self._lock:
            st = self._state
            if fail_rcpt is not None:
                st.fail_rcpt = _Fault(fail_rcpt, times)
            if fail_data is not None:
                st.fail_data = _Fault(fail_data, times)
            if drop_after_data:
                st.drop_after_data = _Fault(True, times)
            if delay_data:
                st.delay_data = _Fault(float(delay_data), times)

    @property
    def fail_rcpt(self) -> str | None:
        """The injected RCPT reply, or None."""
        return self._state.fail_rcpt.value

    @fail_rcpt.setter
    def fail_rcpt(self, value: str | None) -> None:
        with self._lock:
            self._state.fail_rcpt = _Fault(value, None)

    @property
    def fail_data(self) -> str | None:
        """The injected DATA reply, or None."""
        return self._state.fail_data.value

    @fail_data.setter
    def fail_data(self, value: str | None) -> None:
        with self._lock:
            self._state.fail_data = _Fault(value, None)

    @property
    def drop_after_data(self) -> bool:
        """True while the connection is aborted after each DATA."""
        return bool(self._state.drop_after_data.value)

    @drop_after_data.setter
    def drop_after_data(self, value: bool) -> None:
        with self._lock:
            self._state.drop_after_data = _Fault(bool(value), None)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            st = self._state
            st.fail_rcpt, st.fail_data, st.drop_after_data, st.delay_data = _Fault(), _Fault(), _Fault(), _Fault()

    def reset(self) -> None:
        """Clear ``received``, ``rejected``, ``auth_failures`` and every fault (per-test isolation)."""
        with self._lock:
            self._state = _State()

    # --- lifecycle --------------------------------------------------------------------------------------
    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if (isinstance(auth_data, LoginPassword)
                and auth_data.login == self.user.encode()
                and auth_data.password == self.password.encode()):
            return AuthResult(success=True, auth_data=auth_data)
        with self._lock:
            self._state.auth_failures += 1
        return AuthResult(success=False, handled=False)

    def start(self, attempts: int = 5) -> SmtpTestServer:
        """Start the server thread on a free port; retries a few ports if one is taken meanwhile.

        Returns self. Raises the last bind error after ``attempts`` failures.
        """
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(str(self.cert), str(self.key))
        last: Exception | None = None
        for _ in range(attempts):
            port = free_port(self.host)
            kwargs: dict[str, Any] = dict(
                hostname=self.host, port=port, server_hostname=SERVER_NAME,
                authenticator=self._authenticate, auth_required=True, decode_data=False,
            )
            if self.implicit_tls:
                # AUTH is offered on implicit TLS only with auth_require_tls=False; the handler's MAIL hook
                # refuses unauthenticated senders, so AUTH stays required.
                kwargs.update(ssl_context=server_ctx, auth_require_tls=False, auth_required=False)
            else:
                kwargs.update(tls_context=server_ctx, require_starttls=True)
            ctl = Controller(_Handler(self), **kwargs)
            try:
                ctl.start()
            except Exception as exc:  # noqa: BLE001 - bind race: try another port
                last = exc
                time.sleep(0.05)
                continue
            self._controller = ctl
            self.port = port
            return self
        raise RuntimeError(f"could not start the test SMTP server: {last!r}")

    def stop(self) -> None:
        """Stop the server thread (idempotent)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(directory: Path | None = None, *, implicit_tls: bool = False,
                 cert: Path | None = None, key: Path | None = None, **kw: Any) -> SmtpTestServer:
    """Make a cert in ``directory`` (a new temp dir when None) unless ``cert``/``key`` are given, and start an
    ``SmtpTestServer`` (for bench scripts). The caller stops it with ``stop()``."""
    if cert is None or key is None:
        cert, key = make_cert(Path(directory or tempfile.mkdtemp(prefix="gracebox-smtp-")))
    return SmtpTestServer(cert, key, implicit_tls=implicit_tls, **kw).start()
