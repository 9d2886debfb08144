"""Hypothesis over the input path: odd Unicode, broken HTML, odd .eml; no exception, exact spans, determinism.

Bounded for CI (a few hundred examples in all, derandomized); `bench/fuzz.py` runs the same properties longer.
"""

from __future__ import annotations

import os
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critic.ingest.files import draft_from_bytes
from critic.model import Draft, DraftError
from critic.pipeline import critique
from critic.wire import to_wire

SCALE = int(os.environ.get("CRITIC_FUZZ_SCALE", "1"))  # bench/fuzz.py raises it for the long run
FUZZ = settings(
    max_examples=100 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces that break naive text handling: emoji sequences, skin tones, flags, combining marks, RTL and bidi
# controls, zero-width characters, C0/C1 controls, lone surrogates are impossible in str but U+FFFD is not.
TRICKY = [
    "👩‍👩‍👧",
    "👋🏽",
    "🇫🇷",
    "e\u0301",
    "a\u0308\u0323",
    "שלום",
    "مرحبا",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\t",
    "\ufffd",
    "𝔘",
    "İ",
    "ß",
    "Hope this finds you well!",
    "Do you have 30 minutes on Thursday at 2pm?",
    "{{first_name}}",
    "[Name]",
    "We are the leading provider of analytics.",
    "> quoted reply",
    "\n-- \nSignature",
    "On Mon, Jane wrote:",
]
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=30)), max_size=40).map("".join)

TAGS = ["p", "div", "span", "b", "i", "blockquote", "table", "tr", "td", "a", "br", "script", "style", "ul", "li"]
ATTRS = ["", " class=gmail_quote", ' x="', " style='display:none'"]
ENTITIES = [
    "&amp;",
    "&lt;",
    "&gt;",
    "&nbsp;",
    "&#128075;",
    "&#x1F44B;",
    "&bogus;",
    "&#0;",
    "&#xD800;",
    "&",
    "&#9999999;",
]


@st.composite
def html(draw: st.DrawFn) -> str:
    """Broken, deeply nested and entity-heavy HTML."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            attr = draw(st.sampled_from(ATTRS))
            parts.append(f"<{draw(st.sampled_from(TAGS))}{attr}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(ENTITIES)))
        else:
            parts.append(draw(tricky_text))
    depth = draw(st.integers(0, 400))
    return "<div>" * depth + "".join(parts) + draw(st.sampled_from(["", "</div>" * depth, "<!--", "<p"]))


def _utf16_prefix(text: str) -> list[int]:
    """UTF-16 units before each code point index (computed here independently of critic.wire)."""
    out, total = [0], 0
    for ch in text:
        total += 2 if ord(ch) > 0xFFFF else 1
        out.append(total)
    return out


def check_wire(draft: Draft) -> None:
    """The invariants: no exception but DraftError, spans inside their field in both units, deterministic."""
    try:
        result = critique(draft, llm="off")
    except DraftError:
        return
    wire = to_wire(result)
    texts = wire["text"]
    spans = [*wire["findings"], *wire["strengths"], *wire["excluded"], *wire["placeholders"]]
    spans += [{**s, "field": "body"} for s in wire["sentences"]]
    units = {name: _utf16_prefix(texts[name]) for name in ("subject", "body")}
    for item in spans:
        name = item.get("field", "body")
        text = texts[name]
        assert 0 <= item["start"] <= item["end"] <= len(text), item
        assert (units[name][item["start"]], units[name][item["end"]]) == (item["start_utf16"], item["end_utf16"])
        if "quote" in item:
            assert item["quote"] == text[item["start"] : item["end"]]
    assert to_wire(critique(draft, llm="off")) == wire


@FUZZ
@given(subject=tricky_text, body=tricky_text)
def test_any_text_draft(subject: str, body: str) -> None:
    check_wire(Draft(subject=subject, body=body))


@FUZZ
@given(body=html(), subject=tricky_text)
def test_any_html_draft(body: str, subject: str) -> None:
    check_wire(Draft(subject=subject, body=body, format="html"))


CHARSETS = ["utf-8", "latin-1", "utf-16", "iso-2022-jp", "koi8-r", "cp1252", "gb2312", "x-unknown"]


@st.composite
def eml(draw: st.DrawFn) -> bytes:
    """.eml files: odd charsets and transfer encodings, multipart shapes, and raw damage."""
    msg = EmailMessage()
    msg["Subject"] = " ".join(draw(tricky_text).splitlines())[:200]
    msg["From"] = "a@example.com"
    body = draw(tricky_text)
    charset = draw(st.sampled_from(CHARSETS[:-1]))
    try:
        msg.set_content(body, charset=charset, cte=draw(st.sampled_from(["base64", "quoted-printable", "8bit"])))
    except (UnicodeError, ValueError, LookupError):
        msg.set_content(body)
    if draw(st.booleans()):
        msg.add_alternative(draw(html()), subtype="html")
    if draw(st.booleans()):
        msg.add_attachment(b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="x.bin")
    try:
        raw = msg.as_bytes()
    except (UnicodeError, ValueError, LookupError):
        raw = b"Subject: x\r\nMIME-Version: 1.0\r\n\r\n" + body.encode("utf-8", "replace")
    damage = draw(st.integers(0, 3))
    if damage == 1:
        raw = raw.replace(b"charset=", b"charset=x-unknown;was=")
    elif damage == 2:
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif damage == 3:
        raw = raw.replace(b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: base64\r\n\r\n@@@")
    return raw


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")  # email picks random boundaries
@FUZZ
@given(raw=eml())
def test_any_eml_file(raw: bytes) -> None:
    try:
        draft = draft_from_bytes(raw, "fuzz.eml", ".eml")
    except DraftError:
        return
    check_wire(draft)


def test_a_draft_at_the_size_limit_is_critiqued():
    """The service's upper end (CRITIC_MAX_BYTES, 100 KB) of mixed text; bench/fuzz.py goes on to 1 MB."""
    unit = "Hi Sam 👋🏽, hope this finds you well! We cut churn 18% at Acme. Can we talk Thursday? שלום e\u0301\n\n"
    check_wire(Draft(subject="Quick question", body=unit * (100_000 // len(unit.encode()))))
