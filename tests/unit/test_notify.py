"""Notification relays (mailsync.notify): two site layouts written for these tests, a plain-text one
("Circlenet") and an HTML-only one ("Guildhub"), plus the cases that must stay untouched."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from mailsync import checker
from mailsync.mail import notify
from mailsync.mail.parse import parse
from mailsync.types import Address, CheckContext, ContactInfo, ParsedMessage, Via

CIRCLENET_TEXT = """Circlenet
=========

You have a new message

Maya Okafor
Quantity Surveyor at Brickfield Partners

"Hello Tamsin, I run the platform team at Brickfield. Could you spare ten minutes to tell me how you
set up your on-call rota? You can also reach me at maya.okafor@brickfield.example.

Thanks, Maya"

Reply to Maya: https://circlenet.example/inbox/t/8841
View Maya's profile: https://circlenet.example/people/maya-okafor-22

You received this email because you are a member of Circlenet.
Manage notifications: https://circlenet.example/settings/email
"""

GUILDHUB_HTML = """<!DOCTYPE html><html><head><title>Guildhub</title><style>.btn{color:#fff}</style></head>
<body><table width="100%"><tr><td>
<img src="https://guildhub.example/logo.png" alt="Guildhub">
<h2>Dmitri Volkov sent you a message</h2>
<table><tr><td><img src="https://guildhub.example/a/77.png" alt=""></td>
<td><a href="https://guildhub.example/profile/dmitri-volkov?src=mail"><strong>Dmitri Volkov</strong></a><br>
<span style="color:#666">Charge Nurse &middot; St Aldric Hospital</span></td></tr></table>
<div class="msg"><p>Hi Tamsin,</p>
<p>Your talk on alert fatigue reminded me of our night shifts. Would you be willing to review my
conference abstract on pager load in hospital wards?</p>
<p>Dmitri</p></div>
<a class="btn" href="https://guildhub.example/messages/5521">Reply</a>
<p style="font-size:11px">Guildhub Ltd, 9 Sample Row. <a href="https://guildhub.example/unsubscribe?u=1">Unsubscribe</a></p>
</td></tr></table></body></html>
"""


def relay_msg(body: str, subject: str, frm: Address, reply_to: tuple[Address, ...] = ()) -> ParsedMessage:
    return ParsedMessage(message_id="<n1@relay.example>", subject=subject, from_=frm, reply_to=reply_to,
                         body_text=body)


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("noreply@site.example", True),
        ("no-reply@site.example", True),
        ("Do-Not-Reply@site.example", True),
        ("notifications@site.example", True),
        ("messages-noreply@site.example", True),
        ("invitations@site.example", True),
        ("inmail-hit-reply@site.example", True),
        ("alerts@site.example", True),
        ("norah@site.example", False),
        ("sam@site.example", False),
        ("info@site.example", False),
        ("noreply", False),
        ("", False),
        (None, False),
    ],
)
def test_is_no_reply(addr: str | None, expected: bool) -> None:
    assert notify.is_no_reply(addr) is expected


def test_plain_text_layout_names_the_person() -> None:
    p = relay_msg(CIRCLENET_TEXT, "New message from Maya Okafor",
                  Address("Circlenet", "notifications@circlenet.example"))
    out = notify.apply_notification(p)
    assert out.from_ == Address("Maya Okafor", "maya.okafor@brickfield.example")
    assert out.via == Via(
        address="notifications@circlenet.example",
        kind="notification",
        site="Circlenet",
        profile_url="https://circlenet.example/people/maya-okafor-22",
        headline="Quantity Surveyor at Brickfield Partners",
    )
    assert out.body_text.startswith("Hello Tamsin, I run the platform team")
    assert out.body_text.endswith("Thanks, Maya")
    assert "Unsubscribe" not in out.body_text and "circlenet.example" not in out.body_text
    assert out.subject == p.subject and out.message_id == p.message_id


def test_html_layout_names_the_person_without_an_address() -> None:
    p = relay_msg("(no text body)", "Dmitri Volkov sent you a message",
                  Address("Guildhub", "no-reply@guildhub.example"))
    out = notify.apply_notification(p, GUILDHUB_HTML)
    assert out.from_ == Address("Dmitri Volkov", None)
    assert out.via is not None
    assert out.via.site == "Guildhub"
    assert out.via.headline == "Charge Nurse \u00b7 St Aldric Hospital"
    assert out.via.profile_url == "https://guildhub.example/profile/dmitri-volkov?src=mail"
    assert out.body_text.split("\n\n") == [
        "Hi Tamsin,",
        "Your talk on alert fatigue reminded me of our night shifts. Would you be willing to review my\n"
        "conference abstract on pager load in hospital wards?",
        "Dmitri",
    ]


def test_parse_applies_it_to_an_html_only_relay_mail_and_the_checker_judges_the_person() -> None:
    em = EmailMessage()
    em["From"] = "Guildhub <no-reply@guildhub.example>"
    em["To"] = "Tamsin Oduya <tamsin@oduya-sre.example>"
    em["Subject"] = "Dmitri Volkov sent you a message"
    em["Message-ID"] = "<gh-5521@guildhub.example>"
    em.set_content(GUILDHUB_HTML, subtype="html")
    parsed = parse(em.as_bytes())
    assert parsed.from_ == Address("Dmitri Volkov", None)
    assert parsed.via is not None and parsed.via.address == "no-reply@guildhub.example"
    stranger = checker.check(parsed, CheckContext(me="tamsin@oduya-sre.example"))
    assert {h.code for h in stranger} == {"RF3"}
    assert any('"Dmitri Volkov" (via Guildhub)' in e for h in stranger for e in h.evidence)
    known = CheckContext(me="tamsin@oduya-sre.example", known_names=frozenset({"dmitri volkov"}))
    assert checker.check(parsed, known) == []


def test_a_person_writing_directly_is_untouched() -> None:
    p = relay_msg("Maya Okafor wants to connect\nView profile: https://x.example/in/maya",
                  "Maya Okafor wants to connect", Address("Maya Okafor", "maya@brickfield.example"))
    assert notify.apply_notification(p) is p


def test_relay_with_a_usable_reply_to_is_untouched() -> None:
    p = relay_msg(CIRCLENET_TEXT, "New message from Maya Okafor",
                  Address("Circlenet", "notifications@circlenet.example"),
                  reply_to=(Address("Maya Okafor", "maya.okafor@brickfield.example"),))
    assert notify.apply_notification(p) is p
    # a Reply-To on the relay's own domain is not usable: still a notification
    q = relay_msg(CIRCLENET_TEXT, "New message from Maya Okafor",
                  Address("Circlenet", "notifications@circlenet.example"),
                  reply_to=(Address(None, "reply+8841@mail.circlenet.example"),))
    assert notify.apply_notification(q).from_ == Address("Maya Okafor", "maya.okafor@brickfield.example")


def test_no_reply_mail_without_a_person_is_untouched() -> None:
    body = "Your weekly digest\n\n5 new jobs match your search.\n\nUnsubscribe: https://jobs.example/u/1\n"
    p = relay_msg(body, "Your weekly digest", Address("Jobs", "noreply@jobs.example"))
    assert notify.apply_notification(p) is p


def test_name_dot_headline_layout_with_a_message_label() -> None:
    body = (
        "Omar Said would like to connect with you\n\nOmar Said \u00b7 Product Manager at Northwind\n"
        "2 mutual connections\n\nMessage: Hi Tamsin, loved your talk on error budgets.\n\n"
        "[Accept] https://linkup.example/a/1\n\nYou are receiving this because you joined Linkup."
    )
    out = notify.apply_notification(relay_msg(body, "New connection request",
                                              Address("Linkup", "invitations@linkup.example")))
    assert out.from_ == Address("Omar Said", None)
    assert out.via is not None and out.via.headline == "Product Manager at Northwind"
    assert out.body_text == "Hi Tamsin, loved your talk on error budgets."


def test_tagged_subject_and_pronouns_in_the_name() -> None:
    body = ("You have a new message\n\nKarin Holt (she/her)\nUX Lead at Fjordline\n\nHey Tamsin, could you look "
            "over my portfolio?\n\nView message: https://folio.example/messages/9\n")
    out = notify.apply_notification(relay_msg(body, "[Folio] Karin Holt (she/her) sent you a message",
                                              Address("Folio", "messages@folio.example")))
    assert out.from_ == Address("Karin Holt", None)
    assert out.via is not None and out.via.site == "Folio" and out.via.headline == "UX Lead at Fjordline"
    assert out.body_text == "Hey Tamsin, could you look over my portfolio?"


def test_via_display_name_and_headline_right_after_the_header_line() -> None:
    body = ("Circlenet\n\nNoor Haddad sent you a message\nPlatform lead | Ex-Tidewell\n\n"
            "\"Hi Tamsin, could you introduce me to your on-call lead?\"\n\n"
            "View Noor's profile: https://circlenet.example/people/noor-h\n")
    out = notify.apply_notification(relay_msg(body, "You have a new message",
                                              Address("Noor Haddad via Circlenet", "noreply@mail.circlenet.example")))
    assert out.from_ == Address("Noor Haddad", None)
    assert out.via == Via("noreply@mail.circlenet.example", "notification", "Circlenet",
                          "https://circlenet.example/people/noor-h", "Platform lead | Ex-Tidewell")
    assert out.body_text == "Hi Tamsin, could you introduce me to your on-call lead?"


def test_already_resolved_and_undelimited_messages() -> None:
    done = ParsedMessage(message_id=None, subject="x", from_=Address("Maya Okafor", None),
                         via=Via("notifications@circlenet.example"))
    assert notify.apply_notification(done) is done
    body = "Omar Haddad wants to connect\n\nOmar Haddad\nHead of Infra at Tidewell\n\nWould be glad to connect."
    p = relay_msg(body, "Invitation", Address(None, "invitations@linkup.example"))
    out = notify.apply_notification(p)
    assert out.from_ == Address("Omar Haddad", None)
    assert out.via is not None and out.via.site == "Linkup" and out.via.headline == "Head of Infra at Tidewell"
    assert out.body_text == body  # no closing marker: the message is not clearly delimited


def test_never_raises_on_broken_html() -> None:
    p = relay_msg("", "Ana sent you a message", Address("Site", "noreply@site.example"))
    out = notify.apply_notification(p, "<html><body><p>Ana sent you a message<div><a href='")
    assert out.from_ is not None


# ------------------------------------------------- "add you to their network", site headers, Via.site

STRATALINK_ADD = """Stratalink

Ola Brennan wants to add you to their network
Project Architect at Fenwick Studio

"Hi Jo, we met at the heritage talk in March. Would love to connect."

Accept: https://stratalink.example/inv/1
Ignore

You are receiving invitation emails from Stratalink. Unsubscribe: https://stratalink.example/u/1
"""


def test_add_you_to_their_network_names_the_person_not_the_site_header() -> None:
    out = notify.apply_notification(relay_msg(STRATALINK_ADD, "Ola Brennan wants to add you to their network",
                                              Address("Stratalink", "invitations@stratalink.example")))
    assert out.from_ == Address("Ola Brennan", None)
    assert out.via is not None and out.via.site == "Stratalink"
    assert out.via.headline == "Project Architect at Fenwick Studio"
    assert out.body_text == "Hi Jo, we met at the heritage talk in March. Would love to connect."


@pytest.mark.parametrize(
    ("display", "subject", "body"),
    [
        # name on one line, the site's wording on the next, under a site-name header
        ("Stratalink", "Invitation to connect",
         "Stratalink\nOla Brennan\nwould like to add you to her professional network\n\n"
         "Accept invitation https://stratalink.example/a\nUnsubscribe"),
        # a "Site:" prefix on the subject
        ("Stratalink", "Stratalink: Ola Brennan wants to connect",
         "Ola Brennan wants to connect\n\nAccept: https://stratalink.example/inv/1\n\nUnsubscribe"),
        # "Site member Name"
        ("Stratalink", "Message from Stratalink member Ola Brennan",
         "Message from Stratalink member Ola Brennan:\n\n\"Could you look over my portfolio?\"\n\n"
         "Reply on Stratalink: https://stratalink.example/m/1\nUnsubscribe"),
        # the person in the relay's display name, in parentheses or after a bar
        ("Ola Brennan (via Stratalink)", "New message",
         "Stratalink\n\nYou have a new message from Ola Brennan\n\n\"Could you refer me?\"\n\n"
         "Reply: https://stratalink.example/m/1\nUnsubscribe"),
        ("Ola Brennan | Stratalink", "Ola Brennan sent you a message",
         "Ola Brennan sent you a message\n\n\"Hello there, could we talk?\"\n\n"
         "View profile: https://stratalink.example/in/ola\nUnsubscribe"),
    ],
)
def test_site_headers_map_to_the_person_and_the_site_never_carries_the_name(display: str, subject: str,
                                                                            body: str) -> None:
    out = notify.apply_notification(relay_msg(body, subject, Address(display, "noreply@mail.stratalink.example")))
    assert out.from_ == Address("Ola Brennan", None)
    assert out.via is not None and out.via.site == "Stratalink"


def test_relay_person_matched_to_a_negative_contact_by_name() -> None:
    p = relay_msg(STRATALINK_ADD, "Ola Brennan wants to add you to their network",
                  Address("Stratalink", "invitations@stratalink.example"))
    out = notify.apply_notification(p)
    ctx = CheckContext(
        me="jo@studio.example",
        contacts={"ola@fenwick.example": ContactInfo("ola@fenwick.example", "Ola Brennan", "negative",
                                                             "copied our drawings")},
        known_names=frozenset({"ola brennan"}),
    )
    hits = checker.check(out, ctx)
    assert {h.code for h in hits} == {"RF4"}


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # a "circle" wording
        ("You've been invited",
         "Kinfold\n\nPriya Raman would like you in their professional circle\n\n\"Hi, I lead a small vet "
         "practice and enjoyed your piece on dental radiographs.\"\n\nAccept: https://kinfold.example/c/1\n"
         "Unsubscribe"),
        # "X invited you to join ..."
        ("Invitation",
         "Priya Raman invited you to join her network on Kinfold\n\n\"Would love to stay in touch.\"\n\n"
         "View profile: https://kinfold.example/people/priya-raman\nUnsubscribe"),
        # "X wants you to join their group"
        ("New invitation",
         "Priya Raman wants you to join their group\n\nMessage: Could you share your rota template?\n\n"
         "Reply on Kinfold: https://kinfold.example/m/3\nUnsubscribe"),
        # "X has invited you" with the name on its own line
        ("Kinfold: a new invitation",
         "Kinfold\n\nPriya Raman\nhas invited you to be part of her community\n\n"
         "Accept invitation https://kinfold.example/a\nUnsubscribe"),
    ],
)
def test_circle_and_generic_invitation_wordings_name_the_person(subject: str, body: str) -> None:
    out = notify.apply_notification(relay_msg(body, subject, Address("Kinfold", "noreply@kinfold.example")))
    assert out.from_ == Address("Priya Raman", None)
    assert out.via is not None and out.via.site == "Kinfold"
