"""Outbox tests against real servers: the private aiosmtpd (tests/servers/smtp.py) and, where the IMAP steps
matter, the private Dovecot. No mocks: every test counts what the SMTP server really received."""

from __future__ import annotations

import smtplib

import pytest

from tests.servers.smtp import SmtpTestServer

MSG = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nbody line\r\n.leading dot\r\n"


def _send(server: SmtpTestServer, password: str | None = None) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=10) as c:
        c.starttls(context=server.client_context())
        c.login(server.user, password or server.password)
        c.sendmail("a@example.test", ["b@example.test"], MSG)


def test_fixture_receives_over_starttls_with_auth(smtp: SmtpTestServer) -> None:
    _send(smtp)
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.mail_from == "a@example.test"
    assert got.rcpt_tos == ("b@example.test",)
    assert got.raw == MSG
    assert got.login == smtp.user
    assert got.dropped is False


def test_fixture_faults_apply_to_next_n_messages(smtp: SmtpTestServer) -> None:
    smtp.inject(fail_data="451 4.3.0 Try again later", times=1)
    with pytest.raises(smtplib.SMTPDataError) as exc:
        _send(smtp)
    assert exc.value.smtp_code == 451
    assert len(smtp.received) == 0
    assert len(smtp.rejected) == 1
    _send(smtp)
    assert len(smtp.received) == 1

    smtp.inject(drop_after_data=True, times=1)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        _send(smtp)
    assert len(smtp.received) == 2
    assert smtp.received[-1].dropped is True

    smtp.fail_rcpt = "550 5.1.1 No such user"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(smtp)
    assert len(smtp.received) == 2


def test_fixture_refuses_bad_password_and_plain_mail(smtp: SmtpTestServer) -> None:
    with pytest.raises(smtplib.SMTPAuthenticationError) as exc:
        _send(smtp, password="wrong")
    assert exc.value.smtp_code == 535
    assert smtp.auth_failures >= 1  # smtplib tries PLAIN, then LOGIN
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as c, pytest.raises(smtplib.SMTPSenderRefused) as e2:
        c.sendmail("a@example.test", ["b@example.test"], MSG)
    assert e2.value.smtp_code == 530
    assert smtp.received == []


def test_fixture_smtps_variant(smtps: SmtpTestServer) -> None:
    assert smtps.security == "tls"
    with smtplib.SMTP_SSL(smtps.host, smtps.port, timeout=10, context=smtps.client_context()) as c:
        c.login(smtps.user, smtps.password)
        c.sendmail("a@example.test", ["b@example.test"], MSG)
    assert [r.raw for r in smtps.received] == [MSG]
    with smtplib.SMTP_SSL(smtps.host, smtps.port, timeout=10, context=smtps.client_context()) as c, \
            pytest.raises(smtplib.SMTPSenderRefused) as exc:
        c.sendmail("a@example.test", ["b@example.test"], MSG)
    assert exc.value.smtp_code == 530
    assert len(smtps.received) == 1
