"""Hostile-mail check: parse real broken messages and compare with the expected results.

Usage:
    .venv/bin/python bench/hostile_check.py DIR --parse-only    # parse each DIR/*.eml in-process
    .venv/bin/python bench/hostile_check.py DIR                 # full: private Dovecot -> gracebox sync -> DB

DIR is a folder of .eml files with a SOURCES.md describing the correct result of each (the shared fixture set);
this script only reads it. The expectations below are our own reading of that table (short fragments, not the
fixtures' text). Full mode starts a private Dovecot (tests/servers/dovecot.py), APPENDs every file to a folder
with a fixed INTERNALDATE, runs ``gracebox sync`` (``mailsync.cli.main``) against a throw-away SQLite database,
and checks that every message is stored with the expected subject, sender, date (or NULL) and body text.

Prints one line per file and "N of N parsed/stored, M of M as expected". Exit status 0 when all match, 1 if not
(a figure for people, not a test: nothing here runs in pytest).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDER = "Hostile"
NO_BODY = "(no text body)"
_SKIP: Any = object()


@dataclass(frozen=True)
class Expect:
    """What one fixture should give. ``_SKIP`` = not checked; ``date`` is ISO UTC or None (must be NULL);
    ``body`` is a fragment the body must contain (NO_BODY must be the whole body); ``from_name`` likewise a
    fragment; ``clean`` = subject and names must carry no U+FFFD (a charset decoded right)."""

    subject: Any = _SKIP
    from_addr: Any = _SKIP
    from_name: Any = _SKIP
    date: Any = _SKIP
    body: Any = _SKIP
    clean: bool = True


EXPECT: dict[str, Expect] = {
    "body-charset-X-UNKNOWN-actually-utf8.eml": Expect(
        subject="", from_addr="xxx@xxxx.xxx", date="2005-05-10T20:27:03+00:00", body="Mobilité."),
    "body-charset-ks_c_5601-1987-8bit.eml": Expect(
        subject="test", from_addr="from@example.com", date="2014-05-28T08:18:19+00:00", body="스티해"),
    "charset-gb2312-declared-utf8-body-8bit-to.eml": Expect(
        from_addr="baoguan@hotmail.com", from_name="张先生", date="2018-05-13T04:32:22+00:00", body="你好！我公司"),
    "content-type-missing-subtype.eml": Expect(
        from_addr="someone@somewhere.com", date="2015-12-29T13:06:17+00:00", body="blah blah"),
    "date-hour-27-and-display-name-is-email.eml": Expect(
        from_addr="123@example.com", from_name="123@abuse.net", date=None),
    "date-unparsable-time-59-10.eml": Expect(
        from_addr="enews@free-quilting.com", date=None, body=NO_BODY),
    "date-with-raw-8bit-euckr-comment-base64-body.eml": Expect(
        subject="NOTE: 한국말로 하는 것", date="2008-09-20T17:04:30+00:00", body="하나님을"),
    "display-names-that-are-other-email-addresses.eml": Expect(
        from_addr="bob@example.com", from_name="alice@example.com", date="2024-01-01T12:00:00+00:00"),
    "duplicate-content-type-headers.eml": Expect(
        from_addr="redacted@flashmail.net", date=None, body="foo"),
    "forwarded-message-rfc822-attachment-with-pdf.eml": Expect(
        subject="testing", from_addr="foo@example.com", date="2005-06-06T20:21:22+00:00", body="first part."),
    "from-noreply-replyto-empty-addr-8bit-name.eml": Expect(
        from_addr="no-reply@crm.el-example.org", date="2010-09-22T07:30:53+00:00", body="Body Text"),
    "from-two-addresses-no-comma-html-without-content-type.eml": Expect(
        from_addr="tim@powerupdev.com", date="2007-10-22T23:45:23+00:00", body="recordkick 2007"),
    "headers-only-no-blank-line-no-body.eml": Expect(
        from_addr="aperson@dom.ain", date=None, body="no separating newline"),
    "headers-raw-utf8-rfc6532.eml": Expect(
        subject="Säying Hello", from_addr="jdöe@mächine.example", from_name="Jöhn Doe"),
    "html-only-alternative-bogus-cte-text-html.eml": Expect(
        date="2005-05-06T11:55:01+00:00", body="You have qualified"),
    "multipart-alternative-empty-no-boundary-lines.eml": Expect(
        from_addr="mimekit@example.com", body="same level"),
    "multipart-mixed-html-first-plain-last.eml": Expect(
        subject="Test", date="2019-04-24T08:05:02+00:00", body="Plaintext here."),
    "multipart-mixed-with-no-parts-no-body.eml": Expect(
        date="2001-11-27T23:02:35+00:00", body=NO_BODY),
    "multipart-nested-reuses-parent-boundary.eml": Expect(
        subject="XX", from_addr="xx@xx.dk", date=None, body="removed test."),
    "multipart-parts-without-header-body-blank-line.eml": Expect(
        from_addr="arthur@example.example", date="2001-01-01T00:01:00+00:00", body="bar"),
    "nested-message-rfc822-empty-duplicate-end-boundary.eml": Expect(
        subject="Fwd: fotos", date="2004-09-09T08:15:52+00:00", body="forwarded message attached"),
    "root-part-is-png-attachment-no-text-no-subject.eml": Expect(
        subject="", from_addr="test@example.com", date=None, body=NO_BODY),
    "subject-encodedword-charset-NONE-bad-b64-padding.eml": Expect(subject="TEST", date=None),
    "subject-iso2022jp-encodedwords-body-iso2022jp.eml": Expect(
        subject="日本語メールテスト (testing Japanese emails)", date="2015-07-21T16:02:29+00:00", body="正常に"),
    "subject-mixed-plain-and-encodedwords-euckr-body.eml": Expect(
        subject='Re: Test: "漢字" mid "漢字" tail', from_name="Jamis Buck", date="2005-05-02T22:07:05+00:00"),
    "subject-raw-8bit-and-date-tz-H0500.eml": Expect(
        subject="GA.comô has a lead for you", date="2010-10-12T16:21:05+00:00"),
    "subject-raw-8bit-latin1-bytes-from-win1252-encodedword.eml": Expect(
        subject="Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        from_name="Formação Frenetikpolis", date=None),
    "tnef-winmail-dat-with-koi8r-qp-body.eml": Expect(
        subject="rr test 7", date="2017-11-13T08:01:13+00:00", body="шостий"),
    "to-header-135kb-thousands-of-encodedwords.eml": Expect(
        subject="Message Subject", from_addr="test@test.com", date="2017-11-03T20:00:00+00:00", body="Message Body"),
    "to-leading-empty-address-empty-subject.eml": Expect(
        subject="", from_addr="anonymous@i.tp.host", date="2010-10-15T03:25:06+00:00"),
    "to-trailing-comma.eml": Expect(from_addr="l@gcn-example.com", date="2010-10-13T14:53:04+00:00"),
}


@dataclass
class Got:
    """The fields compared, from a ParsedMessage or a stored row (addresses compared case-insensitively)."""

    subject: str
    from_addr: str | None
    from_name: str | None
    date: datetime | None
    body: str


def compare(exp: Expect, got: Got) -> list[str]:
    """Return the mismatches (empty when ``got`` is as expected)."""
    bad: list[str] = []
    if exp.subject is not _SKIP and got.subject != exp.subject:
        bad.append(f"subject {got.subject[:60]!r} != {exp.subject!r}")
    if exp.from_addr is not _SKIP and (got.from_addr or "").lower() != exp.from_addr.lower():
        bad.append(f"from {got.from_addr!r} != {exp.from_addr!r}")
    if exp.from_name is not _SKIP and exp.from_name not in (got.from_name or ""):
        bad.append(f"from name {got.from_name!r} lacks {exp.from_name!r}")
    if exp.date is not _SKIP:
        d = got.date
        if d is not None and d.tzinfo is None:
            d = d.replace(tzinfo=UTC)  # SQLite returns naive values of aware UTC columns
        iso = d.astimezone(UTC).isoformat() if d is not None else None
        if iso != exp.date:
            bad.append(f"date {iso} != {exp.date}")
    if exp.body is not _SKIP:
        if exp.body == NO_BODY:
            if got.body != NO_BODY:
                bad.append(f"body {got.body[:40]!r} != {NO_BODY!r}")
        elif exp.body not in got.body:
            bad.append(f"body {got.body[:60]!r} lacks {exp.body!r}")
    if exp.clean and any("\ufffd" in (s or "") for s in (got.subject, got.from_name)):
        bad.append("U+FFFD in subject or name")
    for s in (got.subject, got.from_name, got.from_addr, got.body):
        if s and any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            bad.append("lone surrogate in a field")
            break
    return bad


def files_of(directory: Path) -> list[Path]:
    """The .eml files of ``directory``, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix == ".eml")


def report(rows: list[tuple[str, bool, list[str]]], verb: str) -> int:
    """Print one line per file and the summary; return the exit status."""
    n = len(rows)
    done = sum(1 for _, ok, _ in rows if ok)
    good = 0
    for name, ok, bad in rows:
        if not ok:
            print(f"MISSING {name}")
        elif bad:
            print(f"DIFF    {name}: " + "; ".join(bad))
        else:
            good += 1
            print(f"ok      {name}")
    unknown = [name for name, _, _ in rows if name not in EXPECT]
    if unknown:
        print(f"(no expectation written for: {', '.join(unknown)}; counted when it {verb} without error)")
    print(f"{done} of {n} {verb}, {good} of {n} as expected")
    return 0 if done == n and good == n else 1


def parse_only(directory: Path) -> int:
    """Parse each file in-process and compare."""
    from mailsync.mail.parse import parse

    rows = []
    for path in files_of(directory):
        p = parse(path.read_bytes())
        got = Got(p.subject, p.from_.address if p.from_ else None, p.from_.name if p.from_ else None, p.date,
                  p.body_text)
        rows.append((path.name, True, compare(EXPECT.get(path.name, Expect()), got)))
    return report(rows, "parsed")


def full(directory: Path) -> int:
    """Dovecot -> APPEND every file -> ``gracebox sync`` -> compare the stored rows."""
    from imapclient import IMAPClient
    from sqlmodel import select

    from mailsync.cli import main as gracebox
    from mailsync.store.engine import Store
    from mailsync.store.models import Message
    from tests.servers.config_factory import write_config
    from tests.servers.dovecot import DovecotServer

    files = files_of(directory)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with DovecotServer() as srv, tempfile.TemporaryDirectory(prefix="gracebox-hostile-") as tmp:
        user, password = srv.new_account()
        client = IMAPClient(srv.host, srv.port, ssl=False, timeout=30)
        client.login(user, password)
        for f in ("Sent", FOLDER):
            client.create_folder(f)
        uid_of: dict[int, str] = {}
        for path in files:
            resp = client.append(FOLDER, path.read_bytes(), (), when)
            text = resp.decode() if isinstance(resp, bytes) else str(resp)
            uid = int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))
            uid_of[uid] = path.name
        client.logout()
        db = Path(tmp) / "gracebox.db"
        cfg = write_config(
            Path(tmp) / "config.toml",
            imap={"host": srv.host, "port": srv.tls_port, "security": "tls", "username": user,
                  "password": password, "requests_folder": FOLDER, "sent_folder": "Sent",
                  "ca_file": str(srv.ca_file), "timeout": 30},
            identity={"name": "Hostile Check", "email": "me@example.com"},
            database_url=f"sqlite:///{db}",
        )
        rc = gracebox(["--config", str(cfg), "sync", "--quiet"])
        print(f"gracebox sync exit status {rc}")
        store = Store(f"sqlite:///{db}")
        with store.session() as s:
            stored = {m.uid: m for m in s.exec(select(Message)).all()}
        store.close()
        rows = []
        for uid, name in sorted(uid_of.items()):
            m = stored.get(uid)
            if m is None:
                rows.append((name, False, []))
                continue
            got = Got(m.subject, m.from_address, m.from_name, m.date, m.body_text)
            rows.append((name, True, compare(EXPECT.get(name, Expect()), got)))
        extra = len(stored) - len(uid_of)
        if extra:
            print(f"note: {extra} stored rows not matched to an APPEND")
    return report(rows, "stored")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="folder of .eml fixtures (with SOURCES.md)")
    ap.add_argument("--parse-only", action="store_true", help="parse in-process; no server, no database")
    args = ap.parse_args(argv)
    if not args.dir.is_dir():
        ap.error(f"{args.dir} is not a directory")
    os.environ.setdefault("GRACEBOX_CONFIG", os.devnull)
    return parse_only(args.dir) if args.parse_only else full(args.dir)


if __name__ == "__main__":
    sys.exit(main())
