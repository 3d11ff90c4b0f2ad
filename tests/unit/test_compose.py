"""Reply templates and reply headers (mailsync.compose): rendering per scenario, StrictUndefined and sandbox
errors, user overrides, and the RFC 5322 reply headers (recipients, subject, threading, injection, IDNA)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mailsync.config import Settings, settings_from_dict
from mailsync.errors import MessageError, TemplateError
from mailsync.mail import compose, templates
from mailsync.mail.parse import parse
from mailsync.store.ingest import as_message
from mailsync.store.models import Message
from mailsync.types import Address, FlagHit, Referral

FULL_PROFILE = {
    "expertise": ["engineering management"],
    "organization": {"name": "Society of Sample Builders", "url": "https://builders.example.org"},
    "event": "the autumn builders' fair",
    "articles": [
        {"title": "Notes on pacing yourself", "url": "https://notes.example/pacing"},
        {"title": "A reading list without a link"},
    ],
    "on_break_until": "2026-12-15",
    "referrals": [{"name": "Olu Brandt", "address": "olu@referral.example", "topics": ["Databases"]}],
}
REFERRAL = Referral("Olu Brandt", "olu@referral.example", ("databases", "query tuning"))
TODAY = date(2026, 12, 1)
AFTER_BREAK = date(2026, 12, 16)


def settings(profile: dict[str, object] | None = None, templates_dir: Path | None = None,
             email_addr: str = "wren@maple.example", signature: str | None = "Wren") -> Settings:
    data: dict[str, object] = {
        "identity": {"name": "Wren Castillo", "email": email_addr, "signature": signature},
        "profile": profile or {},
    }
    if templates_dir is not None:
        data["templates"] = {"dir": str(templates_dir)}
    return settings_from_dict(data, "<test>")


def request_from(headers: str, body: str = "Could we talk?\n") -> Message:
    """A Message row made the way sync makes it: raw bytes -> parse -> ingest.as_message."""
    raw = (headers.strip("\n") + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + body).encode()
    return as_message(parse(raw), raw)


@pytest.fixture
def req() -> Message:
    return request_from(
        "From: Sam Okoro <sam@asker.example>\n"
        "To: wren@maple.example\n"
        "Subject: Quick question about your team\n"
        "Date: Fri, 20 Nov 2026 09:14:00 +0000\n"
        "Message-ID: <q1@asker.example>\n"
    )


# --- rendering ------------------------------------------------------------------------------------------


def test_templates_dir_holds_the_shipped_templates() -> None:
    names = {p.name for p in templates.templates_dir().glob("*.j2")}
    assert names == {"scenario1.txt.j2", "scenario2.txt.j2", "accept.txt.j2", "consent_request.txt.j2",
                     "introduction.txt.j2"}


def test_scenario1_with_every_offer_and_an_agreed_introduction(req: Message) -> None:
    body = templates.render_body(settings(FULL_PROFILE), req, "scenario1", [], [REFERRAL], today=AFTER_BREAK)
    assert body.startswith("Hi Sam,\n\n")
    assert 'about "Quick question about your team"' in body
    assert "can't give this the time" in body
    assert "  * Notes on pacing yourself - https://notes.example/pacing\n" in body
    assert "  * A reading list without a link\n" in body
    assert "Society of Sample Builders (https://builders.example.org)" in body
    assert "I'll be at the autumn builders' fair." in body
    assert "Olu Brandt <olu@referral.example>, who works on databases, query tuning, is happy" in body
    assert "check whether someone" not in body
    assert "taking a break" not in body
    assert body.endswith("Best wishes,\nWren\n")
    assert "\n\n\n" not in body


def test_scenario1_on_break_says_so_and_promises_a_follow_up(req: Message) -> None:
    body = templates.render_body(settings(FULL_PROFILE), req, "scenario1", [], today=TODAY)
    assert "I'm taking a break from networking at the moment, until 2026-12-15," in body
    assert "follow up with you" in body
    assert "can't give this the time" not in body
    # The break ends after its last day.
    later = templates.render_body(settings(FULL_PROFILE), req, "scenario1", [], today=AFTER_BREAK)
    assert "taking a break" not in later


def test_scenario1_without_agreed_introductions_offers_to_ask(req: Message) -> None:
    body = templates.render_body(settings(FULL_PROFILE), req, "scenario1", [], [], today=AFTER_BREAK)
    assert "I can check whether someone I know who works on this\nis open to an introduction." in body
    assert "Olu Brandt" not in body  # not agreed yet: never named


def test_scenario1_with_nothing_configured_is_honest(req: Message) -> None:
    body = templates.render_body(settings({}), req, "scenario1", [], today=TODAY)
    assert "I don't know anyone I could point you to on this" in body
    assert "Here is what I can offer" not in body
    assert "None" not in body


def test_scenario2_is_short_warm_and_firm(req: Message) -> None:
    hits = [FlagHit("RF1", "selling", "pitch", 3.0, ("mentions a demo",))]
    for profile in (FULL_PROFILE, {}):
        body = templates.render_body(settings(profile), req, "scenario2", hits, today=TODAY)
        assert body.startswith("Hi Sam,\n\nThank you for reaching out, and for thinking of me.\n")
        assert "I keep my network to people I know and work with well" in body
        assert "Good luck" in body
        for offer in ("Society of Sample Builders", "article", "introduction", "later", "right now"):
            assert offer not in body
        assert len(body.split()) < 80


def test_accept_suggests_finding_a_time(req: Message) -> None:
    body = templates.render_body(settings({}), req, "accept", [], today=TODAY)
    assert "I'd be glad to\ntalk." in body
    assert "two or three times" in body
    assert body.endswith("Best wishes,\nWren\n")


def test_signature_falls_back_to_name_and_greeting_to_hello() -> None:
    anonymous = request_from("From: <nobody@asker.example>\nSubject: hi\nMessage-ID: <n@asker.example>\n")
    body = templates.render_body(settings({}, signature=None), anonymous, "accept", [], today=TODAY)
    assert body.startswith("Hello,\n")
    assert body.endswith("Best wishes,\nWren Castillo\n")


def test_first_name_guess() -> None:
    assert templates.first_name("Okoro, Sam") == "Sam"
    assert templates.first_name("Dr. Ana Lima") == "Ana"
    assert templates.first_name('"Zoë Adeyemi"') == "Zoë"
    assert templates.first_name("sam@asker.example") is None
    assert templates.first_name(None) is None


def test_mail_text_is_data_not_template_source() -> None:
    sly = request_from(
        "From: \"{{ 7*7 }} {% if true %}X{% endif %}\" <sly@asker.example>\n"
        "Subject: {{ me.email }}\x07\n"
        "Message-ID: <sly@asker.example>\n"
    )
    body = templates.render_body(settings({}), sly, "accept", [], today=TODAY)
    assert body.startswith("Hi {{,\n")  # the first word of the name, verbatim
    assert 'about "{{ me.email }}"' in body
    assert "49" not in body and "\x07" not in body


def test_consent_request_and_introduction(req: Message) -> None:
    s = settings(FULL_PROFILE)
    ask = templates.render_consent_request(s, req, REFERRAL)
    assert ask.startswith("Hi Olu,\n\nSomeone got in touch with me")
    assert "sam@asker.example" not in ask and "Sam" not in ask  # withheld until the referral agreed
    assert "databases, query tuning" in ask
    assert "Would you be open to an introduction?" in ask
    intro = templates.render_introduction(s, req, REFERRAL)
    assert intro.startswith("Hi Sam and Olu,\n")
    assert "Olu Brandt works on databases, query tuning and kindly agreed" in intro


def test_unknown_scenario_is_a_template_error(req: Message) -> None:
    with pytest.raises(TemplateError, match="unknown scenario 'scenario3'"):
        templates.render_body(settings({}), req, "scenario3", [])


# --- user templates and errors --------------------------------------------------------------------------


def test_user_directory_overrides_by_file_name(tmp_path: Path, req: Message) -> None:
    (tmp_path / "scenario2.txt.j2").write_text("No thanks, {{ sender.first_name }}. {{ flags[0].code }}\n")
    s = settings({}, templates_dir=tmp_path)
    hits = [FlagHit("RF4", "bad-history", "negative-contact", 5.0, ("noted",))]
    assert templates.render_body(s, req, "scenario2", hits) == "No thanks, Sam. RF4\n"
    # Files the user did not copy still come from the shipped folder.
    assert "two or three times" in templates.render_body(s, req, "accept", [], today=TODAY)


def test_user_template_edits_apply_without_restart(tmp_path: Path, req: Message) -> None:
    path = tmp_path / "accept.txt.j2"
    path.write_text("first\n")
    s = settings({}, templates_dir=tmp_path)
    assert templates.render_body(s, req, "accept", []) == "first\n"
    path.write_text("second {{ sender.address }}\n")
    import os

    st = path.stat()
    os.utime(path, (st.st_atime, st.st_mtime + 5))
    assert templates.render_body(s, req, "accept", []) == "second sam@asker.example\n"


def test_unknown_variable_names_file_and_line(tmp_path: Path, req: Message) -> None:
    (tmp_path / "accept.txt.j2").write_text("Hello\n\n{{ sender.nickname }}\n")
    with pytest.raises(TemplateError) as ei:
        templates.render_body(settings({}, templates_dir=tmp_path), req, "accept", [])
    msg = str(ei.value)
    assert f"{tmp_path / 'accept.txt.j2'}:3" in msg
    assert "nickname" in msg and "unknown variable" in msg
    assert "\n" not in msg
    assert ei.value.exit_code == 78


def test_unknown_top_level_variable(tmp_path: Path, req: Message) -> None:
    (tmp_path / "accept.txt.j2").write_text("{{ recipient }}\n")
    with pytest.raises(TemplateError, match=r"accept\.txt\.j2:1: unknown variable: 'recipient' is undefined"):
        templates.render_body(settings({}, templates_dir=tmp_path), req, "accept", [])


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ sender.__class__ }}",
        "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_sandbox_violation_is_a_template_error(tmp_path: Path, req: Message, source: str) -> None:
    (tmp_path / "scenario1.txt.j2").write_text("ok\n" + source + "\n")
    with pytest.raises(TemplateError) as ei:
        templates.render_body(settings({}, templates_dir=tmp_path), req, "scenario1", [])
    msg = str(ei.value)
    assert "sandbox" in msg
    assert f"{tmp_path / 'scenario1.txt.j2'}:2" in msg


def test_syntax_error_names_file_and_line(tmp_path: Path, req: Message) -> None:
    (tmp_path / "scenario2.txt.j2").write_text("one\ntwo\n{% if %}\n")
    with pytest.raises(TemplateError) as ei:
        templates.render_body(settings({}, templates_dir=tmp_path), req, "scenario2", [])
    assert str(ei.value).startswith(f"template {tmp_path / 'scenario2.txt.j2'}:3: syntax error:")


def test_runtime_error_in_template(tmp_path: Path, req: Message) -> None:
    (tmp_path / "accept.txt.j2").write_text("x\n{{ 1 // 0 }}\n")
    with pytest.raises(TemplateError, match=r"accept\.txt\.j2:2: ZeroDivisionError"):
        templates.render_body(settings({}, templates_dir=tmp_path), req, "accept", [])


def test_missing_template_in_both_places(tmp_path: Path, req: Message) -> None:
    with pytest.raises(TemplateError, match="template nothing.txt.j2: not found"):
        templates.render_template(settings({}, templates_dir=tmp_path), "nothing.txt.j2", {})


# --- reply headers --------------------------------------------------------------------------------------


def test_reply_to_first_and_several_kept() -> None:
    m = request_from(
        "From: Sam Okoro <sam@asker.example>\n"
        "Reply-To: Desk <desk@asker.example>, other@asker.example, DESK@asker.example\n"
        "Subject: x\nMessage-ID: <r1@asker.example>\n"
    )
    assert compose.reply_recipients(m) == [Address("Desk", "desk@asker.example"),
                                          Address(None, "other@asker.example")]


def test_invalid_or_empty_reply_to_is_ignored() -> None:
    base = dict(identity="i", sha256="", raw=b"", subject="x", from_name="Sam Okoro",
                from_address="sam@asker.example")
    for bad in ([{"name": "x", "address": "not-an-address"}], [{"name": None, "address": ""}],
                [{"name": None, "address": None}], [{"name": "x", "address": "a@b@c.example"}],
                [{"name": "x", "address": "sp ace@asker.example"}], []):
        m = Message(reply_to=bad, **base)
        assert compose.reply_recipients(m) == [Address("Sam Okoro", "sam@asker.example")], bad
    # Through the parser too.
    parsed = request_from("From: Sam Okoro <sam@asker.example>\nReply-To: \nSubject: x\nMessage-ID: <e@a.example>\n")
    assert compose.reply_recipients(parsed) == [Address("Sam Okoro", "sam@asker.example")]


def test_no_address_means_no_recipient() -> None:
    m = Message(identity="i", sha256="", raw=b"", subject="x", from_name="Somebody", from_address=None)
    assert compose.reply_recipients(m) == []
    with pytest.raises(MessageError, match="no address"):
        compose.build_reply(settings({}), m, "text", message_id="<a@maple.example>")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Quick question", "Re: Quick question"),
        ("Re: Quick question", "Re: Quick question"),
        ("RE: Quick question", "Re: Quick question"),
        ("re:Quick question", "Re: Quick question"),
        ("Re[2]: Quick question", "Re: Quick question"),
        ("Re(3): Quick question", "Re: Quick question"),
        ("Re: Re: Quick question", "Re: Quick question"),
        ("Aw: Quick question", "Re: Quick question"),
        ("AW: Re: Quick question", "Re: Quick question"),
        ("Sv: Quick question", "Re: Quick question"),
        ("Fwd: Quick question", "Re: Fwd: Quick question"),
        ("Regarding: the role", "Re: Regarding: the role"),
        ("Reply needed", "Re: Reply needed"),
        ("", "Re:"),
        ("  spaced\tout  ", "Re: spaced out"),
    ],
)
def test_reply_subject(original: str, expected: str) -> None:
    assert compose.reply_subject(original) == expected


def test_make_message_id_uses_the_identity_domain() -> None:
    a = compose.make_message_id(settings({}))
    b = compose.make_message_id(settings({}))
    assert a != b
    assert a.startswith("<gb.") and a.endswith("@maple.example>")
    assert " " not in a
    idn = compose.make_message_id(settings({}, email_addr="wren@bücher.example"))
    assert idn.endswith("@xn--bcher-kva.example>")


def test_build_reply_headers_and_body(req: Message) -> None:
    now = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    body = "Hi Sam,\n\nThanks — glad to help.\n\nWren\n"
    msg = compose.build_reply(settings({}), req, body, message_id="<reply1@maple.example>", now=now)
    raw = msg.as_bytes()
    back = email.message_from_bytes(raw, policy=email.policy.default)
    assert back["From"] == "Wren Castillo <wren@maple.example>"
    assert back["To"] == "Sam Okoro <sam@asker.example>"
    assert back["Subject"] == "Re: Quick question about your team"
    assert back["Date"] == "Sat, 21 Nov 2026 08:30:00 +0000"
    assert back["Message-ID"] == "<reply1@maple.example>"
    assert back["In-Reply-To"] == "<q1@asker.example>"
    assert back["References"] == "<q1@asker.example>"
    assert back.get_content_type() == "text/plain"
    assert back.get_content_charset() == "utf-8"
    assert back.get_content() == body
    assert b"\r" not in raw.replace(b"\r\n", b"")


def test_build_reply_to_override(req: Message) -> None:
    msg = compose.build_reply(settings({}), req, "x", message_id="<o@maple.example>",
                              to=[Address("Other", "other@elsewhere.example")])
    assert msg["To"] == "Other <other@elsewhere.example>"


def test_references_append_parent_and_are_trimmed_without_duplicates() -> None:
    chain = " ".join(f"<m{i}@thread.example>" for i in range(1, 31))
    m = request_from(
        "From: Sam Okoro <sam@asker.example>\nSubject: Re: long thread\n"
        f"Message-ID: <m31@thread.example>\nIn-Reply-To: <m30@thread.example>\n"
        f"References: {chain} <m5@thread.example> <m31@thread.example>\n"
    )
    irt, refs = compose.thread_headers(m)
    assert irt == "<m31@thread.example>"
    assert len(refs) == compose.MAX_REFERENCES
    assert refs[0] == "<m1@thread.example>"
    assert refs[-2:] == ["<m30@thread.example>", "<m31@thread.example>"]
    assert len(set(refs)) == len(refs)
    msg = compose.build_reply(settings({}), m, "x", message_id="<r@maple.example>")
    assert msg["References"] == " ".join(refs)


def test_references_fall_back_to_in_reply_to() -> None:
    m = request_from("From: a@asker.example\nSubject: x\nMessage-ID: <child@asker.example>\n"
                     "In-Reply-To: <parent@asker.example>\n")
    assert compose.thread_headers(m) == ("<child@asker.example>", ["<parent@asker.example>", "<child@asker.example>"])


def test_no_message_id_means_no_threading_headers() -> None:
    m = Message(identity="sha256:x", sha256="x", raw=b"", subject="x", from_address="a@asker.example",
                message_id=None, references=["garbage", "<ok@asker.example>"])
    msg = compose.build_reply(settings({}), m, "x", message_id="<r@maple.example>")
    assert msg["In-Reply-To"] is None
    assert msg["References"] == "<ok@asker.example>"


def test_cr_lf_and_controls_never_reach_headers() -> None:
    m = Message(
        identity="i", sha256="", raw=b"", message_id="<ok@asker.example>\r\nBcc: hidden@evil.example",
        subject="Hello\r\nBcc: victim@evil.example\x00\x1b[31m",
        from_name="Sam\r\nX-Injected: yes", from_address="sam@asker.example",
        references=["<a@asker.example>\nX-Also: no"],
    )
    msg = compose.build_reply(settings({}), m, "body\r\nline\x00two\n", message_id="<r@maple.example>")
    raw = msg.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    names = [ln.split(b":", 1)[0] for ln in head.split(b"\n") if ln and not ln[:1].isspace()]
    assert b"Bcc" not in names and b"X-Injected" not in names and b"X-Also" not in names
    assert msg["Subject"] == "Re: Hello Bcc: victim@evil.example [31m"
    assert msg["To"] == '"Sam X-Injected: yes" <sam@asker.example>'
    assert msg["In-Reply-To"] == "<ok@asker.example>"
    assert msg.get_content() == "body\nlinetwo\n"
    for value in msg.values():
        assert "\r" not in value and "\n" not in value and "\x1b" not in value


def test_header_safe() -> None:
    assert compose.header_safe("a\r\nb\tc\x7f\x85d") == "a b c d"
    assert compose.header_safe(None) == ""


def test_idna_domains_become_punycode() -> None:
    m = request_from(
        "From: Ana <ana@asker.example>\n"
        "Reply-To: =?utf-8?q?Jos=C3=A9?= <jose@xn--bcher-kva.example>\n"
        "Subject: x\nMessage-ID: <i@asker.example>\n"
    )
    assert compose.reply_recipients(m) == [Address("José", "jose@xn--bcher-kva.example")]
    direct = Message(identity="i", sha256="", raw=b"", subject="x", from_name="Jürgen",
                     from_address="juergen@Bücher.Example")
    assert compose.reply_recipients(direct) == [Address("Jürgen", "juergen@xn--bcher-kva.example")]
    s = settings({}, email_addr="wren@müller.example")
    msg = compose.build_reply(s, direct, "Grüße\n", message_id=compose.make_message_id(s))
    raw = msg.as_bytes()
    assert b"juergen@xn--bcher-kva.example" in raw
    assert b"wren@xn--mller-kva.example" in raw
    assert msg["To"] == "Jürgen <juergen@xn--bcher-kva.example>"
    assert raw.isascii() or b"Content-Transfer-Encoding: 8bit" in raw


def test_normalize_address() -> None:
    assert compose.normalize_address(" Sam@Asker.Example ") == "Sam@asker.example"
    assert compose.normalize_address("a@localhost") == "a@localhost"
    for bad in ("", None, "plain", "@asker.example", "sam@", "a..b@asker.example", "a@-x..example",
                "a b@asker.example", "<a@asker.example>", "a@asker\r\n.example", "a@b_c.example"):
        assert compose.normalize_address(bad) is None, bad


def test_build_introduction_goes_to_both_and_threads(req: Message) -> None:
    s = settings(FULL_PROFILE)
    body = templates.render_introduction(s, req, REFERRAL)
    msg = compose.build_introduction(s, req, REFERRAL, body, message_id="<intro@maple.example>")
    assert msg["To"] == "Sam Okoro <sam@asker.example>, Olu Brandt <olu@referral.example>"
    assert msg["In-Reply-To"] == "<q1@asker.example>"
    ask = compose.build_consent_request(s, req, REFERRAL, "would you?", message_id="<ask@maple.example>")
    assert ask["To"] == "Olu Brandt <olu@referral.example>"
    assert ask["Subject"] == "Introduction? Quick question about your team"
    assert ask["In-Reply-To"] is None
