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


# --- the outbox (mailsync/outbox_flush.py) ------------------------------------------------------------------------

import email  # noqa: E402
import email.policy  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from sqlmodel import select  # noqa: E402

from mailsync.config import Settings, load_config, settings_from_dict  # noqa: E402
from mailsync.errors import GraceboxError  # noqa: E402
from mailsync.mail.parse import parse  # noqa: E402
from mailsync.outbox import drafts, replies  # noqa: E402
from mailsync.outbox import flush as outbox_flush  # noqa: E402
from mailsync.store import ingest  # noqa: E402
from mailsync.store.engine import Store  # noqa: E402
from mailsync.store.models import Decision, Folder, Message, Reply  # noqa: E402
from tests.servers.config_factory import write_config  # noqa: E402

ME = "alex@example.test"
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
REQUEST_FOLDER = "Networking"


def request_raw(n: int = 1, *, reply_to: str | None = "Sam Lee <sam.replies@example.org>",
                subject: str = "RE: Coffee chat?", extra: str = "") -> bytes:
    """A networking request written for these tests (threaded: it has References)."""
    rt = f"Reply-To: {reply_to}\r\n" if reply_to else ""
    return (
        f"From: Sam Lee <sam@example.org>\r\n{rt}To: Alex Rivera <{ME}>\r\n"
        f"Subject: {subject}\r\nDate: Thu, 19 Nov 2026 10:00:00 +0000\r\n"
        f"Message-ID: <req{n}.root@example.org>\r\nReferences: <older{n}@example.org>\r\n{extra}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hi Alex, could we have a coffee chat about your work?\r\nSam\r\n"
    ).encode()


def smtp_only_settings(tmp_path: Path, smtp: SmtpTestServer | None, **smtp_over: Any) -> Settings:
    data: dict[str, Any] = {
        "identity": {"name": "Alex Rivera", "email": ME, "signature": "Alex"},
        "storage": {"database_url": f"sqlite:///{tmp_path / 'gb.db'}"},
    }
    if smtp is not None:
        data["smtp"] = smtp.smtp_config(**smtp_over)
    return settings_from_dict(data, "test-config")


def full_settings(tmp_path: Path, smtp: SmtpTestServer, imap_account: Any, **smtp_over: Any) -> Settings:
    path = write_config(
        tmp_path / "config.toml",
        imap=imap_account.imap_config(requests_folder=REQUEST_FOLDER, sent_folder="Sent"),
        smtp=smtp.smtp_config(**smtp_over),
        identity={"name": "Alex Rivera", "email": ME, "signature": "Alex"},
        database_url=f"sqlite:///{tmp_path / 'gb.db'}",
    )
    return load_config(path)


def store_request(store: Store, raw: bytes, *, imap_account: Any = None) -> int:
    """Store a request row; with ``imap_account`` it is first put on the server and stored with its UID."""
    fields: dict[str, Any] = {}
    with store.session() as s:
        if imap_account is not None:
            (uid,) = imap_account.append(REQUEST_FOLDER, [raw])
            uv = imap_account.uidvalidity(REQUEST_FOLDER)
            folder = Folder(name=REQUEST_FOLDER, role="requests", uidvalidity=uv, highest_uid=uid)
            s.add(folder)
            s.flush()
            fields = {"folder_id": folder.id, "uid": uid, "uidvalidity": uv}
        ((pk, _new),) = ingest.ingest(s, [ingest.incoming(parse(raw), raw, **fields)])
        return pk


def queue(store: Store, settings: Settings, request_id: int, scenario: str = "scenario2",
          body: str = "Thank you for thinking of me.\nI keep my network to people I know well.\n") -> int:
    with store.session() as s:
        req = s.get(Message, request_id)
        assert req is not None
        r = drafts.save_draft(s, req, scenario, body, settings=settings)
        drafts.queue_reply(s, settings, r)
        assert r.id is not None
        return r.id


def reply_row(store: Store, reply_id: int) -> Reply:
    with store.session() as s:
        r = s.get(Reply, reply_id)
        assert r is not None
        return r


def sent_copies(imap_account: Any, message_id: str) -> list[int]:
    if not imap_account.client.folder_exists("Sent"):
        return []
    imap_account.client.select_folder("Sent", readonly=True)
    return sorted(int(u) for u in imap_account.client.search(["HEADER", "Message-ID", message_id]))


def test_reply_arrives_with_headers_copy_in_sent_and_original_answered(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    settings = full_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw(), imap_account=imap_account)
    rid = queue(store, settings, req_id)
    mid = reply_row(store, rid).message_id

    results = outbox_flush.flush_outbox(settings, store, now=T0)

    assert [(r.reply_id, r.state) for r in results] == [(rid, "sent")]
    assert len(smtp.received) == 1
    got = smtp.received[0]
    assert got.mail_from == ME
    assert got.rcpt_tos == ("sam.replies@example.org",)
    msg = email.message_from_bytes(got.raw, policy=email.policy.default)
    assert msg["To"] == "Sam Lee <sam.replies@example.org>"
    assert msg["From"] == f"Alex Rivera <{ME}>"
    assert msg["Subject"] == "Re: Coffee chat?"
    assert msg["Message-ID"] == mid
    assert msg["In-Reply-To"] == "<req1.root@example.org>"
    assert msg["References"] == "<older1@example.org> <req1.root@example.org>"
    assert msg.get_content().replace("\r\n", "\n").startswith("Thank you for thinking of me.\nI keep my network")

    uids = sent_copies(imap_account, mid)
    assert len(uids) == 1
    assert "\\Seen" in imap_account.flags("Sent", uids[0])
    (orig_uid,) = imap_account.uids(REQUEST_FOLDER)
    assert "\\Answered" in imap_account.flags(REQUEST_FOLDER, orig_uid)

    r = reply_row(store, rid)
    assert (r.state, r.appended, r.answered, r.attempts, r.error) == ("sent", True, True, 1, None)
    with store.session() as s:
        req = s.get(Message, req_id)
        assert req is not None and req.status == "replied"
        assert "\\Answered" in req.imap_flags
        kinds = [d.kind for d in s.exec(select(Decision).where(Decision.request_identity == req.identity))]
    assert kinds == ["scenario2"]

    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=1)) == []
    assert len(smtp.received) == 1
    assert len(sent_copies(imap_account, mid)) == 1


def test_451_stays_queued_then_one_copy_after_backoff(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw(reply_to=None)))
    smtp.inject(fail_data="451 4.3.0 Mailbox busy, try again later", times=1)

    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and res.detail.startswith("451 4.3.0 Mailbox busy, try again later")
    r = reply_row(store, rid)
    assert (r.state, r.attempts, r.error) == ("queued", 1, "451 4.3.0 Mailbox busy, try again later")
    assert r.next_attempt_at is not None
    assert replies._aware(r.next_attempt_at) == T0 + timedelta(minutes=1)
    assert len(smtp.received) == 0
    assert len(smtp.rejected) == 1

    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(seconds=30)) == []  # backoff not over
    assert len(smtp.received) == 0

    [res] = outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(seconds=61))
    assert (res.state, res.detail) == ("sent", None)
    assert len(smtp.received) == 1
    assert smtp.received[0].rcpt_tos == ("sam@example.org",)  # no Reply-To: the From address
    r = reply_row(store, rid)
    assert (r.state, r.attempts, r.error) == ("sent", 2, None)

    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(days=1)) == []
    assert len(smtp.received) == 1


def test_554_fails_with_the_servers_words_and_never_resends(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()))
    smtp.inject(fail_data="554 5.7.1 Message rejected as unsolicited")

    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert (res.reply_id, res.state, res.detail) == (rid, "failed", "554 5.7.1 Message rejected as unsolicited")
    r = reply_row(store, rid)
    assert (r.state, r.error) == ("failed", "554 5.7.1 Message rejected as unsolicited")
    smtp.clear_faults()
    for hours in (1, 24, 24 * 30):
        assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=hours)) == []
    assert len(smtp.received) == 0
    assert len(smtp.rejected) == 1
    with store.session() as s:
        assert s.exec(select(Decision)).all() == []


def test_550_recipient_refused_fails(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()))
    smtp.inject(fail_rcpt="550 5.1.1 No such mailbox here")
    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert res.state == "failed"
    assert res.detail == "sam.replies@example.org: 550 5.1.1 No such mailbox here"
    assert reply_row(store, rid).state == "failed"
    assert len(smtp.received) == 0


def test_drop_after_data_is_unknown_and_never_resent_by_itself(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw())
    rid = queue(store, settings, req_id)
    smtp.inject(drop_after_data=True, times=1)

    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert res.state == "unknown"
    assert res.detail is not None and "may or may not have been delivered" in res.detail
    assert len(smtp.received) == 1 and smtp.received[0].dropped
    assert reply_row(store, rid).state == "unknown"

    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=2)) == []
    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=2), only=rid) == []
    assert len(smtp.received) == 1

    # The user decides: resend -> exactly one more copy, with the same Message-ID.
    with store.session() as s:
        drafts.resolve_unknown(s, rid, "resend")
    [res] = outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=3))
    assert res.state == "sent"
    assert len(smtp.received) == 2
    first = email.message_from_bytes(smtp.received[0].raw, policy=email.policy.default)
    second = email.message_from_bytes(smtp.received[1].raw, policy=email.policy.default)
    assert first["Message-ID"] == second["Message-ID"] == reply_row(store, rid).message_id
    with store.session() as s:
        assert len(s.exec(select(Decision)).all()) == 1


def test_resolve_unknown_mark_sent_and_discard(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    a = queue(store, settings, store_request(store, request_raw(1)))
    b = queue(store, settings, store_request(store, request_raw(2)))
    smtp.inject(drop_after_data=True, times=2)
    assert [r.state for r in outbox_flush.flush_outbox(settings, store, now=T0)] == ["unknown", "unknown"]
    assert len(smtp.received) == 2  # the first drop closes the connection; the second reply reconnects

    with store.session() as s:
        drafts.resolve_unknown(s, a, "mark-sent", now=T0)
        drafts.resolve_unknown(s, b, "discard", now=T0)
        with pytest.raises(GraceboxError, match="not unknown"):
            drafts.resolve_unknown(s, a, "resend")
    with store.session() as s:
        ra, rb = s.get(Reply, a), s.get(Reply, b)
        assert ra is not None and rb is not None
        assert (ra.state, rb.state) == ("sent", "discarded")
        reqa, reqb = s.get(Message, ra.message_pk), s.get(Message, rb.message_pk)
        assert reqa is not None and reqb is not None
        assert (reqa.status, reqb.status) == ("replied", "new")
        assert [d.kind for d in s.exec(select(Decision))] == ["scenario2"]
    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(days=1)) == []
    assert len(smtp.received) == 2


def test_left_in_sending_with_copy_in_sent_finishes_without_second_copy(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    """SIGKILL between SMTP success and the "sent" commit, on a server that files sent mail itself."""
    settings = full_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw(), imap_account=imap_account)
    rid = queue(store, settings, req_id)
    r = reply_row(store, rid)
    assert r.raw is not None
    # What the dead process had done: the server got the message and filed it in Sent; the row says sending.
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as c:
        c.starttls(context=smtp.client_context())
        c.login(smtp.user, smtp.password)
        c.sendmail(ME, ["sam.replies@example.org"], r.raw)
    imap_account.append("Sent", [r.raw], flags=["\\Seen"])
    replies._set(store, rid, state="sending", attempts=1)

    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert (res.reply_id, res.state) == (rid, "sent")
    assert len(smtp.received) == 1
    assert len(sent_copies(imap_account, r.message_id)) == 1
    (orig_uid,) = imap_account.uids(REQUEST_FOLDER)
    assert "\\Answered" in imap_account.flags(REQUEST_FOLDER, orig_uid)
    r = reply_row(store, rid)
    assert (r.state, r.appended, r.answered) == ("sent", True, True)
    with store.session() as s:
        assert [d.kind for d in s.exec(select(Decision))] == ["scenario2"]
    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=1)) == []
    assert len(smtp.received) == 1


def test_sent_but_not_appended_is_completed_by_next_flush(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    """SIGKILL after the "sent" commit, before APPEND: the next flush copies it to Sent and sets \\Answered."""
    settings = full_settings(tmp_path, smtp, imap_account)
    smtp_settings = settings.model_copy(update={"imap": None})  # a first flush that can't reach IMAP
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw(), imap_account=imap_account)
    rid = queue(store, settings, req_id)
    [res] = outbox_flush.flush_outbox(smtp_settings, store, now=T0)
    assert res.state == "sent"
    r = reply_row(store, rid)
    assert (r.state, r.appended, r.answered) == ("sent", False, False)
    assert sent_copies(imap_account, r.message_id) == []

    [res] = outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(minutes=5))
    assert (res.reply_id, res.state) == (rid, "sent")
    assert len(smtp.received) == 1
    uids = sent_copies(imap_account, r.message_id)
    assert len(uids) == 1
    assert "\\Seen" in imap_account.flags("Sent", uids[0])
    (orig_uid,) = imap_account.uids(REQUEST_FOLDER)
    assert "\\Answered" in imap_account.flags(REQUEST_FOLDER, orig_uid)
    r = reply_row(store, rid)
    assert (r.appended, r.answered) == (True, True)
    with store.session() as s:
        assert len(s.exec(select(Decision)).all()) == 1


_KILL_SCRIPT = """
import sys
from pathlib import Path
from mailsync.config import load_config
from mailsync.outbox.flush import flush_outbox
from mailsync.store.engine import Store
settings = load_config(Path(sys.argv[1]))
flush_outbox(settings, Store(settings.database_url()))
"""


def test_sigkill_mid_send_leaves_unknown_and_no_second_copy(
        tmp_path: Path, smtp: SmtpTestServer, imap_account: Any) -> None:
    """A real process is killed while the server holds the DATA but has not answered yet."""
    settings = full_settings(tmp_path, smtp, imap_account)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw(), imap_account=imap_account))
    smtp.inject(delay_data=60, times=1)
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(tmp_path / "config.toml")], cwd=repo,
                            env={**os.environ, "PYTHONPATH": str(repo)}, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while smtp.data_seen < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert smtp.data_seen == 1, "the flush never reached the end of the DATA"
        assert reply_row(store, rid).state == "sending"  # committed before SMTP was spoken to
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(smtp.received) == 1

    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert (res.reply_id, res.state) == (rid, "unknown")
    assert res.detail is not None and "interrupted" in res.detail
    assert outbox_flush.flush_outbox(settings, store, now=T0 + timedelta(hours=1)) == []
    assert len(smtp.received) == 1
    assert sent_copies(imap_account, reply_row(store, rid).message_id) == []


def test_login_refused_keeps_reply_queued_without_password(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp, password="wrong-secret-xyz")
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()))
    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and res.detail.startswith("SMTP login refused: 535")
    r = reply_row(store, rid)
    assert (r.state, r.attempts) == ("queued", 0)
    assert r.error == res.detail
    assert "wrong-secret-xyz" not in (r.error or "")
    assert smtp.auth_failures >= 1
    assert len(smtp.received) == 0


def test_unreachable_and_certificate_problems_keep_reply_queued(tmp_path: Path, smtp: SmtpTestServer) -> None:
    from tests.servers.smtp import free_port

    closed = smtp_only_settings(tmp_path, smtp, port=free_port())
    store = Store(closed.database_url())
    rid = queue(store, closed, store_request(store, request_raw()))
    [res] = outbox_flush.flush_outbox(closed, store, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and "cannot connect (connection refused)" in res.detail

    untrusted = smtp_only_settings(tmp_path, smtp, ca_file=False)
    [res] = outbox_flush.flush_outbox(untrusted, store, now=T0)
    assert res.state == "queued"
    assert res.detail is not None and res.detail.startswith("[smtp] ca_file: certificate check failed")
    assert reply_row(store, rid).state == "queued"
    assert len(smtp.received) == 0

    [res] = outbox_flush.flush_outbox(smtp_only_settings(tmp_path, smtp), store, now=T0)
    assert res.state == "sent"
    assert len(smtp.received) == 1


def test_no_smtp_table_means_sending_is_off(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, None)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()))
    assert outbox_flush.flush_outbox(settings, store, now=T0) == [replies.SendResult(rid, "queued", replies.NO_SMTP)]
    assert reply_row(store, rid).state == "queued"
    assert len(smtp.received) == 0


def test_smtps_implicit_tls(tmp_path: Path, smtps: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtps)
    assert settings.smtp is not None and settings.smtp.security == "tls"
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()))
    assert [(r.reply_id, r.state) for r in outbox_flush.flush_outbox(settings, store, now=T0)] == [(rid, "sent")]
    assert len(smtps.received) == 1


def test_one_open_draft_per_request_and_stable_message_id(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw())
    with store.session() as s:
        req = s.get(Message, req_id)
        assert req is not None
        d1 = drafts.save_draft(s, req, "scenario1", "first words\n", settings=settings)
        d2 = drafts.save_draft(s, req, "scenario2", "second words\n", settings=settings)
        assert d1.id == d2.id
        assert req.status == "draft"
        mid = d2.message_id
        assert mid.endswith("@example.test>")
        drafts.queue_reply(s, settings, d2)
        assert (d2.state, d2.message_id, d2.subject) == ("queued", mid, "Re: Coffee chat?")
        assert d2.to_addrs == [{"name": "Sam Lee", "address": "sam.replies@example.org"}]
        assert d2.raw is not None and b"\r\nMessage-ID: " + mid.encode() + b"\r\n" in d2.raw
        assert len(s.exec(select(Reply)).all()) == 1
    [res] = outbox_flush.flush_outbox(settings, store, now=T0)
    assert res.state == "sent"
    body = email.message_from_bytes(smtp.received[0].raw, policy=email.policy.default).get_content()
    assert body.replace("\r\n", "\n") == "second words\n"
    with store.session() as s:
        assert [d.kind for d in s.exec(select(Decision))] == ["scenario2"]


def test_notification_relay_cannot_be_answered_by_mail(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, smtp)
    store = Store(settings.database_url())
    req_id = store_request(store, request_raw())
    with store.session() as s:
        req = s.get(Message, req_id)
        assert req is not None
        req.via = {"address": "notifications@network.example", "kind": "notification", "site": "Network"}
        s.add(req)
        d = drafts.save_draft(s, req, "scenario2", "text\n", settings=settings)
        with pytest.raises(GraceboxError, match="can't be answered by mail; copy the text"):
            drafts.queue_reply(s, settings, d)
        assert d.state == "draft"
    assert outbox_flush.flush_outbox(settings, store, now=T0) == []
    assert len(smtp.received) == 0


def test_demo_folder_out_writes_eml_and_marks_sent(tmp_path: Path, smtp: SmtpTestServer) -> None:
    settings = smtp_only_settings(tmp_path, None)
    store = Store(settings.database_url())
    rid = queue(store, settings, store_request(store, request_raw()), scenario="scenario1")
    out = tmp_path / "outbox"
    [res] = outbox_flush.flush_outbox(settings, store, now=T0, folder_out=out)
    mid = reply_row(store, rid).message_id
    path = out / (mid.strip("<>") + ".eml")
    assert (res.reply_id, res.state, res.detail) == (rid, "sent", str(path))
    assert path.read_bytes() == reply_row(store, rid).raw
    assert [p.name for p in out.iterdir()] == [path.name]
    with store.session() as s:
        assert [d.kind for d in s.exec(select(Decision))] == ["scenario1"]
    assert outbox_flush.flush_outbox(settings, store, now=T0, folder_out=out) == []
    assert len(smtp.received) == 0
