"""Secrets (README "Configure a real account"):
``password_command`` runs without a shell; the password never reaches the database
file, the log (every logger at DEBUG), error messages and tracebacks (``--debug`` too), ``list --json`` /
``check --json`` output, the exported profile or the settings' repr; a config file holding ``password`` that
others can read gets a warning; templates that reach for ``__class__`` or ``os`` fail in the sandbox.

The leak test runs a real sequence against a private Dovecot and aiosmtpd whose passwords are distinctive
strings: syncs, a sent reply, 554 / 451 / dropped-after-DATA sends, refused logins (IMAP and SMTP), a cut
connection, a failing password command and an unexpected error with ``--debug``, then greps everything.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mailsync import cli
from mailsync.config import Settings, load_config, settings_from_dict
from mailsync.errors import ConfigError, TemplateError
from mailsync.mail import templates as compose
from mailsync.store.engine import Store
from mailsync.store.models import Message, Reply
from tests import mailgen
from tests.integration.test_send import queue
from tests.servers.config_factory import write_config
from tests.servers.dovecot import DovecotServer
from tests.servers.dovecot_fixtures import ImapAccount
from tests.servers.proxy import CutProxy
from tests.servers.smtp import SmtpTestServer

REQ = "Networking"
REPO = Path(__file__).resolve().parents[2]
SECRET_IMAP = "Gb-imap-S3cret-Q7v2x"
SECRET_SMTP = "Gb-smtp-S3cret-W9k4m"
WRONG_IMAP = "Gb-wrong-imap-P5t8z"
WRONG_SMTP = "Gb-wrong-smtp-H2j6r"
SECRETS = (SECRET_IMAP, SECRET_SMTP, WRONG_IMAP, WRONG_SMTP)
IDENTITY = {"name": "Alex Rivera", "email": "alex@example.com", "signature": "Alex"}


# --- password_command: no shell ------------------------------------------------------------------------------


def _password(command: str | list[str]) -> str:
    s = settings_from_dict({"identity": IDENTITY, "imap": {"host": "127.0.0.1", "password_command": command}},
                           "c.toml")
    assert s.imap is not None
    return s.imap.password_value("imap")


def test_password_command_is_not_interpreted_by_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    cases: list[tuple[str | list[str], str]] = [
        (f"printf %s secret; touch {marker}", f"secret;touch{marker}"),  # ";" is an ordinary character
        (f"echo $(touch {marker})", f"$(touch {marker})"),                 # no command substitution
        (f"printf %s `touch {marker}`", f"`touch{marker}`"),               # no backticks either
        ("echo $HOME", "$HOME"),                                          # no variable expansion
        ("printf %s a | tee b", "a|teeb"),                                # no pipe
        ('printf %s "two words"', "two words"),                           # but quotes split like a shell's
        (["printf", "%s", f"x; touch {marker}"], f"x; touch {marker}"),    # an argv list is taken as is
    ]
    for command, expected in cases:
        assert _password(command) == expected, command
    assert not marker.exists()
    assert not (Path.cwd() / "b").exists()


def test_password_command_failures_name_the_fix_not_the_output(tmp_path: Path) -> None:
    leaky = [sys.executable, "-c", f"import sys; print({SECRET_IMAP!r}); sys.stderr.write({SECRET_IMAP!r}); "
                                   "sys.exit(3)"]
    with pytest.raises(ConfigError) as ei:
        _password(leaky)
    assert ei.value.exit_code == 78
    assert "[imap] password_command" in str(ei.value) and "exited with status 3" in str(ei.value)
    assert SECRET_IMAP not in "".join(traceback.format_exception(ei.value))
    with pytest.raises(ConfigError, match=r"\[imap\] password_command: cannot run '/nonexistent/pw-tool'"):
        _password(["/nonexistent/pw-tool"])
    with pytest.raises(ConfigError) as ei2:
        _password(f'printf "%s {SECRET_IMAP}')  # unbalanced quote: a config error, not a crash
    assert "[imap] password_command: cannot be split into arguments" in str(ei2.value)
    assert SECRET_IMAP not in str(ei2.value)


# --- readable config files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "key", "warns"), [
    (0o644, "password", True), (0o640, "password", True), (0o604, "password", True),
    (0o600, "password", False), (0o644, "password_command", False),
])
def test_readable_config_with_a_password_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: int,
                                               key: str, warns: bool) -> None:
    value: Any = SECRET_SMTP if key == "password" else ["printf", "%s", SECRET_SMTP]
    path = write_config(tmp_path / "config.toml", imap={"host": "127.0.0.1", "username": "alex", key: value},
                        identity=IDENTITY)
    os.chmod(path, mode)
    load_config(path)
    err = capsys.readouterr().err
    if warns:
        assert f"{path} holds a password and is readable by others" in err
        assert f"chmod 600 {path}" in err
    else:
        assert err == ""
    assert SECRET_SMTP not in err


# --- templates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expect"), [
    ("{{ sender.__class__ }}", "sandbox"),
    ("{{ request.__class__.__mro__ }}", "sandbox"),
    ("{{ lipsum.__globals__['os'].system('touch PWNED') }}", "sandbox"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "sandbox"),
    ("{{ os.system('touch PWNED') }}", "unknown variable: 'os' is undefined"),
    ("{% import 'os' as os %}", "not found"),
])
def test_template_reaching_for_internals_fails_clearly(tmp_path: Path, source: str, expect: str) -> None:
    tdir = tmp_path / "templates"
    tdir.mkdir()
    (tdir / "scenario2.txt.j2").write_text("Hello {{ sender.first_name }},\n" + source + "\n")
    settings = settings_from_dict({"identity": IDENTITY, "templates": {"dir": str(tdir)},
                                   "storage": {"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}"}}, "c.toml")
    raw = mailgen.request(message_id="<t1@example.org>")
    from mailsync.mail.parse import parse
    from mailsync.store import ingest as inbox

    request = inbox.as_message(parse(raw), raw)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(TemplateError) as ei:
            compose.render_body(settings, request, "scenario2", [])
    finally:
        os.chdir(cwd)
    text = str(ei.value)
    assert ei.value.exit_code == 78
    assert expect in text
    assert "\n" not in text and text.startswith("template ")
    assert not (tmp_path / "PWNED").exists()


# --- the password never leaks -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def secret_dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot whose accounts all log in with SECRET_IMAP."""
    srv = DovecotServer()
    srv.password = SECRET_IMAP
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def secret_smtp(smtp_cert: tuple[Path, Path]) -> Iterator[SmtpTestServer]:
    """A private STARTTLS aiosmtpd whose AUTH password is SECRET_SMTP."""
    server = SmtpTestServer(*smtp_cert, password=SECRET_SMTP).start()
    try:
        yield server
    finally:
        server.stop()


class Leaks:
    """Collects every text the runs produced, to grep for the secrets at the end."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: str | bytes) -> None:
        self.texts.append((where, text.decode("utf-8", "replace") if isinstance(text, bytes) else text))

    def found(self, secrets: tuple[str, ...]) -> list[str]:
        return [f"{s!r} in {where}" for where, text in self.texts for s in secrets if s in text]


def _write(home: Path, acct: ImapAccount, smtp: SmtpTestServer, *, imap_pw: str = SECRET_IMAP,
           smtp_pw: str = SECRET_SMTP, port: int | None = None, db: str = "gb.db",
           password_command: list[str] | None = None) -> Path:
    table = acct.imap_config(password=imap_pw, timeout=5)
    del table["password"]
    table["password_command"] = password_command or ["printf", "%s", imap_pw]
    if port is not None:
        table["port"] = port
    return write_config(home / "config.toml", imap=table, smtp=smtp.smtp_config(password=smtp_pw), identity=IDENTITY,
                        profile={"expertise": ["leadership communication"]}, database_url=f"sqlite:///{home / db}")


def test_password_never_leaks(tmp_path: Path, secret_dovecot: DovecotServer, secret_smtp: SmtpTestServer,
                              caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, imapclient's protocol log included
    leaks = Leaks()
    user, _pw = secret_dovecot.new_account()
    acct = ImapAccount(secret_dovecot, user, SECRET_IMAP)
    acct.create_folder("Sent")
    acct.append(REQ, [mailgen.request(sender=(f"Person {i}", f"p{i}@example.org"), subject=f"Request {i}",
                                      message_id=f"<leak{i}@example.org>") for i in range(5)])
    home = tmp_path / "home"
    home.mkdir()
    cfg = _write(home, acct, secret_smtp)
    settings = load_config(cfg)

    def gb(*argv: str, expect: int = 0) -> None:
        try:
            code = cli.main(["--config", str(cfg), *argv])
        except Exception as exc:  # --debug re-raises an unexpected error: its traceback is output too
            leaks.add(f"traceback of {argv}", "".join(traceback.format_exception(exc)))
            code = 1
        out = capsys.readouterr()
        leaks.add(f"stdout of {argv}", out.out)
        leaks.add(f"stderr of {argv}", out.err)
        assert code == expect, (argv, out.err)

    def reply_to(n: int) -> int:
        store = Store(settings.database_url())
        with store.session() as s:
            pk = s.exec(select(Message.id).where(Message.message_id == f"<leak{n}@example.org>")).one()
        assert pk is not None
        rid = queue(store, settings, pk)
        store.close()
        return rid

    def state(rid: int) -> tuple[str, str | None]:
        store = Store(settings.database_url())
        with store.session() as s:
            r = s.get(Reply, rid)
            assert r is not None
            out = (r.state, r.error)
        store.close()
        return out

    # a normal sync, the list, a sent reply
    gb("--debug", "sync")
    gb("list", "--json")
    rid = reply_to(0)
    gb("--debug", "sync")
    assert state(rid)[0] == "sent" and len(secret_smtp.received) == 1
    # refused and broken sends
    secret_smtp.inject(fail_data="554 5.7.1 Refused by policy", times=1)
    rid = reply_to(1)
    gb("--debug", "sync")
    assert state(rid) == ("failed", "554 5.7.1 Refused by policy")
    secret_smtp.inject(fail_data="451 4.3.0 Try later", times=1)
    rid = reply_to(2)
    gb("--debug", "sync")
    assert state(rid)[0] == "queued"
    secret_smtp.inject(drop_after_data=True, times=1)
    rid = reply_to(3)
    gb("--debug", "sync")
    assert state(rid)[0] == "unknown"
    # refused logins: SMTP (reply stays queued), IMAP (exit 77), in-process and as a real --debug process
    cfg = _write(home, acct, secret_smtp, smtp_pw=WRONG_SMTP)
    rid = reply_to(4)
    gb("--debug", "sync")
    st, err = state(rid)
    assert st == "queued" and err is not None and "SMTP login refused: 535" in err
    cfg = _write(home, acct, secret_smtp, imap_pw=WRONG_IMAP)
    gb("--debug", "sync", expect=77)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "mailsync.cli", "--debug", "--config", str(cfg), "sync"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 77
    leaks.add("stderr of a --debug process (77)", proc.stderr + proc.stdout)
    # a connection cut in the middle of a sync, in-process and as a --debug process
    acct.append(REQ, mailgen.series(60, domain="late.example"))
    with CutProxy(target_port=secret_dovecot.tls_port) as proxy:
        cfg = _write(home, acct, secret_smtp, port=proxy.port)
        proxy.arm(cut_s2c=20000, cut_connections=None)
        gb("--debug", "sync", expect=75)
        proc = subprocess.run([sys.executable, "-m", "mailsync.cli", "--debug", "--config", str(cfg), "sync"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 75 and "connection lost" in proc.stderr
        leaks.add("stderr of a --debug process (75)", proc.stderr + proc.stdout)
        leaks.add("bytes the client sent through the proxy (TLS)", bytes(proxy.c2s_data))
    # a password command that fails while printing the password
    cfg = _write(home, acct, secret_smtp, password_command=[
        sys.executable, "-c", f"import sys; print({SECRET_IMAP!r}); sys.stderr.write({SECRET_IMAP!r}); sys.exit(2)"])
    gb("--debug", "sync", expect=78)
    # an unexpected error with --debug (a damaged database): one line without, a traceback with --debug
    broken = home / "broken.db"
    with sqlite3.connect(home / "gb.db") as a, sqlite3.connect(broken) as b:
        a.backup(b)
    a.close()
    b.close()
    with sqlite3.connect(broken) as con:  # the pages of the folder table: the schema stays readable
        page = con.execute("pragma page_size").fetchone()[0]
        pages = [n for (n,) in con.execute("select pageno from dbstat where name = 'folder'")]
    con.close()
    data = bytearray(broken.read_bytes())
    for n in pages:
        data[(n - 1) * page:n * page] = b"\xa5" * page
    broken.write_bytes(bytes(data))
    cfg = _write(home, acct, secret_smtp, db="broken.db")
    proc = subprocess.run([sys.executable, "-m", "mailsync.cli", "--debug", "--config", str(cfg), "sync"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback (most recent call last)" in proc.stderr, proc.stderr[-500:]
    leaks.add("stderr of a --debug process on a damaged database", proc.stderr + proc.stdout)
    gb("--debug", "sync", expect=1)
    gb("sync", expect=1)  # without --debug: one line
    cfg = _write(home, acct, secret_smtp)
    gb("sync")  # uncut again: the pass the cut stopped is completed
    # the other outputs: JSON, check, feedback export, settings repr
    gb("list", "--json")
    msg_file = home / "one.eml"
    msg_file.write_bytes(mailgen.request(message_id="<check@example.org>"))
    gb("check", "--json", str(msg_file))
    gb("feedback", "--export", str(home / "export"))
    final = load_config(cfg)
    leaks.add("repr(settings)", repr(final) + str(final) + repr(final.imap) + repr(final.smtp))
    leaks.add("received mail", b"".join(r.raw for r in secret_smtp.received))

    # the logs: every record Gracebox and its libraries made (aiosmtpd's "mail.log" is the test server's)
    records = [r for r in caplog.records if not r.name.startswith("mail.log")]
    assert any(r.name.startswith("imapclient") for r in records)  # the protocol log was really on
    leaks.add("log records", "\n".join(f"{r.name} {_message(r)} {r.exc_text or ''}" for r in records))
    # every file Gracebox wrote (database, WAL, locks, export) except the config, which holds the password
    files = [p for p in home.rglob("*") if p.is_file() and p.name != "config.toml"]
    assert any(p.name == "gb.db" for p in files)
    auth_plain = base64.b64encode(f"\0{secret_smtp.user}\0{SECRET_SMTP}".encode()).decode()
    for p in files:
        leaks.add(f"file {p.relative_to(home)}", p.read_bytes())
    with sqlite3.connect(home / "gb.db") as con:  # and the rows, decoded (JSON columns, text)
        for (table,) in con.execute("select name from sqlite_master where type='table'").fetchall():
            leaks.add(f"table {table}", repr(con.execute(f'select * from "{table}"').fetchall()))
    con.close()

    found = leaks.found(SECRETS) + leaks.found((auth_plain,))
    assert found == []
    assert any(w.startswith("traceback of") for w, _t in leaks.texts)  # the --debug traceback was grepped
    control = Leaks()  # the grep does find a secret where one is: the config file itself holds it
    control.add("config", (home / "config.toml").read_bytes())
    assert control.found(SECRETS) == [f"{SECRET_IMAP!r} in config", f"{SECRET_SMTP!r} in config"]
    # the runs really happened
    assert len(leaks.texts) > 30
    with sqlite3.connect(home / "gb.db") as con:
        assert con.execute("select count(*) from message").fetchone()[0] == 65
        states = sorted(s for (s,) in con.execute("select state from reply"))
    con.close()
    assert states == ["failed", "queued", "sent", "sent", "unknown"]  # the 535 one went with the last sync
    json_out = [t for w, t in leaks.texts if w.startswith("stdout of ('list', '--json')")][-1]
    assert len(json.loads(json_out)) == 65
    store = Store(f"sqlite:///{home / 'gb.db'}")
    with store.session() as s:
        assert len(s.exec(select(Message).where(col(Message.uid).is_not(None))).all()) == 65
    store.close()


def _message(r: logging.LogRecord) -> str:
    try:
        return r.getMessage()
    except TypeError:  # a record whose args don't fit its format (imaplib's print_log does that): keep both
        return f"{r.msg!r} % {r.args!r}"


def test_settings_repr_hides_the_password() -> None:
    s: Settings = settings_from_dict({"identity": IDENTITY, "imap": {"host": "127.0.0.1", "password": SECRET_IMAP},
                                      "smtp": {"host": "127.0.0.1", "password": SECRET_SMTP}}, "c.toml")
    for text in (repr(s), str(s), repr(s.imap), str(s.smtp)):
        assert SECRET_IMAP not in text and SECRET_SMTP not in text
    with pytest.raises(ConfigError) as ei:  # a bad value next to a password: the error quotes neither
        settings_from_dict({"identity": IDENTITY, "imap": {"host": "127.0.0.1", "password": SECRET_IMAP,
                                                           "timeout": -1}}, "c.toml")
    assert SECRET_IMAP not in str(ei.value)
    with pytest.raises(ConfigError) as ei:  # the password itself of the wrong type
        settings_from_dict({"identity": IDENTITY, "imap": {"host": "127.0.0.1", "password": 987654321}}, "c.toml")
    assert "987654321" not in str(ei.value) and "[imap] password" in str(ei.value)
