"""`gracebox demo` data: prepare_demo loads the bundled samples through parse -> checker -> inbox."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from mailsync.config import settings_from_dict
from mailsync.mail import compose, templates
from mailsync.service.demo import DemoSetup, demo_counts, demo_data_dir, prepare_demo, shift_date
from mailsync.store import listing, queries
from mailsync.store.models import KnownAddress, Message
from mailsync.types import FLAG_SLUGS

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoSetup]:
    setup = prepare_demo(tmp_path / "db", NOW, outbox_dir=tmp_path / "outbox")
    yield setup
    setup.close()


def by_sender(demo: DemoSetup) -> dict[str, dict[str, object]]:
    with demo.store.session() as s:
        rows = queries.list_json(s, demo.settings, now=NOW)
    out: dict[str, dict[str, object]] = {}
    for r in rows:
        frm = r["from"]
        assert isinstance(frm, dict)
        out[str(frm["name"])] = r
    return out


def codes(row: dict[str, object]) -> set[str]:
    flags = row["flags"]
    assert isinstance(flags, list)
    return {f["code"] for f in flags}


def test_bundled_files() -> None:
    d = demo_data_dir()
    requests = sorted(p.name for p in (d / "requests").glob("*.eml"))
    assert len(requests) == 14
    assert len(list((d / "sent").glob("*.eml"))) == 3
    profile = tomllib.loads((d / "profile.toml").read_text())
    # The profile file is a valid [profile] table.
    s = settings_from_dict({"profile": profile}, "demo profile")
    assert s.profile.monthly_capacity == 4 and s.profile.weekly_limit == 2
    assert s.profile.organization is not None and s.profile.event and s.profile.articles
    assert len(s.profile.referrals) == 2 and s.profile.network_warnings and s.profile.reputation_watch
    for p in (d / "requests").glob("*.eml"):
        raw = p.read_bytes()
        assert b".example" in raw
        assert b"Message-ID: <" in raw


def test_demo_loads_requests_history_and_decisions(demo: DemoSetup, tmp_path: Path) -> None:
    assert demo.base_dir == tmp_path / "db"
    assert (tmp_path / "db" / "demo.db").is_file()
    assert demo.outbox_dir == tmp_path / "outbox" and demo.outbox_dir.is_dir()
    assert demo.settings.imap is None and demo.settings.smtp is None
    assert demo.settings.identity.email == "ines@northwind-lattice.example"
    assert demo.settings.identity.name == "Ines Halvorsen"
    assert demo.settings.identity.signature == "Ines"
    assert demo_counts(demo.store) == {"requests": 14, "known_addresses": 4, "accept_decisions": 4}
    with demo.store.session() as s:
        known = {k.address for k in s.exec(select(KnownAddress))}
        assert known == {"sofia@cobalt-labs.example", "tariq@meridian-health.example", "bram@harborline.example",
                         "lena@fischer-advisory.example"}
        msgs = s.exec(select(Message)).all()
        assert all(m.folder_id is None and m.uid is None for m in msgs)
        assert all(m.checker_version >= 1 and m.context_key for m in msgs)
        assert {m.status for m in msgs} == {"new", "read"}
        meter = queries.meter(s, demo.settings, NOW)
        assert meter.text() == "accepted 4 of 4 this month · 2 of 2 this week"
        assert listing.count_requests(s, "all") == 14


def test_dates_move_with_the_clock(demo: DemoSetup) -> None:
    with demo.store.session() as s:
        dates = sorted(m.date for m in s.exec(select(Message)) if m.date is not None)
    assert len(dates) == 14
    newest = dates[-1].replace(tzinfo=dates[-1].tzinfo or UTC)
    oldest = dates[0].replace(tzinfo=dates[0].tzinfo or UTC)
    assert newest == NOW - timedelta(hours=1)
    assert timedelta(days=10) < newest - oldest < timedelta(days=20)


def test_shift_date_touches_only_the_header() -> None:
    raw = b"Subject: x\r\nDate: Mon, 09 Nov 2026 08:02:00 +0000\r\n\r\nDate: in the body stays\r\n"
    out = shift_date(raw, timedelta(days=1, hours=2))
    assert out == b"Subject: x\r\nDate: Tue, 10 Nov 2026 10:02:00 +0000\r\n\r\nDate: in the body stays\r\n"
    assert shift_date(b"Subject: none\n\nbody\n", timedelta(days=1)) == b"Subject: none\n\nbody\n"


def test_every_red_flag_appears(demo: DemoSetup) -> None:
    """RF5/RF6 come from the seeded accept decisions; RF1-RF4 and RF7 from the real checker's rules."""
    rows = by_sender(demo)
    seen: set[str] = set()
    for row in rows.values():
        seen |= codes(row)
    assert seen == set(FLAG_SLUGS), f"missing: {sorted(set(FLAG_SLUGS) - seen)}"
    # Capacity flags apply to every request while the meter is full (by design).
    assert all({"RF5", "RF6"} <= codes(r) for r in rows.values())


def test_list_based_flags(demo: DemoSetup) -> None:
    """Flags that follow from the profile's lists alone (no wording judgement)."""
    rows = by_sender(demo)
    assert "RF4" in codes(rows["Quentin Vasquez"])  # negative contact
    assert "RF4" in codes(rows["Casey Rowe"])  # network_warnings *@growthloop-agency.example
    assert "RF2" in codes(rows["Mika Laurent"])  # reputation_watch *@fivestar-boost.example
    assert rows["Quentin Vasquez"]["suggested"] == "scenario2"


def test_notification_names_the_person(demo: DemoSetup) -> None:
    rows = by_sender(demo)
    row = rows.get("Priya Raman")
    assert row is not None, sorted(rows)
    assert row["via"] == {"address": "noreply@notify.linkloop.example", "kind": "notification"}
    with demo.store.session() as s:
        m = s.get(Message, row["id"])
        assert m is not None
        assert compose.reply_recipients(m) == []


def test_every_demo_request_gets_a_reply(demo: DemoSetup) -> None:
    with demo.store.session() as s:
        msgs = s.exec(select(Message).order_by(Message.id)).all()
        for m in msgs:
            assert m.id is not None
            hits = queries.hits_for(s, m.id)
            for scenario in templates.SCENARIOS:
                body = templates.render_body(demo.settings, m, scenario, hits, today=NOW.date())
                assert body.endswith("Best wishes,\nInes\n"), (m.subject, scenario)
            recipients = compose.reply_recipients(m)
            if not recipients:
                continue
            msg = compose.build_reply(demo.settings, m, "Thanks!\n", message_id=compose.make_message_id(demo.settings),
                                      now=NOW)
            assert msg["From"] == "Ines Halvorsen <ines@northwind-lattice.example>"
            assert msg["Subject"].startswith("Re: ") and not msg["Subject"].startswith("Re: Re:")
            assert msg["In-Reply-To"] == m.message_id


def test_reply_to_and_scenario1_offers_in_demo(demo: DemoSetup) -> None:
    rows = by_sender(demo)
    with demo.store.session() as s:
        zoe = s.get(Message, rows["Zoë Adeyemi"]["id"])
        assert zoe is not None
        assert [a.address for a in compose.reply_recipients(zoe)] == ["zoe.a@personal-post.example"]
        sofia = s.get(Message, rows["Sofia Marin"]["id"])
        assert sofia is not None
        body = templates.render_body(demo.settings, sofia, "scenario1", [], today=NOW.date())
    assert "Guild of Engineering Leads (https://guild-of-leads.example.org)" in body
    assert "the Engineering Leadership Summit in March" in body
    assert "Your first ninety days as a team lead" in body
    assert "open to an introduction" in body


def test_default_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    setup = prepare_demo(now=NOW)
    try:
        assert setup.temporary and setup.base_dir.is_dir()
        assert setup.outbox_dir == tmp_path / "xdg" / "gracebox" / "demo-outbox"
        assert setup.outbox_dir.is_dir()
        assert setup.settings.database_url() == f"sqlite:///{setup.base_dir / 'demo.db'}"
    finally:
        setup.close()
    assert not setup.base_dir.exists()
    assert setup.outbox_dir.is_dir()


def test_demo_reply_goes_to_the_outbox_folder(demo: DemoSetup) -> None:
    """The demo's send path: draft -> queue -> outbox_flush.flush_outbox(folder_out=...) writes a .eml file."""
    import email
    import email.policy

    from mailsync.outbox import drafts
    from mailsync.outbox import flush as outbox_flush
    from mailsync.store.models import Decision

    rows = by_sender(demo)
    with demo.store.session() as s:
        bram = s.get(Message, rows["Bram Oyelaran"]["id"])
        assert bram is not None
        body = templates.render_body(demo.settings, bram, "accept", [], today=NOW.date())
        reply = drafts.save_draft(s, bram, "accept", body, settings=demo.settings)
        drafts.queue_reply(s, demo.settings, reply)
        reply_id, message_id = reply.id, reply.message_id
    assert reply_id is not None
    results = outbox_flush.flush_outbox(demo.settings, demo.store, now=NOW, folder_out=demo.outbox_dir)
    assert [(r.reply_id, r.state) for r in results] == [(reply_id, "sent")]
    files = list(demo.outbox_dir.glob("*.eml"))
    assert len(files) == 1
    sent = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert sent["Message-ID"] == message_id
    assert sent["To"] == "Bram Oyelaran <bram@harborline.example>"
    assert sent["Subject"] == "Re: Coffee about new team leads?"
    assert sent["In-Reply-To"] == "<bo-coffee-19@harborline.example>"
    assert sent.get_content().replace("\r\n", "\n").startswith("Hi Bram,\n\nThanks for getting in touch")
    with demo.store.session() as s:
        assert s.get(Message, rows["Bram Oyelaran"]["id"]).status == "replied"  # type: ignore[union-attr]
        kinds = [d.kind for d in s.exec(select(Decision).where(Decision.request_identity == bram.identity))]
        assert kinds == ["accept"]
