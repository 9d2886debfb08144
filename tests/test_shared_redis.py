"""Shared state on a real redis-server: one LLM call per draft across workers and instances, shared rate limits,
and a service that keeps answering (and says so) when Redis goes away."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from fake_openai import FakeOpenAI, answer, completion, serve
from redis_server import RedisServer, redis_binary
from serving import Server

import critic.llm
from critic.model import Draft
from critic.pipeline import critique

BODY = "Hi Dana,\n\nWe are the leading provider of analytics. Can we talk for 30 minutes on Thursday?\n\nBest,\nLee"


@pytest.fixture(scope="module")
def redis_srv():
    srv = RedisServer(redis_binary()).start()
    yield srv
    srv.stop()


@pytest.fixture
def redis_url(redis_srv, monkeypatch):
    if redis_srv.proc is None:
        redis_srv.start()
    redis_srv.flush()
    monkeypatch.setenv("CRITIC_REDIS_URL", redis_srv.url)
    critic.llm.reset()
    yield redis_srv.url
    critic.llm.reset()


@pytest.fixture
def fake(monkeypatch):
    yield from serve(monkeypatch, timeout=5.0)


def _slow(request):
    time.sleep(0.4)
    return completion(answer())


def _env(fake: FakeOpenAI, url: str, **more: str) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake.base_url,
        "CRITIC_LLM_MODEL": "fake-model",
        "CRITIC_LLM_TIMEOUT": "5",
        "CRITIC_REDIS_URL": url,
        "CRITIC_LOG_LEVEL": "WARNING",
        **more,
    }


def _post(base: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        base + "/v1/critique", json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_in_process_answers_come_from_redis_after_the_local_cache_is_gone(fake, redis_url):
    first = critique(Draft(body=BODY, subject="Analytics"), llm="on")
    critic.llm.reset()  # a new process: empty local cache, same Redis
    second = critique(Draft(body=BODY, subject="Analytics"), llm="on")
    assert (first.llm["status"], second.llm["status"]) == ("ok", "cached") and fake.calls == 1
    assert second.findings == first.findings and second.scores == first.scores


def test_one_llm_call_across_workers_and_instances(fake, redis_url):
    fake.default = _slow
    servers = [Server("--workers", "2", env=_env(fake, redis_url)), Server("--workers", "2", env=_env(fake, redis_url))]
    try:
        statuses: list[str] = []
        # Concurrent identical drafts (they wait for one call in flight), then more on new connections.
        threads = [
            threading.Thread(
                target=lambda base=srv.base: statuses.append(
                    _post(base, {"body": BODY, "llm": "on"})[1]["llm"]["status"]
                )
            )
            for srv in servers
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for srv in servers:
            for _ in range(4):
                statuses.append(_post(srv.base, {"body": BODY, "llm": "on"})[1]["llm"]["status"])
    finally:
        for srv in servers:
            srv.stop()
    assert fake.calls == 1, (fake.calls, statuses)
    assert sorted(set(statuses)) == ["cached", "ok"] and statuses.count("ok") == 1


def test_rate_limits_hold_across_workers(redis_url):
    srv = Server("--workers", "2", env={"CRITIC_REDIS_URL": redis_url, "CRITIC_RATE_LIMIT": "5/minute"})
    try:
        codes = [_post(srv.base, {"body": "Can we talk?", "llm": "off"})[0] for _ in range(12)]
    finally:
        srv.stop()
    assert codes.count(200) == 5 and codes.count(429) == 7, codes


def test_redis_going_away_is_survived_and_reported(fake, redis_srv, redis_url, make_app):
    client = make_app().test_client()
    assert client.get("/readyz").get_json()["shared"]["up"] is True
    redis_srv.stop()
    try:
        started = time.monotonic()
        resp = client.post("/v1/critique", json={"body": BODY, "llm": "on"})
        assert resp.status_code == 200 and resp.get_json()["llm"]["status"] == "ok"
        assert time.monotonic() - started < 5 + 1
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json()["shared"] == {
            "configured": True,
            "up": False,
            "last_error": ready.get_json()["shared"]["last_error"],
        }
        metrics = client.get("/metrics").get_data(as_text=True)
        assert "critic_shared_up 0.0" in metrics and "critic_llm_shared_errors_total" in metrics
        assert client.post("/v1/critique", json={"body": "Can we talk?", "llm": "off"}).status_code == 200
    finally:
        redis_srv.start()
    time.sleep(2.1)  # the shared cache leaves a failed Redis alone this long
    assert client.get("/readyz").get_json()["shared"]["up"] is True
