"""``gracebox demo``: a throw-away database loaded with bundled sample requests (README "Commands").

``prepare_demo()`` needs no config and no network. It reads the package data in ``mailsync/demo_data/``
(written for this project; every person and domain is fictional, ``.example``):

* ``profile.toml``: an invented engineering manager's profile (the keys of the ``[profile]`` table)
* ``sent/*.eml``: messages the user sent earlier, so some senders are known (RF3)
* ``requests/*.eml``: sample requests (plain, multipart/alternative, HTML-only, a networking-site
  notification) that between them raise every red flag RF1-RF7

and runs them through the same path a sync does: ``parse.parse`` -> ``context.build_context`` ->
``checker.check`` -> ``store.ingest.ingest``. ``accept`` decisions are
seeded so the monthly and weekly limits are reached (RF5/RF6 are computed when shown, so while the meter is
full they appear on every request: by design). Dates in the samples are moved so the newest request is an
hour old at ``now``. Sending in the demo writes ``.eml`` files to ``outbox_dir`` (``outbox.flush.flush_outbox`` with
``folder_out``).
"""

from __future__ import annotations

import email.utils
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from .. import checker
from ..config import Settings, default_data_dir, settings_from_dict
from ..mail.parse import parse
from ..store import context, ingest
from ..store.engine import Store
from ..store.files import private_dir
from ..store.models import Decision, KnownAddress, SentMessage

#: Days before ``now`` of the seeded ``accept`` decisions: 4 in 30 days, 2 of them in the last 7, which
#: reaches the demo profile's monthly_capacity (4, RF5) and weekly_limit (2, RF6).
SEEDED_ACCEPTS_DAYS_AGO = (1.5, 4.0, 11.0, 19.0)
#: Sample requests older than this many days at ``now`` are shown as read (\Seen), the rest as new.
READ_AFTER_DAYS = 10

_DATE_LINE = re.compile(rb"(?im)^Date:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")


@dataclass
class DemoSetup:
    """What ``prepare_demo`` made.

    ``settings``: the demo profile with ``[identity]`` set and no ``[imap]``/``[smtp]``; ``store``: the
    SQLite database in ``base_dir``; ``outbox_dir``: where sent demo replies are written as ``.eml`` files;
    ``temporary``: True when ``base_dir`` was created by ``prepare_demo`` (``close`` removes it).
    """

    settings: Settings
    store: Store
    outbox_dir: Path
    base_dir: Path
    temporary: bool = False

    def close(self) -> None:
        """Dispose of the database connections and delete ``base_dir`` if ``prepare_demo`` created it.
        The outbox folder is kept."""
        self.store.close()
        if self.temporary:
            shutil.rmtree(self.base_dir, ignore_errors=True)


def demo_data_dir() -> Path:
    """Return the folder of the bundled demo data (package data ``mailsync/demo_data``)."""
    return Path(__file__).resolve().parent.parent / "demo_data"


def demo_settings(db_url: str) -> Settings:
    """Build the demo Settings from ``demo_data/profile.toml``: identity name/email from the profile, the
    signature its first name, the given database URL. Raises errors.ConfigError if the profile is invalid."""
    with (demo_data_dir() / "profile.toml").open("rb") as fh:
        profile: dict[str, Any] = tomllib.load(fh)
    name = str(profile.get("name") or "")
    identity = {"name": name or None, "email": profile.get("email"), "signature": name.split()[0] if name else None}
    return settings_from_dict(
        {"identity": identity, "profile": profile, "storage": {"database_url": db_url}},
        source=str(demo_data_dir() / "profile.toml"),
    )


def _header_date(raw: bytes) -> datetime | None:
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    m = _DATE_LINE.search(head)
    if not m:
        return None
    value = m.group(0).split(b":", 1)[1].decode("ascii", "replace")
    try:
        d = email.utils.parsedate_to_datetime(" ".join(value.split()))
    except (TypeError, ValueError):
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def shift_date(raw: bytes, delta: timedelta) -> bytes:
    """Return ``raw`` with its Date header moved by ``delta`` (RFC 5322 §3.3 format, UTC). Messages
    without a parsable Date header are returned unchanged. Only the header section is touched."""
    d = _header_date(raw)
    if d is None:
        return raw
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    cut = min(ends) if ends else len(raw)
    head, body = raw[:cut], raw[cut:]
    new = f"Date: {email.utils.format_datetime((d + delta).astimezone(UTC))}".encode("ascii")
    head = _DATE_LINE.sub(lambda _m: new, head, count=1)
    return head + body


def _files(sub: str) -> list[Path]:
    return sorted((demo_data_dir() / sub).glob("*.eml"))


def _remember_sent(session: Session, raw: bytes) -> None:
    """Record the To/Cc addresses of one sent message as KnownAddress rows and its Message-ID as a SentMessage
    (README "Red flags": "Known")."""
    p = parse(raw)
    if p.message_id and session.get(SentMessage, p.message_id) is None:
        session.add(SentMessage(message_id=p.message_id))
    for a in (*p.to, *p.cc):
        if not a.address:
            continue
        addr = a.address.strip().lower()
        row = session.get(KnownAddress, addr)
        if row is None:
            row = KnownAddress(address=addr, name=a.name, count=0, first_seen=p.date, last_seen=p.date)
        row.count += 1
        if p.date and (row.last_seen is None or p.date > row.last_seen):
            row.last_seen = p.date
        row.name = row.name or a.name
        session.add(row)


def prepare_demo(base_dir: Path | None = None, now: datetime | None = None, *,
                 outbox_dir: Path | None = None) -> DemoSetup:
    """Create the demo database and return a ``DemoSetup``.

    ``base_dir``: folder for ``demo.db`` (default: a new temporary folder, removed by ``DemoSetup.close``).
    ``now``: aware datetime, the demo's clock (default the current time): sample dates and seeded decisions
    are placed relative to it. ``outbox_dir``: where demo replies go (default ``<user data dir>/demo-outbox``,
    created). Raises errors.ConfigError if the bundled profile is invalid or the database can't be opened.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    temporary = base_dir is None
    base = Path(tempfile.mkdtemp(prefix="gracebox-demo-")) if base_dir is None else Path(base_dir)
    private_dir(base)
    db = base / "demo.db"
    settings = demo_settings(f"sqlite:///{db}")
    store = Store(settings.database_url())

    requests = [f.read_bytes() for f in _files("requests")]
    sent = [f.read_bytes() for f in _files("sent")]
    dates = [d for d in (_header_date(r) for r in requests) if d is not None]
    delta = (now - timedelta(hours=1)) - max(dates) if dates else timedelta(0)
    delta = timedelta(minutes=round(delta.total_seconds() / 60))

    with store.session() as s:
        for raw in sent:
            _remember_sent(s, shift_date(raw, delta))
        for i, days in enumerate(SEEDED_ACCEPTS_DAYS_AGO, 1):
            s.add(Decision(request_identity=f"<demo-accepted-{i}@northwind-lattice.example>", kind="accept",
                           source="mark", decided_at=now - timedelta(days=days)))
        s.flush()
        ctx = context.build_context(s, settings, now)
        key = context.context_key(ctx)
        for raw0 in requests:
            raw = shift_date(raw0, delta)
            parsed = parse(raw)
            hits = checker.check(parsed, ctx)
            seen = parsed.date is not None and now - parsed.date > timedelta(days=READ_AFTER_DAYS)
            ingest.ingest(s, [ingest.incoming(parsed, raw, hits, folder_id=None, uid=None,
                                              internaldate=parsed.date, imap_flags=["\\Seen"] if seen else [])],
                          key, now=now)

    out = outbox_dir if outbox_dir is not None else default_data_dir() / "demo-outbox"
    private_dir(out)
    return DemoSetup(settings=settings, store=store, outbox_dir=out, base_dir=base, temporary=temporary)


def demo_counts(store: Store) -> dict[str, int]:
    """Return {"requests": n, "known_addresses": n, "accept_decisions": n} for a demo store (for tests and
    the CLI's summary line)."""
    from sqlalchemy import func

    from ..store.models import Message

    with store.session() as s:
        return {
            "requests": int(s.exec(select(func.count()).select_from(Message)).one()),
            "known_addresses": int(s.exec(select(func.count()).select_from(KnownAddress)).one()),
            "accept_decisions": int(
                s.exec(select(func.count()).select_from(Decision).where(Decision.kind == "accept")).one()
            ),
        }
