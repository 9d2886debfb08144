"""The add-ins' extra routes: / redirects to the demo, the rule catalogue, and in-place HTML edits."""

from __future__ import annotations

import pytest

from critic.analysis.lexicon import load_yaml
from critic.ingest.html import html_to_text
from critic.ingest.html_edit import SpanMoved, replace_span
from critic.rules.registry import RULE_FILES, all_rules

HTML = (
    '<html><head><style>p{color:red}</style></head><body><div dir="ltr">👋🏽 Hi Sarah,<div><br></div>'
    "<div>Hope this finds you&nbsp;well! Happy Friday!</div><div><br></div>"
    '<div>We are <b>the leading</b> provider of <a href="https://x.example/a?b=1&amp;c=2">AI &amp; sales</a> software.</div>'
    "<div>Do you have 30 minutes\n   Thursday at 2pm?</div>"
    '<div class="gmail_signature" data-smartmail="gmail_signature">-- <br>John · <i>CEO</i></div></div></body></html>'
)


def fix(source: str, quote: str, replacement: str) -> str:
    text = html_to_text(source).text
    start = text.index(quote)
    return replace_span(source, start, start + len(quote), quote, replacement)


def test_root_redirects_to_the_demo(client) -> None:
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/demo")


def test_every_rule_has_a_human_title_in_its_data_file() -> None:
    ids = {r.id for r in all_rules()}
    titled = {e["id"]: e.get("title") for name in RULE_FILES for e in load_yaml(name)}
    assert set(titled) == ids
    for rid, title in titled.items():
        assert title and title[0].isupper() and len(title) <= 40 and "." not in title and "_" not in title, rid
    assert len(set(titled.values())) == len(titled), "titles must tell rules apart"


def test_rules_endpoint_lists_titles_without_changing_findings(client) -> None:
    rules = client.get("/v1/rules").get_json()["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["rapport.pleasantry"]["title"] == "Generic pleasantry"
    assert {r.id for r in all_rules()} <= set(by_id)
    assert by_id["llm.empathy"]["configurable"] is True  # rules: {"llm.empathy": "off"} is accepted
    for r in rules:
        assert set(r) == {"id", "title", "rubric", "severity", "message", "why", "configurable"}
    finding = client.post("/v1/critique", json={"body": "Hope this finds you well!", "llm": "off"}).get_json()[
        "findings"
    ][0]
    assert "title" not in finding


def test_rules_endpoint_needs_the_key_when_keys_are_set(make_app) -> None:
    c = make_app(API_KEYS="k1").test_client()
    assert c.get("/v1/rules").status_code == 401
    assert c.get("/v1/rules", headers={"Authorization": "Bearer k1"}).status_code == 200


@pytest.mark.parametrize(
    ("quote", "replacement", "changed"),
    [
        ("the leading provider", "a provider", "<b>a</b> provider of"),  # only "the leading" changes; <b> stays
        ("Hope this finds you well! ", "", "<div>Happy Friday!</div>"),  # entity and trailing space go too
        ("AI & sales", "AI & growth", 'c=2">AI &amp; growth</a>'),  # inside a link: the href is untouched
        ("30 minutes Thursday at 2pm?", "a short note?", "Do you have a short note?</div>"),  # across a wrapped line
        ("Hi Sarah", "Hello <Sarah>", "👋🏽 Hello &lt;Sarah&gt;,"),  # after an emoji; markup is escaped
    ],
)
def test_edit_changes_only_those_characters(quote: str, replacement: str, changed: str) -> None:
    out = fix(HTML, quote, replacement)
    assert changed in out
    before, after = html_to_text(HTML).text, html_to_text(out).text
    assert after.split() == before.replace(quote, replacement, 1).split()
    # Every byte outside the edited text run is identical: head, styles, link, signature.
    i = 0
    while i < min(len(out), len(HTML)) and out[i] == HTML[i]:
        i += 1
    j = 0
    while j < min(len(out), len(HTML)) - i and out[-1 - j] == HTML[-1 - j]:
        j += 1
    assert "<" not in HTML[i : len(HTML) - j] and ">" not in HTML[i : len(HTML) - j], HTML[i : len(HTML) - j]


def test_edit_refuses_when_the_words_moved() -> None:
    text = html_to_text(HTML).text
    start = text.index("the leading")
    with pytest.raises(SpanMoved):
        replace_span(HTML, start + 1, start + 12, "the leading", "a")
    with pytest.raises(SpanMoved):
        replace_span(HTML, len(text) + 5, len(text) + 9, "nope", "a")


def test_edit_endpoint(client) -> None:
    text = html_to_text(HTML).text
    start = text.index("the leading provider")
    req = {
        "body": HTML,
        "start": start,
        "end": start + 20,
        "quote": "the leading provider",
        "replacement": "a provider",
    }
    resp = client.post("/v1/edit", json=req)
    assert resp.status_code == 200
    assert resp.get_json()["body"] == HTML.replace("<b>the leading</b>", "<b>a</b>")
    moved = client.post("/v1/edit", json={**req, "start": start + 1, "end": start + 21})
    assert moved.status_code == 409 and moved.get_json()["type"].endswith("span-moved")
    bad = client.post("/v1/edit", json={**req, "start": "1"})
    assert bad.status_code == 422
