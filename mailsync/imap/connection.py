"""The IMAP connection (imapclient) with TLS, certificate checks, timeouts and graded errors.

``connect(settings)`` returns an ``ImapConnection`` (a context manager) that is logged in, with CONDSTORE
enabled when the server advertises it (RFC 7162 §3.1: ENABLE before SELECT, so SELECT reports
HIGHESTMODSEQ). Every socket operation uses ``[imap] timeout`` seconds.

Errors (never carrying the password):

* ``ServerUnreachable`` (75): connect refused/timed out, DNS failure, connection lost mid-command.
* ``AuthFailed`` (77): the server refused the login (RFC 3501 §6.2.3 NO).
* ``ConfigError`` (78): certificate check failed (names ``[imap] ca_file``), STARTTLS not offered, plain to
  a non-loopback host, no ``[imap]`` table.
* ``FolderMissing`` / ``FolderError``: a NO/BAD answer about one folder; the sync aborts that folder only.

Times returned are aware UTC datetimes (imapclient's ``normalise_times`` is off, so nothing is naive local).
This module imports no SQL and no Textual, so a no-op sync can learn "nothing changed" from STATUS cheaply.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from ..config.netutil import describe_error
from ..errors import GraceboxError, ServerUnreachable
from .types import (
    DEFAULT_SENT,
    EnvelopeInfo,
    FetchedMessage,
    FolderError,
    FolderMissing,
    FolderStatus,
    _env_addrs,
    _int,
    _is_missing,
    _s,
    _utc,
    parse_appenduid,
)

if TYPE_CHECKING:
    from ..config import ImapSettings

#: Hosts to which ``security = "plain"`` is allowed (no TLS only on the same machine).
class ImapConnection:
    """A logged-in IMAP session (``connect`` makes it). Use as a context manager or call ``close()``.

    ``where`` is "host:port" for messages; ``capabilities`` the server's capability names (upper-case str);
    ``condstore`` is True when CONDSTORE was enabled. Methods raise ServerUnreachable when the connection
    is lost or times out, FolderMissing/FolderError on a NO/BAD answer about a folder.
    """

    def __init__(self, client: IMAPClient, imap: ImapSettings, where: str) -> None:
        self.client = client
        self.imap = imap
        self.where = where
        self._selected: tuple[str, bool] | None = None
        self._sent: str | None = None
        with self._guard("CAPABILITY"):
            self.capabilities = frozenset(_s(c).upper() for c in client.capabilities())
        self.condstore = False
        if "CONDSTORE" in self.capabilities and "ENABLE" in self.capabilities:
            with self._guard("ENABLE CONDSTORE"):
                try:
                    client.enable("CONDSTORE")
                    self.condstore = True
                except IMAPClientError:
                    self.condstore = False

    # --- plumbing ---------------------------------------------------------------------------------------
    @contextmanager
    def _guard(self, what: str, folder: str | None = None) -> Iterator[None]:
        try:
            yield
        except GraceboxError:
            raise
        except (IMAPClientAbortError, OSError, EOFError) as exc:
            self._selected = None
            why = describe_error(exc)
            raise ServerUnreachable(f"IMAP {self.where}: connection lost during {what} ({why})") from None
        except IMAPClientError as exc:
            text = " ".join(_s(exc).split())[:200]
            if folder is not None:
                cls = FolderMissing if _is_missing(exc) else FolderError
                raise cls(folder, f"IMAP {self.where}: {what} {folder!r} refused: {text}") from None
            raise FolderError("", f"IMAP {self.where}: {what} refused: {text}") from None

    def __enter__(self) -> ImapConnection:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """LOGOUT and close the socket; never raises."""
        try:
            self.client.logout()
        except Exception:  # noqa: BLE001 - best effort on the way out
            with contextlib.suppress(Exception):
                self.client.shutdown()
        self._selected = None

    # --- folders ----------------------------------------------------------------------------------------
    def list_folders(self) -> list[tuple[tuple[str, ...], str]]:
        """LIST "" "*": return (flags, name) per folder, names decoded from modified UTF-7."""
        with self._guard("LIST"):
            rows = self.client.list_folders()
        return [(tuple(_s(f) for f in flags), _s(name)) for flags, _delim, name in rows]

    def folder_names(self) -> list[str]:
        """The names of all folders, sorted."""
        return sorted(name for _flags, name in self.list_folders())

    def status(self, folder: str) -> FolderStatus:
        """STATUS (UIDVALIDITY UIDNEXT MESSAGES [HIGHESTMODSEQ]) without selecting the folder.
        Raises FolderMissing when it does not exist."""
        items = ["UIDVALIDITY", "UIDNEXT", "MESSAGES"]
        if "CONDSTORE" in self.capabilities:
            items.append("HIGHESTMODSEQ")
        with self._guard("STATUS", folder):
            st = self.client.folder_status(folder, items)
        return FolderStatus(folder, _int(st.get(b"UIDVALIDITY")), _int(st.get(b"UIDNEXT")),
                            _int(st.get(b"MESSAGES")), _int(st.get(b"HIGHESTMODSEQ")))

    def select(self, folder: str, *, readonly: bool = True) -> FolderStatus:
        """SELECT (or EXAMINE when ``readonly``) ``folder``; returns its state from the SELECT response
        (HIGHESTMODSEQ only when CONDSTORE is enabled). Raises FolderMissing when it does not exist."""
        with self._guard("SELECT", folder):
            r = self.client.select_folder(folder, readonly=readonly)
        self._selected = (folder, readonly)
        hms = _int(r.get(b"HIGHESTMODSEQ")) if self.condstore else None
        return FolderStatus(folder, _int(r.get(b"UIDVALIDITY")), _int(r.get(b"UIDNEXT")),
                            _int(r.get(b"EXISTS")), hms)

    def _ensure(self, folder: str, *, readonly: bool) -> None:
        sel = self._selected
        if sel is None or sel[0] != folder or (sel[1] and not readonly):
            self.select(folder, readonly=readonly)

    def sent_folder(self) -> str:
        """The Sent folder: ``[imap] sent_folder``, else the folder with SPECIAL-USE \\Sent (RFC 6154),
        else "Sent". Cached for the connection."""
        if self._sent is None:
            name = self.imap.sent_folder
            if not name:
                for flags, fname in self.list_folders():
                    if any(f.lower() == "\\sent" for f in flags):
                        name = fname
                        break
            self._sent = name or DEFAULT_SENT
        return self._sent

    # --- reading ----------------------------------------------------------------------------------------
    def search_uids(self, criteria: str | Sequence[str] = "ALL", *, folder: str | None = None) -> list[int]:
        """UID SEARCH in the selected folder (or select ``folder`` read-only first); sorted UIDs."""
        if folder is not None:
            self._ensure(folder, readonly=True)
        where = self._selected[0] if self._selected else None
        with self._guard("SEARCH", where):
            uids = self.client.search(criteria)
        return sorted(int(u) for u in uids)

    def uids_above(self, highest: int) -> list[int]:
        """UIDs greater than ``highest`` in the selected folder. ``UID SEARCH n+1:*`` also matches the last
        message when nothing is newer (RFC 3501 §6.4.4 "*" semantics), so UIDs <= highest are filtered."""
        return [u for u in self.search_uids(["UID", f"{highest + 1}:*"]) if u > highest]

    def fetch_messages(self, uids: Sequence[int]) -> list[FetchedMessage]:
        """UID FETCH (BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE) for ``uids`` in the selected folder.
        BODY.PEEK does not set \\Seen. UIDs expunged meanwhile are simply absent, and so is a UID answered
        without a body or with an empty one (Dovecot's answer for a message another session expunged after
        our SEARCH): the caller decides whether to ask again. Ordered by UID."""
        if not uids:
            return []
        where = self._selected[0] if self._selected else None
        with self._guard("FETCH", where):
            got = self.client.fetch(list(uids), ["BODY.PEEK[]", "FLAGS", "INTERNALDATE", "RFC822.SIZE"])
        out = []
        for uid in sorted(got):
            d = got[uid]
            raw = d.get(b"BODY[]")
            if not raw:  # None (no body in the answer) or b"" (expunged meanwhile)
                continue
            raw = bytes(raw)
            out.append(FetchedMessage(int(uid), raw, tuple(_s(f) for f in d.get(b"FLAGS", ())),
                                      _utc(d.get(b"INTERNALDATE")), int(d.get(b"RFC822.SIZE") or len(raw))))
        return out

    def fetch_flags(self, uids: Sequence[int], *, changedsince: int | None = None) -> dict[int, tuple[str, ...]]:
        """UID FETCH FLAGS for ``uids`` (explicit UIDs: imapclient 4.1 rejects range strings) in the selected
        folder; with ``changedsince`` only messages whose MODSEQ is higher (RFC 7162 §3.1.4 CHANGEDSINCE).
        Callers keep lists short (a few thousand UIDs) so the command line stays within server limits."""
        if not uids:
            return {}
        mods = [f"CHANGEDSINCE {changedsince}"] if changedsince is not None else None
        where = self._selected[0] if self._selected else None
        with self._guard("FETCH FLAGS", where):
            got = self.client.fetch(list(uids), ["FLAGS"], modifiers=mods)
        return {int(u): tuple(_s(f) for f in d.get(b"FLAGS", ())) for u, d in got.items()}

    def fetch_envelopes(self, uids: Sequence[int]) -> list[EnvelopeInfo]:
        """UID FETCH (ENVELOPE INTERNALDATE) for ``uids``: date (envelope date, else internal date), To/Cc
        addresses and Message-ID, ordered by UID."""
        if not uids:
            return []
        where = self._selected[0] if self._selected else None
        with self._guard("FETCH ENVELOPE", where):
            got = self.client.fetch(list(uids), ["ENVELOPE", "INTERNALDATE"])
        out = []
        for uid in sorted(got):
            d = got[uid]
            env = d.get(b"ENVELOPE")
            when = _utc(getattr(env, "date", None)) or _utc(d.get(b"INTERNALDATE"))
            mid = getattr(env, "message_id", None)
            mid = mid.decode("ascii", "replace").strip() if isinstance(mid, bytes) else None
            out.append(EnvelopeInfo(int(uid), when, _env_addrs(getattr(env, "to", None)),
                                    _env_addrs(getattr(env, "cc", None)), mid or None))
        return out

    def uid_for_message_id(self, folder: str, message_id: str) -> int | None:
        """UID SEARCH HEADER Message-ID in ``folder``: the highest matching UID, or None (also None for an
        empty id or one holding control characters, which could not be sent safely)."""
        mid = (message_id or "").strip()
        if not mid or any(ord(c) < 0x20 or ord(c) == 0x7F for c in mid):
            return None
        self._ensure(folder, readonly=True)
        with self._guard("SEARCH HEADER", folder):
            if mid.isascii():
                uids = self.client.search(["HEADER", "Message-ID", mid])
            else:
                uids = self.client.search(["HEADER", "Message-ID", mid], charset="UTF-8")
        return max((int(u) for u in uids), default=None)

    # --- writing ----------------------------------------------------------------------------------------
    def append(self, folder: str, raw: bytes, flags: tuple[str, ...] = (), when: datetime | None = None) -> int | None:
        """APPEND ``raw`` to ``folder`` with ``flags`` and INTERNALDATE ``when`` (aware; None = server time).
        Returns the new UID when the server has UIDPLUS (RFC 4315 APPENDUID), else None."""
        with self._guard("APPEND", folder):
            resp = self.client.append(folder, raw, flags=tuple(flags), msg_time=when)
        return parse_appenduid(resp)

    def add_flags(self, folder: str, uids: list[int], flags: list[str]) -> None:
        """UID STORE +FLAGS ``flags`` on ``uids`` in ``folder`` (selected read-write if needed)."""
        if not uids:
            return
        self._ensure(folder, readonly=False)
        with self._guard("STORE", folder):
            self.client.add_flags(list(uids), list(flags))

    def noop(self) -> None:
        """NOOP: keep the session alive / check it still is."""
        with self._guard("NOOP"):
            self.client.noop()


