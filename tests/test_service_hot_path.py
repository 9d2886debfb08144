"""The request path's parts that bench/serving.py chose by measurement: the limiter's counters without timer threads,
orjson for responses, and the engine gate that computes one critique at a time per process in arrival order."""

from __future__ import annotations

import json
import threading
import time

import pytest

from critic.service import fastjson, gate, ratelimit


def test_the_limiter_counts_without_starting_a_thread_per_hit(make_app):
    app = make_app(RATE_LIMIT="1000000/minute", WARM=False)
    storage = app.extensions["critic_limiter"].memory
    assert isinstance(storage, ratelimit.SweptMemoryStorage)
    client = app.test_client()
    client.post("/v1/critique", json={"body": "Can we talk?"})
    threads = threading.active_count()
    started = []
    real_start = threading.Thread.start

    def counting_start(self, *args, **kwargs):
        started.append(self.name)
        return real_start(self, *args, **kwargs)

    try:
        threading.Thread.start = counting_start  # type: ignore[method-assign]
        for _ in range(30):
            assert client.post("/v1/critique", json={"body": "Can we talk?"}).status_code == 200
    finally:
        threading.Thread.start = real_start  # type: ignore[method-assign]
    assert started == [] and threading.active_count() <= threads


def test_expired_counters_are_swept_so_memory_stays_flat(monkeypatch):
    monkeypatch.setattr(ratelimit, "SWEEP", 0.0)
    storage = ratelimit.SweptMemoryStorage()
    for i in range(100):
        storage.incr(f"ip:{i}", expiry=0.05)
    assert storage.counters() == 100
    time.sleep(0.1)
    storage.incr("ip:new", expiry=60)
    assert storage.counters() == 1 and storage.get("ip:new") == 1
    assert storage.incr("ip:new", expiry=60) == 2


def test_fastjson_matches_the_standard_encoder_and_falls_back_for_what_orjson_refuses():
    data = {"quote": "naïve — 😀", "n": [1, 2.5, None, True], "nested": {"a": ""}}
    assert json.loads(fastjson.dumps_bytes(data)) == data
    assert json.loads(fastjson.dumps_bytes({1: "int key"})) == {"1": "int key"}
    assert json.loads(fastjson.dumps_bytes({"big": 2**70})) == {"big": 2**70}
    lone = json.loads(fastjson.dumps_bytes({"s": "a\ud800b"}))  # a lone surrogate: still valid JSON text
    assert lone == {"s": "a\ud800b"}


def test_the_app_answers_json_through_orjson(client):
    assert isinstance(client.application.json, fastjson.FastJSONProvider)
    resp = client.post("/v1/critique", json={"body": "Können wir reden? It's “great”."})
    assert resp.status_code == 200 and "“great”" in resp.get_data(as_text=True)


def test_the_gate_admits_in_arrival_order():
    fifo = gate.FifoGate(1)
    order: list[int] = []
    fifo.__enter__()  # held, so every thread below queues
    threads = []
    for i in range(6):
        t = threading.Thread(target=lambda i=i: (fifo.__enter__(), order.append(i), fifo.__exit__(None, None, None)))
        t.start()
        threads.append(t)
        while fifo.waiting < i + 1:  # queued before the next one starts
            time.sleep(0.001)
    fifo.__exit__(None, None, None)
    for t in threads:
        t.join(5)
    assert order == list(range(6))


def test_the_gate_bounds_concurrency_and_zero_turns_it_off():
    for width, expected in ((1, 1), (2, 2), (0, 4)):
        fifo, inside, most = gate.FifoGate(width), [0], [0]
        lock = threading.Lock()

        def work(fifo=fifo, inside=inside, most=most, lock=lock):
            with fifo:
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.05)
                with lock:
                    inside[0] -= 1

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        assert most[0] == expected, (width, most[0])


@pytest.mark.parametrize(("raw", "width"), [("", 1), ("0", 0), ("3", 3)])
def test_the_gate_width_from_the_environment(raw, width):
    assert gate.width_from_env({"CRITIC_ENGINE_CONCURRENCY": raw}) == width


def test_a_bad_gate_width_is_refused():
    with pytest.raises(ValueError, match="CRITIC_ENGINE_CONCURRENCY"):
        gate.width_from_env({"CRITIC_ENGINE_CONCURRENCY": "-1"})
