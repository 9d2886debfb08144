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


# ---- single flight across processes, deterministically: two SharedCache clients are two workers ----------------


def _clients(url: str, n: int = 2):
    from critic.llm.shared import SharedCache

    return [SharedCache(url) for _ in range(n)]


def _codec():
    return (lambda v: v.encode()), (lambda raw: raw.decode())


def test_a_waiter_that_sees_the_lock_go_reads_the_answer_set_just_before(redis_url):
    """The race: the waiter reads no answer, the holder stores it and releases, the waiter finds no lock.

    It must read the answer again rather than conclude the holder failed and call the model a second time."""
    leader, follower = _clients(redis_url)
    encode, decode = _codec()
    calls: list[str] = []
    may_finish, finished = threading.Event(), threading.Event()

    def slow_make():
        calls.append("leader")
        assert may_finish.wait(10)
        return "answer"

    def follower_make():
        calls.append("follower")
        return "second answer"

    deadline = time.monotonic() + 10
    got: dict[str, tuple[str, bool]] = {}
    lead = threading.Thread(
        target=lambda: got.setdefault("leader", leader.fetch("k", 60, slow_make, deadline, encode, decode))
    )
    lead.start()
    while not leader._redis.exists(b"critic:llm:v1:k:lock") and lead.is_alive():
        time.sleep(0.01)
    real_get = follower._redis.get
    polls = []

    def get_then_let_the_holder_finish(name):
        value = real_get(name)
        polls.append(name)
        if len(polls) == 2 and value is None:  # the first poll of _wait: now the holder stores and releases
            may_finish.set()
            lead.join(10)
            finished.set()
        return value

    follower._redis.get = get_then_let_the_holder_finish
    got["follower"] = follower.fetch("k", 60, follower_make, deadline, encode, decode)
    lead.join(10)
    assert finished.is_set()
    assert calls == ["leader"], calls
    assert got == {"leader": ("answer", False), "follower": ("answer", True)}


def test_waiters_wait_for_a_slow_holder_and_one_takes_over_when_it_fails(redis_url):
    holder, *waiters = _clients(redis_url, 4)
    encode, decode = _codec()
    calls: list[str] = []
    lock = threading.Lock()
    started = threading.Event()

    def failing():
        with lock:
            calls.append("holder")
        started.set()
        time.sleep(0.6)  # longer than many polls
        raise RuntimeError("the model failed")

    def answering():
        with lock:
            calls.append("waiter")
        time.sleep(0.3)
        return "answer"

    deadline = time.monotonic() + 10
    results: list[object] = []

    def run(cache, make):
        try:
            results.append(cache.fetch("k2", 60, make, deadline, encode, decode))
        except RuntimeError as exc:
            results.append(type(exc).__name__)

    first = threading.Thread(target=run, args=(holder, failing))
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=run, args=(w, answering)) for w in waiters]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(15)
    # The failure is not cached; exactly one waiter asks again and the other two read its answer.
    assert calls == ["holder", "waiter"], calls
    assert sorted(map(str, results)) == sorted(
        map(str, ["RuntimeError", ("answer", False), ("answer", True), ("answer", True)])
    )


def test_the_lock_outlives_the_model_deadline(redis_url):
    cache = _clients(redis_url, 1)[0]
    encode, decode = _codec()
    seen: list[int] = []

    def make():
        seen.append(cache._redis.pttl(b"critic:llm:v1:k3:lock"))
        return "answer"

    cache.fetch("k3", 60, make, time.monotonic() + 7.0, encode, decode)
    assert seen and seen[0] >= 7000, seen  # held at least until the deadline, so no second caller starts meanwhile
    assert not cache._redis.exists(b"critic:llm:v1:k3:lock")  # and released once the answer is stored


def test_a_process_notices_at_once_that_a_refusing_redis_is_back(redis_srv, redis_url):
    """Right after a restart every process uses Redis again, so drafts sent then still cost one call."""
    a, b = _clients(redis_url)
    encode, decode = _codec()
    redis_srv.stop()
    try:
        assert a.fetch("k4", 60, lambda: "local", time.monotonic() + 5, encode, decode) == ("local", False)
        assert a.up is False
    finally:
        redis_srv.start()
    calls = []

    def make():
        calls.append(1)
        return "answer"

    # Within what was the old 2 s window: a refused connection costs nothing to retry, so it is retried.
    assert a.fetch("k5", 60, make, time.monotonic() + 5, encode, decode) == ("answer", False)
    assert b.fetch("k5", 60, make, time.monotonic() + 5, encode, decode) == ("answer", True)
    assert calls == [1] and a.up is True


def test_rate_limits_count_in_process_while_redis_is_down_and_on_redis_again_once_it_is_back(redis_srv, redis_url):
    from critic.service.ratelimit import RateLimiter

    one, two = RateLimiter("3/minute", redis_url), RateLimiter("3/minute", redis_url)  # two workers
    assert [one.hit("ip:a")[0] for _ in range(2)] == [True, True]
    assert two.hit("ip:a")[:2] == (True, 0) and two.hit("ip:a")[0] is False  # the third and fourth, across both
    redis_srv.stop()
    try:
        started = time.monotonic()
        assert [one.hit("ip:b")[0] for _ in range(4)] == [True, True, True, False]  # in this process only
        assert one.up is False and time.monotonic() - started < 1
    finally:
        redis_srv.start()
    assert two.hit("ip:b")[:2] == (True, 2)  # Redis is back (and empty): counted there, at once
    assert one.hit("ip:b")[:2] == (True, 1) and one.up is True
