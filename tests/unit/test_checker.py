"""The red-flag checker (mailsync.checker): each flag's positive and negative cases, tuning, explain.

The user here is deliberately unlike the dev corpus: a site-reliability engineer, with requests in other
words and other trades, so that the rules are tested on meaning rather than on one mailbox's phrasing.
All text is written for these tests.
"""

from __future__ import annotations

from datetime import date

import pytest

from mailsync import checker
from mailsync.types import (
    FLAG_SLUGS,
    Address,
    CheckContext,
    CheckerTuning,
    ContactInfo,
    ListEntry,
    ParsedMessage,
    Via,
)

ME = "tamsin@oduya-sre.example"

SRE_EXPERTISE = (
    "site reliability engineering",
    "kubernetes operations",
    "incident response",
    "observability and monitoring",
    "go programming",
    "distributed systems",
)


def ctx(**kw: object) -> CheckContext:
    """A context for the SRE user; keyword arguments override fields."""
    base: dict[str, object] = {
        "me": ME,
        "known_addresses": frozenset({"felix.brandt@cobaltworks.example", "ana@meshline.example"}),
        "known_names": frozenset({"felix brandt", "ana ruiz", "jonas weber"}),
        "contacts": {
            "jonas.weber@quietpost.example": ContactInfo(
                "jonas.weber@quietpost.example", "Jonas Weber", "neutral", "met at a meetup"
            ),
            "rex@hollowgate.example": ContactInfo(
                "rex@hollowgate.example", "Rex Marlow", "negative", "took credit for my runbook in a talk"
            ),
        },
        "network_warnings": (
            ListEntry("*@grabbyhire.example", "poaches engineers mid-project", "Felix Brandt"),
            ListEntry("dana.kite@postbox.example", "spammed the whole SRE guild", "Ana Ruiz"),
        ),
        "reputation_watch": (
            ListEntry("*@fastcert.example", "sells certificates without exams"),
            ListEntry("lars@pumpco.example", "crypto pump scheme"),
        ),
        "expertise": SRE_EXPERTISE,
    }
    base.update(kw)
    return CheckContext(**base)  # type: ignore[arg-type]


def msg(body: str, subject: str = "Hello", name: str | None = "Sam Okoye",
        addr: str | None = "sam.okoye@postbox.example", **kw: object) -> ParsedMessage:
    """A parsed request (as parse would give it) from ``name <addr>``."""
    frm = Address(name, addr) if (name or addr) else None
    return ParsedMessage(message_id="<t1@postbox.example>", subject=subject, from_=frm, body_text=body,
                         **kw)  # type: ignore[arg-type]


def codes(hits: list[checker.FlagHit]) -> set[str]:
    return {h.code for h in hits}


def rules_of(hits: list[checker.FlagHit], code: str) -> set[str]:
    return {h.rule for h in hits if h.code == code}


def evidence(hits: list[checker.FlagHit], code: str) -> str:
    return " | ".join(e for h in hits if h.code == code for e in h.evidence)


# ----------------------------------------------------------------------------------------------- RF1


def test_rf1_saas_pitch_with_trial_price_and_calendar_grab() -> None:
    body = (
        "Hi Tamsin,\n\nOn-call fatigue is real. PagerPilot's AI triage cuts alert noise by 60% for teams "
        "like yours. We're offering a 30-day free trial, and our Team plan starts at $12 per seat.\n\n"
        "Could I book 20 minutes on your calendar next week?\n\nMorgan\nPagerPilot"
    )
    hits = checker.check(msg(body, "Less noise, better sleep", "Morgan Tate", "morgan@pagerpilot.example"), ctx())
    assert codes(hits) == {"RF1"}
    assert {"pitch-pricing", "pitch-call-to-action", "pitch-offering"} <= rules_of(hits, "RF1")
    assert 'price: "' in evidence(hits, "RF1")
    assert "$12 per seat" in evidence(hits, "RF1")


def test_rf1_pay_to_speak_dressed_as_an_honour() -> None:
    body = (
        "Dear Tamsin,\n\nYou've been shortlisted to present at the Cloud Native Leaders Gala in Vienna. "
        "Presenters contribute EUR 1,800 towards production, which includes a headshot session and a page "
        "in our yearbook.\n\nReply by Friday to hold your slot; spaces are limited."
    )
    hits = checker.check(msg(body, "Your nomination", "Gala Office", "office@leadersgala.example"), ctx())
    assert "RF1" in codes(hits)
    assert "pay-to-play" in rules_of(hits, "RF1")
    assert "RF3" not in codes(hits)


def test_rf1_fake_follow_up_thread_from_stranger() -> None:
    body = (
        "Hi Tamsin,\n\nAs promised, here are the details on Stackhaven. Our managed observability platform "
        "keeps logs, metrics and traces in one place.\n\nWorth a quick look?\n\nPiet"
    )
    m = msg(body, "Re: great chatting at the summit", "Piet Lund", "piet@stackhaven.example",
            in_reply_to="<x9@stackhaven.example>")
    hits = checker.check(m, ctx())
    assert codes(hits) == {"RF1"}
    assert "unverified-follow-up" in rules_of(hits, "RF1")
    assert "no earlier mail with piet@stackhaven.example" in evidence(hits, "RF1")


def test_rf1_investment_pitch() -> None:
    body = (
        "Tamsin, we're opening a private round in a data-centre fund with a target 18% IRR and returns of "
        "12% paid yearly. The minimum investment is USD 50,000. Can I send over the deck?"
    )
    hits = checker.check(msg(body, "Opportunity", "Quinn Hale", "quinn@harborfund.example"), ctx())
    assert "RF1" in codes(hits)
    assert "investment-pitch" in rules_of(hits, "RF1")


def test_rf1_known_contact_pitching_is_still_selling() -> None:
    body = (
        "Hi Tamsin, I've joined Meshline as head of sales. Our platform automates runbooks, and our "
        "customers typically see half the pages. Packages start at EUR 400 a month; happy to send a "
        "proposal."
    )
    hits = checker.check(msg(body, "Meshline", "Ana Ruiz", "ana@meshline.example"), ctx())
    assert "RF1" in codes(hits)
    assert "RF3" not in codes(hits)


@pytest.mark.parametrize(
    "body",
    [
        # a speaking invitation that pays the speaker
        "Dear Tamsin,\n\nWe would love you to give the closing keynote at SREcon North on resilience. We "
        "cover travel and accommodation and offer an honorarium of USD 2,000; the registration fee is waived "
        "for speakers. Would you be interested?",
        # a job offer with a salary range
        "Hi Tamsin, we're hiring a Principal SRE in Lisbon. The base salary range is EUR 120,000 per year "
        "plus equity. Would you be open to a conversation?",
        # a meetup that is free to attend
        "Hi Tamsin, the Go meetup is back on 3 June at the library. Entry is free and there is pizza. "
        "Hope to see you there!",
        # a founder asking for advice mentions their company once
        "Hi Tamsin, I read your post on error budgets twice. I'm building a small status-page startup "
        "and I keep wondering how you decide when an incident is over. No pressure at all.",
    ],
)
def test_rf1_not_raised_by_offers_jobs_or_a_passing_mention(body: str) -> None:
    hits = checker.check(msg(body, "Hello", "Rita Voss", "rita@srecon-north.example"), ctx())
    assert "RF1" not in codes(hits)


# ----------------------------------------------------------------------------------------------- RF2


def test_rf2_reputation_watch_domain_and_address() -> None:
    hits = checker.check(msg("Hi, nice talk!", addr="promo@FastCert.example"), ctx())
    assert codes(hits) == {"RF2"}
    ev = evidence(hits, "RF2")
    assert 'matches reputation_watch "*@fastcert.example": sells certificates without exams' in ev
    hits = checker.check(msg("Hi there.", addr="Lars@PumpCo.example"), ctx())
    assert "crypto pump scheme" in evidence(hits, "RF2")


def test_rf2_watch_domain_does_not_match_subdomains_or_lookalikes() -> None:
    for addr in ("promo@mail.fastcert.example", "promo@notfastcert.example", "lars2@pumpco.example"):
        assert "RF2" not in codes(checker.check(msg("Hi, nice talk!", addr=addr), ctx())), addr


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("Could you send me the internal postmortems from your employer? Nobody needs to know where they "
         "came from.", "confidential-ask"),
        ("Would you be able to get me the take-home challenge answers before my interview at your "
         "company?", "confidential-ask"),
        ("Could you help me skip the technical interview and go straight to the offer stage?", "hiring-bypass"),
        ("Would you leave a five-star review for our CLI on the marketplace? I'll write the text so it takes "
         "you two seconds.", "scripted-endorsement"),
        ("We launched the course last week. I know you haven't tried it yet, but could you give us a short "
         "testimonial for the landing page?", "fake-endorsement"),
        ("Could you sign a form confirming that I completed the on-call training, even though I only did "
         "half of it?", "false-attestation"),
        ("Could you bill the client for 40 hours even though we'll only do 25? We split the difference.",
         "padded-invoice"),
        ("Would you mind passing me the email addresses of everyone on your meetup list?", "personal-data-ask"),
        ("Could you send me the runbooks you wrote for your last client? Nobody needs to know.", "client-material"),
        ("Could you send me the CAD files for the bridge? I'll reuse them for a client and won't credit you.",
         "material-ask"),
        ("Our fund pays a guaranteed 3% per month, risk-free, so it's an easy yes.", "guaranteed-return"),
        ("Get a recognised Kubernetes Master certificate this weekend: no exams, no labs.",
         "credential-no-assessment"),
    ],
)
def test_rf2_ethics_asks_in_other_words(body: str, rule: str) -> None:
    hits = checker.check(msg(body, "A request"), ctx())
    assert "RF2" in codes(hits), checker.explain(hits)
    assert rule in rules_of(hits, "RF2")
    assert '"' in evidence(hits, "RF2")


@pytest.mark.parametrize(
    "body",
    [
        "Could you write me a recommendation for the fellowship? You supervised my thesis for two years.",
        "Please keep this confidential until Monday: I've been promoted to staff engineer!",
        "Could you share the public slides from your talk on error budgets?",
        "Thanks for reviewing our open-source chart last month; the five-star rating made the team's day.",
        "Could you give me an internal referral for the platform role?",
        "Could you send me the slides from the talk you gave for the SRE guild meetup?",
    ],
)
def test_rf2_not_raised_by_honest_requests(body: str) -> None:
    assert "RF2" not in codes(checker.check(msg(body, "A request"), ctx()))


# ----------------------------------------------------------------------------------------------- RF3


@pytest.mark.parametrize(
    "body",
    [
        "Would you mind having a look over my resume before I apply to your company?",
        "Is your team still hiring for the platform role? I'd love to be considered.",
        "I'm hoping you'll agree to be my mentor while I move from QA into SRE.",
        "Could you endorse my Go skills on your network?",
        "Could you forward my portfolio to your engineering manager?",
        "Do you know anyone at Hollis Cloud who could refer me?",
        "What would you recommend for someone starting out in observability?",
        "Quick question: how do I get my first SRE job without a degree?",
        "I'd really appreciate any pointers on breaking into incident management.",
        "Could you put me in touch with the person who runs your platform team?",
        "Would you mind filling out a 5-minute survey for my dissertation on on-call stress?",
        "Could you share my job post with your network? We're hiring two SREs.",
    ],
)
def test_rf3_favours_from_a_stranger(body: str) -> None:
    hits = checker.check(msg("Hi Tamsin,\n\n" + body + "\n\nThanks,\nSam"), ctx())
    assert "RF3" in codes(hits), body
    ev = evidence(hits, "RF3")
    assert "asks" in ev and '"' in ev
    assert "no earlier mail with sam.okoye@postbox.example" in ev


def test_rf3_not_for_known_people_case_insensitive() -> None:
    body = "Could you look over my resume and introduce me to your manager?"
    assert "RF3" not in codes(checker.check(msg(body, addr="Felix.Brandt@CobaltWorks.example"), ctx()))
    # a neutral contact is known too (the context builder puts contacts in known_addresses; here directly)
    known = ctx(known_addresses=frozenset({"jonas.weber@quietpost.example"}))
    assert "RF3" not in codes(checker.check(msg(body, addr="jonas.weber@quietpost.example"), known))


@pytest.mark.parametrize(
    "body",
    [
        "Loved your talk on error budgets. Would be great to connect!",
        "Thanks so much for your advice in the forum thread last week; it saved my weekend.",
        "We'd love to have you as a guest on our podcast about reliability. Would you be interested?",
        "Happy to introduce you to our CTO if that's ever useful.",
        "I'd love to show you a quick demo of our tool. Do you have 15 minutes on Thursday?",
        "Can we hop on a call sometime?",
    ],
)
def test_rf3_not_for_connecting_thanks_offers_or_a_bare_call(body: str) -> None:
    assert "RF3" not in codes(checker.check(msg("Hi Tamsin,\n\n" + body), ctx())), body


def test_rf3_reply_subject_alone_is_not_prior_correspondence() -> None:
    m = msg("Could you review my pull request for the exporter?", "Re: exporter", in_reply_to="<zz@x.example>")
    assert "RF3" in codes(checker.check(m, ctx()))


def test_rf3_ignores_an_ask_quoted_or_forwarded_for_someone_else() -> None:
    fwd = (
        "Hi Tamsin, passing this on from a friend of mine; entirely up to you.\n\nFelix\n\n"
        "---------- Forwarded message ---------\nFrom: Noor Aziz <noor@postbox.example>\n"
        "Subject: hello\n\nFelix, could you introduce me to Tamsin? Could you send me her slides?\n"
    )
    hits = checker.check(msg(fwd, "Fwd: hello", "Noor's friend", "someone.new@postbox.example"), ctx())
    assert "RF3" not in codes(hits)
    quoted = "Sounds good, see you then.\n\nOn Mon, 2 Jun 2025, Noor wrote:\n> Could you refer me to your boss?\n"
    assert "RF3" not in codes(checker.check(msg(quoted, "Re: hello"), ctx()))


def test_rf3_known_cc_does_not_make_the_sender_known() -> None:
    m = msg("Felix suggested I write. Could you advise me on how to prepare for an SRE interview?",
            cc=(Address("Felix Brandt", "felix.brandt@cobaltworks.example"),))
    assert "RF3" in codes(checker.check(m, ctx()))


def test_rf3_notification_person_matched_by_name() -> None:
    via = Via("messages-noreply@circlenet.example", "notification", "Circlenet", None, "SRE at Cobalt")
    body = "Could you refer me to the hiring manager for the SRE opening?"
    known = msg(body, "Felix Brandt sent you a message", "Felix Brandt", None, via=via)
    assert "RF3" not in codes(checker.check(known, ctx()))
    stranger = msg(body, "Mo Diallo sent you a message", "Mo Diallo", None, via=via)
    hits = checker.check(stranger, ctx())
    assert "RF3" in codes(hits)
    assert 'no earlier mail with "Mo Diallo" (via Circlenet)' in evidence(hits, "RF3")


def test_own_address_is_never_flagged() -> None:
    body = "Could you refer me to the hiring manager? Our platform pricing starts at $5 per seat."
    assert checker.check(msg(body, addr="Tamsin@Oduya-SRE.example"), ctx()) == []


# ----------------------------------------------------------------------------------------------- RF4


def test_rf4_negative_contact_with_its_note() -> None:
    hits = checker.check(msg("Fancy a coffee next week?", "coffee", "Rex Marlow", "REX@hollowgate.example"), ctx())
    assert codes(hits) == {"RF4"}
    assert "Rex Marlow <rex@hollowgate.example> is a contact with experience negative: took credit for my " \
           "runbook in a talk" in evidence(hits, "RF4")


def test_rf4_network_warning_names_reason_and_reporter() -> None:
    hits = checker.check(msg("Hi, are you open to new roles?", addr="sara@grabbyhire.example"), ctx())
    ev = evidence(hits, "RF4")
    assert 'matches network_warnings "*@grabbyhire.example": poaches engineers mid-project' in ev
    assert "(reported by Felix Brandt)" in ev
    assert "RF4" not in codes(checker.check(msg("Hi", addr="sara@eu.grabbyhire.example"), ctx()))


def test_rf4_notification_person_matched_by_contact_name() -> None:
    via = Via("invitations@circlenet.example", "notification", "Circlenet", None, None)
    hits = checker.check(msg("Let's reconnect!", "Rex Marlow wants to connect", "Rex marlow", None, via=via),
                         ctx())
    assert "RF4" in codes(hits)


def test_rf4_content_never_triggers_it() -> None:
    body = "I had a terrible experience with a vendor who ghosted us and never paid. Any advice?"
    assert "RF4" not in codes(checker.check(msg(body), ctx()))
    assert "RF4" not in codes(checker.check(msg("Hi!", addr="jonas.weber@quietpost.example"), ctx()))


# ----------------------------------------------------------------------------------------------- RF7


@pytest.mark.parametrize(
    ("body", "topic_word"),
    [
        ("I'm going freelance. Could you advise me on whether to register as an LLC or a sole trader for "
         "tax purposes, and how VAT works for clients abroad?", "vat"),
        ("What's the best way to prepare for my first keynote? I get terrible stage fright in front of a "
         "big audience.", "keynote"),
        ("We're raising a seed round. Do you know whether a SAFE or a convertible note is better for "
         "dilution?", "dilution"),
    ],
)
def test_rf7_questions_outside_an_sre_expertise(body: str, topic_word: str) -> None:
    hits = checker.check(msg(body, "A question", addr="felix.brandt@cobaltworks.example"), ctx())
    assert codes(hits) == {"RF7"}, checker.explain(hits)
    ev = evidence(hits, "RF7")
    assert topic_word in ev.lower()
    assert "is outside your expertise (site reliability engineering" in ev


@pytest.mark.parametrize(
    "body",
    [
        "Which Helm layout would you recommend for a multi-tenant Kubernetes cluster?",
        "How should we structure our incident response rota so that people actually sleep?",
        "Can we hop on a call next week? I'd love to catch up.",
        "Could you look at our monitoring dashboards and tell me what you would change?",
    ],
)
def test_rf7_not_for_questions_inside_the_expertise_or_plain_calls(body: str) -> None:
    hits = checker.check(msg(body, "A question", addr="felix.brandt@cobaltworks.example"), ctx())
    assert "RF7" not in codes(hits), checker.explain(hits)


def test_rf7_for_a_different_profession() -> None:
    nurse = ctx(expertise=("paediatric nursing", "neonatal care", "clinical education"))
    body = "Which cloud provider would you recommend for hosting our Django app, and how should we size the servers?"
    hits = checker.check(msg(body, addr="felix.brandt@cobaltworks.example"), nurse)
    assert codes(hits) == {"RF7"}
    assert "cloud infrastructure and devops" in evidence(hits, "RF7")
    inside = "How should I explain a new feeding schedule to anxious parents of a premature baby?"
    assert "RF7" not in codes(checker.check(msg(inside, addr="felix.brandt@cobaltworks.example"), nurse))


def test_rf7_engineering_manager_keeps_code_but_not_clusters() -> None:
    manager = ctx(expertise=("engineering management", "code review", "incident response", "on-call"))
    inside = "How should we structure code review so juniors get feedback within a day?"
    assert "RF7" not in codes(checker.check(msg(inside, addr="felix.brandt@cobaltworks.example"), manager))
    outside = "How would you tune our Kubernetes cluster autoscaling so the node pools scale up earlier?"
    hits = checker.check(msg(outside, addr="felix.brandt@cobaltworks.example"), manager)
    assert codes(hits) == {"RF7"}
    assert "cloud infrastructure and devops" in evidence(hits, "RF7")


def test_rf7_needs_an_expertise() -> None:
    body = "Could you advise me on VAT registration and the reverse-charge rule?"
    assert "RF7" not in codes(checker.check(msg(body, addr="felix.brandt@cobaltworks.example"), ctx(expertise=())))


def test_stranger_with_an_off_topic_question_gets_rf3_and_rf7() -> None:
    body = ("We're launching an app. Could you advise me on how to file a trademark and whether the patent "
            "covers the EU?")
    hits = checker.check(msg(body), ctx())
    assert {"RF3", "RF7"} <= codes(hits)
    assert checker.suggest(codes(hits)) == "scenario2"


# -------------------------------------------------------------------------------------------- tuning


def test_weight_zero_disables_a_rule_and_weights_override_points() -> None:
    m = msg("Could you forward my portfolio to your engineering manager?")
    assert "RF3" in codes(checker.check(m, ctx()))
    off = ctx(tuning=CheckerTuning(weights={"favour-from-stranger": 0}))
    assert "RF3" not in codes(checker.check(m, off))
    heavy = ctx(tuning=CheckerTuning(weights={"favour-from-stranger": 7.5}))
    assert [h.points for h in checker.check(m, heavy) if h.code == "RF3"] == [7.5]


def test_threshold_override() -> None:
    m = msg("Hi Tamsin, can we hop on a quick call next week?")
    assert "RF3" not in codes(checker.check(m, ctx()))
    low = ctx(tuning=CheckerTuning(thresholds={"RF3": 2.0}))
    hits = checker.check(m, low)
    assert rules_of(hits, "RF3") == {"time-from-stranger"}
    high = ctx(tuning=CheckerTuning(thresholds={"RF3": 50.0}))
    assert "RF3" not in codes(checker.check(msg("Could you refer me to your boss?"), high))


def test_extra_phrases_add_to_a_flag() -> None:
    m = msg("Let's talk about a synergy workshop for your org.", addr="felix.brandt@cobaltworks.example")
    assert checker.check(m, ctx()) == []
    tuned = ctx(tuning=CheckerTuning(extra_phrases={"RF1": ("synergy workshop",), "RF7": ("astrology",)}))
    hits = checker.check(m, tuned)
    assert rules_of(hits, "RF1") == {"selling-phrase"}
    assert 'matches your phrase "synergy workshop"' in evidence(hits, "RF1")
    q = msg("What would you recommend for learning astrology?", addr="felix.brandt@cobaltworks.example")
    assert "RF7" in codes(checker.check(q, tuned))


# ------------------------------------------------------------------------------- robustness, explain


@pytest.mark.parametrize(
    "m",
    [
        ParsedMessage(message_id=None, subject="", from_=None),
        ParsedMessage(message_id=None, subject="x", from_=Address(None, None), body_text=""),
        msg("?" * 5000 + "\x00\x1b[31m" + "could you " * 2000),
        msg("<html><body><p>Could you <b>refer me</b> to the hiring manager?</p></body></html>"),
    ],
)
def test_check_is_total(m: ParsedMessage) -> None:
    hits = checker.check(m, ctx())
    assert all(h.code in FLAG_SLUGS and h.slug == FLAG_SLUGS[h.code] for h in hits)


def test_html_left_in_the_body_is_read_as_text() -> None:
    m = msg("<html><body><p>Could you <b>refer me</b> to the hiring manager?</p></body></html>")
    hits = checker.check(m, ctx())
    assert "RF3" in codes(hits)
    assert "<b>" not in evidence(hits, "RF3")


def test_explain_lines_and_totals() -> None:
    m = msg("Could you refer me to your hiring manager? Could we set up a 20-minute call?")
    hits = checker.check(m, ctx())
    lines = checker.explain(hits)
    assert lines[0].startswith(" 3.0 RF3 favour-from-stranger")
    assert 'Asks a favour before you know them: asks: "Could you refer me to your hiring manager?" ' \
           "(a referral or introduction); no earlier mail with sam.okoye@postbox.example" in lines[0]
    assert lines[1].startswith(" 2.0 RF3 time-from-stranger")
    assert lines[-1] == " 5.0 RF3 total (premature-ask)"


def test_hits_carry_descriptions_and_known_rule_ids() -> None:
    hits = checker.check(msg("Our platform pricing starts at $9 per user; book a demo today."), ctx())
    assert hits
    for h in hits:
        assert checker.RULES[h.rule] == (h.code, h.description)


def test_reasoning_and_rules_tables() -> None:
    assert sorted(checker.REASONING) == [f"RF{i}" for i in range(1, 8)]
    for code, text in checker.REASONING.items():
        assert 2 <= text.count(". ") + 1 <= 3, code
    assert all(code in FLAG_SLUGS and desc for code, desc in checker.RULES.values())


def test_capacity_hits_and_suggest() -> None:
    c = ctx(accepted_30d=4, monthly_capacity=4, accepted_7d=1, weekly_limit=2)
    hits = checker.capacity_hits(c)
    assert [(h.code, h.evidence) for h in hits] == [("RF5", ("accepted 4 of 4 in the last 30 days",))]
    brk = ctx(on_break_until=date(2026, 1, 15), today=date(2026, 1, 15), accepted_7d=9, weekly_limit=2)
    assert [(h.code, h.rule) for h in checker.capacity_hits(brk)] == [("RF6", "on-break")]
    week = ctx(accepted_7d=2, weekly_limit=2, today=date(2026, 1, 16), on_break_until=date(2026, 1, 15))
    assert [h.evidence for h in checker.capacity_hits(week)] == [("accepted 2 of 2 in the last 7 days",)]
    assert checker.suggest(["RF7", "RF2"]) == "scenario2"
    assert checker.suggest({"RF6"}) == "scenario1"
    assert checker.suggest([]) == "accept"


def test_author_text_drops_quotes_forwards_and_signature() -> None:
    body = (
        "Top line.\n\nOn Tue, 3 Jun 2025 at 10:00, Someone <s@x.example>\nwrote:\n> quoted ask?\n\n"
        "-- \nSig line\n"
    )
    assert checker.author_text(body).strip() == "Top line."
    outlook = "Mine.\n\nFrom: A <a@x.example>\nSent: Monday\nTo: B\nSubject: x\n\nTheirs."
    assert checker.author_text(outlook).strip() == "Mine."


def test_stem_groups_word_forms() -> None:
    assert checker.stem("presentations") == checker.stem("presenting") == checker.stem("presentation")
    assert checker.stem("leadership") == checker.stem("leaders")


# ------------------------------------------------------- rule families in other trades (checker v3)
#
# Requests to people outside software, phrased unlike the dev corpus: a landscape designer, a dentist,
# a primary teacher, an accountant. The rules must follow the meaning of each red flag, not its words.

KNOWN = "friend@known.example"
GARDEN = ("landscape design", "planting plans", "garden restoration", "client consultations")
DENTIST = ("general dentistry", "paediatric dentistry", "practice management for dental clinics")
TEACHER = ("primary school teaching", "early years literacy", "classroom behaviour")
ARCHITECT = ("residential architecture", "planning applications", "heritage and listed buildings",
             "low-energy design")
CHEF = ("restaurant kitchen management", "menu development", "seasonal cooking", "food cost control")


def trade_codes(body: str, expertise: tuple[str, ...] = GARDEN, known: bool = False,
                subject: str = "Hello") -> set[str]:
    """The flags for ``body`` sent to a user with ``expertise`` by a known or unknown sender."""
    c = CheckContext(me="jo@studio.example", known_addresses=frozenset({KNOWN}), expertise=expertise)
    m = ParsedMessage(message_id="<t2@x.example>", subject=subject,
                      from_=Address("Sam Vale", KNOWN if known else "sam@stranger.example"), body_text=body)
    return codes(checker.check(m, c))


@pytest.mark.parametrize(
    ("body", "known"),
    [
        ("Verdant Tiles makes porous paving that drains in seconds. Prices from £38 per square metre + VAT, "
         "with free delivery over 50 m2.\n\nShall I post you a sample pack?", False),
        ("Our studio produces photoreal renders for landscape designers. Stills are €250 each and a "
         "fly-through is €1,200.\n\nHappy to send our portfolio if useful.", False),
        ("Big news: I've started my own irrigation business. For designers I offer a trade rate of 15% off "
         "every install, and I can invoice your clients directly.\n\nWant me to drop a brochure round?", True),
        ("PlotBook is a scheduling app for garden studios. Plans are $19 per user per month.\n\nWould a "
         "15-minute walkthrough next week suit you?", False),
        ("We would love to partner with you. Our partnership package is £500 a year and gets your studio "
         "listed on our directory.", False),
        ("We'd like to invite your firm to exhibit at the Small Business Expo. Exhibitor stands start from "
         "£1,950 + VAT.\n\nBook your stand now.", False),
    ],
)
def test_rf1_prices_in_any_currency_samples_brochures_and_known_pitches(body: str, known: bool) -> None:
    assert trade_codes(body, known=known) == {"RF1"}


def test_rf1_not_for_money_paid_to_the_user() -> None:
    body = "We'd like to invite you to speak at our spring conference. We cover travel and pay a £300 honorarium."
    assert trade_codes(body) == set()


@pytest.mark.parametrize(
    ("body", "expected", "known"),
    [
        # attesting more than was done
        ("I need 2 years of supervised practice signed off. I was only with your studio for about 8 months, "
         "but could you sign my logbook for the full two years? It's really just paperwork.", {"RF2"}, True),
        ("Would you be able to sign off my CPD log for this year? I've logged 35 hours but honestly I only "
         "attended about half of the courses.", {"RF2"}, True),
        ("Could you write a letter saying my son had a check-up with you in March? He didn't, but his school "
         "needs proof for the trip.", {"RF2"}, True),
        # endorsing what you have not tried
        ("We're launching our garden app. Could you write a short review for the app store? You wouldn't "
         "need to actually use it - I can send you some wording.", {"RF2", "RF3"}, False),
        ("We're opening a new clinic. Could you post a five-star Google review for us? You don't have to "
         "have been a patient.", {"RF2", "RF3"}, False),
        # other people's data without consent or review
        ("For my research could you send me the names, home addresses and phone numbers of your "
         "residential clients? There's no need to ask them first.", {"RF2", "RF3"}, False),
        ("Could you export a list of this term's pupils with their dates of birth? No need to involve the "
         "data protection officer.", {"RF2", "RF3"}, False),
        # someone else's confidential material, rivals' figures, quiet words, padded bills
        ("You designed the Harrow Court scheme when you were at Greenway. Could you send me the planting "
         "plans and the client's brief from that job? I'll keep them to myself.", {"RF2", "RF3"}, False),
        ("We're preparing a bid for the parks contract. Any chance you could tell me what the other practices "
         "quoted last year? No one needs to know it came from you.", {"RF2"}, True),
        ("My nephew is applying for the junior job at your practice. Could you have a quiet word with the "
         "hiring panel so he skips the first interview round?", {"RF2"}, True),
        ("The council will pay for 12 site visits. We only need to do six, so I'll invoice them for all "
         "twelve and we split the difference. OK with you?", {"RF2"}, True),
        ("Could we list you as our heritage consultant on the bid? You wouldn't actually have to do any "
         "work on it.", {"RF2"}, True),
    ],
)
def test_rf2_by_the_ethics_of_the_ask(body: str, expected: set[str], known: bool) -> None:
    assert trade_codes(body, known=known) == expected


def test_rf2_evidence_quotes_both_halves_of_a_false_attestation() -> None:
    body = ("Could you sign my logbook for the full two years?\n\nI was only with your studio for about 8 "
            "months, honestly.")
    c = CheckContext(me="jo@studio.example", known_addresses=frozenset({KNOWN}), expertise=GARDEN)
    hits = checker.check(ParsedMessage(message_id=None, subject="Logbook", from_=Address("A", KNOWN),
                                       body_text=body), c)
    ev = evidence(hits, "RF2")
    assert 'asks: "Could you sign my logbook for the full two years?"' in ev
    assert 'says: "I was only with your studio for about 8 months, honestly."' in ev


@pytest.mark.parametrize(
    "body",
    [
        "Could you sign the attendance sheet for Tuesday's training when you're in?",
        "I know we haven't worked together, but would you write me a reference for my chartership?",
        "Thanks for the review you left last spring - the client loved it.",
        "Could you share the slides from your public talk at the garden show?",
    ],
)
def test_rf2_not_for_honest_paperwork_references_or_public_material(body: str) -> None:
    assert "RF2" not in trade_codes(body, known=True)


@pytest.mark.parametrize(
    "body",
    [
        "I've put together a portfolio of my first three gardens. Could you look it over and tell me what "
        "you'd change?",
        "I'd love to run my planting scheme past you - would you cast an eye over it this week?",
        "A referral from you to the head of design at Greenway would really help my application.",
        "Would you be my mentor for the coming year? Even a monthly call would mean a lot.",
        "Do you have any room for a trainee in your studio? I'd happily work for free over the summer.",
        "Would you consider being a referee for my chartership application?",
        "I'd really value your eyes on my cover letter before the deadline.",
    ],
)
def test_rf3_review_mentor_and_noun_form_asks_from_strangers(body: str) -> None:
    assert trade_codes(body) == {"RF3"}
    assert "RF3" not in trade_codes(body, known=True)


@pytest.mark.parametrize(
    ("expertise", "body"),
    [
        (ARCHITECT, "Our landlord wants to raise the rent mid-tenancy. Is that allowed under our tenancy "
                    "agreement, and can they keep the deposit if we leave early?"),
        (ARCHITECT, "One of my staff wants four-day weeks after maternity leave. Do I have to agree, and what "
                    "does employment law say?"),
        (ARCHITECT, "My partner is moving here from Brazil; how long does a spouse visa take?"),
        (ARCHITECT, "I'd appreciate your view on something. The mortgage adviser says a tracker beats a fixed "
                    "rate. Which would you pick?"),
        (DENTIST, "I need some help understanding how the GDPR applies to the mailing list for my yoga studio."),
        (TEACHER, "Our school is moving to Google Workspace; should we migrate the shared drives ourselves or "
                  "hire an IT support company?"),
        (CHEF, "I'm thinking of patenting my hot sauce recipe. Is that possible or should I trademark the name?"),
        (ARCHITECT, "Could you tell me how to size a steel beam for a load-bearing wall?"),
    ],
)
def test_rf7_specialist_topics_in_any_profession(expertise: tuple[str, ...], body: str) -> None:
    assert trade_codes(body, expertise, known=True) == {"RF7"}


@pytest.mark.parametrize(
    ("expertise", "body"),
    [
        (ARCHITECT, "Could you give a talk to our students about your career? The audience would be second-"
                    "year students and we'd need slides by May."),
        (ARCHITECT, "How do you handle team feedback and one-on-ones in a small studio? Any tips for a new "
                    "manager?"),
        (ARCHITECT, "Which heat pump would you recommend for a passive house retrofit?"),
        (ARCHITECT, "Our developer client is asking what you think about the design; could you take a look?"),
        (CHEF, "How should we cost a new tasting menu so the food cost stays under 30 percent?"),
        (TEACHER, "Would you share the outline of your phonics curriculum and how you structure the "
                  "feedback sessions?"),
    ],
)
def test_rf7_never_on_everyday_words_or_questions_inside_the_expertise(expertise: tuple[str, ...],
                                                                      body: str) -> None:
    assert "RF7" not in trade_codes(body, expertise, known=True)


def test_rf7_topic_from_a_question_subject() -> None:
    assert trade_codes("Any thoughts?", ARCHITECT, known=True,
                       subject="Quick question about my tenancy deposit and my landlord") == {"RF7"}
    assert trade_codes("Any thoughts?", ARCHITECT, known=True, subject="Tenancy deposit") == set()


def test_rf7_not_on_a_pitch_that_asks_a_question() -> None:
    body = ("Still doing your practice's tax returns by hand? Our bookkeeping app files VAT for you, from £12 "
            "a month. Shall I set up a trial account?")
    assert trade_codes(body, ARCHITECT, known=True) == {"RF1"}


def test_engine_finds_every_match_a_plain_scan_finds() -> None:
    """The one-pass engine (first-word keys, combined lookaheads) must never miss a match that running each
    alternative with ``finditer`` would find; it may report more (overlapping) matches, all genuine."""
    texts = [
        "Would you be willing to sign off my CPD log? I only attended about half, it's just paperwork.",
        "our platform pricing starts at $9 per user per month + vat; book a demo today, 20% off.",
        "could you send me the e-mail addresses and phone numbers of your clients? i'll keep them to myself.",
        "hi! a quick 15-minute call? we supply windows; a visit to our showroom, free samples, a walkthrough.",
        "i'd really value your eyes on it - what you'd change, a referral from you, be my mentor?",
        "you wouldn't need to actually use it. leave a five-star google review. for every client you refer.",
    ]
    doc_low = [checker._sentences("Subject?", t).low for t in texts]
    for low in doc_low:
        words = checker._word_index(low, checker._WANT3)
        for phase, reg in checker._REGISTRY.items():
            got = checker._ENGINES[phase].run(low, *words)
            for rx in reg:
                plain = {m.start() for alt in rx.alts for m in alt.finditer(low)}
                found = {a for a, _b in got[rx.gid]}
                assert plain <= found, (rx.pats[0][:60], sorted(plain - found))
                for a in found - plain:
                    assert any(alt.match(low, a) for alt in rx.alts)


@pytest.mark.parametrize(
    ("body", "expected", "known"),
    [
        ("Is there any chance I could join your practice for my year out?", {"RF3"}, False),
        ("I'm preparing for my Part 3 exam. Would you be up for a quick mock interview one evening?", {"RF3"},
         False),
        ("Would you mind writing a short foreword for my self-published book on timber houses?", {"RF3"}, False),
        ("Could we name you as our conservation architect on the bid? We'd only call on you if we win, and "
         "probably not even then.", {"RF2", "RF3"}, False),
        ("Our client needs a heritage statement by Monday. Could you just sign the one our junior drafted? "
         "You won't have time to visit the site, but it's a standard one.", {"RF2"}, True),
        ("I'm selling my house and the buyer's surveyor flagged some cracking. Could you write a letter saying "
         "it's purely cosmetic? You won't need to come round, I'll send photos.", {"RF2"}, True),
        ("We'd like your project in our brochure. We'd say you chose our windows for their quality - no one "
         "will check.", {"RF2"}, True),
        ("Can you let me have the contact details of the owners of the houses you've worked on?", {"RF2", "RF3"},
         False),
        ("Would you like to be a partner architect on our marketplace? Homeowners book consultations through "
         "us and we take a 20% commission on every booking.", {"RF1"}, False),
        ("It's Dan from the old office! I've set up a small rendering business and I'm offering friends a "
         "launch discount - £150 per view. Shall I send a couple of examples?", {"RF1"}, True),
    ],
)
def test_more_phrasings_of_each_flag(body: str, expected: set[str], known: bool) -> None:
    assert trade_codes(body, ARCHITECT, known=known) == expected


@pytest.mark.parametrize(
    ("body", "known"),
    [
        ("We'd be delighted if you could join our judging panel in June. Judges receive a £250 fee and lunch.",
         False),
        ("I run the local Passivhaus meetup. Our next session is free and open to all. Would you like me to add "
         "you to the mailing list?", False),
        ("I'm a journalist writing about low-energy homes. Would you be willing to be quoted on why retrofits "
         "matter?", False),
        ("Please find attached the signed contract and our deposit invoice as discussed.", True),
        ("We're updating our website and would love to feature the Brook Street project with a photo credit "
         "to your practice. Is that OK with you?", True),
        ("Reminder: the heritage forum meets on 31 March. The agenda is online at the usual link.", False),
    ],
)
def test_ordinary_mail_in_another_trade_gets_no_flag(body: str, known: bool) -> None:
    assert trade_codes(body, ARCHITECT, known=known) == set()


def test_relay_person_matched_to_the_lists_by_name() -> None:
    via = Via("invitations@circlenet.example", "notification", "Circlenet", None, None)
    # network_warnings "dana.kite@postbox.example": the relay names Dana Kite but gives no address
    hits = checker.check(msg("Let's connect!", "Dana Kite wants to connect", "Dana Kite", None, via=via), ctx())
    assert rules_of(hits, "RF4") == {"network-warning"}
    assert '"Dana Kite" (by name) matches network_warnings "dana.kite@postbox.example"' in evidence(hits, "RF4")
    # reputation_watch "lars@pumpco.example" belongs to the contact named Lars Pump
    c = ctx(contacts={"lars@pumpco.example": ContactInfo("lars@pumpco.example", "Lars Pump", "neutral", None)})
    hits = checker.check(msg("Hello there", "Lars Pump sent you a message", "Lars Pump", None, via=via), c)
    assert rules_of(hits, "RF2") == {"reputation-watch"}
    # a one-word name or a domain pattern never matches by name
    assert checker.check(msg("Hi", "Dana wants to connect", "Dana", None, via=via), ctx()) == []


# --- RF3 generic asks: request grammar addressed to the reader, not favour phrases -------------------------


@pytest.mark.parametrize(
    "body",
    [
        # a glassblower, a paramedic, a translator, a data librarian, a stonemason: verbs no favour list names
        "I was hoping you could lend us your kiln logbook for the weekend.",
        "Would you be willing to supervise my capstone audit on ambulance handovers?",
        "I'd be grateful if you could proofread the Portuguese version of our brochure.",
        "Is it possible for you to certify that my dataset meets your repository's standard?",
        "Any chance you could give my apprentice a morning of your time at the quarry?",
        "Would you consider serving as my referee for the guild membership?",
        "Please circulate my fellowship notice among your trainees.",
        "Do you mind checking my load calculations for the arch?",
    ],
)
def test_rf3_generic_request_grammar_from_a_stranger(body: str) -> None:
    hits = checker.check(msg("Hello,\n\n" + body + "\n\nRegards,\nSam"), ctx())
    assert "RF3" in codes(hits), body
    assert "a request addressed to you" in evidence(hits, "RF3") or "asks" in evidence(hits, "RF3")


@pytest.mark.parametrize(
    "body",
    [
        "Would you be willing to give a seminar in our lecture series next spring?",
        "Would you be open to collaborating on the next grant round?",
        "Would you be open to hearing about a senior role at a client of mine?",
        "Would you like a free sample of our new glaze range?",
        "Could you update your listing on our platform before Friday?",
        "Please accept my apologies for writing out of the blue.",
        "Please feel free to ignore this if you're busy.",
        "Would you be available to speak on a panel at our summit?",
        "Could you lend us a hand? We'd pay the usual fee, of course.",
        "Should we set up a time to talk next week?",
    ],
)
def test_rf3_generic_grammar_not_for_offers_invitations_or_courtesy(body: str) -> None:
    assert "RF3" not in codes(checker.check(msg("Hello,\n\n" + body + "\n\nRegards,\nSam"), ctx())), body


def test_rf3_generic_ask_in_quoted_text_is_ignored() -> None:
    body = "Noted, thanks.\n\nOn Mon, 3 Mar 2025, Sam wrote:\n> Could you proofread my thesis chapter?\n"
    assert "RF3" not in codes(checker.check(msg(body), ctx()))


def test_rf3_generic_ask_needs_a_stranger() -> None:
    body = "I was hoping you could lend us your kiln logbook for the weekend."
    assert "RF3" not in codes(checker.check(msg(body, addr="felix.brandt@cobaltworks.example"), ctx()))


# --- RF7: broad expertise words, specialist vocabulary, the subject names the question's topic ------------

KNOWN = "felix.brandt@cobaltworks.example"


def test_rf7_broad_expertise_word_does_not_cover_a_whole_domain() -> None:
    # "compliance" in a fire-safety engineer's expertise is not data-protection law
    fire = ctx(expertise=("fire safety engineering", "fire code compliance", "evacuation modelling"))
    body = ("Hi,\n\nOur club keeps members' emergency contacts on a spreadsheet. Are we breaking GDPR by "
            "keeping them after people leave, and do we need a data processing agreement with the host?\n\nAli")
    hits = checker.check(msg(body, addr=KNOWN), fire)
    assert "RF7" in codes(hits)
    assert "gdpr" in evidence(hits, "RF7").lower()


def test_rf7_charity_and_business_sale_vocabulary() -> None:
    dentist = ctx(expertise=("restorative dentistry", "paediatric dentistry", "running a dental practice"))
    charity = ("Hi,\n\nWe want a trading subsidiary for the café. Can its profits be gift-aided to the charity, "
               "and do we need the Charity Commission's permission to lend it money?\n\nBea")
    assert "RF7" in codes(checker.check(msg(charity, addr=KNOWN), dentist))
    chef = ctx(expertise=("french cuisine", "menu development", "running a restaurant kitchen"))
    sale = ("Hi,\n\nA chain wants to buy my bakery. Is four times EBITDA fair, and should I accept an earn-out "
            "or insist on cash?\n\nTom")
    hits = checker.check(msg(sale, addr=KNOWN), chef)
    assert "RF7" in codes(hits)
    assert "business sale and acquisitions" in evidence(hits, "RF7")


def test_rf7_not_for_own_field_in_new_vocabulary() -> None:
    # a charity lawyer asked about Gift Aid is inside their expertise
    lawyer = ctx(expertise=("charity law", "gift aid and charity tax", "trustee governance"))
    body = "Hi,\n\nCan a trading subsidiary's profits be gift-aided back to the charity each year?\n\nBea"
    assert "RF7" not in codes(checker.check(msg(body, addr=KNOWN), lawyer))


def test_rf7_subject_names_the_topic_of_a_later_paragraph() -> None:
    planner = ctx(expertise=("urban planning", "conservation areas", "planning appeals"))
    body = ("Dear Jo,\n\nThanks for the notes on the conservation area.\n\n"
            "Separately: how long may we keep respondents' addresses under GDPR?\n\nBest,\nRa")
    hits = checker.check(msg(body, subject="Data protection question", addr=KNOWN), planner)
    assert "RF7" in codes(hits)


# --- RF2 generic ethics signs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # a surveyor: certify unfinished work, hidden from the client
        "Could you sign off the roof as complete this week? A couple of flashing jobs are still outstanding, but "
        "we'll finish them next month and the client won't notice.",
        # a teacher: another school's exam material, kept quiet
        "Would you be able to forward the mark schemes for your mock papers? I'd keep them strictly to myself.",
        # a grant reviewer: someone else's renewal, confidentiality acknowledged
        "I know these are confidential, but could you send me Dr Ito's grant renewal so I can see the format?",
        # a landscaper: another customer's plans, without telling them
        "Can you email me the planting plans for the Rowes' garden? No need to mention it to the Rowes.",
        # a lab scientist: images altered to look cleaner
        "Could you touch up the western blot images so the bands look cleaner for the resubmission?",
        # a sound engineer: charging for more than is done
        "We'll quote the festival for four stage crews and only send three, then split the difference.",
        "Please make up the missing readings for week six so the series is complete.",
    ],
)
def test_rf2_generic_ethics_signs(body: str) -> None:
    hits = checker.check(msg("Hello,\n\n" + body + "\n\nBest,\nSam", addr=KNOWN), ctx())
    assert "RF2" in codes(hits), body


@pytest.mark.parametrize(
    "body",
    [
        "Could you send me the slides from your talk? I'd love to share them with my team.",
        "Could you sign off the roof as complete? Everything was finished on Friday and inspected on Monday.",
        "I know we haven't worked together, but would you write me a letter of recommendation?",
        "Could you adjust the brightness of the whole figure evenly, as the journal asks?",
        "Please keep this between us for now - I'm moving jobs and could use your advice on the notice period.",
    ],
)
def test_rf2_generic_signs_not_for_ordinary_asks(body: str) -> None:
    assert "RF2" not in codes(checker.check(msg("Hello,\n\n" + body + "\n\nBest,\nSam", addr=KNOWN), ctx())), body
