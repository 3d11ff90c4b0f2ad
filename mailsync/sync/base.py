"""The state one sync pass shares between its passes (settings, store, IMAP session, report, clock, check
context) and the helpers every pass uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from ..config.settings import Settings
from ..imap.connection import ImapConnection
from ..imap.types import FolderError
from ..store.engine import Store
from ..store.models import Message
from ..types import CheckContext, ParsedMessage
from .report import ProgressFn, SyncReport


class RunBase:
    """The state of one pass: settings, store, connection, report, clock, check context; each pass is a
    mixin of this class (``run._Run`` combines them)."""

    def __init__(self, settings: Settings, store: Store, conn: ImapConnection, report: SyncReport,
                 progress: ProgressFn | None, now: datetime) -> None:
        self.settings = settings
        self.store = store
        self.conn = conn
        self.report = report
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.now = now
        self.ctx: CheckContext | None = None
        self.ckey = ""
        assert settings.imap is not None
        self.requests_name = settings.imap.requests_folder
        #: True when a message of the requests folder could not be fetched this pass (no body in the answer):
        #: the folder state is then not recorded, so the next pass does not skip the folder.
        self.incomplete = False

    def warn(self, text: str) -> None:
        self.report.warnings.append(" ".join(text.split()))

    # --- folders in the DB --------------------------------------------------------------------------------
    @staticmethod
    def _row(s: Session, row_id: int) -> Any:
        """The Folder row ``row_id`` (it exists: this pass created or found it)."""
        from ..store.models import Folder

        row = s.get(Folder, row_id)
        if row is None:
            raise RuntimeError(f"folder row {row_id} vanished during the sync")
        return row

    @staticmethod
    def _folder(s: Session, name: str, role: str) -> Any:
        from sqlmodel import select

        from ..store.models import Folder

        row = s.exec(select(Folder).where(Folder.name == name)).first()
        if row is None:
            row = Folder(name=name, role=role, highest_uid=0)
            s.add(row)
            s.flush()
        elif row.role != role:
            row.role = role
        return row

    # --- context ----------------------------------------------------------------------------------------
    def build_context(self) -> None:
        """Build the CheckContext once (after the Sent scan) and its key."""
        from ..store import context

        with self.store.session() as s:
            self.ctx = context.build_context(s, self.settings, self.now)
        self.ckey = context.context_key(self.ctx)

    # --- 2. requests ------------------------------------------------------------------------------------
    def _names(self) -> list[str]:
        try:
            return self.conn.folder_names()
        except FolderError:
            return ["(could not list folders)"]


def _aware(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def uid_set(uids: Iterable[int]) -> str:
    """Sorted UIDs as an IMAP sequence set with ranges (RFC 3501 §9 sequence-set), e.g. [1, 2, 3, 7] ->
    "1:3,7"."""
    xs = sorted({int(u) for u in uids})
    parts: list[str] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] == xs[j] + 1:
            j += 1
        parts.append(str(xs[i]) if i == j else f"{xs[i]}:{xs[j]}")
        i = j + 1
    return ",".join(parts)


def _from_row(m: Message) -> ParsedMessage:
    from ..types import Address, ParsedMessage, Via

    def addrs(xs: list[dict[str, str | None]] | None) -> tuple[Address, ...]:
        return tuple(Address(x.get("name"), x.get("address")) for x in xs or [])

    via = Via(m.via.get("address"), m.via.get("kind") or "notification", m.via.get("site")) if m.via else None
    frm = Address(m.from_name, m.from_address) if (m.from_name or m.from_address) else None
    return ParsedMessage(message_id=m.message_id, subject=m.subject, from_=frm, reply_to=addrs(m.reply_to),
                         to=addrs(m.to_addrs), cc=addrs(m.cc_addrs), date=_aware(m.date),
                         in_reply_to=m.in_reply_to, references=tuple(m.references or ()), body_text=m.body_text,
                         via=via, auto_submitted=m.auto_submitted, warnings=tuple(m.parse_warnings or ()))
