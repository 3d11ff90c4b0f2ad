"""The red-flag checker (mailsync.checker): facts exactly, learned judgments on clear cases, tuning, explain,
learning from the user.

The user here is deliberately unlike the corpus recipients: a site-reliability engineer. The judgment tests use
clear-cut requests written for these tests (the corpus measures the hard ones: corpus/train.py).
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
    UserExample,
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



# ------------------------------------------------------------------------------------------ facts (exact)


def test_rf2_reputation_watch_domain_and_address() -> None:
    hits = checker.check(msg("Hi, nice talk!", addr="promo@FastCert.example"), ctx())
    assert "RF2" in codes(hits) and "reputation-watch" in rules_of(hits, "RF2")
    ev = evidence(hits, "RF2")
    assert 'promo@fastcert.example matches reputation_watch "*@fastcert.example": sells certificates without exams' \
        in ev
    hits = checker.check(msg("Hi there.", addr="Lars@PumpCo.example"), ctx())
    assert "crypto pump scheme" in evidence(hits, "RF2")


def test_rf2_watch_domain_does_not_match_subdomains_or_lookalikes() -> None:
    for addr in ("promo@mail.fastcert.example", "promo@notfastcert.example", "lars2@pumpco.example"):
        assert "reputation-watch" not in rules_of(checker.check(msg("Hi, nice talk!", addr=addr), ctx()), "RF2")


def test_own_address_is_never_flagged() -> None:
    body = "Could you refer me to the hiring manager? Our platform pricing starts at $5 per seat."
    assert checker.check(msg(body, addr="Tamsin@Oduya-SRE.example"), ctx()) == []


def test_rf4_negative_contact_with_its_note() -> None:
    hits = checker.check(msg("Fancy a coffee next week?", "coffee", "Rex Marlow", "REX@hollowgate.example"), ctx())
    assert "RF4" in codes(hits)
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


ASK = "Hi Tamsin,\n\nCould you refer me to the hiring manager for the SRE opening on your team?\n\nThanks,\nSam"


def test_rf3_for_a_stranger_names_the_ask_and_the_missing_history() -> None:
    hits = checker.check(msg(ASK), ctx())
    assert "RF3" in codes(hits), checker.explain(hits)
    ev = evidence(hits, "RF3")
    assert 'ask ' in ev and "refer me to the hiring manager" in ev
    assert "no earlier mail with sam.okoye@postbox.example" in ev


def test_rf3_not_for_known_people_case_insensitive() -> None:
    assert "RF3" not in codes(checker.check(msg(ASK, addr="Felix.Brandt@CobaltWorks.example"), ctx()))
    known = ctx(known_addresses=frozenset({"jonas.weber@quietpost.example"}))
    assert "RF3" not in codes(checker.check(msg(ASK, addr="jonas.weber@quietpost.example"), known))


def test_rf3_a_reply_to_mail_the_user_sent_is_known_a_bare_re_is_not() -> None:
    sent = ctx(known_threads=frozenset({"<mine-1@oduya-sre.example>"}))
    assert "RF3" not in codes(checker.check(msg(ASK, "Re: the opening", in_reply_to="<mine-1@oduya-sre.example>"),
                                            sent))
    assert "RF3" in codes(checker.check(msg(ASK, "Re: the opening", in_reply_to="<zz@x.example>"), sent))


def test_rf3_known_cc_does_not_make_the_sender_known() -> None:
    m = msg(ASK, cc=(Address("Felix Brandt", "felix.brandt@cobaltworks.example"),))
    assert "RF3" in codes(checker.check(m, ctx()))


def test_rf3_notification_person_matched_by_name() -> None:
    via = Via("messages-noreply@circlenet.example", "notification", "Circlenet", None, "SRE at Cobalt")
    known = msg(ASK, "Felix Brandt sent you a message", "Felix Brandt", None, via=via)
    assert "RF3" not in codes(checker.check(known, ctx()))
    stranger = msg(ASK, "Mo Diallo sent you a message", "Mo Diallo", None, via=via)
    hits = checker.check(stranger, ctx())
    assert "RF3" in codes(hits)
    assert 'no earlier mail with "Mo Diallo" (via Circlenet)' in evidence(hits, "RF3")


def test_an_ask_quoted_or_forwarded_for_someone_else_is_not_the_senders() -> None:
    quoted = "Sounds good, see you then.\n\nOn Mon, 2 Jun 2025, Noor wrote:\n> Could you refer me to your boss?\n"
    assert "RF3" not in codes(checker.check(msg(quoted, "Re: hello"), ctx()))
    assert checker.author_text(quoted).strip() == "Sounds good, see you then."


def test_author_text_drops_quotes_forwards_and_signature() -> None:
    body = ("Thanks, that helps.\n-- \nSam Okoye\nCTO\n\n---------- Forwarded message ---------\nFrom: x\n"
            "Could you refer me?")
    assert checker.author_text(body).strip() == "Thanks, that helps."
    fwd = "FYI below.\n\n-----Original Message-----\nFrom: Noor\nSent: Monday\nTo: Sam\nSubject: x\n\nhi"
    assert "Noor" not in checker.author_text(fwd)


# ------------------------------------------------------------------------------- judgments (clear cases)

PITCH = (
    "Hi Tamsin,\n\nOur platform cuts cloud monitoring bills by 40%. Plans start at $99 per month and every "
    "plan includes a free 14-day trial. Teams like Acme and Globex switched last quarter and saved thousands. "
    "Book a 15-minute demo with our sales team here: https://cal.example/demo\n\nBest,\nDerek, Account Executive"
)


def test_rf1_a_plain_pitch_with_its_sentences_and_definition() -> None:
    hits = checker.check(msg(PITCH, "Cut your monitoring bill"), ctx())
    assert "RF1" in codes(hits), checker.explain(hits)
    ev = evidence(hits, "RF1")
    assert "sentences are about their offer" in ev and "offer 0." in ev


def test_rf1_not_for_a_personal_note_from_a_peer() -> None:
    body = ("Hi Tamsin, we met at the SRE guild meetup in March, where you talked about error budgets. "
            "I started using your postmortem template with my team and it changed how we review incidents. "
            "Just wanted to say thanks.")
    assert "RF1" not in codes(checker.check(msg(body, "Thanks"), ctx()))


def test_rf2_an_ask_to_fake_a_review() -> None:
    body = ("Hi Tamsin, we launched our on-call app last week. Could you post a five-star review on the store "
            "saying you've used it for a year? You haven't tried it, but I'll write the review for you.")
    hits = checker.check(msg(body, "A small favour"), ctx())
    assert "RF2" in codes(hits), checker.explain(hits)
    assert "ethics-bending-ask" in rules_of(hits, "RF2")
    assert "unethical 0." in evidence(hits, "RF2")


def test_rf7_a_question_far_from_the_expertise_names_the_closest_phrase() -> None:
    body = ("Hi Tamsin, you helped my brother last year. I'm selling my late mother's house and I don't know how "
            "the inheritance tax is calculated on the sale. How much will I owe the tax office?")
    hits = checker.check(msg(body, "tax question", addr="felix.brandt@cobaltworks.example"), ctx())
    assert "RF7" in codes(hits), checker.explain(hits)
    ev = evidence(hits, "RF7")
    assert 'topic "' in ev and "closest:" in ev and "similarity" in ev
    assert "RF3" not in codes(hits)  # a known person


def test_rf7_not_for_a_question_inside_the_expertise() -> None:
    body = ("Hi Tamsin, quick one: how do you set alerting thresholds for a Kubernetes cluster so on-call "
            "engineers are not paged for every short latency spike?")
    hits = checker.check(msg(body, "alerting", addr="felix.brandt@cobaltworks.example"), ctx())
    assert "RF7" not in codes(hits), checker.explain(hits)


def test_rf7_needs_an_expertise() -> None:
    body = "How is inheritance tax calculated when I sell my late mother's house?"
    assert "RF7" not in codes(checker.check(msg(body, addr="felix.brandt@cobaltworks.example"), ctx(expertise=())))


def test_a_known_friend_saying_hello_gets_no_flag() -> None:
    body = "Hi Tamsin! Great to see you at the conference. Let's grab lunch when you're back in town."
    assert checker.check(msg(body, "lunch", addr="felix.brandt@cobaltworks.example"), ctx()) == []


@pytest.mark.parametrize("m", [
    msg(""), msg("\x00\x1b[31m" * 50), msg("?" * 10000), msg("a. " * 5000, "x" * 5000),
    ParsedMessage(message_id=None, subject="", from_=None),
])
def test_check_is_total(m: ParsedMessage) -> None:
    assert isinstance(checker.check(m, ctx()), list)


def test_check_many_equals_check_one_by_one() -> None:
    ms = [msg(PITCH), msg(ASK), msg("Hello there", addr="sara@grabbyhire.example")]
    assert checker.check_many(ms, ctx()) == [checker.check(m, ctx()) for m in ms]
    assert checker.check_many([], ctx()) == []


# ---------------------------------------------------------------------------------------- tuning, explain


def test_weight_zero_disables_a_rule_and_weights_scale_points() -> None:
    off = ctx(tuning=CheckerTuning(weights={"favour-from-stranger": 0.0}))
    assert "RF3" not in codes(checker.check(msg(ASK), off))
    base = [h for h in checker.check(msg(ASK), ctx()) if h.code == "RF3"][0]
    doubled = ctx(tuning=CheckerTuning(weights={"favour-from-stranger": 2.0}))
    twice = [h for h in checker.check(msg(ASK), doubled) if h.code == "RF3"][0]
    assert twice.points == pytest.approx(2 * base.points, abs=0.11)


def test_threshold_override() -> None:
    points = [h for h in checker.check(msg(ASK), ctx()) if h.code == "RF3"][0].points
    assert "RF3" not in codes(checker.check(msg(ASK), ctx(tuning=CheckerTuning(thresholds={"RF3": points + 0.2}))))
    assert "RF3" in codes(checker.check(msg(ASK), ctx(tuning=CheckerTuning(thresholds={"RF3": points - 0.2}))))


def test_user_phrases_are_explicit_rules() -> None:
    t = CheckerTuning(extra_phrases={"RF1": ("our agency",), "RF7": ("bird migration",)})
    hits = checker.check(msg("Hi Tamsin, our agency would love to chat."), ctx(tuning=t))
    assert "selling-phrase" in rules_of(hits, "RF1")
    assert 'says "our agency" (your RF1 phrase)' in evidence(hits, "RF1")
    hits = checker.check(msg("Do you study bird migration?", addr="felix.brandt@cobaltworks.example"), ctx(tuning=t))
    assert "RF7" in codes(hits)


def test_explain_lines_and_totals() -> None:
    hits = checker.check(msg("Hi", addr="sara@grabbyhire.example"), ctx())
    lines = checker.explain(hits)
    assert lines[0].startswith("10.0 RF4 network-warning")
    assert lines[-1] == "10.0 RF4 total (bad-history)"


def test_reasoning_and_rule_descriptions_cover_every_flag() -> None:
    assert set(checker.REASONING) == set(FLAG_SLUGS)
    assert {code for code, _d in checker.RULES.values()} == set(FLAG_SLUGS)
    hits = checker.check(msg(PITCH), ctx())
    assert all(h.description and h.rule in checker.RULES for h in hits)


def test_capacity_hits_and_suggest() -> None:
    c = ctx(accepted_30d=4, monthly_capacity=4, accepted_7d=1, weekly_limit=2, today=date(2026, 3, 1))
    assert [h.code for h in checker.capacity_hits(c)] == ["RF5"]
    c = ctx(on_break_until=date(2026, 3, 10), today=date(2026, 3, 1))
    assert [h.rule for h in checker.capacity_hits(c)] == ["on-break"]
    assert checker.capacity_hits(ctx(on_break_until=date(2026, 2, 1), today=date(2026, 3, 1))) == []
    assert checker.suggest(["RF7"]) == "scenario1"
    assert checker.suggest(["RF7", "RF3"]) == "scenario2"
    assert checker.suggest([]) == "accept"


# --------------------------------------------------------------------------------- learning from the user


def test_corrections_move_similar_mail_and_say_so() -> None:
    ask = msg(ASK)
    vec = checker.message_vector(ask)
    from mailsync.checker.judgments import LEARN_DIM

    assert len(vec) == LEARN_DIM and abs(sum(x * x for x in vec) - 1.0) < 1e-3
    dismissed = ctx(user_examples=tuple(UserExample(vec, "RF3", False) for _ in range(3)))
    assert "RF3" not in codes(checker.check(ask, dismissed))
    added = ctx(user_examples=(UserExample(checker.message_vector(msg(PITCH)), "RF7", True),),
                tuning=CheckerTuning(thresholds={"RF7": 0.1}))
    assert "RF3" in codes(checker.check(ask, added))  # another flag's example changes nothing here


def test_a_request_is_never_its_own_example() -> None:
    ask = msg(ASK)
    own = ctx(user_examples=tuple(UserExample(checker.message_vector(ask), "RF3", False, "<t1@postbox.example>")
                                  for _ in range(3)))
    assert "RF3" in codes(checker.check(ask, own))


def test_a_dissimilar_example_changes_nothing() -> None:
    far = checker.message_vector(msg("The quarterly garden party is on Saturday; bring a cake.", "party"))
    before = checker.check(msg(ASK), ctx())
    after = checker.check(msg(ASK), ctx(user_examples=(UserExample(far, "RF3", False),)))
    assert after == before


def test_nudge_counts_and_direction() -> None:
    import numpy as np

    from mailsync.checker.learn import nudge

    v = np.zeros(256)
    v[0] = 1.0
    ex = (UserExample(tuple(v), "RF1", True), UserExample(tuple(v), "RF1", True), UserExample(tuple(v), "RF3", False))
    n = nudge(0.3, "RF1", v, ex)
    assert n.like_present == 2 and n.like_absent == 0 and n.probability > 0.9
    assert nudge(0.3, "RF2", v, ex).probability == 0.3
