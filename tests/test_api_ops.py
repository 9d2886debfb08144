"""Health, readiness, metrics, the OpenAPI document and docs page, static add-in files, and the 500 envelope."""

from __future__ import annotations

import critic.llm as llm_stage
import critic.service.api
from critic.service.schemas import CritiqueRequest

DRAFT = {"body": "Sarah, your post on hiring was sharp. Want my notes?"}


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_readyz_reports_the_llm_backend(client, monkeypatch):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ready", "llm": llm_stage.backend_state()}
    monkeypatch.setattr(llm_stage, "backend_state", lambda: {"configured": True, "model": "m", "healthy": False})
    assert client.get("/readyz").get_json()["llm"]["model"] == "m"

    def broken():
        raise ConnectionError("down")

    monkeypatch.setattr(llm_stage, "backend_state", broken)
    assert client.get("/readyz").get_json()["llm"] == {"error": "ConnectionError"}


def test_readyz_is_503_before_warm_up(make_app):
    app = make_app(WARM=False)
    app.config["WARMED"] = False
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["status"] == "not ready"


def test_app_start_warms_the_engine(make_app):
    assert make_app().config["WARMED"] is True


def test_metrics(client, monkeypatch):
    client.post("/v1/critique", json=DRAFT)
    client.post("/v1/critique", json={"body": 1})
    client.get("/no/such/page")
    monkeypatch.setattr(llm_stage, "counters", lambda: {"calls": 7, "cache_hits": 3, "errors": 1, "bad name!": 5})
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.content_type.startswith("text/plain")
    text = resp.get_data(as_text=True)
    assert 'critic_http_requests_total{method="POST",route="/v1/critique",status="200"} 1.0' in text
    assert 'critic_http_requests_total{method="POST",route="/v1/critique",status="422"} 1.0' in text
    assert 'critic_http_requests_total{method="GET",route="(unmatched)",status="404"} 1.0' in text
    assert 'critic_http_request_duration_seconds_bucket{le="0.05",route="/v1/critique"}' in text
    assert 'critic_http_request_duration_seconds_count{route="/v1/critique"} 2.0' in text
    assert "critic_llm_calls_total 7.0" in text and "critic_llm_cache_hits_total 3.0" in text
    assert "critic_llm_errors_total 1.0" in text and "bad name" not in text
    assert "critic_llm_configured" in text


def test_metrics_survive_a_broken_llm_stage(client, monkeypatch):
    def broken():
        raise RuntimeError("no")

    monkeypatch.setattr(llm_stage, "counters", broken)
    monkeypatch.setattr(llm_stage, "backend_state", broken)
    assert client.get("/metrics").status_code == 200


def test_openapi_document(client):
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    spec = resp.get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/v1/critique",
        "/v1/critique/batch",
        "/v1/critique/stream",
        "/v1/rules",
        "/v1/edit",
        "/healthz",
        "/readyz",
    }
    schemas = spec["components"]["schemas"]
    assert {"CritiqueRequest", "CritiqueResponse", "BatchRequest", "BatchResponse", "Problem"} <= set(schemas)
    assert {"RulesResponse", "RuleInfo", "EditRequest", "EditResponse"} <= set(schemas)
    assert schemas["CritiqueRequest"]["required"] == ["body"]
    assert "rapport.pleasantry" in schemas["CritiqueRequest"]["properties"]["rules"]["propertyNames"]["enum"]
    op = spec["paths"]["/v1/critique"]["post"]
    assert {"200", "400", "413", "415", "422", "429", "500"} <= set(op["responses"])
    assert "application/problem+json" in op["responses"]["422"]["content"]
    assert CritiqueRequest.model_json_schema()["properties"]["format"]["enum"] == ["text", "html"]
    # The add-ins' routes: the catalogue (GET, no body) and the in-place HTML edit (409 when the words moved).
    rules = spec["paths"]["/v1/rules"]["get"]
    assert "requestBody" not in rules and {"200", "401", "429"} <= set(rules["responses"])
    assert rules["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RulesResponse")
    assert schemas["RuleInfo"]["required"] == ["id", "title", "rubric", "severity", "message", "why", "configurable"]
    edit = spec["paths"]["/v1/edit"]["post"]
    assert edit["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/EditRequest")
    assert edit["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/EditResponse")
    assert {"200", "409", "413", "415", "422"} <= set(edit["responses"])
    assert schemas["EditRequest"]["required"] == ["body", "start", "end", "quote", "replacement"]
    assert schemas["EditRequest"]["additionalProperties"] is False


def test_addin_routes_answer_what_the_document_says(client):
    """/v1/rules and /v1/edit answers validate against their documented response models."""
    from critic.service.schemas import EditResponse, RulesResponse

    RulesResponse.model_validate(client.get("/v1/rules").get_json())
    html = "<div>Hope this finds you well!</div><div>Do you have <b>30 minutes</b>?</div>"
    resp = client.post("/v1/edit", json={"body": html, "start": 0, "end": 4, "quote": "Hope", "replacement": "Wish"})
    assert resp.status_code == 200 and EditResponse.model_validate(resp.get_json()).body.startswith("<div>Wish this")
    moved = client.post("/v1/edit", json={"body": html, "start": 0, "end": 4, "quote": "Nope", "replacement": ""})
    assert moved.status_code == 409 and moved.get_json()["type"].endswith("span-moved")
    bad = client.post("/v1/edit", json={"body": html, "start": "0", "end": 4, "quote": "Hope", "replacement": ""})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "start"


def test_docs_page_is_offline_html(client):
    resp = client.get("/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "/v1/critique/batch" in html and 'id="schema-CritiqueRequest"' in html and 'id="problem-validation"' in html
    assert "<script" not in html and "http://" not in html.replace("http://json-schema", "")
    assert "https://" not in html.split("<body>")[1].replace("https://json-schema.org", "")


def test_unexpected_errors_are_logged_and_answered_500(client, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(critic.service.api, "critique", explode)
    resp = client.post("/v1/critique", json=DRAFT, headers={"X-Request-ID": "trace-500"})
    assert resp.status_code == 500 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["request_id"] == "trace-500" and body["type"].endswith("internal")
    assert "boom" not in resp.get_data(as_text=True)
    assert "request_id=trace-500" in caplog.text and "KeyError" in caplog.text


def test_static_addin_files(make_app, tmp_path):
    (tmp_path / "panel").mkdir()
    (tmp_path / "demo").mkdir()
    (tmp_path / "panel" / "panel.html").write_text("<!doctype html><title>panel</title>")
    (tmp_path / "panel" / "panel.js").write_text("export const x = 1;")
    (tmp_path / "demo" / "index.html").write_text("<!doctype html><title>demo</title>")
    (tmp_path / "manifest.xml").write_text("<OfficeApp/>")
    client = make_app(ADDIN_DIR=str(tmp_path), WARM=False).test_client()
    assert b"panel" in client.get("/panel/").data
    js = client.get("/panel/panel.js")
    assert js.status_code == 200 and "javascript" in js.content_type
    assert b"demo" in client.get("/demo").data
    assert client.get("/addin/manifest.xml").status_code == 200
    assert client.get("/addin/panel/panel.js").status_code == 200
    assert client.get("/panel").status_code in (301, 308)
    for path in (
        "/panel/missing.js",
        "/addin/../pyproject.toml",
        "/addin/%2e%2e/pyproject.toml",
        "/panel/../../etc/passwd",
    ):
        resp = client.get(path)
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json", path


def test_missing_addin_folder_is_a_clear_404(make_app, tmp_path):
    client = make_app(ADDIN_DIR=str(tmp_path / "absent"), WARM=False).test_client()
    for path in ("/panel/", "/panel/panel.js", "/demo", "/addin/outlook/taskpane.html"):
        resp = client.get(path)
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
        assert "not installed" in resp.get_json()["detail"]


def test_addin_dir_from_environment(monkeypatch, tmp_path):
    from critic.service.app import create_app

    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "index.html").write_text("<!doctype html><title>env demo</title>")
    monkeypatch.setenv("CRITIC_ADDIN_DIR", str(tmp_path))
    assert b"env demo" in create_app({"WARM": False}).test_client().get("/demo").data


def test_repository_addin_is_served_when_present(client):
    from critic.service.static import default_addin_dir

    if (default_addin_dir() / "demo" / "index.html").is_file():
        assert client.get("/demo").status_code == 200
