"""parse(): small hand-written messages, one per failure kind met in real mail (our own bytes, no fixtures)."""

from __future__ import annotations

import base64
import dataclasses
import email.policy
import random
from datetime import UTC, datetime

import pytest

from mailsync.mail.addresses import is_valid_address, parse_address_list
from mailsync.mail.decode import MAX_DEPTH, NO_BODY, codec_for, decode_bytes, decode_words, parse_date
from mailsync.mail.parse import parse, parse_with
from mailsync.types import Address, ParsedMessage


def mail(headers: str | bytes, body: bytes | str = b"Hello there.\n", *, blank_line: bool = True) -> bytes:
    """Raw message bytes: ``headers`` (one per line, "\\n" separated) + blank line + ``body``, CRLF endings."""
    h = headers.encode("utf-8") if isinstance(headers, str) else headers
    b = body.encode("utf-8") if isinstance(body, str) else body
    h = b"\r\n".join(h.strip(b"\n").split(b"\n"))
    b = b"\r\n".join(b.split(b"\n"))
    return h + (b"\r\n\r\n" if blank_line else b"\r\n") + b


def all_strings(p: ParsedMessage) -> list[str]:
    """Every str reachable in a ParsedMessage (for the no-surrogate/no-NUL checks)."""
    out: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, tuple | list):
            for x in v:
                walk(x)
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            for f in dataclasses.fields(v):
                walk(getattr(v, f.name))

    walk(p)
    return out


def assert_storable(p: ParsedMessage) -> None:
    for s in all_strings(p):
        s.encode("utf-8")  # raises on a lone surrogate
        assert "\x00" not in s


# --- charsets ------------------------------------------------------------------------------------------------


def test_charset_alias_ks_c_5601_1987_decodes_korean() -> None:
    text = "안녕하세요, 만나서 반갑습니다"
    raw = mail("From: kim@example.kr\nSubject: hi\nContent-Type: text/plain; charset=\"ks_c_5601-1987\"\n"
               "Content-Transfer-Encoding: 8bit", text.encode("cp949"))
    p = parse(raw)
    assert p.body_text == text
    assert p.warnings == ()


def test_unknown_charset_with_utf8_bytes_reads_utf8() -> None:
    raw = mail("From: a@example.com\nContent-Type: text/plain; charset=X-UNKNOWN\nContent-Transfer-Encoding: 8bit",
               "Envoyé depuis mon téléphone".encode())
    p = parse(raw)
    assert p.body_text == "Envoyé depuis mon téléphone"


def test_bogus_charset_with_latin1_bytes_falls_back_to_cp1252() -> None:
    raw = mail("From: a@example.com\nContent-Type: text/plain; charset=no-such-charset-42\n"
               "Content-Transfer-Encoding: 8bit", "Café – crème".encode("cp1252"))
    p = parse(raw)
    assert p.body_text == "Café – crème"
    assert any("unknown charset 'no-such-charset-42'" in w for w in p.warnings)


def test_gb2312_declared_but_utf8_body_is_read_as_utf8() -> None:
    text = "你好，我们想请你吃饭"
    raw = mail("From: a@example.cn\nContent-Type: text/plain; charset=\"GB2312\"\nContent-Transfer-Encoding: 8bit",
               text.encode("utf-8"))
    p = parse(raw)
    assert p.body_text == text
    assert any("declared but the text is UTF-8" in w for w in p.warnings)


def test_real_gb2312_body_still_decodes() -> None:
    text = "你好，我们想请你吃饭"
    raw = mail("From: a@example.cn\nContent-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: 8bit",
               text.encode("gb2312"))
    assert parse(raw).body_text == text


def test_iso_2022_jp_body_and_subject() -> None:
    subj = "会議の件"
    ew = "=?ISO-2022-JP?B?" + base64.b64encode(subj.encode("iso2022_jp")).decode() + "?="
    raw = mail(f"From: a@example.jp\nSubject: {ew}\nContent-Type: text/plain; charset=ISO-2022-JP",
               "よろしくお願いします".encode("iso2022_jp"))
    p = parse(raw)
    assert p.subject == subj
    assert p.body_text == "よろしくお願いします"


def test_codec_for_aliases_and_refusals() -> None:
    assert codec_for("KS_C_5601-1987") == "cp949"
    assert codec_for('"gb2312"') == "gb18030"
    assert codec_for("us-ascii") == "cp1252"
    assert codec_for("utf-8*en") == "utf-8"
    assert codec_for("x-unknown") is None
    assert codec_for("base64") is None  # a bytes-to-bytes codec, not a charset
    assert codec_for("unicode_escape") is None  # would interpret backslashes in the text
    assert codec_for("no-such") is None


def test_decode_bytes_replacement_when_known_charset_has_bad_bytes() -> None:
    text, warning = decode_bytes("가나".encode("cp949") + b"\xff\xfe", "euc-kr")
    assert text.startswith("가나")
    assert warning == "bytes invalid in charset 'euc-kr'"


# --- headers ---------------------------------------------------------------------------------------------------


def test_rfc2047_subject_split_multibyte_and_whitespace_between_words() -> None:
    data = "Grüße aus Köln".encode()
    # split the UTF-8 bytes inside "ü": each word alone is invalid UTF-8
    a, b = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    raw = mail(f"From: a@example.de\nSubject: =?utf-8?B?{a}?=\n =?UTF-8?B?{b}?=")
    assert parse(raw).subject == "Grüße aus Köln"


def test_rfc2047_mixed_plain_and_words_and_q_encoding() -> None:
    text, warns = decode_words('Re: Fwd: =?utf-8?q?caf=C3=A9_time?= and =?iso-8859-1?Q?na=EFve?= end')
    assert text == "Re: Fwd: café time and naïve end"
    assert warns == []


def test_rfc2047_bogus_charset_and_bad_base64_padding() -> None:
    raw = mail("From: a@example.com\nSubject: =?NONE?B?SGVsbG8=?=")  # "Hello" with one "=" too few
    assert parse(raw).subject == "Hello"


def test_undecodable_word_is_left_as_is() -> None:
    text, _ = decode_words("see =?utf-8?B?!!!?= here")
    assert text == "see =?utf-8?B?!!!?= here"


def test_raw_utf8_headers_rfc6532() -> None:
    raw = mail('From: "Zoë Ångström" <zoë@exämple.org>\nTo: Jürgen <jürgen@exämple.org>\nSubject: Grüß dich')
    p = parse(raw)
    assert p.subject == "Grüß dich"
    assert p.from_ == Address("Zoë Ångström", "zoë@exämple.org")
    assert p.to == (Address("Jürgen", "jürgen@exämple.org"),)


def test_raw_latin1_subject_falls_back_to_cp1252() -> None:
    raw = mail(b"From: a@example.pt\nSubject: Informa\xe7\xe3o \x96 ver\xe3o")
    p = parse(raw)
    assert p.subject == "Informação – verão"
    assert_storable(p)


def test_8bit_display_name_and_empty_reply_to_is_ignored() -> None:
    raw = mail(b'From: no-reply@shop.example\nReply-To: "M\xc3\xbcller, Hans" <>\nSubject: x')
    p = parse(raw)
    assert p.from_ == Address(None, "no-reply@shop.example")
    assert p.reply_to == ()
    assert any("reply-to: 1 entries without a valid address ignored" in w for w in p.warnings)


def test_surrogates_never_escape_from_8bit_address_headers() -> None:
    raw = mail(b"From: =?utf-8?q?Li?= <li@example.org>\nTo: d\xe4ngl\xfce@example.com, \xff\xfe@x.org\n"
               b"Cc: \"\xe9t\xe9\" <ete@example.org>\nSubject: \xc3\x28 broken utf8\nX-Junk: \x80\x81")
    p = parse(raw)
    assert_storable(p)
    assert p.to[0].address == "dänglüe@example.com"
    assert p.cc == (Address("été", "ete@example.org"),)


def test_from_with_two_addresses_and_no_comma() -> None:
    raw = mail("From: pat@example.org chris@example.org\nTo: a@example.org b@example.org\nSubject: two")
    p = parse(raw)
    assert p.from_ == Address(None, "pat@example.org")
    assert p.to == (Address(None, "a@example.org"), Address(None, "b@example.org"))
    assert "From holds 2 addresses: the first is used" in p.warnings


def test_display_name_that_is_another_address_is_kept_as_name() -> None:
    raw = mail("From: boss@bank.example <crook@evil.example>\nReply-To: help@bank.example <drop@evil.example>\n"
               "Cc: x@y.example <z@w.example>")
    p = parse(raw)
    assert p.from_ == Address("boss@bank.example", "crook@evil.example")
    assert p.reply_to == (Address("help@bank.example", "drop@evil.example"),)
    assert p.cc == (Address("x@y.example", "z@w.example"),)


def test_address_list_forms() -> None:
    addrs, warns = parse_address_list(
        ' , "Doe, Jane" <jane@example.org>, bob@example.org (Bob Roe), Team: ann@example.org, '
        "<@relay.example:cy@example.org>;, Undisclosed recipients:;, Sam Lee <sam@example.org>,"
    )
    assert addrs == [
        Address("Doe, Jane", "jane@example.org"),
        Address("Bob Roe", "bob@example.org"),
        Address(None, "ann@example.org"),
        Address(None, "cy@example.org"),
        Address("Sam Lee", "sam@example.org"),
    ]
    assert warns == []


def test_to_drops_entries_without_a_domain_and_keeps_the_rest() -> None:
    raw = mail("From: a@example.org\nTo: , first@example.org, <Undisclosed-Recipient:@list.example;>, "
               "second@example.org,\nSubject:")
    p = parse(raw)
    assert p.to == (Address(None, "first@example.org"), Address(None, "second@example.org"))
    assert p.subject == ""


def test_is_valid_address() -> None:
    assert is_valid_address("a.b+c@example.org")
    assert is_valid_address("jürgen@exämple.org")
    assert not is_valid_address(None)
    assert not is_valid_address("")
    assert not is_valid_address("date")
    assert not is_valid_address("@example.org")
    assert not is_valid_address("a@")
    assert not is_valid_address("a b@example.org")


def test_huge_address_header_is_bounded() -> None:
    words = "\n\t".join("=?utf-8?Q?item=3E2026-01-01=3C/x?=" for _ in range(4000))
    many = ", ".join(f"p{i}@example.org" for i in range(1500))
    raw = mail(f"From: a@example.org\nTo: t <t@example.org>,\n\t{words}\nCc: {many}\nSubject: s")
    p = parse(raw)
    assert p.to == (Address("t", "t@example.org"),)
    assert len(p.cc) == 1000
    assert any("cut to 1000 entries" in w for w in p.warnings)


def test_message_id_threading_and_auto_submitted_headers() -> None:
    raw = mail("From: a@example.org\nSender: List Bot <bot@lists.example>\nMessage-ID:   <m1@example.org>  \n"
               "In-Reply-To: <p0@example.org> (from Jo)\nReferences: <r1@example.org>\n <p0@example.org>\n"
               "Auto-Submitted: auto-replied\nPrecedence: normal")
    p = parse(raw)
    assert p.message_id == "<m1@example.org>"
    assert p.in_reply_to == "<p0@example.org>"
    assert p.references == ("<r1@example.org>", "<p0@example.org>")
    assert p.sender_header == Address("List Bot", "bot@lists.example")
    assert p.auto_submitted is True


@pytest.mark.parametrize(
    ("headers", "expected"),
    [("Auto-Submitted: no", False), ("Precedence: bulk", True), ("Precedence: list", True),
     ("Precedence: junk", True), ("Auto-Submitted: auto-generated; owner=x", True), ("X-Other: 1", False)],
)
def test_auto_submitted_rules(headers: str, expected: bool) -> None:
    assert parse(mail(f"From: a@example.org\n{headers}")).auto_submitted is expected


def test_empty_message_id_is_none() -> None:
    assert parse(mail("From: a@example.org\nMessage-ID:  ")).message_id is None
    assert parse(mail("From: a@example.org")).message_id is None


# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 20 Nov 2026 09:14:00 +0000", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
        ("Fri, 20 Nov 2026 11:14:00 +0200 (CEST)", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
        ("20 Nov 2026 04:14 -0500", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
        ("Fri, 20 Nov 26 09:14:00 GMT", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
        ("Fri, 20 Nov 2026 04:14:00 EST", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
        ("2026-11-20T10:14:00+01:00", datetime(2026, 11, 20, 9, 14, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(value: str, expected: datetime) -> None:
    d, warning = parse_date(value)
    assert d == expected
    assert d is not None and d.tzinfo is UTC
    assert warning is None


@pytest.mark.parametrize(
    "value",
    ["Tue, 06 Jun 2017 27:39:33 +0600", "Wed, 15 Dec 2010    59:10 -0500", "Mon, 31 Feb 2026 10:00:00 +0000",
     "not a date at all", "Fri, 20 Nov 2026 09:14:00 +9900"],
)
def test_impossible_dates_are_none_with_a_warning(value: str) -> None:
    p = parse(mail(f"From: a@example.org\nDate: {value}"))
    assert p.date is None
    assert len([w for w in p.warnings if "Date" in w]) == 1


def test_unknown_zone_is_read_as_utc_with_a_warning() -> None:
    d, warning = parse_date("Tue, 12 Oct 2010 16:21:05 H0500")
    assert d == datetime(2010, 10, 12, 16, 21, 5, tzinfo=UTC)
    assert warning == "Date 'Tue, 12 Oct 2010 16:21:05 H0500' has no known zone: read as UTC"


def test_date_with_raw_8bit_comment() -> None:
    p = parse(mail(b"From: a@example.org\nDate: Sat, 20 Sep 2008 20:04:30 +0300 (\xf9\xf2\xe5\xef)"))
    assert p.date == datetime(2008, 9, 20, 17, 4, 30, tzinfo=UTC)


def test_missing_date_is_none_without_warning() -> None:
    p = parse(mail("From: a@example.org\nSubject: s"))
    assert p.date is None
    assert not any("Date" in w for w in p.warnings)


# --- bodies --------------------------------------------------------------------------------------------------


def test_multipart_alternative_prefers_plain() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/alternative; boundary=B",
        "--B\nContent-Type: text/plain\n\nplain words\n--B\nContent-Type: text/html\n\n<p>html words</p>\n--B--\n",
    )
    assert parse(raw).body_text == "plain words"


def test_html_only_alternative_with_bogus_cte_is_converted() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/alternative; boundary=B",
        "--B\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: text/html\n\n"
        "<html><head><style>p {color: red}</style><script>alert(1)</script></head>"
        "<body><p>Hello <b>Alex</b>,</p><p>Could we meet?</p></body></html>\n--B--\n",
    )
    p = parse(raw)
    assert p.body_text == "Hello Alex,\n\nCould we meet?"


def test_html_links_keep_their_target() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/html",
               '<p>Log in at <a href="https://evil.example/login">bank.example</a> or '
               '<a href="https://ok.example">https://ok.example</a></p>')
    assert parse(raw).body_text == "Log in at [bank.example](https://evil.example/login) or https://ok.example"


def test_html_without_content_type_is_sniffed() -> None:
    raw = mail("From: a@example.org\nSubject: s", "<p><b>Build</b> 214 passed</p><p>all good</p>\n")
    p = parse(raw)
    assert p.body_text == "Build 214 passed\n\nall good"
    assert "HTML body without a Content-Type: converted to text" in p.warnings


def test_text_that_mentions_tags_is_not_sniffed_when_declared_plain() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/plain", "Use <p>text</p> in your template.\n")
    assert parse(raw).body_text == "Use <p>text</p> in your template."


def test_mixed_html_first_plain_last_shows_plain() -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=M",
        f"--M\nContent-Type: text/html\n\n<p>the html</p>\n--M\nContent-Type: image/png\n"
        f"Content-Transfer-Encoding: base64\n\n{png}\n--M\nContent-Type: text/plain\n\nthe plain text\n--M--\n",
    )
    assert parse(raw).body_text == "the plain text"


def test_mixed_joins_inline_plain_parts_and_skips_text_attachments() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=M",
        "--M\nContent-Type: text/plain\n\nfirst\n--M\nContent-Type: text/plain\n"
        "Content-Disposition: attachment; filename=notes.txt\n\nattached notes\n"
        "--M\nContent-Type: text/plain\n\nfooter\n--M--\n",
    )
    assert parse(raw).body_text == "first\n\nfooter"


def test_missing_content_type_subtype_is_plain() -> None:
    raw = mail("From: a@example.org\nContent-Type: application-x-gzip; name=\"a.gz\"", "just words\n")
    assert parse(raw).body_text == "just words"


def test_duplicate_content_type_uses_the_first() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/alternative; boundary=\"D\"\nContent-Type: text/plain",
        "--D\nContent-Type: text/plain\n\nfrom the part\n--D\nContent-Type: text/html\n\n<b>x</b>\n--D--\n",
    )
    assert parse(raw).body_text == "from the part"


def test_multipart_without_boundary_lines_has_no_body() -> None:
    raw = mail("From: a@example.org\nContent-Type: multipart/mixed; boundary=\"nowhere\"", "\n\n\n")
    p = parse(raw)
    assert p.body_text == NO_BODY
    assert "defect: StartBoundaryNotFoundDefect" in p.warnings


def test_multipart_without_boundary_lines_but_text_reads_the_text() -> None:
    raw = mail("From: a@example.org\nContent-Type: multipart/mixed; boundary=\"nowhere\"", "words anyway\n")
    p = parse(raw)
    assert p.body_text == "words anyway"
    assert "multipart without parts: body read as plain text" in p.warnings


def test_empty_alternative_next_to_plain() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=O",
        "--O\nContent-Type: multipart/alternative; boundary=I\n\n\n--O\nContent-Type: text/plain\n\nthe text\n"
        "--O--\n",
    )
    assert parse(raw).body_text == "the text"


def test_headers_only_without_blank_line() -> None:
    raw = mail("From: a@example.org\nTo: b@example.org\nSubject: odd", "this line is the body\n", blank_line=False)
    p = parse(raw)
    assert p.subject == "odd"
    assert p.to == (Address(None, "b@example.org"),)
    assert p.body_text == "this line is the body"


def test_parts_without_header_body_blank_line() -> None:
    raw = mail("From: a@example.org\nContent-Type: multipart/mixed; boundary=f",
               "--f\nContent-Type: text/plain\nbar\n--f\nContent-Type: text/html\n<p>baz</p>\n--f--\n")
    assert parse(raw).body_text == "bar"


FORWARDED = (
    "From: inner@example.net\nSubject: inner subject\nContent-Type: text/plain\n\ninner body text\n"
)


def test_nested_rfc822_outer_body_first_and_outer_headers_kept() -> None:
    raw = mail(
        "From: Outer <outer@example.org>\nSubject: Fwd: inner subject\nContent-Type: multipart/mixed; boundary=F",
        f"--F\nContent-Type: text/plain\n\nsee below\n--F\nContent-Type: message/rfc822\n\n{FORWARDED}--F--\n",
    )
    p = parse(raw)
    assert p.from_ == Address("Outer", "outer@example.org")
    assert p.subject == "Fwd: inner subject"
    assert p.body_text == "see below"


def test_nested_rfc822_is_read_when_the_outer_has_no_text() -> None:
    raw = mail(
        "From: outer@example.org\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=F",
        f"--F\nContent-Type: message/rfc822\n\n{FORWARDED}--F--\n",
    )
    p = parse(raw)
    assert p.from_ == Address(None, "outer@example.org")
    assert p.body_text == "inner body text"
    assert "body taken from a forwarded message" in p.warnings


def test_empty_rfc822_and_repeated_close_delimiter() -> None:
    raw = mail(
        "From: a@example.org\nContent-Type: multipart/mixed; boundary=Z",
        "--Z\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
        "Note: r\xe9sum\xe9 attached.\n--Z\nContent-Type: message/rfc822\n\n\n--Z--\n--Z--\n".encode("latin-1"),
    )
    assert parse(raw).body_text == "Note: résumé attached."


def test_root_attachment_only() -> None:
    raw = mail("From: a@example.org\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
               "Content-Disposition: attachment; filename=shot.png", base64.b64encode(b"\x89PNG....").decode())
    p = parse(raw)
    assert p.subject == ""
    assert p.body_text == NO_BODY


def test_quoted_printable_koi8r_with_tnef_attachment() -> None:
    text = "Привет, это тест"
    qp = "".join(f"={b:02X}" if b > 127 else chr(b) for b in text.encode("koi8-r"))
    raw = mail(
        "From: a@example.ru\nContent-Type: multipart/mixed; boundary=T",
        f"--T\nContent-Type: text/plain; charset=\"koi8-r\"\nContent-Transfer-Encoding: quoted-printable\n\n{qp}\n"
        "--T\nContent-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\n"
        "eJ8+IgAAAQaQCAAEAAAAAAABAAEAAQ==\n--T--\n",
    )
    assert parse(raw).body_text == text


def test_format_flowed_is_unwrapped() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8; format=flowed",
               "Could you refer me \nto the hiring \nmanager?\n\n> quoted \n> line\n-- \nSam\n")
    assert parse(raw).body_text == "Could you refer me to the hiring manager?\n\n> quoted line\n-- \nSam"


def test_nul_bytes_and_crlf_in_body_are_cleaned() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/plain", b"a\x00b\nc\rd\n")
    p = parse(raw)
    assert p.body_text == "a\ufffdb\nc\nd"
    assert_storable(p)


def test_bad_base64_body_does_not_raise() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
               "SGVsbG8gd29y!!!bGQ")
    p = parse(raw)
    assert p.body_text.startswith("Hello wor")
    assert_storable(p)


# --- never raises ----------------------------------------------------------------------------------------------


def test_empty_and_garbage_input() -> None:
    for raw in (b"", b"\r\n\r\n", b"\xff\xfe\x00\x01" * 50, b"From:\n\n", b"Content-Type: multipart/mixed\n\n--"):
        p = parse(raw)
        assert isinstance(p, ParsedMessage)
        assert p.body_text  # never empty: text or the placeholder
        assert_storable(p)
    assert parse(b"").subject == ""
    assert parse(b"").from_ is None
    assert parse(b"").body_text == NO_BODY


def test_total_failure_gives_placeholder_result() -> None:
    p = parse(None)  # type: ignore[arg-type]  # not bytes at all: still no exception
    assert p.subject == ""
    assert p.from_ is None
    assert p.body_text == NO_BODY
    assert len(p.warnings) == 1 and p.warnings[0].startswith("message could not be parsed: TypeError")


def test_random_mutations_never_raise() -> None:
    base = mail(
        "From: \"Sam\" <sam@example.org>\nSubject: =?utf-8?q?hi_there?=\nDate: Fri, 20 Nov 2026 09:14:00 +0000\n"
        "Content-Type: multipart/alternative; boundary=B",
        "--B\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nhi =C3=A9\n"
        "--B\nContent-Type: text/html\n\n<p>hi</p>\n--B--\n",
    )
    rng = random.Random(20261120)
    for _ in range(300):
        b = bytearray(base)
        for _ in range(rng.randint(1, 12)):
            op = rng.random()
            i = rng.randrange(len(b))
            if op < 0.5:
                b[i] = rng.randrange(256)
            elif op < 0.8:
                del b[i : i + rng.randint(1, 20)]
            else:
                b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 10)))
        p = parse(bytes(b))
        assert isinstance(p, ParsedMessage)
        assert_storable(p)
        assert p.date is None or p.date.tzinfo is UTC


def test_deep_nesting_is_bounded() -> None:
    def nested(depth: int) -> bytes:
        parts = "".join(f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(depth))
        return mail("From: a@example.org\nContent-Type: multipart/mixed; boundary=b0",
                    parts + f"--b{depth}\nContent-Type: text/plain\n\ndeep text\n")

    shallow = parse(nested(5))
    assert "deep text" in shallow.body_text and not any("too deep" in w for w in shallow.warnings)
    deep = parse(nested(MAX_DEPTH + 10))  # past the cap: the walk stops there and says so
    assert "deep text" not in deep.body_text
    assert "MIME structure too deep or too large: rest skipped" in deep.warnings
    assert_storable(deep)


# --- purity and the policy swap --------------------------------------------------------------------------------


SAMPLES = [
    mail("From: \"Sam Lee\" <sam@example.org>\nTo: alex@example.com\nSubject: =?utf-8?B?SMOpbGxv?=\n"
         "Date: Fri, 20 Nov 2026 09:14:00 +0000\nMessage-ID: <s1@example.org>", "Hi Alex, quick question.\n"),
    mail(b"From: d\xc3\xa9 <x@example.org>\nSubject: \xe9t\xe9\nContent-Type: text/plain; charset=gb2312",
         "utf8 body ✓".encode()),
    mail("From: a@example.org\nContent-Type: multipart/mixed; boundary=F",
         f"--F\nContent-Type: message/rfc822\n\n{FORWARDED}--F--\n"),
]


@pytest.mark.parametrize("raw", SAMPLES)
def test_parse_is_pure_and_policy_independent(raw: bytes) -> None:
    first = parse(raw)
    assert parse(raw) == first  # same bytes, same result
    assert parse_with(raw, email.policy.compat32) == first


def test_raw_iso_2022_jp_subject_without_encoded_words() -> None:
    raw = mail(b"From: a@example.jp\nSubject: " + "打ち合わせ".encode("iso2022_jp"))
    assert parse(raw).subject == "打ち合わせ"


def test_html_too_deep_for_the_converter_still_gives_its_text() -> None:
    html = "<div>" * 20000 + "deep &amp; hidden" + "</div>" * 20000
    raw = mail("From: a@example.org\nContent-Type: text/html; charset=utf-8", html)
    assert parse(raw).body_text == "deep & hidden"


def test_header_line_without_colon_is_skipped_when_headers_follow() -> None:
    raw = (b"From: a@example.org\r\nSubject: s\r\nthis line has no colon\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/alternative; boundary=\"X\"\r\n\r\n"
           b"--X\r\nContent-Type: text/plain\r\n\r\nthe real body\r\n--X--\r\n")
    p = parse(raw)
    assert p.body_text == "the real body"
    assert "1 header line(s) without a colon skipped" in p.warnings


def test_body_without_blank_line_is_not_taken_for_headers() -> None:
    raw = b"From: a@example.org\r\nSubject: s\r\nHi Alex,\r\nNote: see below\r\n\r\nmore"
    p = parse(raw)
    assert p.body_text == "Hi Alex,\nNote: see below\n\nmore"
    assert not any("without a colon" in w for w in p.warnings)


def test_base64_with_stray_characters_decodes_the_readable_part() -> None:
    raw = mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
               "SGVsbG8g!!QWxleA")  # "Hello " + "Alex" with junk between
    assert parse(raw).body_text == "Hello Alex"
    # a length the stdlib gives up on (17 base64 characters): it returns the text undecoded, we decode
    raw = mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
               "SGVsbG8g!!QWxleA xyz")
    p = parse(raw)
    assert p.body_text.startswith("Hello Ale")
    assert "base64 body with stray characters: decoded what was readable" in p.warnings


def test_notification_relay_is_rewritten_to_the_person() -> None:
    from tests.mailgen import notification

    p = parse(notification(person="Robin Vale", headline="Head of Sales at Northwind"))
    assert p.via is not None
    assert p.via.kind == "notification"
    assert p.from_ is not None and p.from_.name == "Robin Vale"
    assert p.auto_submitted is True


def test_ordinary_mail_has_no_via() -> None:
    assert parse(mail("From: Sam <sam@example.org>\nSubject: hi")).via is None
