"""The SSE endpoint really streams through waitress: the heuristic event arrives before a slow LLM step ends."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time

import waitress

import critic.llm as llm_stage
from critic.service.app import create_app


def test_heuristic_event_arrives_before_the_llm_step_finishes(monkeypatch):
    real = llm_stage.judge

    def slow_judge(result, mode, rejudge):
        time.sleep(1.0)
        return real(result, mode, rejudge)

    monkeypatch.setattr(llm_stage, "judge", slow_judge)
    server = waitress.create_server(create_app(), host="127.0.0.1", port=0, threads=2)

    def run() -> None:
        with contextlib.suppress(OSError, ValueError):  # the loop may notice the closed socket on its way out
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        started = time.perf_counter()
        conn.request(
            "POST",
            "/v1/critique/stream",
            body=json.dumps({"body": "Can we talk Thursday?"}),
            headers={"Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        assert resp.status == 200
        first = resp.readline()
        first_at = time.perf_counter() - started
        rest = resp.read().decode()
        done_at = time.perf_counter() - started
        assert first == b"event: heuristic\n"
        assert first_at < 0.8 <= done_at
        assert "event: final\n" in rest and rest.endswith("\n\n")
        conn.close()
    finally:
        server.close()
        thread.join(5)
