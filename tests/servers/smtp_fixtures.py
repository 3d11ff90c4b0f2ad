"""pytest plugin: the private aiosmtpd servers (loaded by tests/conftest.py).

* ``smtp_cert`` (session): ``(cert, key)`` paths of a self-signed cert for localhost / 127.0.0.1.
* ``smtp_server`` (session): an ``SmtpTestServer`` with STARTTLS required and AUTH.
* ``smtp`` (function): the same server after ``reset()`` (no received mail, no faults); exposes ``host``,
  ``port``, ``user``, ``password``, ``ca_file``, ``security`` ("starttls"), ``received``, ``rejected``,
  ``inject(...)``.
* ``smtps_server`` (session) / ``smtps`` (function): the implicit-TLS variant (``security`` "tls").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .smtp import SmtpTestServer, make_cert


@pytest.fixture(scope="session")
def smtp_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key (SAN DNS:localhost, IP:127.0.0.1) for the test SMTP servers."""
    return make_cert(tmp_path_factory.mktemp("smtp-cert"))


@pytest.fixture(scope="session")
def smtp_server(smtp_cert: tuple[Path, Path]) -> Iterator[SmtpTestServer]:
    """The session's STARTTLS SMTP server (AUTH required) on 127.0.0.1."""
    server = SmtpTestServer(*smtp_cert, implicit_tls=False).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpTestServer) -> Iterator[SmtpTestServer]:
    """The STARTTLS server, cleared for this test: empty ``received``, no faults."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()


@pytest.fixture(scope="session")
def smtps_server(smtp_cert: tuple[Path, Path]) -> Iterator[SmtpTestServer]:
    """The session's implicit-TLS (SMTPS) server (AUTH required) on 127.0.0.1."""
    server = SmtpTestServer(*smtp_cert, implicit_tls=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtps(smtps_server: SmtpTestServer) -> Iterator[SmtpTestServer]:
    """The SMTPS server, cleared for this test: empty ``received``, no faults."""
    smtps_server.reset()
    yield smtps_server
    smtps_server.reset()
