"""POST /v1/critique/batch (each draft answered on its own) and /v1/critique/stream (SSE framing)."""

from __future__ import annotations

import json

import pytest

import critic.llm as llm_stage
from critic.service.schemas import BatchResponse, CritiqueResponse

GOOD = {"subject": "Your hiring post", "body": "Sarah, your post on hiring was sharp. Want my two-page notes?"}


def test_batch_mixes_results_and_refusals(client):
    drafts = [
        GOOD,
        {"body": ""},
        "not an object",
        {"body": "x", "format": "pdf"},
        {"body": "Hi", "rules": {"nope": "off"}},
        {"body": 5},
        {**GOOD, "llm": "off"},
    ]
    resp = client.post("/v1/critique/batch", json={"drafts": drafts})
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    BatchResponse.model_validate(resp.get_json())
    assert [r["index"] for r in results] == list(range(len(drafts)))
    assert [r["ok"] for r in results] == [True, False, False, False, False, False, True]
    errors = {r["index"]: r["error"] for r in results if not r["ok"]}
    assert errors[1]["type"].endswith("empty-draft") and errors[1]["status"] == 422
    assert errors[2]["errors"][0]["field"] == "(request body)"
    assert errors[3]["errors"][0]["field"] == "format"
    assert errors[4]["errors"][0]["field"] == "rules.nope"
    assert errors[5]["errors"][0]["field"] == "body"
    assert results[0]["critique"]["text"]["subject"] == "Your hiring post"
    assert results[6]["critique"]["llm"]["status"] == "off"


def test_batch_of_fifty_is_accepted_and_fifty_one_refused(client):
    resp = client.post("/v1/critique/batch", json={"drafts": [GOOD] * 50})
    assert resp.status_code == 200 and len(resp.get_json()["results"]) == 50
    resp = client.post("/v1/critique/batch", json={"drafts": [GOOD] * 51})
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "drafts"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"drafts": []}, "drafts"),
        ({}, "drafts"),
        ({"drafts": {"body": "x"}}, "drafts"),
        ({"drafts": [GOOD], "extra": 1}, "extra"),
    ],
)
def test_batch_shape_errors_are_422(client, payload, field):
    resp = client.post("/v1/critique/batch", json=payload)
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert field in [e["field"] for e in resp.get_json()["errors"]]


def test_batch_transport_errors(client):
    assert client.post("/v1/critique/batch", data="{", content_type="application/json").status_code == 400
    assert client.post("/v1/critique/batch", data="{}", content_type="text/plain").status_code == 415
    big = {"drafts": [{"body": "word " * 5000}] * 10}
    assert client.post("/v1/critique/batch", json=big).status_code == 413


def parse_sse(text: str) -> list[tuple[str, dict]]:
    """SSE frames as (event, data) pairs; every frame ends with a blank line."""
    assert text.endswith("\n\n")
    events = []
    for frame in text.strip("\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.split("\n"))
        assert set(fields) == {"event", "data"}
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_stream_sends_heuristic_then_final(client):
    resp = client.post("/v1/critique/stream", json=GOOD)
    assert resp.status_code == 200 and resp.mimetype == "text/event-stream"
    assert resp.headers["Cache-Control"] == "no-cache"
    events = parse_sse(resp.get_data(as_text=True))
    assert [e for e, _ in events] == ["heuristic", "final"]
    for _, data in events:
        CritiqueResponse.model_validate(data)
    assert events[0][1]["scores"] == events[1][1]["scores"]
    assert events[1][1]["llm"]["status"] == "unconfigured"


def test_stream_marks_pending_when_an_llm_step_follows(client, monkeypatch):
    seen = {}

    def fake_judge(result, mode, rejudge):
        seen["mode"] = mode
        return llm_stage.LLMVerdict({"status": "ok", "model": "test"}, result.findings)

    monkeypatch.setattr(llm_stage, "backend_state", lambda: {"configured": True, "model": "test"})
    monkeypatch.setattr(llm_stage, "judge", fake_judge)
    events = parse_sse(client.post("/v1/critique/stream", json={**GOOD, "llm": "on"}).get_data(as_text=True))
    assert events[0][1]["llm"]["status"] == "pending"
    assert events[1][1]["llm"] == {"status": "ok", "model": "test"}
    assert seen["mode"] == "on"
    off = parse_sse(client.post("/v1/critique/stream", json={**GOOD, "llm": "off"}).get_data(as_text=True))
    assert off[0][1]["llm"]["status"] != "pending"


def test_stream_reports_a_failing_llm_step_as_an_error_event(client, monkeypatch, caplog):
    def broken(result, mode, rejudge):
        raise RuntimeError("model exploded on " + GOOD["body"])

    monkeypatch.setattr(llm_stage, "judge", broken)
    events = parse_sse(client.post("/v1/critique/stream", json=GOOD).get_data(as_text=True))
    assert [e for e, _ in events] == ["heuristic", "error"]
    assert events[1][1]["status"] == 500 and events[1][1]["request_id"]
    assert GOOD["body"] not in caplog.text


def test_stream_refuses_bad_input_before_streaming(client):
    resp = client.post("/v1/critique/stream", json={"body": "  "})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert client.post("/v1/critique/stream", json={"body": 1}).status_code == 422
