"""The real `critic serve` (gunicorn for several workers, waitress for one) on a loopback port, over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from serving import ROOT, Server

MARKER = f"SECRET-DRAFT-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def server():
    srv = Server()
    yield srv
    if srv.proc.poll() is None:
        srv.stop()


def test_serve_prints_where_it_listens(server):
    assert server.first_line.startswith("critic: listening on http://127.0.0.1:")


def test_health_ready_and_docs_over_http(server):
    status, headers, body = server.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert headers["X-Request-ID"] and headers["Server"] in ("critic", "gunicorn")  # never a version
    status, _, body = server.get("/readyz")
    assert status == 200 and json.loads(body)["status"] == "ready"
    status, _, body = server.get("/openapi.json")
    assert status == 200 and json.loads(body)["openapi"].startswith("3.1")
    assert server.get("/docs")[0] == 200


def test_critique_over_http(server):
    status, headers, body = server.post_json(
        "/v1/critique",
        {
            "subject": "Quick question",
            "body": f"Trust your quarter is going smoothly! {MARKER} Could we speak for 20 minutes on Friday?",
        },
    )
    assert status == 200 and headers["Content-Type"] == "application/json"
    result = json.loads(body)
    assert result["scores"]["overall"] < 100 and result["findings"]
    status, _, body = server.post_json("/v1/critique/batch", {"drafts": [{"body": "Can we talk?"}, {"body": ""}]})
    assert status == 200 and [r["ok"] for r in json.loads(body)["results"]] == [True, False]


def test_errors_over_http(server):
    status, headers, body = server.request("POST", "/v1/critique", b"{nope", {"Content-Type": "application/json"})
    assert status == 400 and headers["Content-Type"] == "application/problem+json"
    assert server.request("POST", "/v1/critique", b"{}", {"Content-Type": "text/plain"})[0] == 415
    assert server.request("POST", "/v1/critique", b'{"body": "\xff"}', {"Content-Type": "application/json"})[0] == 400
    big = json.dumps({"body": "x" * 200_000}).encode()
    assert server.request("POST", "/v1/critique", big, {"Content-Type": "application/json"})[0] == 413
    status, _, body = server.get("/nope")
    assert status == 404 and json.loads(body)["status"] == 404


def test_stream_over_http_arrives_as_sse_frames(server):
    req = urllib.request.Request(
        server.base + "/v1/critique/stream",
        data=json.dumps({"body": f"Can we talk? {MARKER}"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        text = resp.read().decode()
    frames = [f for f in text.split("\n\n") if f]
    assert [f.split("\n")[0] for f in frames] == ["event: heuristic", "event: final"]
    assert json.loads(frames[1].split("\n")[1][len("data: ") :])["llm"]["status"] in ("unconfigured", "off")


def test_metrics_over_http(server):
    server.post_json("/v1/critique", {"body": "Can we talk?"})
    status, _, body = server.get("/metrics")
    assert status == 200 and b'critic_http_requests_total{method="POST",route="/v1/critique",status="200"}' in body


def test_stops_cleanly_and_never_logged_a_draft():
    srv = Server()
    srv.post_json("/v1/critique", {"subject": MARKER, "body": f"Hi, {MARKER}. Can we talk?"})
    srv.post_json("/v1/critique", {"body": MARKER, "format": "nope"})
    srv.request("POST", "/v1/critique", f'{{"body": "{MARKER}'.encode(), {"Content-Type": "application/json"})
    code, stderr = srv.stop()
    assert code == 0
    assert "POST /v1/critique 200" in stderr and "POST /v1/critique 422" in stderr  # the access log ran
    assert MARKER not in stderr


def test_api_keys_on_loopback_when_configured():
    srv = Server(env={"CRITIC_API_KEYS": "k-one"})
    try:
        assert srv.post_json("/v1/critique", {"body": "Can we talk?"})[0] == 401
        assert srv.post_json("/v1/critique", {"body": "Can we talk?"}, {"Authorization": "Bearer k-one"})[0] == 200
    finally:
        srv.stop()


def test_refuses_a_public_address_without_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRITIC_")}
    done = subprocess.run(
        [sys.executable, "-m", "critic", "serve", "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "CRITIC_API_KEYS" in done.stderr and "listening" not in done.stdout


def _critique_count(metrics: bytes) -> float:
    """critic_http_requests_total for answered POST /v1/critique, whatever order the labels come in."""
    total = 0.0
    for line in metrics.decode().splitlines():
        if line.startswith("critic_http_requests_total{") and 'route="/v1/critique"' in line and 'status="200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_sum_every_worker_process(tmp_path):
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"stale counts from an earlier run")
    srv = Server("--workers", "2", env={"PROMETHEUS_MULTIPROC_DIR": str(shared)})
    try:
        for _ in range(12):  # a new connection each time, so both processes answer some
            assert srv.post_json("/v1/critique", {"body": "Can we talk?"})[0] == 200
        scrapes = [_critique_count(srv.get("/metrics")[2]) for _ in range(6)]
    finally:
        srv.stop()
    assert scrapes == [12.0] * 6, scrapes  # whichever process answers the scrape, it reports all of them
    assert not (shared / "counter_1.db").exists()  # the stale file was wiped at start


def test_private_metrics_directory_is_removed_on_stop(tmp_path):
    srv = Server("--workers", "2", env={"TMPDIR": str(tmp_path)})  # its own temp dir: other servers may be running
    during = list(tmp_path.glob("critic-metrics-*"))
    assert srv.post_json("/v1/critique", {"body": "Can we talk?"})[0] == 200
    assert _critique_count(srv.get("/metrics")[2]) == 1.0
    os.kill(min(_worker_pids(srv.proc.pid)), signal.SIGKILL)  # a dying worker must not take the directory along
    time.sleep(1)
    assert all(p.exists() for p in during)
    code, _ = srv.stop()
    assert code == 0 and len(during) == 1
    assert not any(p.exists() for p in during)


def test_one_worker_runs_on_waitress():
    srv = Server("--workers", "1")
    try:
        status, headers, _ = srv.get("/healthz")
        assert status == 200 and headers["Server"] == "critic" and "1 process x" in srv.first_line
    finally:
        assert srv.stop()[0] == 0


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list the workers")
def test_a_killed_worker_is_replaced():
    srv = Server("--workers", "2")
    try:
        assert "gunicorn" in srv.first_line
        deadline = time.monotonic() + 20
        while len(_worker_pids(srv.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        before = _worker_pids(srv.proc.pid)
        assert len(before) == 2, before
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        while time.monotonic() < deadline:
            now = _worker_pids(srv.proc.pid)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.1)
        now = _worker_pids(srv.proc.pid)
        assert victim not in now and len(now) == 2, (before, now)
        for _ in range(10):  # new connections, so both workers (the new one too) answer
            assert srv.post_json("/v1/critique", {"body": "Can we talk?"})[0] == 200
    finally:
        code, stderr = srv.stop()
    assert code == 0
    assert f"pid:{victim}" in stderr  # gunicorn logged the death
