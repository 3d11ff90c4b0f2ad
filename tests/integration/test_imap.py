"""mailsync.imap against the private Dovecot: TLS/STARTTLS with cert checks, graded errors, the methods the
sync and the outbox use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailsync.config import Settings, load_config
from mailsync.errors import AuthFailed, ConfigError, ServerUnreachable
from mailsync.imap import login as imap_connect
from mailsync.imap import types as imap_types
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot import free_port
from tests.servers.dovecot_fixtures import ImapAccount


def _settings(tmp_path: Path, acct: ImapAccount, **imap_kw: object) -> Settings:
    path = write_config(tmp_path / "config.toml", imap=acct.imap_config(**imap_kw),  # type: ignore[arg-type]
                        identity={"name": "Alex Rivera", "email": "alex@example.com"},
                        database_url=f"sqlite:///{tmp_path}/db.sqlite")
    return load_config(path)


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_connect_with_cert_checks_and_append(tmp_path: Path, imap_account: ImapAccount, security: str) -> None:
    imap_account.create_folder("Networking")
    settings = _settings(tmp_path, imap_account, security=security)
    raw = mailgen.request(message_id="<append-1@example.org>")
    when = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    with imap_connect.connect(settings) as conn:
        assert "IMAP4REV1" in conn.capabilities
        assert conn.condstore is True
        uid = conn.append("Networking", raw, ("\\Seen",), when)
        assert uid == 1
        st = conn.status("Networking")
        assert (st.messages, st.uidnext) == (1, 2)
        assert st.highestmodseq is not None and st.highestmodseq >= 1
        assert conn.uid_for_message_id("Networking", "<append-1@example.org>") == 1
        assert conn.uid_for_message_id("Networking", "<nope@example.org>") is None
        conn.add_flags("Networking", [1], ["\\Answered"])
        conn.select("Networking")
        got = conn.fetch_messages([1])
    assert len(got) == 1
    assert got[0].raw == raw
    assert got[0].internaldate == when
    assert got[0].size == len(raw)
    assert imap_account.flags("Networking", 1) == {"\\Seen", "\\Answered"}


def test_sent_folder_default_and_config(tmp_path: Path, imap_account: ImapAccount) -> None:
    with imap_connect.connect(_settings(tmp_path, imap_account, sent_folder=None)) as conn:
        assert conn.sent_folder() == "Sent"  # Dovecot here has no SPECIAL-USE: the fallback name
    with imap_connect.connect(_settings(tmp_path, imap_account, sent_folder="Outgoing")) as conn:
        assert conn.sent_folder() == "Outgoing"


def test_envelopes_and_uids_above(tmp_path: Path, imap_account: ImapAccount) -> None:
    raws = [mailgen.sent_mail(to=[("Dana Cho", "Dana@Example.COM")], cc=[("Jo", "jo@example.net")]),
            mailgen.sent_mail(to=[("=?utf-8?q?Zo=C3=AB?=", "zoe@example.net")])]
    imap_account.append("Sent", raws)
    with imap_connect.connect(_settings(tmp_path, imap_account)) as conn:
        conn.select("Sent")
        assert conn.uids_above(0) == [1, 2]
        assert conn.uids_above(2) == []  # "3:*" matches the last message; it must be filtered out
        envs = conn.fetch_envelopes([1, 2])
    assert [e.uid for e in envs] == [1, 2]
    assert [(a.name, a.address) for a in envs[0].to] == [("Dana Cho", "dana@example.com")]
    assert [(a.name, a.address) for a in envs[0].cc] == [("Jo", "jo@example.net")]
    assert envs[1].to[0].address == "zoe@example.net"
    assert envs[0].date == mailgen.FIXED_DATE


def test_wrong_password_is_auth_failed(tmp_path: Path, imap_account: ImapAccount) -> None:
    settings = _settings(tmp_path, imap_account, password="not-the-password-xyz")
    with pytest.raises(AuthFailed) as ei:
        imap_connect.connect(settings)
    assert ei.value.exit_code == 77
    assert "not-the-password-xyz" not in str(ei.value)
    assert imap_account.user in str(ei.value)


def test_unreachable_port_is_server_unreachable(tmp_path: Path, imap_account: ImapAccount) -> None:
    port = free_port()
    settings = _settings(tmp_path, imap_account, port=port)
    with pytest.raises(ServerUnreachable) as ei:
        imap_connect.connect(settings)
    assert ei.value.exit_code == 75
    assert f"127.0.0.1:{port}" in str(ei.value)
    assert "connection refused" in str(ei.value)


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_self_signed_without_ca_file_is_config_error(tmp_path: Path, imap_account: ImapAccount,
                                                     security: str) -> None:
    settings = _settings(tmp_path, imap_account, security=security, ca_file=False)
    with pytest.raises(ConfigError) as ei:
        imap_connect.connect(settings)
    assert ei.value.exit_code == 78
    assert "[imap] ca_file" in str(ei.value)
    assert "certificate" in str(ei.value)


def test_missing_folder_raises_folder_missing(tmp_path: Path, imap_account: ImapAccount) -> None:
    with imap_connect.connect(_settings(tmp_path, imap_account)) as conn:
        with pytest.raises(imap_types.FolderMissing) as ei:
            conn.status("NoSuchFolder")
        assert ei.value.folder == "NoSuchFolder"
        assert conn.folder_names() == ["INBOX"]


def test_parse_appenduid() -> None:
    assert imap_types.parse_appenduid(b"[APPENDUID 1732000000 17] Append completed.") == 17
    assert imap_types.parse_appenduid(b"Append completed.") is None


def test_server_without_condstore(tmp_path: Path, imap_account_no_condstore: ImapAccount) -> None:
    acct = imap_account_no_condstore
    acct.create_folder("Networking")
    with imap_connect.connect(_settings(tmp_path, acct)) as conn:
        assert "CONDSTORE" not in conn.capabilities
        assert conn.condstore is False
        st = conn.status("Networking")
        assert (st.messages, st.highestmodseq) == (0, None)
