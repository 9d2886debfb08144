"""Input normalisation: plain text, HTML, .eml, quotes, signatures and merge tags."""

from __future__ import annotations

import pytest

from critic.ingest.document import normalise, parse_text_file
from critic.ingest.files import draft_from_bytes
from critic.model import Draft, DraftError
from critic.pipeline import critique
from critic.wire import to_wire


def test_plain_text_is_kept_verbatim() -> None:
    body = "Hi Sam,\r\n\r\nYour docs  search is empty.\tOdd spacing stays."
    assert normalise(Draft(body=body)).body == body


def test_html_becomes_visible_text_with_a_map_to_the_source() -> None:
    html = "<div><p>Hi &amp; hello <b>Sam</b>,</p><p>Your <i>checkout</i> hides the button.<br>Second line</p></div>"
    doc = normalise(Draft(body=html, format="html"))
    assert doc.body == "Hi & hello Sam,\n\nYour checkout hides the button.\nSecond line"
    for i, ch in enumerate(doc.body):
        if ch.isalnum():
            assert html[doc.source_offset(i)] == ch
    assert html[doc.source_offset(3)] == "&"


def test_html_script_style_and_comments_are_not_text() -> None:
    html = "<style>p{color:red}</style><p>Visible</p><script>alert(1)</script><!-- hidden -->"
    assert normalise(Draft(body=html, format="html")).body == "Visible"


def test_broken_html_still_parses() -> None:
    doc = normalise(Draft(body="<p>Hi <b>Sam<p>Your <div>checkout", format="html"))
    assert "Sam" in doc.body and "checkout" in doc.body


def test_an_unclosed_head_does_not_hide_the_body() -> None:
    html = '<html><head><title>Offer</title><meta charset="utf-8"><div>Ship anything, anywhere.</div></html>'
    assert normalise(Draft(body=html, format="html")).body == "Ship anything, anywhere."


def test_gmail_quote_and_signature_are_excluded_not_lost() -> None:
    html = (
        "<div>Thanks for the reply. Here is the fix.</div>"
        '<div class="gmail_signature">Jo Park<br>CEO</div>'
        '<div class="gmail_quote">On Mon, Jo wrote:<blockquote>Can you send it?</blockquote></div>'
    )
    doc = normalise(Draft(body=html, format="html"))
    kinds = {x.kind: doc.body[x.start : x.end] for x in doc.excluded}
    assert kinds["signature"] == "Jo Park\nCEO"
    assert "Can you send it?" in kinds["quote"]
    result = to_wire(critique(Draft(body=html, format="html"), llm="off"))
    assert all(
        "Can you send" not in s for s in (result["text"]["body"][s["start"] : s["end"]] for s in result["sentences"])
    )


def test_outlook_reply_header_starts_the_quote() -> None:
    body = "Here are the numbers.\n\nFrom: Dana Lee <dana@example.com>\nSent: Monday, March 2, 2026 9:00 AM\nTo: Jo\nSubject: numbers\n\nCan you send numbers?"
    doc = normalise(Draft(body=body))
    (quote,) = [x for x in doc.excluded if x.kind == "quote"]
    assert doc.body[quote.start :].startswith("From: Dana Lee")


def test_angle_quotes_and_dash_signature() -> None:
    body = "Sounds good, sending it now.\n\n> Can you send the deck?\n> Thanks\n\n-- \nJo Park\nAcme"
    doc = normalise(Draft(body=body))
    kinds = sorted(x.kind for x in doc.excluded)
    assert kinds == ["quote", "signature"]


def test_merge_tags_are_placeholders_never_findings() -> None:
    body = "Hi {{first_name}},\n\nI saw %COMPANY% is hiring in [City]. {!Contact.Title}s like you SHOULD read this."
    result = to_wire(critique(Draft(body=body), llm="off"))
    tags = [p["text"] for p in result["placeholders"]]
    assert tags == ["{{first_name}}", "%COMPANY%", "[City]", "{!Contact.Title}"]
    for f in result["findings"]:
        assert not any(
            f["start"] < p["end"] and p["start"] < f["end"] and f["end"] - f["start"] <= p["end"] - p["start"]
            for p in result["placeholders"]
        )


def test_eml_message_is_read_with_subject_and_charset() -> None:
    raw = (
        "From: Jo <jo@example.com>\r\nTo: Sam <sam@example.com>\r\nSubject: =?utf-8?q?Your_caf=C3=A9_menu?=\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Your café menu hides prices on phones.\r\n"
    ).encode()
    draft = draft_from_bytes(raw, "m.eml", ".eml")
    doc = normalise(draft)
    assert doc.subject == "Your café menu"
    assert "café menu hides prices" in doc.body


def test_html_eml_part_is_parsed_as_html() -> None:
    raw = b"Subject: Hi\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Your <b>menu</b> is great.</p>"
    doc = normalise(draft_from_bytes(raw, "m.eml", ".eml"))
    assert doc.body == "Your menu is great." and doc.format == "html"


def test_text_file_header_block() -> None:
    draft = parse_text_file("Subject: Your pricing page\n\nHi Sam,\nBody here.")
    assert draft.subject == "Your pricing page" and draft.body == "Hi Sam,\nBody here."
    assert parse_text_file("Subject line without a blank line\nBody").subject == ""


@pytest.mark.parametrize("bad", [b"", b"   \n\t", b"\xff\xfe\xfa not utf-8"])
def test_unreadable_inputs_are_clear_errors(bad: bytes) -> None:
    with pytest.raises(DraftError):
        draft_from_bytes(bad, "x.txt", ".txt")


def test_empty_draft_is_an_error() -> None:
    with pytest.raises(DraftError, match="empty"):
        normalise(Draft(body="  \n "))


def test_hostile_inputs_are_fast_and_safe() -> None:
    import time

    cases = [
        Draft(body="<div>" * 3000 + "deeply nested" + "</div>" * 3000, format="html"),
        Draft(body="<b><i>" * 5000 + "never closed", format="html"),
        Draft(body="would you like to call me about our meeting with your team " * 600),
        Draft(body="<script>alert(1)</script><img src=x onerror=alert(1)>Hello <p>there", format="html"),
        Draft(body="Hi\x00 there\ufffd \u202eevil\u202c 👋🏽"),
    ]
    for draft in cases:
        started = time.perf_counter()
        result = to_wire(critique(draft, llm="off"))
        assert time.perf_counter() - started < 10
        assert "alert" not in result["text"]["body"]
        for f in result["findings"]:
            assert result["text"][f["field"]][f["start"] : f["end"]] == f["quote"]
