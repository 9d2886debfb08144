"""POST /v1/critique: the happy path, every client error, and hostile input that must never cause a 500."""

from __future__ import annotations

import json

import pytest

from critic.model import Draft
from critic.pipeline import critique
from critic.service.schemas import CritiqueResponse
from critic.wire import to_wire

PUSHY = "Hope this finds you well! We are the leading provider. Do you have 30 minutes Thursday for a quick call?"


def post(client, payload, **kw):
    return client.post(
        "/v1/critique",
        data=json.dumps(payload) if not isinstance(payload, bytes) else payload,
        content_type=kw.pop("content_type", "application/json"),
        **kw,
    )


def assert_problem(resp, status, field=None):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert body["request_id"] == resp.headers["X-Request-ID"]
    assert body["instance"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def test_critique_returns_the_engines_wire_form(client):
    resp = post(client, {"subject": "Quick question", "body": PUSHY, "llm": "off"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    got = resp.get_json()
    want = to_wire(critique(Draft(body=PUSHY, subject="Quick question"), llm="off"))
    assert got == json.loads(json.dumps(want))
    CritiqueResponse.model_validate(got)
    assert got["llm"]["status"] == "off"


def test_options_reach_the_engine(client):
    base = post(client, {"body": PUSHY}).get_json()
    assert any(f["rule"].startswith("rapport") for f in base["findings"])
    quiet = post(client, {"body": PUSHY, "rules": {"rapport": "off"}}).get_json()
    assert not any(f["rule"].startswith("rapport") for f in quiet["findings"])
    html = post(client, {"body": "<p>Hi <b>Sarah</b>,</p><p>" + PUSHY + "</p>", "format": "html"}).get_json()
    assert html["text"]["format"] == "html" and "<b>" not in html["text"]["body"]
    named = post(
        client,
        {
            "body": "Sarah, your post on hiring was sharp. Want my notes?",
            "recipient": {"name": "Sarah", "company": "Acme", "notes": "met at a conference"},
        },
    )
    assert named.status_code == 200


def test_subject_only_draft_is_accepted(client):
    assert post(client, {"subject": "Notes on your hiring post", "body": ""}).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"subject": "hi"}, "body"),
        ({"body": 3}, "body"),
        ({"body": None}, "body"),
        ({"body": ["a"]}, "body"),
        ({"body": "x", "subject": 5}, "subject"),
        ({"body": "x", "format": "pdf"}, "format"),
        ({"body": "x", "format": "eml"}, "format"),
        ({"body": "x", "llm": "maybe"}, "llm"),
        ({"body": "x", "llm": True}, "llm"),
        ({"body": "x", "rules": ["rapport"]}, "rules"),
        ({"body": "x", "rules": {"rapport": "loud"}}, "rules.rapport"),
        ({"body": "x", "rules": {"rapport": 1}}, "rules.rapport"),
        ({"body": "x", "recipient": "Sarah"}, "recipient"),
        ({"body": "x", "recipient": {"name": 7}}, "recipient.name"),
        ({"body": "x", "surprise": 1}, "surprise"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(client, payload, field):
    assert_problem(post(client, payload), 422, field)


def test_unknown_rule_is_422_naming_the_rule(client):
    body = assert_problem(
        post(client, {"body": PUSHY, "rules": {"rapport.nonesuch": "off"}}), 422, "rules.rapport.nonesuch"
    )
    assert body["type"].endswith("unknown-rule")


@pytest.mark.parametrize("payload", [{"body": ""}, {"body": "   \n\t "}, {"body": "<p> </p>", "format": "html"}])
def test_empty_draft_is_422(client, payload):
    body = assert_problem(post(client, payload), 422, "body")
    assert body["type"].endswith("empty-draft")


@pytest.mark.parametrize(
    "raw", [b"{", b"{'body': 'x'}", b"", b"   ", b'{"body": "x"} trailing', b"[" * 5000, b"NaN-ish"]
)
def test_malformed_json_is_400(client, raw):
    assert_problem(post(client, raw), 400)


@pytest.mark.parametrize("raw", [b'["body"]', b'"text"', b"42", b"null"])
def test_non_object_json_is_422(client, raw):
    assert_problem(post(client, raw), 422, "(request body)")


def test_invalid_utf8_is_400(client):
    body = assert_problem(post(client, b'{"body": "caf\xe9 \xff\xfe"}'), 400)
    assert body["type"].endswith("invalid-utf8") and "byte" in body["detail"]


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_wrong_content_type_is_415(client, ctype):
    resp = client.post("/v1/critique", data=json.dumps({"body": PUSHY}), content_type=ctype)
    assert_problem(resp, 415)


def test_json_with_charset_is_accepted(client):
    assert post(client, {"body": PUSHY}, content_type="application/json; charset=utf-8").status_code == 200


def test_oversize_body_is_413(client, make_app):
    assert_problem(post(client, {"body": "word " * 30_000}), 413)
    small = make_app(MAX_CONTENT_LENGTH=200).test_client()
    assert_problem(post(small, {"body": "word " * 50}), 413)
    assert post(small, {"body": "Can we talk?"}).status_code == 200


def test_size_limit_from_environment(monkeypatch):
    from critic.service.app import create_app

    monkeypatch.setenv("CRITIC_MAX_BYTES", "300")
    app = create_app({"WARM": False})
    assert app.config["MAX_CONTENT_LENGTH"] == 300
    assert_problem(post(app.test_client(), {"body": "x" * 400}), 413)


def test_unknown_route_and_wrong_method_are_json(client):
    assert_problem(client.get("/v2/critique"), 404)
    assert_problem(client.post("/nowhere", json={}), 404)
    resp = client.get("/v1/critique")
    assert_problem(resp, 405)
    assert "POST" in resp.headers["Allow"]
    assert_problem(client.delete("/healthz"), 405)


HOSTILE = [
    "x" * 90_000,
    "word " * 18_000,
    "a\x00b\x00 can we talk?\x00",
    "<script>alert(1)</script> Do you have 30 minutes?",
    "<p><b>unclosed <i>tags <div></p></span>&amp;&#x0;&#xD800;&bogus; <!-- never closed",
    "🙂🚀 " * 200 + "Do you have 30 minutes? 👍🏽👨‍👩‍👧",
    "مرحبا، هل لديك ثلاثون دقيقة يوم الخميس؟ \u202eevil\u202c שלום",
    "\u200b\u200d\ufeff\u2028\u2029 zero widths",
    "{{first_name}} {!Contact.Name} [Name] %FIRSTNAME% <<Name>> {{" * 50,
    "\r\n" * 5000 + "Hi",
    "Subject: x\n\n> quoted\n> more\n-- \nsig",
    "?" * 2_000,
    "A. " * 1_000 + "!" * 1_000,
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_hostile_text_never_causes_a_500(client, body, fmt):
    resp = post(client, {"subject": body[:500], "body": body, "format": fmt, "llm": "off"})
    assert resp.status_code in (200, 413, 422), resp.get_data(as_text=True)[:500]
    if resp.status_code == 200:
        CritiqueResponse.model_validate(resp.get_json())


def test_lone_surrogates_are_mended_and_offsets_keep_their_length(client):
    raw = b'{"subject": "\\udc00 hi", "body": "Hi \\ud800 there \\ud83d\\ude00, can we talk? \\udfff"}'
    resp = post(client, raw)
    assert resp.status_code == 200
    text = resp.get_json()["text"]
    assert text["body"] == "Hi \ufffd there \U0001f600, can we talk? \ufffd"
    assert text["subject"] == "\ufffd hi"


def test_deeply_nested_json_in_a_field_is_refused(client):
    deep = '{"body": "x", "recipient": ' + '{"name": ' * 500 + '"a"' + "}" * 500 + "}"
    resp = post(client, deep.encode())
    assert resp.status_code in (400, 422)


def test_huge_number_is_refused_not_crashed(client):
    resp = post(client, b'{"body": "x", "subject": ' + b"9" * 20_000 + b"}")
    assert resp.status_code in (400, 422)
