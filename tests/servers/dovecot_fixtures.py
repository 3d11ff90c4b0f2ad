"""Pytest plugin: a private Dovecot for the session and a fresh IMAP account per test.

Fixtures:

* ``dovecot`` (session): a running ``DovecotServer`` (host, port, tls_port, ca_file, doveadm, maildir).
* ``imap_account`` (function): an ``ImapAccount`` for a fresh, empty user, with helpers that play "another
  client" (create folders, multiappend messages, set flags, expunge) and build ``[imap]`` config tables.
* ``dovecot_no_condstore`` / ``imap_account_no_condstore``: the same on a server advertising no CONDSTORE.

When ``dovecot`` is not on PATH the tests skip with the install hint, unless the environment has CI=true,
where they fail instead (a CI machine must run them).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from imapclient import IMAPClient

from .dovecot import DovecotServer

_INSTALL_HINT = "dovecot not installed: apt-get install -y dovecot-imapd"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot on free 127.0.0.1 ports for the whole test session."""
    srv = _start()
    try:
        yield srv
    finally:
        srv.stop()


#: Post-login capabilities of a server without CONDSTORE/QRESYNC/ENABLE (RFC 7162 absent): the FLAGS-of-all path.
NO_CONDSTORE_CAPS = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID IDLE SORT UIDPLUS MULTIAPPEND NAMESPACE UNSELECT "
                     "CHILDREN ESEARCH MOVE LITERAL+")


def _start(extra_conf: str = "") -> DovecotServer:
    if shutil.which("dovecot") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(_INSTALL_HINT)
        pytest.skip(_INSTALL_HINT)
    return DovecotServer(extra_conf=extra_conf).start()


@pytest.fixture(scope="session")
def dovecot_no_condstore() -> Iterator[DovecotServer]:
    """A second private Dovecot that advertises no CONDSTORE (``imap_capability`` overridden)."""
    srv = _start(f"imap_capability = {NO_CONDSTORE_CAPS}")
    try:
        yield srv
    finally:
        srv.stop()


@dataclass
class ImapAccount:
    """A fresh Dovecot account plus "another client" helpers for seeding and changing its folders.

    ``client`` is a logged-in IMAPClient on the plain port (loopback), opened lazily and closed by the
    fixture. Folder names use "/" as the hierarchy separator. UIDs are ints.
    """

    server: DovecotServer
    user: str
    password: str
    _client: IMAPClient | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        """The server host ("127.0.0.1")."""
        return self.server.host

    @property
    def client(self) -> IMAPClient:
        """A logged-in IMAPClient (plain port, ``normalise_times=False``), reconnected if it was dropped."""
        if self._client is not None:
            try:
                self._client.noop()
            except Exception:  # noqa: BLE001 - dropped (e.g. BYE after a UIDVALIDITY change): reconnect
                self._client = None
        if self._client is None:
            c = IMAPClient(self.server.host, self.server.port, ssl=False, timeout=10)
            c.normalise_times = False
            c.login(self.user, self.password)
            self._client = c
        return self._client

    def close(self) -> None:
        """Log out the helper client (ignores errors)."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.logout()
            self._client = None

    # --- seeding -----------------------------------------------------------------------------------------
    def create_folder(self, name: str) -> None:
        """Create folder ``name`` (no error if it exists)."""
        if not self.client.folder_exists(name):
            self.client.create_folder(name)

    def append(self, folder: str, messages: Sequence[bytes], flags: Sequence[str] = (),
               when: datetime | None = None) -> list[int]:
        """MULTIAPPEND ``messages`` (raw bytes) to ``folder`` (created if missing), each with ``flags`` and
        INTERNALDATE ``when`` (aware datetime; None = now). Returns the new UIDs in order (UIDPLUS)."""
        self.create_folder(folder)
        if not messages:
            return []
        msgs: list[dict[str, Any]] = []
        for raw in messages:
            m: dict[str, Any] = {"msg": raw, "flags": tuple(flags)}
            if when is not None:
                m["date"] = when
            msgs.append(m)
        resp = self.client.multiappend(folder, msgs)
        text = b" ".join(x if isinstance(x, bytes) else str(x).encode() for x in (resp if isinstance(resp, tuple)
                                                                                   else (resp,)))
        match = re.search(rb"APPENDUID \d+ ([0-9:,]+)", text)
        assert match, f"no APPENDUID in {text!r}"
        return _expand_uidset(match.group(1).decode())

    def uids(self, folder: str) -> list[int]:
        """All UIDs in ``folder``, ascending."""
        self.client.select_folder(folder, readonly=True)
        return sorted(int(u) for u in self.client.search(["ALL"]))

    def uidvalidity(self, folder: str) -> int:
        """The folder's UIDVALIDITY (STATUS)."""
        return int(self.client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    def flags(self, folder: str, uid: int) -> set[str]:
        """The flags of one message as strings."""
        self.client.select_folder(folder, readonly=True)
        got = self.client.fetch([uid], ["FLAGS"])
        return {f.decode() if isinstance(f, bytes) else str(f) for f in got[uid][b"FLAGS"]}

    def fetch_raw(self, folder: str, uid: int) -> bytes:
        """The message bytes as the server stores them (Dovecot turns NUL bytes into 0x80 on APPEND)."""
        self.client.select_folder(folder, readonly=True)
        return bytes(self.client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"])

    def add_flags(self, folder: str, uids: Sequence[int], flags: Sequence[str]) -> None:
        """STORE +FLAGS from this other client."""
        self.client.select_folder(folder)
        self.client.add_flags(list(uids), list(flags))

    def remove_flags(self, folder: str, uids: Sequence[int], flags: Sequence[str]) -> None:
        """STORE -FLAGS from this other client."""
        self.client.select_folder(folder)
        self.client.remove_flags(list(uids), list(flags))

    def expunge(self, folder: str, uids: Sequence[int]) -> None:
        """Mark ``uids`` \\Deleted and UID EXPUNGE them (UIDPLUS)."""
        self.client.select_folder(folder)
        self.client.delete_messages(list(uids))
        self.client.uid_expunge(list(uids))

    def set_uidvalidity(self, folder: str, value: int) -> None:
        """Force a UIDVALIDITY change keeping the mail (doveadm mailbox update); drops selected clients."""
        self.close()
        self.server.doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(value), folder)

    # --- config -----------------------------------------------------------------------------------------
    def imap_config(self, *, security: str = "tls", requests_folder: str = "Networking",
                    sent_folder: str | None = "Sent", ca_file: bool = True, password: str | None = None,
                    timeout: float = 10, **extra: Any) -> dict[str, Any]:
        """An ``[imap]`` table for ``tests.servers.config_factory.write_config``: tls → the implicit-TLS port,
        starttls/plain → the plain port; ``ca_file`` = the server's cert unless ``ca_file=False``;
        ``password`` overrides the right one (for a wrong-password test)."""
        port = self.server.tls_port if security == "tls" else self.server.port
        table: dict[str, Any] = {
            "host": self.server.host, "port": port, "security": security, "username": self.user,
            "password": self.password if password is None else password,
            "requests_folder": requests_folder, "timeout": timeout,
        }
        if sent_folder is not None:
            table["sent_folder"] = sent_folder
        if ca_file:
            table["ca_file"] = str(self.server.ca_file)
        table.update(extra)
        return table


def _expand_uidset(s: str) -> list[int]:
    out: list[int] = []
    for part in s.split(","):
        if ":" in part:
            a, b = (int(x) for x in part.split(":"))
            out.extend(range(min(a, b), max(a, b) + 1))
        else:
            out.append(int(part))
    return out


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Iterator[ImapAccount]:
    """A fresh, empty account on the session's Dovecot, with seeding helpers (see ImapAccount)."""
    user, password = dovecot.new_account()
    acct = ImapAccount(dovecot, user, password)
    try:
        yield acct
    finally:
        acct.close()


@pytest.fixture
def imap_account_no_condstore(dovecot_no_condstore: DovecotServer) -> Iterator[ImapAccount]:
    """Like ``imap_account``, on the server without CONDSTORE."""
    user, password = dovecot_no_condstore.new_account()
    acct = ImapAccount(dovecot_no_condstore, user, password)
    try:
        yield acct
    finally:
        acct.close()
