"""Cut connections (README "Sync from cron"): a loopback proxy (tests/servers/proxy.py) cuts the IMAP connection after
N bytes, at many points of an initial sync of 300 requests and of a flag-change pass; after each cut the next
``run_sync`` (through the same proxy, uncut) completes and the database matches the server exactly: the same
UIDs, each Message-ID once, the server's flags. Also: UIDs renumbered without a UIDVALIDITY change, a message
expunged between SEARCH and FETCH, a FETCH answered without a body, and a stalled server (socket timeout).

One account is loaded once per test; every cut starts from a fresh (or copied) SQLite file. The counts of each
run are printed (``pytest -s``) and asserted: 0 lost, 0 doubled.
"""

from __future__ import annotations

import email
import email.policy
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailsync.config import Settings, load_config
from mailsync.errors import ServerUnreachable
from mailsync.store.engine import Store
from mailsync.store.models import Folder, KnownAddress, Message
from mailsync.sync import limits, pool
from mailsync.sync import run as sync_run
from tests import mailgen
from tests.servers.config_factory import write_config
from tests.servers.dovecot_fixtures import ImapAccount
from tests.servers.proxy import CutProxy

REQ = "Networking"
#: Requests loaded for the cut runs (a few hundred, as the issue asks).
N_MESSAGES = 300
#: Messages per FETCH batch during the cut runs: several commits per sync, so cuts land between and inside them.
CUT_BATCH = 40


# --- helpers ----------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the cut runs saw: per run the exception (or "completed"), and the totals lost/doubled."""

    runs: int = 0
    cut: int = 0
    resumed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    doubled: int = 0
    wrong_flags: int = 0

    def line(self, what: str) -> str:
        return (f"{what}: {self.runs} cuts ({self.cut} cut mid-sync, {self.resumed} resumed from a partly "
                f"stored pass), outcomes {self.outcomes}, "
                f"lost {self.lost}, doubled {self.doubled}, wrong flags {self.wrong_flags}")


ServerState = tuple[int, dict[int, tuple[str | None, tuple[str, ...]]]]


def server_state(acct: ImapAccount, folder: str = REQ) -> ServerState:
    """(UIDVALIDITY, {uid: (Message-ID, sorted flags without \\Recent)}) as the server has it now."""
    c = acct.client
    c.select_folder(folder, readonly=True)
    uids = sorted(int(u) for u in c.search(["ALL"]))
    out: dict[int, tuple[str | None, tuple[str, ...]]] = {}
    if uids:
        got = c.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        for uid in uids:
            d = got[uid]
            hdr = email.message_from_bytes(bytes(d[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"]), policy=email.policy.default)
            flags = tuple(sorted(f.decode() if isinstance(f, bytes) else str(f) for f in d[b"FLAGS"]
                                 if (f.decode() if isinstance(f, bytes) else str(f)).lower() != "\\recent"))
            mid = hdr["Message-ID"]
            out[uid] = (str(mid).strip() if mid else None, flags)
    return acct.uidvalidity(folder), out


#: The Sent history of the ``loaded`` account: each address written to once (a cut must not count one twice).
KNOWN = {"dana@example.com": 1, "jo@example.net": 1}


def known(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {k.address: k.count for k in s.exec(select(KnownAddress)).all()}


def db_rows(store: Store) -> list[Message]:
    with store.session() as s:
        return list(s.exec(select(Message).order_by(col(Message.id))).all())


def compare(store: Store, acct: ImapAccount, tally: Tally | None = None,
            expected: ServerState | None = None) -> list[str]:
    """Differences between the DB and the server (empty list = exact match); adds lost/doubled/flag counts."""
    validity, server = expected or server_state(acct)
    rows = db_rows(store)
    problems: list[str] = []
    by_uid: dict[int, list[Message]] = {}
    for m in rows:
        if m.uid is None:
            problems.append(f"row {m.id} ({m.message_id}) has no UID")
            continue
        by_uid.setdefault(m.uid, []).append(m)
        if m.uidvalidity != validity:
            problems.append(f"row {m.id} has UIDVALIDITY {m.uidvalidity}, server {validity}")
    lost = [u for u in server if u not in by_uid]
    extra = [u for u in by_uid if u not in server]
    doubled = [u for u, ms in by_uid.items() if len(ms) > 1]
    server_ids = sorted(str(mid) for mid, _f in server.values())
    db_ids = sorted(str(m.message_id) for m in rows)
    id_doubles = len(db_ids) - len(set(db_ids))
    wrong = 0
    for uid, ms in by_uid.items():
        if uid not in server:
            continue
        mid, flags = server[uid]
        for m in ms:
            if m.message_id != mid:
                problems.append(f"UID {uid}: DB has {m.message_id}, server {mid}")
            if tuple(sorted(m.imap_flags or ())) != flags:
                wrong += 1
                problems.append(f"UID {uid}: DB flags {m.imap_flags}, server {list(flags)}")
    if lost:
        problems.append(f"lost UIDs {lost[:10]} ({len(lost)})")
    if extra:
        problems.append(f"UIDs not on the server {extra[:10]} ({len(extra)})")
    if doubled or id_doubles:
        problems.append(f"doubled UIDs {doubled[:10]}, doubled Message-IDs {id_doubles}")
    if len(rows) != len(server) or db_ids != server_ids:
        problems.append(f"{len(rows)} rows for {len(server)} server messages")
    if tally is not None:
        tally.lost += len(lost) + len(set(server_ids) - set(db_ids))
        tally.doubled += len(doubled) + id_doubles
        tally.wrong_flags += wrong
    return problems


def settings_via(tmp_path: Path, acct: ImapAccount, proxy: CutProxy, db: Path, *, security: str = "tls",
                 timeout: float = 10, name: str = "config.toml") -> Settings:
    """Settings whose [imap] goes through ``proxy`` (which forwards to the TLS or the plain port)."""
    path = write_config(tmp_path / name, imap=acct.imap_config(security=security, port=proxy.port, timeout=timeout),
                        identity={"name": "Alex Rivera", "email": "alex@example.com"},
                        database_url=f"sqlite:///{db}")
    return load_config(path)


def copy_db(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite database (WAL included) through the backup API."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def run_cut(settings: Settings, store: Store, proxy: CutProxy, tally: Tally, expected_rows: int,
            **arm: Any) -> None:
    """One faulty sync (``arm`` goes to the proxy), then one clean sync that must complete. A run counts as
    "resumed" when the cut left some but not all of ``expected_rows`` rows attached to a UID."""
    proxy.arm(**arm)
    tally.runs += 1
    try:
        sync_run.run_sync(settings, store=store, flush=False)
        outcome = "completed"
    except ServerUnreachable as exc:
        assert exc.exit_code == 75
        outcome = "ServerUnreachable"
    if proxy.cuts:
        tally.cut += 1
    with store.session() as s:
        stored = len(s.exec(select(Message.id).where(col(Message.uid).is_not(None))).all())
    if 0 < stored < expected_rows:
        tally.resumed += 1
    tally.outcomes[outcome] = tally.outcomes.get(outcome, 0) + 1
    proxy.disarm()
    report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.locked is False


def spread(total: int, count: int, *, start: int = 0) -> list[int]:
    """``count`` cut points from ``start`` to ``total`` (exclusive), evenly spaced, with an odd stride so they
    land at different offsets inside messages and TLS records."""
    span = max(1, total - start)
    return sorted({start + (span * (2 * i + 1)) // (2 * count) + (i * 7919) % 97 for i in range(count)})


@pytest.fixture
def proxies(imap_account: ImapAccount) -> Iterator[dict[str, CutProxy]]:
    """A cutting proxy in front of each of Dovecot's ports: {"tls": ..., "plain": ...}."""
    tls = CutProxy(target_port=imap_account.server.tls_port).start()
    plain = CutProxy(target_port=imap_account.server.port).start()
    try:
        yield {"tls": tls, "plain": plain}
    finally:
        tls.stop()
        plain.stop()


def load(acct: ImapAccount) -> ImapAccount:
    """Give ``acct`` a Sent folder (two messages) and N_MESSAGES requests, a few already \\Seen."""
    acct.append("Sent", [mailgen.sent_mail(to=[("Dana Cho", "dana@example.com")]),
                         mailgen.sent_mail(to=[("Jo Park", "jo@example.net")])])
    raws = mailgen.series(N_MESSAGES)
    acct.append(REQ, raws[:250])
    acct.append(REQ, raws[250:], flags=["\\Seen"])
    return acct


@pytest.fixture
def loaded(imap_account: ImapAccount) -> ImapAccount:
    """The account, loaded (see ``load``)."""
    return load(imap_account)


# --- initial sync --------------------------------------------------------------------------------------------


def test_cuts_during_initial_sync(tmp_path: Path, loaded: ImapAccount, proxies: dict[str, CutProxy],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "BATCH_SIZE", CUT_BATCH)
    expected = server_state(loaded)
    assert len(expected[1]) == N_MESSAGES
    # a clean run per transport measures the bytes of a whole initial sync
    totals: dict[str, tuple[int, int]] = {}
    for kind, proxy in proxies.items():
        proxy.disarm()
        db = tmp_path / f"measure-{kind}.sqlite"
        store = Store(f"sqlite:///{db}")
        settings = settings_via(tmp_path, loaded, proxy, db, security=kind, name=f"measure-{kind}.toml")
        assert sync_run.run_sync(settings, store=store, flush=False).new == N_MESSAGES
        assert compare(store, loaded, expected=expected) == []
        store.close()
        totals[kind] = (proxy.s2c_bytes, proxy.c2s_bytes)
    print(f"\ninitial sync bytes (server->client, client->server): {totals}")

    plan: list[tuple[str, dict[str, int]]] = []
    plan += [("tls", {"cut_s2c": n}) for n in spread(totals["tls"][0], 16)]
    plan += [("plain", {"cut_s2c": n}) for n in spread(totals["plain"][0], 12)]
    plan += [("tls", {"cut_c2s": n}) for n in spread(totals["tls"][1], 4)]
    plan += [("plain", {"cut_c2s": n}) for n in spread(totals["plain"][1], 4)]
    plan += [("tls", {"cut_s2c": n}) for n in (1, 50, 700, 1500, 2600)]  # greeting, TLS handshake, login
    tally = Tally()
    for i, (kind, arm) in enumerate(plan):
        db = tmp_path / f"cut-{i}.sqlite"
        store = Store(f"sqlite:///{db}")
        settings = settings_via(tmp_path, loaded, proxies[kind], db, security=kind, name=f"cut-{i}.toml")
        run_cut(settings, store, proxies[kind], tally, N_MESSAGES, **arm)
        problems = compare(store, loaded, tally, expected=expected)
        history = known(store)
        store.close()
        assert problems == [], f"cut {i} ({kind} {arm}): {problems[:5]}"
        assert history == KNOWN, f"cut {i} ({kind} {arm}): Sent history {history}"
        db.unlink()
    print(tally.line("initial sync"))
    assert tally.runs >= 40  # with the flag-change pass below: more than 50 cut points in all
    assert tally.cut >= 36  # nearly every point lies inside the sync (the last ones may fall in LOGOUT)
    assert tally.resumed >= 15  # many cuts left committed batches behind that the next pass resumed from
    assert (tally.lost, tally.doubled, tally.wrong_flags) == (0, 0, 0)


def test_cuts_with_the_process_pool(tmp_path: Path, loaded: ImapAccount, proxies: dict[str, CutProxy],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The same cuts on the path a big initial sync takes (parse + check in a process pool while the next
    batch is fetched): the pool threshold is lowered so 300 messages use it."""
    monkeypatch.setattr(limits, "BATCH_SIZE", CUT_BATCH)
    monkeypatch.setattr(limits, "POOL_MIN", 50)
    if pool.pool_size(N_MESSAGES) == 0:
        pytest.skip("one CPU: the sync never uses a process pool here")
    expected = server_state(loaded)
    proxy = proxies["tls"]
    proxy.disarm()
    db = tmp_path / "measure.sqlite"
    store = Store(f"sqlite:///{db}")
    assert sync_run.run_sync(settings_via(tmp_path, loaded, proxy, db, name="m.toml"), store=store, flush=False).new \
        == N_MESSAGES
    store.close()
    total = proxy.s2c_bytes
    tally = Tally()
    for i, n in enumerate(spread(total, 5, start=total // 10)):
        db = tmp_path / f"pool-{i}.sqlite"
        store = Store(f"sqlite:///{db}")
        run_cut(settings_via(tmp_path, loaded, proxy, db, name=f"pool-{i}.toml"), store, proxy, tally, N_MESSAGES,
                cut_s2c=n)
        problems = compare(store, loaded, tally, expected=expected)
        history = known(store)
        store.close()
        assert problems == [], f"pool cut {i} at {n}: {problems[:5]}"
        assert history == KNOWN
    print(tally.line("initial sync with the process pool"))
    assert tally.cut == 5 and tally.resumed >= 3
    assert (tally.lost, tally.doubled, tally.wrong_flags) == (0, 0, 0)


# --- flag-change pass ------------------------------------------------------------------------------------------


def test_cuts_during_flag_change_pass(tmp_path: Path, loaded: ImapAccount, proxies: dict[str, CutProxy],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """CONDSTORE server: the pass asks FLAGS CHANGEDSINCE the stored HIGHESTMODSEQ."""
    monkeypatch.setattr(limits, "BATCH_SIZE", CUT_BATCH)
    tally = flag_pass_cuts(tmp_path, loaded, proxies["tls"], 20, 5, "flag-change pass (CONDSTORE)")
    assert tally.runs >= 25 and tally.cut >= 22


def test_cuts_during_flag_change_pass_without_condstore(tmp_path: Path, imap_account_no_condstore: ImapAccount,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without CONDSTORE: every pass asks FLAGS of every stored UID."""
    monkeypatch.setattr(limits, "BATCH_SIZE", CUT_BATCH)
    acct = load(imap_account_no_condstore)
    with CutProxy(target_port=acct.server.tls_port) as proxy:
        tally = flag_pass_cuts(tmp_path, acct, proxy, 10, 2, "flag-change pass (no CONDSTORE)")
    assert tally.runs >= 12 and tally.cut >= 10


def flag_pass_cuts(tmp_path: Path, loaded: ImapAccount, proxy: CutProxy, n_s2c: int, n_c2s: int,
                   label: str) -> Tally:
    """Sync ``loaded`` once into a base DB, change the folder from another client, then for each of
    ``n_s2c`` + ``n_c2s`` cut points: a copy of the base DB, a cut pass, a clean pass, an exact comparison."""
    proxy.disarm()
    base = tmp_path / "base.sqlite"
    store = Store(f"sqlite:///{base}")
    settings = settings_via(tmp_path, loaded, proxy, base)
    assert sync_run.run_sync(settings, store=store, flush=False).new == N_MESSAGES
    base_ids = {m.uid: m.id for m in db_rows(store)}
    store.close()

    # another client changes the folder: flags set and cleared, a few expunged, a few new
    uids = loaded.uids(REQ)
    loaded.add_flags(REQ, uids[0:120:3], ["\\Seen"])
    loaded.add_flags(REQ, uids[5:200:9], ["\\Answered"])
    loaded.add_flags(REQ, uids[7:300:25], ["\\Flagged", "$Label1"])
    loaded.remove_flags(REQ, uids[250:270], ["\\Seen"])
    loaded.expunge(REQ, uids[100:104])
    loaded.append(REQ, mailgen.series(12, domain="later.example"))
    expected = server_state(loaded)
    assert len(expected[1]) == N_MESSAGES - 4 + 12

    # a clean pass from a copy of the base DB measures the bytes of the flag-change pass
    measure = tmp_path / "measure.sqlite"
    copy_db(base, measure)
    store = Store(f"sqlite:///{measure}")
    proxy.disarm()
    report = sync_run.run_sync(settings_via(tmp_path, loaded, proxy, measure, name="measure.toml"), store=store,
                           flush=False)
    assert (report.new, report.expunged) == (12, 4)
    assert compare(store, loaded, expected=expected) == []
    store.close()
    total_s2c, total_c2s = proxy.s2c_bytes, proxy.c2s_bytes
    print(f"\n{label} bytes: server->client {total_s2c}, client->server {total_c2s}")

    plan = [{"cut_s2c": n} for n in spread(total_s2c, n_s2c)] + [{"cut_c2s": n} for n in spread(total_c2s, n_c2s)]
    tally = Tally()
    for i, arm in enumerate(plan):
        db = tmp_path / f"flags-{i}.sqlite"
        copy_db(base, db)
        store = Store(f"sqlite:///{db}")
        run_cut(settings_via(tmp_path, loaded, proxy, db, name=f"flags-{i}.toml"), store, proxy, tally,
                len(expected[1]), **arm)
        problems = compare(store, loaded, tally, expected=expected)
        kept = {m.uid: m.id for m in db_rows(store) if m.uid in base_ids}
        history = known(store)
        store.close()
        assert history == KNOWN
        assert problems == [], f"cut {i} {arm}: {problems[:5]}"
        assert kept == {u: i for u, i in base_ids.items() if u in kept}  # unchanged messages keep their row ids
        assert len(kept) == N_MESSAGES - 4
        db.unlink()
    print(tally.line(label))
    assert (tally.lost, tally.doubled, tally.wrong_flags) == (0, 0, 0)
    return tally


# --- misbehaving servers ---------------------------------------------------------------------------------------


def test_uids_renumbered_without_uidvalidity_change(tmp_path: Path, imap_account: ImapAccount,
                                                   proxies: dict[str, CutProxy]) -> None:
    """Deleting the folder's dovecot-uidlist keeps UIDVALIDITY but gives every message a new UID."""
    imap_account.create_folder("Sent")
    imap_account.append(REQ, mailgen.series(8))
    imap_account.append(REQ, [mailgen.request(message_id=None, subject="no id here")], flags=["\\Seen"])
    proxy = proxies["tls"]
    db = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{db}")
    settings = settings_via(tmp_path, imap_account, proxy, db)
    assert sync_run.run_sync(settings, store=store, flush=False).new == 9
    before = {m.identity: m.id for m in db_rows(store)}
    old_uids = imap_account.uids(REQ)
    validity = imap_account.uidvalidity(REQ)

    imap_account.close()
    (imap_account.server.maildir(imap_account.user) / REQ / "dovecot-uidlist").unlink()
    new_uids = imap_account.uids(REQ)
    assert imap_account.uidvalidity(REQ) == validity
    assert set(new_uids).isdisjoint(old_uids) and len(new_uids) == 9

    report = sync_run.run_sync(settings, store=store, flush=False)
    assert report.new == 0
    assert compare(store, imap_account) == []
    assert {m.identity: m.id for m in db_rows(store)} == before  # the same rows, re-attached by identity
    assert report.expunged == 0

    # the next pass has nothing to do
    again = sync_run.run_sync(settings, store=store, flush=False)
    assert (again.new, again.updated, again.expunged) == (0, 0, 0)
    store.close()


def test_expunged_between_search_and_fetch(tmp_path: Path, imap_account: ImapAccount,
                                           proxies: dict[str, CutProxy], monkeypatch: pytest.MonkeyPatch) -> None:
    """Another client expunges messages of the next batch while this sync is between its SEARCH and FETCH:
    Dovecot then answers the FETCH with an empty body for them. No phantom row, nothing else lost."""
    monkeypatch.setattr(limits, "BATCH_SIZE", 5)
    imap_account.create_folder("Sent")
    imap_account.append(REQ, mailgen.series(15))
    uids = imap_account.uids(REQ)
    proxy = proxies["tls"]
    db = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{db}")
    settings = settings_via(tmp_path, imap_account, proxy, db)
    victims = [uids[6], uids[12]]

    def expunge_after_first_batch(phase: str, done: int, total: int) -> None:
        if phase == "fetch" and done == 5:
            imap_account.expunge(REQ, victims)

    report = sync_run.run_sync(settings, store=store, flush=False, progress=expunge_after_first_batch)
    assert report.new == 13
    rows = db_rows(store)
    assert all(m.raw for m in rows)  # no empty phantom rows
    assert sorted(m.uid for m in rows if m.uid is not None) == [u for u in uids if u not in victims]
    assert compare(store, imap_account) == []
    again = sync_run.run_sync(settings, store=store, flush=False)
    assert (again.new, again.expunged) == (0, 0)
    store.close()


def test_fetch_without_body_is_fetched_again(tmp_path: Path, imap_account: ImapAccount,
                                             proxies: dict[str, CutProxy]) -> None:
    """The proxy removes one message's BODY[] from every FETCH answer of the first connection (BODY[] NIL):
    that message is not stored empty and not skipped for good; the next pass fetches it."""
    imap_account.create_folder("Sent")
    raws = [mailgen.request(message_id=f"<nobody{i}@example.org>", subject=f"s{i}") for i in range(6)]
    imap_account.append(REQ, raws)
    proxy = proxies["plain"]
    db = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{db}")
    settings = settings_via(tmp_path, imap_account, proxy, db, security="plain")

    proxy.arm(drop_body=b"<nobody3@example.org>", cut_connections=1)
    first = sync_run.run_sync(settings, store=store, flush=False)
    assert proxy.cuts >= 1  # the body really was dropped
    assert first.new == 5
    assert any("no body" in w for w in first.warnings), first.warnings
    assert sorted(str(m.message_id) for m in db_rows(store)) == [f"<nobody{i}@example.org>" for i in (0, 1, 2, 4, 5)]
    with store.session() as s:
        f = s.exec(select(Folder).where(Folder.name == REQ)).one()
        assert f.messages is None  # the folder is not recorded as complete: the next pass won't skip it

    proxy.disarm()
    second = sync_run.run_sync(settings, store=store, flush=False)
    assert (second.new, second.warnings) == (1, [])
    assert compare(store, imap_account) == []
    assert [m.raw for m in sorted(db_rows(store), key=lambda m: m.uid or 0)] == raws
    store.close()


# --- timeouts ---------------------------------------------------------------------------------------------------


_SYNC = [sys.executable, "-m", "mailsync.cli"]


@pytest.mark.parametrize(("where", "stall_after"), [("before the greeting", 0), ("in the TLS handshake", 200),
                                                    ("mid-FETCH", 30000)])
def test_stalled_server_times_out_with_exit_75(tmp_path: Path, imap_account: ImapAccount,
                                               proxies: dict[str, CutProxy], where: str, stall_after: int) -> None:
    """A server that stops answering (the proxy holds the connection open and forwards nothing) makes
    ``gracebox sync`` exit 75 after the socket timeout; the subprocess timeout is only a guard against a hang."""
    imap_account.create_folder("Sent")
    imap_account.append(REQ, mailgen.series(80))
    proxy = proxies["tls"]
    db = tmp_path / "db.sqlite"
    settings_via(tmp_path, imap_account, proxy, db, timeout=1)
    proxy.arm(cut_s2c=stall_after, stall=True, cut_connections=None)
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run([*_SYNC, "--config", str(tmp_path / "config.toml"), "sync", "--quiet"], cwd=repo,
                          env={**os.environ, "PYTHONPATH": str(repo)}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 75, (where, proc.stderr)
    assert "timed out" in proc.stderr
    assert proxy.cuts == 1
    assert imap_account.password not in proc.stderr
