"""Every fault of the model endpoint leaves the heuristic critique intact, with a status and a reason, within the
deadline: invalid JSON, schema violations, truncation, 5xx, 429 (with Retry-After), hangs, refused connections."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fake_openai import answer, completion, error, hang, serve

import critic.llm
from critic.model import Draft
from critic.pipeline import critique

BODY = "Hi Dana,\n\nHow was your long weekend? We are the premier supplier of survey drones. Could we talk for 20 minutes?\n\nBest,\nLee"


@pytest.fixture
def server(monkeypatch):
    yield from serve(monkeypatch, timeout=5.0)


def run(body: str = BODY):
    return critique(Draft(body=body, subject="Analytics"), llm="on")


def assert_heuristic_result(result) -> None:
    expected = critique(Draft(body=result.document.body, subject=result.document.subject), llm="off")
    assert result.findings == expected.findings and result.scores == expected.scores


@pytest.mark.parametrize(
    "reply, reason",
    [
        (completion("this is not json {"), "not JSON"),
        (completion({"findings": []}), "does not match the schema"),
        (completion(answer(findings=[{"rubric": "tone", "quote": "x"}])), "does not match the schema at findings/0"),
        (completion(answer(), finish_reason="length"), "finish_reason=length"),
        (completion(""), "empty answer"),
    ],
)
def test_invalid_answers(server, reply, reason) -> None:
    server.then(reply)
    result = run()
    assert result.llm["status"] == "invalid" and reason in result.llm["reason"]
    assert_heuristic_result(result)
    assert critic.llm.counters()["errors"] == 1
    assert run().llm["status"] != "cached"  # failures are not cached


def test_a_500_is_retried_then_succeeds(server) -> None:
    server.then(error(500), error(503))
    result = run()
    assert result.llm["status"] == "ok" and result.llm["attempts"] == 3 and server.calls == 3


def test_persistent_5xx_is_an_error_within_the_deadline(server, monkeypatch) -> None:
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", "1.5")
    server.default = error(500, "model crashed")
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < 1.5 + 1.0
    assert result.llm["status"] == "error" and "HTTP 500" in result.llm["reason"]
    assert server.calls >= 2  # retried with backoff while time remained
    assert_heuristic_result(result)


def test_429_then_success_honours_retry_after(server) -> None:
    server.then(error(429, "slow down", {"retry-after": "1"}))
    started = time.monotonic()
    result = run()
    assert result.llm["status"] == "ok" and server.calls == 2
    assert time.monotonic() - started >= 0.9


def test_429_asking_for_more_time_than_left_gives_up_at_once(server, monkeypatch) -> None:
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", "3")
    server.then(error(429, "slow down", {"retry-after": "60"}))
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < 1.5
    assert result.llm["status"] == "error" and "retry after 60" in result.llm["reason"] and server.calls == 1


def test_a_4xx_is_not_retried(server) -> None:
    server.then(error(400, "response_format json_schema is not supported"))
    result = run()
    assert result.llm["status"] == "error" and "CRITIC_LLM_RESPONSE_FORMAT=json_object" in result.llm["reason"]
    assert server.calls == 1


def test_a_hung_endpoint_costs_no_more_than_the_deadline(server, monkeypatch) -> None:
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", "1")
    server.default = hang(30)
    started = time.monotonic()
    result = run()
    elapsed = time.monotonic() - started
    assert elapsed < 1 + 0.75, elapsed
    assert result.llm["status"] == "timeout" and "1 s" in result.llm["reason"]
    assert critic.llm.counters()["timeouts"] == 1
    assert_heuristic_result(result)


def test_a_slow_first_try_and_a_fast_retry_fit_one_deadline(server, monkeypatch) -> None:
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", "1")
    server.then(error(502), hang(30))
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < 1.75
    assert result.llm["status"] == "timeout" and server.calls == 2


def test_connection_refused_is_an_error(monkeypatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("CRITIC_LLM_MODEL", "m")
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", "1")
    critic.llm.reset()
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < 1.75
    assert result.llm["status"] == "error" and "cannot reach" in result.llm["reason"]
    assert_heuristic_result(result)
    critic.llm.reset()


def test_concurrent_calls_are_bounded_per_process(server, monkeypatch) -> None:
    monkeypatch.setenv("CRITIC_LLM_MAX_CONCURRENCY", "1")

    def slow(request):
        time.sleep(0.3)
        return completion(answer())

    server.default = slow
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(run(BODY + f"\nP.S. {'x' * i}").llm["status"]))
        for i in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok", "ok", "ok"] and server.calls == 3 and server.max_in_flight == 1
