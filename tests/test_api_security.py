"""CORS, API keys, rate limits, request ids, security headers, and drafts that never reach the logs."""

from __future__ import annotations

import logging
import uuid

import pytest

import critic.service.api
from critic.service.app import create_app

DRAFT = {"body": "Sarah, your post on hiring was sharp. Want my notes?"}
ORIGIN = "https://addin.example.com"


def test_cors_is_same_origin_only_by_default(client):
    resp = client.post("/v1/critique", json=DRAFT, headers={"Origin": ORIGIN})
    assert resp.status_code == 200
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_cors_allows_only_listed_origins(make_app):
    client = make_app(CORS_ORIGINS=f"{ORIGIN}, https://other.example.com").test_client()
    ok = client.post("/v1/critique", json=DRAFT, headers={"Origin": ORIGIN})
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in ok.headers["Access-Control-Expose-Headers"].split(",")}
    # Every header a browser client may need to read is exposed under the name the service actually sends.
    assert {"X-Request-ID", "Retry-After"} <= exposed
    assert {h for h, _ in ok.headers.items() if h.startswith("X-RateLimit-")} <= exposed
    denied = client.post("/v1/critique", json=DRAFT, headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in denied.headers
    pre = client.options(
        "/v1/critique",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "authorization" in pre.headers["Access-Control-Allow-Headers"].lower()


def test_cors_origins_from_environment(monkeypatch):
    monkeypatch.setenv("CRITIC_CORS_ORIGINS", ORIGIN)
    client = create_app({"WARM": False}).test_client()
    assert (
        client.post("/v1/critique", json=DRAFT, headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"]
        == ORIGIN
    )


def test_api_keys_are_required_when_configured(make_app):
    client = make_app(API_KEYS="alpha-key,beta-key", CORS_ORIGINS=ORIGIN).test_client()
    missing = client.post("/v1/critique", json=DRAFT)
    assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/v1/critique", json=DRAFT, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/v1/critique", json=DRAFT, headers={"X-API-Key": "alpha-ke"}).status_code == 401
    assert client.post("/v1/critique", json=DRAFT, headers={"Authorization": "Bearer alpha-key"}).status_code == 200
    assert client.post("/v1/critique", json=DRAFT, headers={"X-API-Key": "beta-key"}).status_code == 200
    assert client.post("/v1/critique/batch", json={"drafts": [DRAFT]}).status_code == 401
    assert client.post("/v1/critique/stream", json=DRAFT).status_code == 401
    # Probes, scrapes, docs and CORS preflights need no key.
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path
    pre = client.options("/v1/critique", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200


def test_keys_from_environment(monkeypatch):
    monkeypatch.setenv("CRITIC_API_KEYS", "env-key")
    client = create_app({"WARM": False}).test_client()
    assert client.post("/v1/critique", json=DRAFT).status_code == 401
    assert client.post("/v1/critique", json=DRAFT, headers={"X-API-Key": "env-key"}).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "example.com"])
def test_non_loopback_bind_without_keys_is_refused(make_app, host):
    with pytest.raises(RuntimeError, match="API keys"):
        make_app(BIND_HOST=host)
    assert make_app(BIND_HOST=host, API_KEYS="k", WARM=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_bind_needs_no_keys(make_app, host):
    assert make_app(BIND_HOST=host, WARM=False)


def test_rate_limit_answers_429_with_retry_after(make_app):
    client = make_app(RATE_LIMIT="3/minute", WARM=False).test_client()
    codes = [client.post("/v1/critique", json=DRAFT).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = client.post("/v1/critique", json=DRAFT)
    assert resp.status_code == 429 and resp.mimetype == "application/problem+json"
    assert int(resp.headers["Retry-After"]) >= 1
    assert resp.get_json()["type"].endswith("rate-limited")
    assert client.get("/healthz").status_code == 200  # probes are never limited


@pytest.mark.parametrize("value", ["off", "OFF", "none", "0"])
def test_rate_limit_can_be_left_to_the_load_balancer(monkeypatch, value):
    from critic.service.app import create_app

    monkeypatch.setenv("CRITIC_RATE_LIMIT", value)
    client = create_app({"WARM": False}).test_client()
    assert [client.post("/v1/critique", json=DRAFT).status_code for _ in range(5)] == [200] * 5
    assert "X-RateLimit-Limit" not in client.post("/v1/critique", json=DRAFT).headers


def test_a_rate_limit_from_the_environment_applies(monkeypatch):
    from critic.service.app import create_app

    monkeypatch.setenv("CRITIC_RATE_LIMIT", "2/minute")
    client = create_app({"WARM": False}).test_client()
    first = client.post("/v1/critique", json=DRAFT)
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert [client.post("/v1/critique", json=DRAFT).status_code for _ in range(2)] == [200, 429]


def test_rate_limits_are_per_key(make_app):
    client = make_app(RATE_LIMIT="2/minute", API_KEYS="k1,k2", WARM=False).test_client()
    one, two = {"X-API-Key": "k1"}, {"Authorization": "Bearer k2"}
    assert [client.post("/v1/critique", json=DRAFT, headers=one).status_code for _ in range(3)] == [200, 200, 429]
    assert client.post("/v1/critique", json=DRAFT, headers=two).status_code == 200


def test_request_ids(client):
    fresh = client.get("/healthz").headers["X-Request-ID"]
    assert len(fresh) == 32 and fresh != client.get("/healthz").headers["X-Request-ID"]
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123.x:y"}).headers["X-Request-ID"] == "abc-123.x:y"
    for bad in ("has space", "x" * 200, "<script>", "a\tb"):
        got = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert got != bad and len(got) == 32
    resp = client.post("/v1/critique", data="{", content_type="application/json", headers={"X-Request-ID": "rid-1"})
    assert resp.get_json()["request_id"] == "rid-1" == resp.headers["X-Request-ID"]
    assert client.get("/missing").headers["X-Request-ID"]


def test_security_headers(client, make_app, tmp_path):
    api = client.post("/v1/critique", json=DRAFT)
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["Referrer-Policy"] == "no-referrer"
    assert api.headers["X-Frame-Options"] == "DENY"
    assert api.headers["Cache-Control"] == "no-store"
    assert "Retry-After" not in api.headers
    docs = client.get("/docs")
    assert (
        "script-src" not in docs.headers["Content-Security-Policy"]
        and "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
    )
    for name in ("panel", "demo", "outlook"):
        (tmp_path / name).mkdir()
    (tmp_path / "panel" / "index.html").write_text("<!doctype html><p>panel</p>")
    (tmp_path / "demo" / "index.html").write_text("<!doctype html><p>demo</p>")
    (tmp_path / "outlook" / "taskpane.html").write_text("<!doctype html><p>pane</p>")
    site = make_app(ADDIN_DIR=str(tmp_path), WARM=False).test_client()
    panel = site.get("/panel/")
    assert "X-Frame-Options" not in panel.headers
    assert "script-src 'self';" in panel.headers["Content-Security-Policy"]
    demo = site.get("/demo")
    assert "script-src 'self';" in demo.headers["Content-Security-Policy"]
    pane = site.get("/addin/outlook/taskpane.html")
    assert "script-src 'self' https://appsforoffice.microsoft.com;" in pane.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in pane.headers


def test_draft_text_never_reaches_the_logs(make_app, caplog, monkeypatch):
    marker = f"CONFIDENTIAL-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    client = make_app(RATE_LIMIT="8/minute", WARM=False).test_client()
    body = f"Hi Sarah, {marker} can we talk Thursday?"
    client.post("/v1/critique", json={"body": body, "subject": marker, "recipient": {"notes": marker}})
    client.post("/v1/critique", json={"body": body, "format": marker})
    client.post("/v1/critique", json={"body": body, "rules": {marker: "off"}})
    client.post("/v1/critique/batch", json={"drafts": [{"body": body}, {"body": marker, "x": 1}]})
    client.post("/v1/critique/stream", json={"body": body})
    client.post("/v1/critique", data=f'{{"body": "{marker}"', content_type="application/json")
    client.post("/v1/critique", data=body, content_type="text/plain")

    def explode(*args, **kwargs):
        raise ValueError(f"engine choked on {args[0].body!r}")

    monkeypatch.setattr(critic.service.api, "critique", explode)
    crashed = client.post("/v1/critique", json={"body": body})
    assert crashed.status_code == 500 and crashed.mimetype == "application/problem+json"
    for _ in range(3):
        client.post("/v1/critique", json={"body": body})  # rate limited by now
    assert "request_id=" + crashed.headers["X-Request-ID"] in caplog.text
    assert "ValueError" in caplog.text
    assert any(r.name == "critic.access" for r in caplog.records)
    assert marker not in caplog.text
    assert all(marker not in str(r.args) for r in caplog.records)


# ---- every /v1 route needs the key; draft text never leaks; keys are compared in constant time -------------------

KEYS = ("alpha-key", "beta-key-longer")
_SAMPLE = {"path": "x.txt", "filename": "x.txt"}


def _v1_calls(app):
    """(method, concrete path) for every /v1 rule the app registered, so a new route is covered automatically."""
    calls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{rule._converters[arg].__class__.__name__.lower()}:{arg}>", _SAMPLE.get(arg, "x"))
            path = path.replace(f"<path:{arg}>", _SAMPLE.get(arg, "x")).replace(f"<{arg}>", _SAMPLE.get(arg, "x"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            calls.append((method, path))
    return calls


def test_every_v1_route_needs_a_key_when_keys_are_configured(make_app):
    app = make_app(API_KEYS=",".join(KEYS), WARM=False)
    calls = _v1_calls(app)
    assert {("POST", "/v1/critique"), ("POST", "/v1/critique/batch"), ("POST", "/v1/critique/stream")} <= set(calls)
    client = app.test_client()
    for method, path in calls:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": KEYS[0][:-1]}, {"X-API-Key": ""}):
            resp = client.open(path, method=method, json=DRAFT, headers=headers)
            assert resp.status_code == 401, (method, path, headers, resp.status_code)
            assert resp.mimetype == "application/problem+json" and "WWW-Authenticate" in resp.headers
        for headers in ({"Authorization": f"Bearer {KEYS[0]}"}, {"X-API-Key": KEYS[1]}):
            resp = client.open(path, method=method, json=DRAFT, headers=headers)
            body = resp.get_data(as_text=True)  # read whole (a stream too)
            assert resp.status_code != 401, (method, path, headers)
            assert resp.status_code < 500, (method, path, body[:300])


def test_a_v1_route_reached_by_another_spelling_of_its_path_still_needs_the_key(make_app):
    client = make_app(API_KEYS=KEYS[0], WARM=False).test_client()
    for path in ("//v1/critique", "/v1//critique", "/v1/critique/"):
        resp = client.post(path, json=DRAFT)
        assert resp.status_code != 200, path  # never answered without the key (a redirect, a 404 or a 401)


def test_keys_are_compared_in_constant_time_against_every_key(make_app, monkeypatch):
    import hmac

    from critic.service import security

    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    client = make_app(API_KEYS=",".join(KEYS), WARM=False).test_client()
    for presented, expected in ((KEYS[0], 200), (KEYS[1], 200), ("wrong", 401), (KEYS[0] + "x", 401)):
        compared.clear()
        assert client.post("/v1/critique", json=DRAFT, headers={"X-API-Key": presented}).status_code == expected
        # Every configured key is compared, whichever matched (no early exit that times which key it was).
        assert len(compared) == len(KEYS), (presented, compared)


@pytest.fixture
def fake_llm(monkeypatch):
    from fake_openai import serve

    yield from serve(monkeypatch, timeout=5.0)


def test_draft_text_appears_in_no_log_record_metric_or_error_body(make_app, caplog, fake_llm):
    """A unique marker in subject and body, sent down every path (LLM on, DEBUG logging): it never comes back out."""
    marker = f"SECRET{uuid.uuid4().hex}"
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(level=logging.DEBUG)
    # Every logger, including those that do not propagate to the root (caplog alone would miss them).
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    caplog.set_level(logging.DEBUG)
    for lg in loggers:
        lg.addHandler(keep)
    old = {lg.name: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        client = make_app(MAX_CONTENT_LENGTH=4000, WARM=False).test_client()
        draft = {"subject": f"Re {marker}", "body": f"Hi Sarah, {marker} can we talk Thursday at 2pm for 30 minutes?"}
        bodies = []
        ok = client.post("/v1/critique", json={**draft, "llm": "on"})
        assert ok.status_code == 200 and ok.get_json()["llm"]["status"] == "ok"
        stream = client.post("/v1/critique/stream", json={**draft, "llm": "on"})
        assert stream.status_code == 200 and b"event: final" in stream.data
        batch = client.post("/v1/critique/batch", json={"drafts": [draft, {**draft, "format": "pdf"}, {"body": 7}]})
        assert batch.status_code == 200
        bodies += [item.get("error") for item in batch.get_json()["results"]]
        errors = [
            client.post("/v1/critique", json={**draft, "format": "pdf"}),  # 422: a bad value
            client.post("/v1/critique", json={**draft, "subject": marker * 200}),  # 422: too long
            client.post("/v1/critique", json={"subject": draft["subject"], "body": [draft["body"]]}),  # 422: a type
            client.post("/v1/critique", json={**draft, "llm": marker}),  # 422: not one of the modes
            client.post("/v1/critique", json={**draft, "recipient": {"name": marker, "nick": marker}}),  # 422
            client.post("/v1/critique", json={**draft, "body": marker * 300}),  # 413
            client.post(
                "/v1/critique", data=f'{{"body": "{marker}", "subject": {marker}}}', content_type="application/json"
            ),
            client.post(
                "/v1/critique", data=b'{"body": "' + marker.encode() + b'\xff"}', content_type="application/json"
            ),
            client.post("/v1/critique", data=draft["body"], content_type="text/plain"),  # 415
            client.post("/v1/critique/batch", json={"drafts": [draft] * 51}),  # 422: too many
        ]
        assert sorted({r.status_code for r in errors}) == [400, 413, 415, 422], [r.status_code for r in errors]
        for resp in errors:
            assert resp.mimetype == "application/problem+json"
            bodies.append(resp.get_data(as_text=True))
        metrics = client.get("/metrics").get_data(as_text=True)
    finally:
        for lg in loggers:
            lg.removeHandler(keep)
            lg.setLevel(old[lg.name])
    assert marker not in metrics
    for body in bodies:
        assert marker not in str(body), body
    assert records, "nothing was logged: the capture is broken"
    for record in [*records, *caplog.records]:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
        assert marker not in text, (record.name, record.levelname, record.getMessage()[:200])
