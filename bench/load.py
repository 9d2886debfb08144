"""Load run of `critic serve` on loopback, heuristic-only: requests/s and p50/p99 at 1, 8 and 32 clients.

Starts its own server (waitress via `critic serve`, or gunicorn with --server gunicorn), sends ~150-word drafts
over keep-alive HTTP/1.1 connections from client threads, and runs the same drafts through the in-process
`critique()` for the HTTP-overhead ratio. Every level is bounded by --requests and --duration; the server is
stopped at the end. Only 127.0.0.1 is ever contacted.

    .venv/bin/python bench/load.py                      # waitress, 1/8/32 clients
    .venv/bin/python bench/load.py --client wrk         # the load from wrk (Debian's `wrk`), not Python threads
    .venv/bin/python bench/load.py --server gunicorn --workers 2
    .venv/bin/python bench/load.py --soak 100000 --json       # memory: worker RSS over 100k requests (see below)

`--soak N` is the memory run: N requests from 8 keep-alive clients to `critic serve --workers 2` (gunicorn), every other
one a draft never sent before (a new number, subject and sentence), the RSS of each worker (VmRSS in /proc) sampled
every --sample-every seconds; its start is the first sample after 1% of the requests (warm-up done). Last run, 100,000
requests in 253 s, none failed: worker 1 96,360 KiB after warm-up, 96,884 KiB at the end (max 96,884); worker 2
95,572 -> 96,448 KiB (max 96,448); both flat from about 55,000 requests on (the engine's bounded caches full). The
run before the rate limiter moved off flask-limiter: 96,076 -> 96,592 and 96,280 -> 97,264 KiB.

The Python client threads share one GIL and the machine's cores with the server, so on a small machine they
cap what they can measure; wrk is written in C and leaves nearly all of the CPU to the server. wrk runs each
level for --duration seconds (its own bound; --requests does not apply) and reports non-2xx answers as errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"

_OPENERS = ["Hi {name},", "Hello {name},", "{name},", "Dear {name},"]
_BODY = (
    "I read your post on {topic} last week and the point about {detail} stuck with me, because we ran into the same "
    "thing at {company} when our team grew from {n} to {m} people. We tried three fixes; two failed, and the one that "
    "worked was embarrassingly simple: a short checklist that every new hire filled in with their manager on day two. "
    "It cut our early drop-off by about a third over two quarters. I wrote the whole thing up in a two-page note, "
    "including the parts that did not work and why. Would it help if I sent it over? There is no call needed and no "
    "pitch attached; if it is useful, great, and if not, no reply is needed at all. I am also curious how your team "
    "handles the first month today, since your post hinted that you are trying a new approach with {detail}."
)
_SIGN = ["Best,\n{sender}", "Thanks,\n{sender}", "Cheers,\n{sender}"]


def make_drafts(count: int = 24, seed: int = 7) -> list[dict[str, str]]:
    """Distinct ~150-word drafts (names, numbers and topics vary, so nothing can be served from a cache)."""
    rng = random.Random(seed)
    names = ["Sarah", "Dana", "Priya", "Tom", "Lena", "Marco", "Aiko", "Sam"]
    topics = ["onboarding churn", "hiring engineers", "remote onboarding", "manager training", "first-week retention"]
    details = ["week-two drop-off", "buddy programs", "manager check-ins", "documentation debt", "ramp-up time"]
    drafts = []
    for i in range(count):
        fields = {
            "name": rng.choice(names),
            "topic": rng.choice(topics),
            "detail": rng.choice(details),
            "company": f"Company{i}",
            "n": str(rng.randint(8, 40)),
            "m": str(rng.randint(50, 400)),
            "sender": rng.choice(["Alex", "Jo", "Kim"]),
        }
        body = "\n\n".join([rng.choice(_OPENERS), _BODY, rng.choice(_SIGN)]).format(**fields)
        drafts.append({"subject": f"Notes on {fields['topic']}", "body": body, "llm": "off"})
    return drafts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def post_critique(conn: http.client.HTTPConnection, port: int, body: str) -> tuple[http.client.HTTPConnection, bool]:
    """POST one critique on a keep-alive connection: (the connection to use next, whether it answered 200)."""
    try:
        conn.request("POST", "/v1/critique", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return conn, resp.status == 200
    except OSError:
        conn.close()
        return http.client.HTTPConnection(HOST, port, timeout=30), False


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM the server (gunicorn stops its workers gracefully), then kill it if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_server(
    kind: str, workers: int | None, worker_class: str = "sync", rate_limit: str = "100000000/minute"
) -> tuple[subprocess.Popen, int]:
    """Start waitress (`critic serve`) or gunicorn on a free loopback port; return the process and the port."""
    env = {**os.environ, "CRITIC_RATE_LIMIT": rate_limit, "CRITIC_LOG_LEVEL": "WARNING"}
    env.pop("CRITIC_API_KEYS", None)
    port = _free_port()
    if kind == "gunicorn":
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers or os.cpu_count() or 2),
            "-b",
            f"{HOST}:{port}",
            "-k",
            worker_class,
            "--threads",
            "2",
            "--log-level",
            "warning",
            "--preload",
            "critic.service.app:create_app()",
        ]
    else:
        cmd = [sys.executable, "-m", "critic", "serve", "--host", HOST, "--port", str(port)]
        if workers:
            cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_healthy(port, proc)
    return proc, port


def _client(
    port: int,
    bodies: list[bytes],
    deadline: float,
    budget: list[int],
    lock: threading.Lock,
    out: list[float],
    errors: list[int],
) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    i = 0
    while time.monotonic() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        body = bodies[i % len(bodies)]
        i += 1
        t0 = time.perf_counter()
        conn, ok = post_critique(conn, port, body)
        elapsed = time.perf_counter() - t0
        if ok:
            out.append(elapsed)
        else:
            errors.append(1)
    conn.close()


_WRK_SCRIPT = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/v1/critique", {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %%d %%d %%.1f %%.1f %%.1f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def run_wrk(port: int, drafts: list[dict[str, str]], clients: int, duration: float) -> dict[str, float]:
    """One level driven by wrk: `clients` keep-alive connections for `duration` seconds."""
    bodies = ",".join("[==[" + json.dumps(d) + "]==]" for d in drafts)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "critique.lua"
        script.write_text(_WRK_SCRIPT % bodies, encoding="utf-8")
        cmd = [
            "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://{HOST}:{port}",
        ]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
        wall = time.perf_counter() - t0
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    done, errors, p50_us, p99_us, mean_us = (float(v) for v in line.split()[1:])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "clients": clients,
        "requests": int(done - errors),
        "errors": int(errors),
        "rps": round(float(rps.group(1)) if rps else done / wall, 1),
        "p50_ms": round(p50_us / 1000, 2),
        "p99_ms": round(p99_us / 1000, 2),
        "mean_ms": round(mean_us / 1000, 2),
    }


def _summary(latencies: list[float], wall: float, errors: int) -> dict[str, float]:
    lat = sorted(latencies)
    pct = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))
    return {
        "requests": len(lat),
        "errors": errors,
        "rps": round(len(lat) / wall, 1) if wall else 0.0,
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else float("nan"),
    }


def run_level(
    port: int, drafts: list[dict[str, str]], clients: int, requests: int, duration: float
) -> dict[str, float]:
    """One level: `clients` threads share a budget of `requests`, stopping at `duration` seconds at the latest."""
    bodies = [json.dumps(d).encode() for d in drafts]
    latencies: list[float] = []
    errors: list[int] = []
    lock, budget = threading.Lock(), [requests]
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(
            target=_client, args=(port, bodies[i:] + bodies[:i], deadline, budget, lock, latencies, errors)
        )
        for i in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"clients": clients, **_summary(latencies, time.perf_counter() - t0, len(errors))}


def run_in_process(drafts: list[dict[str, str]], requests: int, duration: float) -> dict[str, float]:
    """The same drafts through `to_wire(critique(...))` and json.dumps, in this process, one at a time."""
    sys.path.insert(0, str(ROOT))
    from critic.model import Draft
    from critic.pipeline import critique, warm_up
    from critic.wire import to_wire

    warm_up()  # as the server's warm-up does
    for d in drafts:  # and as its first levels do
        critique(Draft(body=d["body"], subject=d["subject"]), llm="off")
    latencies: list[float] = []
    deadline = time.monotonic() + duration
    t0 = time.perf_counter()
    for i in range(requests):
        if time.monotonic() > deadline:
            break
        d = drafts[i % len(drafts)]
        s = time.perf_counter()
        json.dumps(to_wire(critique(Draft(body=d["body"], subject=d["subject"]), llm="off")))
        latencies.append(time.perf_counter() - s)
    return {"clients": 1, **_summary(latencies, time.perf_counter() - t0, 0)}


def worker_rss_kib(master: int) -> dict[int, int]:
    """VmRSS (KiB) of each worker of a gunicorn master, by pid (Linux /proc)."""
    out: dict[int, int] = {}
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1])
        except OSError:
            pass
    return out


def soak_draft(n: int, repeat: list[dict[str, str]]) -> dict[str, str]:
    """Request n's draft: every other one from a small repeated set, the rest each new (names, numbers, a sentence)."""
    if n % 2:
        return repeat[n % len(repeat)]
    base = dict(repeat[(n // 2) % len(repeat)])
    base["body"] = base["body"].replace("about a third", f"about {n % 97 + 2} percent") + (
        f"\n\nP.S. Ticket {n} in our tracker has the numbers from quarter {n % 13}."
    )
    base["subject"] = f"{base['subject']} ({n})"
    return base


def soak(requests: int, workers: int, clients: int, every: float) -> dict[str, object]:
    """`requests` requests (half of them drafts never sent before) to `critic serve --workers N`; worker RSS over time."""
    proc, port = start_server("waitress", workers)  # `critic serve --workers N`: gunicorn when N > 1
    repeat = make_drafts(50, seed=3)
    lock = threading.Lock()
    sent = [0]
    failures = [0]
    samples: list[dict[str, object]] = []

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                if sent[0] >= requests:
                    break
                sent[0] += 1
                n = sent[0]
            conn, ok = post_critique(conn, port, json.dumps(soak_draft(n, repeat)))
            if not ok:
                with lock:
                    failures[0] += 1
        conn.close()

    started = time.monotonic()
    try:
        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        next_sample = started
        while any(t.is_alive() for t in threads):
            now = time.monotonic()
            if now >= next_sample:
                samples.append({"t": round(now - started), "requests": sent[0], "rss_kib": worker_rss_kib(proc.pid)})
                next_sample = now + every
            time.sleep(0.2)
        samples.append(
            {"t": round(time.monotonic() - started), "requests": sent[0], "rss_kib": worker_rss_kib(proc.pid)}
        )
    finally:
        stop_server(proc)
    # The first sample after the first 1% of requests is the baseline: warm-up (first drafts, first allocations) is over.
    warm = next((x for x in samples if x["requests"] >= requests // 100), samples[0])
    pids = sorted({pid for x in samples for pid in x["rss_kib"]})  # type: ignore[attr-defined]
    per_worker = {}
    for pid in pids:
        series = [x["rss_kib"][pid] for x in samples if pid in x["rss_kib"]]  # type: ignore[index,operator]
        per_worker[str(pid)] = {
            "start_kib": warm["rss_kib"].get(pid, series[0]),  # type: ignore[attr-defined]
            "end_kib": series[-1],
            "max_kib": max(series),
        }
    return {
        "requests": requests,
        "failures": failures[0],
        "workers": workers,
        "clients": clients,
        "seconds": round(time.monotonic() - started, 1),
        "worker_pids_seen": len(pids),
        "per_worker": per_worker,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (critic serve --workers, or gunicorn workers)"
    )
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync or gthread")
    parser.add_argument("--levels", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=3000, help="at most this many requests per level")
    parser.add_argument("--duration", type=float, default=15.0, help="at most this many seconds per level")
    parser.add_argument(
        "--client",
        choices=("python", "wrk"),
        default="python",
        help="load generator: Python threads (no install) or wrk (Debian package wrk)",
    )
    parser.add_argument(
        "--rate-limit",
        default="100000000/minute",
        help="CRITIC_RATE_LIMIT for the server: a limit that never binds (the limiter still runs), or off",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--soak",
        type=int,
        metavar="N",
        help="memory run instead: N requests (half of them new drafts) to `critic serve --workers 2`, worker RSS sampled",
    )
    parser.add_argument("--sample-every", type=float, default=10.0, help="seconds between RSS samples (--soak)")
    args = parser.parse_args(argv)
    if args.soak:
        report = soak(args.soak, args.workers or 2, 8, args.sample_every)
        print(
            json.dumps(report, indent=2)
            if args.json
            else json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2)
        )
        return 0
    if args.client == "wrk" and not shutil.which("wrk"):
        parser.error("--client wrk needs wrk on PATH (apt-get install wrk)")
    drafts = make_drafts()
    words = statistics.fmean(len(re.findall(r"\S+", d["body"])) for d in drafts)
    proc, port = start_server(args.server, args.workers, args.worker_class, args.rate_limit)
    results: dict[str, object] = {
        "server": args.server,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "cores": os.cpu_count(),
        "client": args.client,
        "rate_limit": args.rate_limit,
        "draft_words": round(words),
        "levels": [],
    }
    try:
        run_level(port, drafts, 2, 20, 10)  # warm the connections and the workers
        for clients in (int(c) for c in args.levels.split(",")):
            level = (
                run_wrk(port, drafts, clients, args.duration)
                if args.client == "wrk"
                else run_level(port, drafts, clients, args.requests, args.duration)
            )
            results["levels"].append(level)  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    results["in_process"] = run_in_process(drafts, args.requests, args.duration)
    one = next((lv for lv in results["levels"] if lv["clients"] == 1), None)  # type: ignore[union-attr]
    if one and one["requests"]:
        inproc = results["in_process"]
        results["http_overhead_ratio_at_1_client"] = round(one["p50_ms"] / inproc["p50_ms"], 2)  # type: ignore[index]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            f"server={args.server} workers={args.workers or 'default'} cores={results['cores']} client={args.client} "
            f"rate_limit={args.rate_limit} "
            f"draft≈{results['draft_words']} words"
        )
        print(f"{'clients':>8} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
        for lv in [*results["levels"], {**results["in_process"], "clients": "in-proc"}]:  # type: ignore[misc]
            print(
                f"{lv['clients']!s:>8} {lv['requests']:>9} {lv['errors']:>7} {lv['rps']:>9} {lv['p50_ms']:>8} {lv['p99_ms']:>8}"
            )
        if "http_overhead_ratio_at_1_client" in results:
            print(f"HTTP p50 / in-process p50 at 1 client: {results['http_overhead_ratio_at_1_client']}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
