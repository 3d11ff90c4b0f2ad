"""Transport security (README "Configure a real account"):
certificate checks on by default, a self-signed server refused unless
``ca_file`` names its certificate (ConfigError, exit 78, the fix named), host names checked, STARTTLS never
silently skipped (a man in the middle stripping it is refused before the password is sent), plaintext only to
loopback, and a socket timeout on every connection (a stalled SMTP server leaves the reply queued).
Real Dovecot and aiosmtpd on 127.0.0.1; the loopback proxy (tests/servers/proxy.py) plays the network.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mailsync.config import Settings, load_config, settings_from_dict
from mailsync.errors import ConfigError
from mailsync.imap import login as imap
from mailsync.outbox import flush as outbox_flush
from mailsync.outbox import replies
from mailsync.outbox import smtp as outbox_smtp
from mailsync.store.engine import Store
from mailsync.sync import run as sync
from tests import mailgen
from tests.integration.test_send import queue, reply_row, request_raw, store_request
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount
from tests.servers.proxy import CutProxy
from tests.servers.smtp import SmtpTestServer

REQ = "Networking"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
IDENTITY = {"name": "Alex Rivera", "email": "alex@example.com"}


def imap_settings(tmp_path: Path, acct: ImapAccount, **imap_kw: Any) -> Settings:
    acct.create_folder("Sent")
    path = write_config(tmp_path / "config.toml", imap=acct.imap_config(**imap_kw), identity=IDENTITY,
                        database_url=f"sqlite:///{tmp_path}/db.sqlite")
    return load_config(path)


def smtp_settings(tmp_path: Path, table: dict[str, Any]) -> Settings:
    return settings_from_dict({"identity": {**IDENTITY, "signature": "Alex"}, "smtp": table,
                               "storage": {"database_url": f"sqlite:///{tmp_path / 'gb.db'}"}}, "test-config")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(f"sqlite:///{tmp_path}/db.sqlite")
    try:
        yield st
    finally:
        st.close()


# --- certificates ------------------------------------------------------------------------------------------


def test_tls_contexts_check_certificates_by_default(tmp_path: Path, imap_account: ImapAccount,
                                                    smtp: SmtpTestServer) -> None:
    for ca in (False, True):
        s = imap_settings(tmp_path, imap_account, ca_file=ca)
        assert s.imap is not None
        for ctx in (imap.ssl_context(s.imap), outbox_smtp.smtp_ssl_context(smtp_settings(tmp_path, smtp.smtp_config(
                ca_file=ca)).smtp)):  # type: ignore[arg-type]
            assert ctx.verify_mode == ssl.CERT_REQUIRED
            assert ctx.check_hostname is True
            assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_self_signed_imap_refused_unless_ca_file_names_it(tmp_path: Path, imap_account: ImapAccount,
                                                          store: Store, security: str) -> None:
    imap_account.append(REQ, mailgen.series(1))
    with pytest.raises(ConfigError) as ei:
        sync.run_sync(imap_settings(tmp_path, imap_account, security=security, ca_file=False), store=store,
                      flush=False)
    text = str(ei.value)
    assert ei.value.exit_code == 78
    assert "[imap] ca_file: certificate check failed" in text
    assert "self-signed" in text and "set ca_file" in text  # the fix is named
    assert imap_account.password not in text
    report = sync.run_sync(imap_settings(tmp_path, imap_account, security=security), store=store, flush=False)
    assert report.new == 1


def test_wrong_ca_file_is_refused(tmp_path: Path, imap_account: ImapAccount, store: Store,
                                  smtp: SmtpTestServer) -> None:
    table = {**imap_account.imap_config(), "ca_file": str(smtp.ca_file)}  # another self-signed cert
    settings = load_config(write_config(tmp_path / "config.toml", imap=table, identity=IDENTITY,
                                        database_url=f"sqlite:///{tmp_path}/db.sqlite"))
    with pytest.raises(ConfigError) as ei:
        sync.run_sync(settings, store=store, flush=False)
    assert ei.value.exit_code == 78
    assert "check that ca_file is the CA that signed the server's certificate" in str(ei.value)


def test_host_name_not_in_certificate_is_refused(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    """The certificate names localhost and 127.0.0.1; the same server reached as 127.0.0.2 must be refused,
    and reached as "localhost" accepted (DNS name in the SAN)."""
    imap_account.append(REQ, mailgen.series(1))
    with CutProxy(target_port=imap_account.server.tls_port, listen_host="127.0.0.2") as proxy:
        settings = imap_settings(tmp_path, imap_account, host="127.0.0.2", port=proxy.port)
        with pytest.raises(ConfigError) as ei:
            sync.run_sync(settings, store=store, flush=False)
        assert proxy.connections == 1  # it really got there: the refusal came from the certificate check
    assert ei.value.exit_code == 78
    assert "certificate check failed for 127.0.0.2" in str(ei.value)
    assert "mismatch" in str(ei.value)
    assert sync.run_sync(imap_settings(tmp_path, imap_account, host="localhost"), store=store, flush=False).new == 1


def test_self_signed_smtp_refused_unless_ca_file_names_it(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_settings(tmp_path, smtp.smtp_config(ca_file=False))
    st = Store(settings.database_url())
    rid = queue(st, settings, store_request(st, request_raw()))
    [res] = outbox_flush.flush_outbox(settings, st, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and res.detail.startswith("[smtp] ca_file: certificate check failed")
    assert "self-signed" in res.detail
    assert smtp.received == [] and smtp.auth_failures == 0  # no AUTH over an unchecked connection
    good = smtp_settings(tmp_path, smtp.smtp_config())
    [res] = outbox_flush.flush_outbox(good, st, now=T0 + timedelta(minutes=1))
    assert (res.reply_id, res.state) == (rid, "sent")
    assert len(smtp.received) == 1
    st.close()


# --- STARTTLS stripping and plaintext ------------------------------------------------------------------------


def test_imap_starttls_stripped_is_refused_before_login(tmp_path: Path, imap_account: ImapAccount,
                                                        store: Store) -> None:
    with CutProxy(target_port=imap_account.server.port) as proxy:
        proxy.arm(replace=(b"STARTTLS", b"X-NOTLS"), cut_connections=None)
        settings = imap_settings(tmp_path, imap_account, security="starttls", port=proxy.port)
        with pytest.raises(ConfigError) as ei:
            sync.run_sync(settings, store=store, flush=False)
        sent = bytes(proxy.c2s_data)
        assert proxy.cuts >= 1  # the capability really was rewritten
    assert ei.value.exit_code == 78
    assert "does not offer STARTTLS" in str(ei.value) and 'security = "tls"' in str(ei.value)
    assert b"LOGIN" not in sent.upper() and imap_account.password.encode() not in sent


def test_smtp_starttls_stripped_keeps_reply_queued_without_auth(tmp_path: Path, smtp: SmtpTestServer) -> None:
    with CutProxy(target_port=smtp.port) as proxy:
        proxy.arm(replace=(b"STARTTLS", b"X-NOTLS"), cut_connections=None)
        settings = smtp_settings(tmp_path, smtp.smtp_config(port=proxy.port))
        st = Store(settings.database_url())
        rid = queue(st, settings, store_request(st, request_raw()))
        [res] = outbox_flush.flush_outbox(settings, st, now=T0)
        sent = bytes(proxy.c2s_data)
    assert (res.reply_id, res.state) == (rid, "queued")
    assert res.detail is not None and "does not offer STARTTLS" in res.detail
    assert b"AUTH" not in sent.upper() and smtp.password.encode() not in sent
    assert b"Thank you for thinking of me" not in sent  # the reply never went out in the clear
    assert smtp.received == []
    assert reply_row(st, rid).state == "queued"
    st.close()


@pytest.mark.parametrize("section", ["imap", "smtp"])
def test_plaintext_only_to_loopback(tmp_path: Path, section: str) -> None:
    table = {"host": "mail.example.com", "security": "plain", "username": "alex", "password": "x"}
    data: dict[str, Any] = {"identity": IDENTITY, section: table}
    with pytest.raises(ConfigError) as ei:
        settings_from_dict(data, "c.toml")
    assert ei.value.exit_code == 78
    assert f"[{section}] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls" in str(ei.value)
    for host in ("127.0.0.1", "localhost", "::1"):
        settings_from_dict({"identity": IDENTITY, section: {**table, "host": host}}, "c.toml")


def test_plaintext_refused_even_with_unvalidated_settings(tmp_path: Path, smtp: SmtpTestServer) -> None:
    """Defence in depth: settings copied without validation still can't open a plain connection to a
    non-loopback host (192.0.2.1 is TEST-NET-1: nothing answers, so a connect attempt would only time out)."""
    ok = settings_from_dict({"identity": IDENTITY, "imap": {"host": "127.0.0.1", "security": "plain",
                                                            "username": "a", "password": "x"},
                             "smtp": smtp.smtp_config(),
                             "storage": {"database_url": f"sqlite:///{tmp_path / 'gb.db'}"}}, "c.toml")
    assert ok.imap is not None and ok.smtp is not None
    bad = ok.model_copy(update={"imap": ok.imap.model_copy(update={"host": "192.0.2.1"}),
                                "smtp": ok.smtp.model_copy(update={"host": "192.0.2.1", "security": "plain",
                                                                   "timeout": 30.0})})
    with pytest.raises(ConfigError, match=r"\[imap\] security: plain is only allowed"):
        imap.connect(bad)
    st = Store(bad.database_url())
    rid = queue(st, bad, store_request(st, request_raw()))
    [res] = outbox_flush.flush_outbox(bad.model_copy(update={"imap": None}), st, now=T0)
    assert (res.reply_id, res.state) == (rid, "queued")
    assert res.detail == "[smtp] security: plain is only allowed to 127.0.0.1/localhost; use tls or starttls"
    st.close()


def test_plain_imap_to_loopback_works(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(2))
    settings = imap_settings(tmp_path, imap_account, security="plain", ca_file=False)
    assert sync.run_sync(settings, store=store, flush=False).new == 2


# --- timeouts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stall_after", [0, 40])
def test_stalled_smtp_server_times_out_and_reply_stays_queued(tmp_path: Path, smtp: SmtpTestServer,
                                                              stall_after: int) -> None:
    """The proxy stops forwarding before the greeting (0) or inside it: the flush gives up after the
    [smtp] timeout (1 s) with "timed out" and the reply stays queued; nothing reached the server."""
    with CutProxy(target_port=smtp.port) as proxy:
        proxy.arm(cut_s2c=stall_after, stall=True, cut_connections=None)
        settings = smtp_settings(tmp_path, smtp.smtp_config(port=proxy.port, timeout=1))
        st = Store(settings.database_url())
        rid = queue(st, settings, store_request(st, request_raw()))
        [res] = outbox_flush.flush_outbox(settings, st, now=T0)
        assert proxy.cuts == 1
    assert (res.reply_id, res.state) == (rid, "queued")
    assert res.detail is not None and "timed out" in res.detail
    assert smtp.received == []
    st.close()


# --- send faults not covered in test_send.py (issue item 5) ---------------------------------------------------


def test_451_at_rcpt_stays_queued_then_one_copy_after_backoff(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_settings(tmp_path, smtp.smtp_config())
    st = Store(settings.database_url())
    rid = queue(st, settings, store_request(st, request_raw(reply_to=None)))
    smtp.inject(fail_rcpt="451 4.7.1 Greylisted, please try again later", times=1)
    [res] = outbox_flush.flush_outbox(settings, st, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and "451 4.7.1 Greylisted" in res.detail
    r = reply_row(st, rid)
    assert (r.state, r.attempts) == ("queued", 1)
    assert replies._aware(r.next_attempt_at) == T0 + replies.backoff(1)
    assert smtp.received == []
    assert outbox_flush.flush_outbox(settings, st, now=T0 + timedelta(seconds=5)) == []  # backoff not over
    [res] = outbox_flush.flush_outbox(settings, st, now=T0 + replies.backoff(1) + timedelta(seconds=1))
    assert res.state == "sent"
    assert len(smtp.received) == 1 and smtp.received[0].rcpt_tos == ("sam@example.org",)
    assert outbox_flush.flush_outbox(settings, st, now=T0 + timedelta(days=1)) == []
    assert len(smtp.received) == 1
    st.close()
