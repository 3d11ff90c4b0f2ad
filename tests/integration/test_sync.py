"""End-to-end sync against the private Dovecot (real IMAP, real SQLite in tmp_path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from sqlmodel import col, select

from mailsync.config import Settings, load_config
from mailsync.errors import AuthFailed, ConfigError, ServerUnreachable
from mailsync.store import context as inbox
from mailsync.store.engine import Store
from mailsync.store.lock import lock_path
from mailsync.store.models import Correction, FlagHitRow, Folder, KnownAddress, Message
from mailsync.sync import base as sync_base
from mailsync.sync import limits
from mailsync.sync import report as sync_report
from mailsync.sync import run as sync_run
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot import free_port
from tests.servers.dovecot_fixtures import ImapAccount

REQ = "Networking"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    st = Store(f"sqlite:///{tmp_path}/db.sqlite")
    try:
        yield st
    finally:
        st.close()


def settings_for(tmp_path: Path, acct: ImapAccount, *, profile: dict[str, Any] | None = None,
                 **imap_kw: Any) -> Settings:
    acct.create_folder("Sent")  # an account normally has one; its absence is a warning (tested below)
    path = write_config(tmp_path / "config.toml", imap=acct.imap_config(**imap_kw),
                        identity={"name": "Alex Rivera", "email": "alex@example.com"}, profile=profile,
                        database_url=f"sqlite:///{tmp_path}/db.sqlite")
    return load_config(path)


def messages(store: Store) -> list[Message]:
    with store.session() as s:
        return list(s.exec(select(Message).order_by(col(Message.uid))).all())


def folder(store: Store, name: str) -> Folder:
    with store.session() as s:
        row = s.exec(select(Folder).where(Folder.name == name)).one()
        return row


def test_initial_then_incremental_sync(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    raws = [mailgen.request(sender=("Sam Lee", "Sam@Example.org"), subject="Quick question",
                            message_id="<r1@example.org>"),
            mailgen.request(sender=("Riley Fox", "riley@vendor.example"), kind="selling",
                            subject="Offer for coaches", message_id="<r2@vendor.example>"),
            mailgen.request(sender=("Jordan Kim", "jordan@example.net"), kind="stranger-ask",
                            subject="Referral?", message_id=None)]
    imap_account.append(REQ, raws[:2])
    imap_account.append(REQ, raws[2:], flags=["\\Seen"])
    settings = settings_for(tmp_path, imap_account)
    phases: list[tuple[str, int, int]] = []

    report = sync_run.run_sync(settings, store=store, flush=False, progress=lambda *a: phases.append(a))

    assert (report.new, report.updated, report.expunged, report.locked) == (3, 0, 0, False)
    assert report.warnings == []
    assert ("fetch", 3, 3) in phases
    rows = messages(store)
    assert [m.uid for m in rows] == [1, 2, 3]
    assert [m.raw for m in rows] == raws
    assert [m.subject for m in rows] == ["Quick question", "Offer for coaches", "Referral?"]
    assert rows[0].from_address == "sam@example.org"
    assert [m.status for m in rows] == ["new", "new", "read"]
    assert rows[2].identity.startswith("sha256:") and rows[0].identity == "<r1@example.org>"
    assert all(m.size == len(m.raw) and m.internaldate is not None for m in rows)
    f = folder(store, REQ)
    assert (f.role, f.highest_uid, f.uidvalidity, f.messages) == ("requests", 3, imap_account.uidvalidity(REQ), 3)
    assert f.highestmodseq is not None

    # nothing changed: STATUS says so, nothing is touched
    again = sync_run.run_sync(settings, store=store, flush=False)
    assert (again.new, again.updated, again.expunged, again.rechecked) == (0, 0, 0, 0)

    ids_before = {m.identity: m.id for m in rows}
    more = mailgen.series(2)
    imap_account.append(REQ, more)
    third = sync_run.run_sync(settings, store=store, flush=False)
    assert (third.new, third.updated, third.expunged) == (2, 0, 0)
    rows = messages(store)
    assert [m.uid for m in rows] == [1, 2, 3, 4, 5]
    assert {m.identity: m.id for m in rows[:3]} == ids_before
    assert folder(store, REQ).highest_uid == 5


def test_uidvalidity_change_keeps_ids(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    raws = [mailgen.request(message_id=f"<uv{i}@example.org>", subject=f"s{i}") for i in range(3)]
    raws.append(mailgen.request(message_id=None, subject="no id"))
    imap_account.append(REQ, raws)
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)
    before = {m.identity: m.id for m in messages(store)}
    old_validity = folder(store, REQ).uidvalidity

    imap_account.set_uidvalidity(REQ, 4242)
    # another client removes one message under the new UIDVALIDITY: its row must go, the others stay
    imap_account.expunge(REQ, [imap_account.uids(REQ)[1]])
    report = sync_run.run_sync(settings, store=store, flush=False)

    assert old_validity != 4242
    assert report.new == 0
    assert report.updated == 3  # re-attached
    assert report.expunged == 1
    assert any("UIDVALIDITY" in w for w in report.warnings)
    rows = messages(store)
    assert {m.identity: m.id for m in rows} == {k: v for k, v in before.items() if k != "<uv1@example.org>"}
    assert all(m.uidvalidity == 4242 and m.uid is not None for m in rows)
    assert folder(store, REQ).uidvalidity == 4242
    assert sorted(m.uid for m in rows) == imap_account.uids(REQ)


def test_expunge_from_another_client(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    raws = [mailgen.request(message_id=f"<ex{i}@example.org>") for i in range(3)]
    imap_account.append(REQ, raws)
    with store.session() as s:  # a user's correction gives the second request a stored flag hit
        s.add(Correction(identity="<ex1@example.org>", code="RF1", action="add"))
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)
    victim = next(m for m in messages(store) if m.identity == "<ex1@example.org>")
    with store.session() as s:
        rows = s.exec(select(FlagHitRow).where(FlagHitRow.message_pk == victim.id)).all()
        assert [(r.code, r.rule) for r in rows if r.rule == "corrected-by-you"] == [("RF1", "corrected-by-you")]

    imap_account.expunge(REQ, [victim.uid])
    report = sync_run.run_sync(settings, store=store, flush=False)

    assert (report.new, report.expunged) == (0, 1)
    assert [m.identity for m in messages(store)] == ["<ex0@example.org>", "<ex2@example.org>"]
    with store.session() as s:
        assert s.exec(select(FlagHitRow).where(FlagHitRow.message_pk == victim.id)).all() == []
        assert s.exec(select(Correction)).one().identity == "<ex1@example.org>"  # keyed by identity: kept


def test_a_reply_to_sent_mail_comes_from_someone_known(tmp_path: Path, imap_account: ImapAccount,
                                                      store: Store) -> None:
    """The Sent pass records Message-IDs; a request answering one is from someone known even when it comes
    from an address the user never wrote to (README "Red flags": "Known"), so it gets no RF3."""
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Dana Cho", "dana@example.com")],
                                                   message_id="<thread-1@example.com>")])
    ask = ("Hi Alex,\n\nDana passed your note to me. Could you refer me to the hiring manager for the staff "
           "role and send me the interview questions?\n\nThanks,\nSam\n")
    imap_account.append(REQ, [
        mailgen.request(sender=("Sam Lee", "sam@example.org"), body=ask, message_id="<r1@example.org>",
                        in_reply_to="<thread-1@example.com>", references=["<thread-1@example.com>"]),
        mailgen.request(sender=("Sam Lee", "sam@example.org"), body=ask, message_id="<r2@example.org>"),
    ])
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)
    with store.session() as s:
        assert inbox.build_context(s, settings).known_threads == frozenset({"<thread-1@example.com>"})
    codes = {m.identity: m.flag_codes.split() for m in messages(store)}
    assert "RF3" not in codes["<r1@example.org>"]
    assert "RF3" in codes["<r2@example.org>"]  # the same ask outside the thread


def test_flag_changes_from_another_client(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(3))
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)
    assert [m.status for m in messages(store)] == ["new", "new", "new"]

    imap_account.add_flags(REQ, [1], ["\\Seen"])
    imap_account.add_flags(REQ, [2], ["\\Answered"])
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert (report.new, report.updated) == (0, 2)
    rows = messages(store)
    assert [m.status for m in rows] == ["read", "replied", "new"]
    assert rows[0].imap_flags == ["\\Seen"]
    assert rows[1].imap_flags == ["\\Answered"]

    imap_account.remove_flags(REQ, [1], ["\\Seen"])
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.updated == 1
    assert [m.status for m in messages(store)] == ["new", "replied", "new"]


def test_sent_folder_contacts(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append("Sent", [
        mailgen.sent_mail(to=[("Dana Cho", "Dana@Example.com")], cc=[("Jo Park", "jo@example.net")]),
        mailgen.sent_mail(to=[("Dana Cho", "dana@example.com")]),
    ])
    imap_account.append(REQ, [mailgen.request(sender=("Dana Cho", "dana@example.com"), kind="friendly-followup",
                                              message_id="<dana@example.com>")])
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)

    with store.session() as s:
        known = {k.address: (k.name, k.count) for k in s.exec(select(KnownAddress))}
        ctx = inbox.build_context(s, settings)
    assert known == {"dana@example.com": ("Dana Cho", 2), "jo@example.net": ("Jo Park", 1)}
    assert "dana@example.com" in ctx.known_addresses
    assert folder(store, "Sent").role == "sent"
    assert folder(store, "Sent").highest_uid == 2
    req = messages(store)[0]
    assert "RF3" not in req.flag_codes.split()

    # a new Sent message is counted once, old ones are not re-read
    imap_account.append("Sent", [mailgen.sent_mail(to=[(None, "jo@example.net")])])
    sync_run.run_sync(settings, store=store, flush=False)
    with store.session() as s:
        assert s.get(KnownAddress, "jo@example.net").count == 2
        assert s.get(KnownAddress, "dana@example.com").count == 2


def test_recheck_when_context_changes(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(2))
    sync_run.run_sync(settings_for(tmp_path, imap_account), store=store, flush=False)
    keys = {m.context_key for m in messages(store)}
    assert len(keys) == 1 and "" not in keys

    profile = {"contacts": [{"address": "person0@example.org", "name": "Person 0", "experience": "positive"}]}
    report = sync_run.run_sync(settings_for(tmp_path, imap_account, profile=profile), store=store, flush=False)
    assert (report.new, report.rechecked) == (0, 2)
    new_keys = {m.context_key for m in messages(store)}
    assert len(new_keys) == 1 and new_keys != keys


def test_resume_after_interruption(tmp_path: Path, imap_account: ImapAccount, store: Store,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    imap_account.append(REQ, mailgen.series(5))
    monkeypatch.setattr(limits, "BATCH_SIZE", 2)
    settings = settings_for(tmp_path, imap_account)

    class Stop(Exception):
        pass

    def stop_after_first_batch(phase: str, done: int, total: int) -> None:
        if phase == "fetch" and done == 2:
            raise Stop

    with pytest.raises(Stop):
        sync_run.run_sync(settings, store=store, flush=False, progress=stop_after_first_batch)
    assert [m.uid for m in messages(store)] == [1, 2]
    assert folder(store, REQ).highest_uid == 2

    report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.new == 3
    assert [m.uid for m in messages(store)] == [1, 2, 3, 4, 5]


def test_lock_held_returns_locked(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(1))
    settings = settings_for(tmp_path, imap_account)
    held = FileLock(str(lock_path(store.url)))
    with held:
        report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.locked is True
    assert (report.new, report.warnings) == (0, [])
    assert messages(store) == []
    assert sync_run.run_sync(settings, store=store, flush=False).new == 1  # released: works again


def test_wrong_password_is_auth_failed(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(1))
    settings = settings_for(tmp_path, imap_account, password="wrong-secret-123")
    with pytest.raises(AuthFailed) as ei:
        sync_run.run_sync(settings, store=store, flush=False)
    assert ei.value.exit_code == 77
    assert "wrong-secret-123" not in str(ei.value)
    assert messages(store) == []
    assert sync_run.run_sync(settings_for(tmp_path, imap_account), store=store, flush=False).new == 1  # lock freed


def test_unreachable_port(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    port = free_port()
    with pytest.raises(ServerUnreachable) as ei:
        sync_run.run_sync(settings_for(tmp_path, imap_account, port=port), store=store, flush=False)
    assert ei.value.exit_code == 75
    assert str(port) in str(ei.value)


def test_self_signed_without_ca_file(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    with pytest.raises(ConfigError) as ei:
        sync_run.run_sync(settings_for(tmp_path, imap_account, ca_file=False), store=store, flush=False)
    assert ei.value.exit_code == 78
    assert "[imap] ca_file" in str(ei.value)


def test_missing_requests_folder(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.create_folder("Contacts/Requests")
    with pytest.raises(ConfigError) as ei:
        sync_run.run_sync(settings_for(tmp_path, imap_account, requests_folder="Netwrking"), store=store, flush=False)
    text = str(ei.value)
    assert "[imap] requests_folder" in text and "'Netwrking'" in text
    assert "Contacts/Requests" in text and "INBOX" in text


def test_broken_message_stored_raw(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    broken = mailgen.broken_message()
    good = mailgen.request(message_id="<fine@example.org>")
    imap_account.append(REQ, [broken, good])
    report = sync_run.run_sync(settings_for(tmp_path, imap_account), store=store, flush=False)
    assert report.new == 2
    rows = messages(store)
    assert rows[0].raw == imap_account.fetch_raw(REQ, 1)  # the server's bytes (Dovecot maps NUL to 0x80)
    assert rows[0].raw.replace(b"\x80", b"\x00") == broken
    assert rows[0].parse_warnings  # the parser's own warnings, or "parse failed: ..." when it raised
    assert rows[1].identity == "<fine@example.org>" and rows[1].parse_warnings == []


def test_starttls_and_missing_sent_folder(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    imap_account.append(REQ, mailgen.series(1))
    settings = settings_for(tmp_path, imap_account, security="starttls", sent_folder="Sent Items")
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.new == 1
    assert len(report.warnings) == 1
    assert "'Sent Items' not found" in report.warnings[0] and "[imap] sent_folder" in report.warnings[0]


def test_flush_runs_on_the_same_pass(tmp_path: Path, imap_account: ImapAccount, store: Store) -> None:
    from mailsync.outbox import drafts
    from mailsync.outbox.replies import NO_SMTP

    imap_account.append(REQ, mailgen.series(1))
    settings = settings_for(tmp_path, imap_account)
    assert sync_run.run_sync(settings, store=store, flush=False).new == 1
    with store.session() as s:
        m = s.exec(select(Message)).one()
        reply = drafts.queue_reply(s, settings, drafts.save_draft(s, m, "scenario2", "No, thanks."))
        rid = reply.id
    assert sync_run.run_sync(settings, store=store, flush=False).sent == []  # flush=False: the outbox waits
    report = sync_run.run_sync(settings, store=store)
    # the outbox pass ran on this pass: the queued reply was looked at (no [smtp] here, so it stays queued)
    assert [(r.reply_id, r.state, r.detail) for r in report.sent] == [(rid, "queued", NO_SMTP)]


def test_uid_set() -> None:
    assert sync_base.uid_set([7, 1, 2, 3, 9, 10]) == "1:3,7,9:10"
    assert sync_base.uid_set([]) == ""


def test_folder_unchanged() -> None:
    from mailsync.imap.types import FolderStatus

    a = FolderStatus("N", 1, 10, 9, 55)
    assert sync_report.folder_unchanged(a, FolderStatus("N", 1, 10, 9, 55)) is True
    assert sync_report.folder_unchanged(a, FolderStatus("N", 1, 10, 9, 56)) is False
    assert sync_report.folder_unchanged(a, FolderStatus("N", 2, 10, 9, 55)) is False
    assert sync_report.folder_unchanged(FolderStatus("N", 1, 10, 9, None), FolderStatus("N", 1, 10, 9, None)) is False
    assert sync_report.folder_unchanged(None, a) is False


def test_flags_without_condstore(tmp_path: Path, imap_account_no_condstore: ImapAccount, store: Store) -> None:
    acct = imap_account_no_condstore
    acct.append(REQ, mailgen.series(3))
    settings = settings_for(tmp_path, acct)
    assert sync_run.run_sync(settings, store=store, flush=False).new == 3
    f = folder(store, REQ)
    assert f.highestmodseq is None  # nothing to compare: every pass asks for FLAGS of all UIDs

    acct.add_flags(REQ, [3], ["\\Seen"])
    acct.expunge(REQ, [1])
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert (report.new, report.updated, report.expunged) == (0, 1, 1)
    assert [(m.uid, m.status) for m in messages(store)] == [(2, "new"), (3, "read")]


# --- the `gracebox sync` command: exit codes (README "Commands") -------------------------------------------------


def _cli(*argv: str) -> int:
    from mailsync import cli

    return cli.main(list(argv))


def test_cli_sync_and_list_json(tmp_path: Path, imap_account: ImapAccount,
                                capsys: pytest.CaptureFixture[str]) -> None:
    import json

    imap_account.append(REQ, [mailgen.request(sender=("Sam Lee", "sam@example.org"), message_id="<cli1@example.org>",
                                              subject="Quick question")])
    cfg = tmp_path / "config.toml"
    settings_for(tmp_path, imap_account)
    assert _cli("--config", str(cfg), "sync") == 0
    out = capsys.readouterr()
    assert out.out.startswith("synced: 1 new, 0 updated, 0 expunged")
    assert _cli("--config", str(cfg), "sync", "--quiet") == 0
    assert capsys.readouterr() == ("", "")
    assert _cli("--config", str(cfg), "list", "--json") == 0
    [obj] = json.loads(capsys.readouterr().out)
    assert (obj["folder"], obj["uid"], obj["uidvalidity"]) == (REQ, 1, imap_account.uidvalidity(REQ))
    assert obj["message_id"] == "<cli1@example.org>"
    assert obj["from"] == {"name": "Sam Lee", "address": "sam@example.org"}
    assert (obj["status"], obj["subject"]) == ("new", "Quick question")


def test_cli_sync_exit_codes(tmp_path: Path, imap_account: ImapAccount, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(tmp_path / "config.toml")
    settings_for(tmp_path, imap_account, password="bad-password-77")
    assert _cli("--config", cfg, "sync") == 77
    err = capsys.readouterr().err
    assert "login refused" in err and "bad-password-77" not in err

    settings_for(tmp_path, imap_account, port=free_port())
    assert _cli("--config", cfg, "sync", "--quiet") == 75

    settings_for(tmp_path, imap_account, ca_file=False)
    assert _cli("--config", cfg, "sync", "--quiet") == 78
    assert "[imap] ca_file" in capsys.readouterr().err

    settings_for(tmp_path, imap_account, requests_folder="Missing")
    assert _cli("--config", cfg, "sync", "--quiet") == 78
    assert "[imap] requests_folder" in capsys.readouterr().err

    settings_for(tmp_path, imap_account, requests_folder="INBOX")
    with FileLock(str(lock_path(f"sqlite:///{tmp_path}/db.sqlite"))):
        assert _cli("--config", cfg, "sync") == 0
        assert "lock held" in capsys.readouterr().err
        assert _cli("--config", cfg, "sync", "--quiet") == 0
        assert capsys.readouterr() == ("", "")


def test_connection_lost_mid_sync(tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.servers.dovecot import DovecotServer
    from tests.servers.dovecot_fixtures import ImapAccount

    monkeypatch.setattr(limits, "BATCH_SIZE", 2)
    with DovecotServer() as srv:  # a private server: this test kills it
        user, password = srv.new_account()
        acct = ImapAccount(srv, user, password)
        acct.append(REQ, mailgen.series(5))
        settings = settings_for(tmp_path, acct)
        acct.close()

        def kill_after_first_batch(phase: str, done: int, total: int) -> None:
            if phase == "fetch" and done == 2:
                srv.kill()  # SIGKILL the whole Dovecot process group: the connection drops

        with pytest.raises(ServerUnreachable) as ei:
            sync_run.run_sync(settings, store=store, flush=False, progress=kill_after_first_batch)
    assert ei.value.exit_code == 75
    assert "connection lost" in str(ei.value)
    assert password not in str(ei.value)
    assert [m.uid for m in messages(store)] == [1, 2]  # the committed batch stays; the next run resumes
    assert folder(store, REQ).highest_uid == 2


def test_duplicate_message_ids_survive_uidvalidity_change(tmp_path: Path, imap_account: ImapAccount,
                                                          store: Store) -> None:
    dup = "<same@example.org>"
    imap_account.append(REQ, [mailgen.request(message_id=dup, subject="first"),
                              mailgen.request(message_id=dup, subject="second")])
    imap_account.append("Sent", [mailgen.sent_mail(to=[("Dana Cho", "dana@example.com")])])
    settings = settings_for(tmp_path, imap_account)
    sync_run.run_sync(settings, store=store, flush=False)
    before = sorted(m.id for m in messages(store))
    assert len(before) == 2  # same Message-ID, two rows

    imap_account.set_uidvalidity(REQ, 777)
    imap_account.set_uidvalidity("Sent", 778)
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert (report.new, report.updated, report.expunged) == (0, 2, 0)
    assert sorted(m.id for m in messages(store)) == before
    assert sorted(m.subject for m in messages(store)) == ["first", "second"]
    with store.session() as s:  # the Sent history was re-read from scratch, not counted twice
        assert s.get(KnownAddress, "dana@example.com").count == 1
    assert folder(store, "Sent").uidvalidity == 778
