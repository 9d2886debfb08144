"""Load with faults: `critic serve` (several workers, Redis) under steady load while the LLM endpoint and Redis fail.

One command, loopback only, bounded by --requests and --duration. A scriptable OpenAI-compatible server
(tests/fake_openai.py) and a throwaway redis-server (tests/redis_server.py) run beside the service; the phases
cycle: healthy, LLM hung, LLM answering 500, LLM answering garbage, LLM restarted (down, then back), Redis stopped,
Redis started again. Every request asks for the LLM (`llm: on`); about one in ten carries a draft never sent
before, so the model is called throughout. The report gives, per phase and overall, throughput, p50/p99/max,
5xx and connection errors, LLM statuses, and the service's memory (RSS of master and workers) over time; and
the model calls per distinct draft sent while the LLM was healthy and Redis up (the promise: exactly one; a draft
sent just before a fault began whose call met it is counted apart, under llm_calls_per_new_draft_that_straddled_a_fault).

Last run (2 cores shared with other work, 3 workers, 12 clients, LLM deadline 2 s): 100,000 requests in 539 s, no 5xx
and no connection error, none past the deadline + 1 s, p50 36 ms / p99 324 ms; 1,011 of 1,011 drafts sent while the
model and Redis were healthy (redis_back included: Redis is used again from its first moment) cost exactly one model
call, across the three workers (the run before the fixes of critic/llm/shared.py: 62 of 68); service RSS (master and
workers) 453 MB after warm-up, 464 MB at the end, 464 MB at most.

    .venv/bin/python bench/faults.py                          # ~100k requests, at most 10 minutes
    .venv/bin/python bench/faults.py --requests 5000 --phase-seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
from fake_openai import FakeOpenAI, answer, completion, draft_of, error, hang  # noqa: E402
from load import HOST, _free_port, make_drafts, stop_server  # noqa: E402
from redis_server import RedisServer  # noqa: E402

PHASES = ("healthy", "llm_hung", "llm_500", "llm_garbage", "llm_restart", "redis_down", "redis_back")
FAILED = ("timeout", "error", "invalid")


class Faults:
    """The fake LLM (restartable on one port) and Redis, switched between phases."""

    def __init__(self, redis_binary: str) -> None:
        self.port = _free_port()
        self.phase = "healthy"
        self.calls: Counter[tuple[str, str]] = Counter()  # (phase the draft was first sent in, body) -> calls
        self.call_phases: dict[tuple[str, str], list[str]] = defaultdict(list)  # ... -> the phase of each call
        self.lock = threading.Lock()
        self.llm: FakeOpenAI | None = None
        self.redis = RedisServer(redis_binary).start()
        self.start_llm()

    def behaviour(self, request: dict) -> object:
        body = draft_of(request)["subject"]
        tag = body.rsplit("#", 1)[-1].strip() if "#" in body else "?"
        with self.lock:
            phase = self.phase
            self.calls[(tag.split("-")[0], body)] += 1
            self.call_phases[(tag.split("-")[0], body)].append(phase)
        if phase == "llm_hung":
            return hang(30)
        if phase == "llm_500":
            return error(500, "model crashed")
        if phase == "llm_garbage":
            return completion("this is not json {")
        time.sleep(0.2)  # a model takes a while
        return completion(answer())

    def start_llm(self) -> None:
        self.llm = FakeOpenAI(self.port).start()
        self.llm.default = self.behaviour

    def stop_llm(self) -> None:
        if self.llm:
            self.llm.stop()
            self.llm = None

    def enter(self, phase: str) -> None:
        if phase == "redis_back":
            self.redis.start()  # up before the phase begins: drafts sent in it are sent with Redis answering
        with self.lock:
            self.phase = phase
        if phase == "llm_restart":
            self.stop_llm()
            time.sleep(2)
            self.start_llm()
        elif phase == "redis_down":
            self.redis.stop()

    def close(self) -> None:
        self.stop_llm()
        self.redis.stop()


def rss_kib(master: int) -> int:
    """Resident memory of the master and its workers, KiB (Linux /proc)."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


class Load:
    """Client threads on keep-alive connections; each result is recorded under the phase it was sent in."""

    def __init__(self, port: int, faults: Faults, budget: int, deadline: float, llm_timeout: float) -> None:
        self.port, self.faults, self.budget, self.deadline = port, faults, budget, deadline
        self.bound = llm_timeout + 1.0
        self.lock = threading.Lock()
        self.sent = 0
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[tuple[str, str]] = Counter()
        self.statuses: dict[str, Counter[str]] = defaultdict(Counter)
        self.over_bound = 0
        self.repeat = make_drafts(40, seed=11)
        self.born: dict[int, str] = {}

    def _next(self) -> tuple[int, str, dict] | None:
        with self.lock:
            if self.sent >= self.budget or time.monotonic() > self.deadline:
                return None
            self.sent += 1
            n, phase = self.sent, self.faults.phase
        if n % 10 == 0:  # a new draft, sent three times in a row by different clients: one model call for all
            ident = n // 30
            with self.lock:
                born = self.born.setdefault(ident, phase)
            draft = dict(self.repeat[ident % len(self.repeat)])
            draft["subject"] += f" #{born}-{ident}"  # in the subject: the model never sees the signature
        else:
            draft = self.repeat[n % len(self.repeat)]
        return n, phase, {**draft, "llm": "on"}

    def client(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        while (item := self._next()) is not None:
            _, phase, draft = item
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/critique", json.dumps(draft), {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except OSError as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                with self.lock:
                    self.errors[(phase, type(exc).__name__)] += 1
                continue
            elapsed = time.perf_counter() - t0
            with self.lock:
                self.latency[phase].append(elapsed)
                self.over_bound += elapsed > self.bound
                if status >= 500:
                    self.errors[(phase, f"http_{status}")] += 1
                elif status == 200:
                    body = json.loads(data)
                    self.statuses[phase][body["llm"]["status"]] += 1
                    if "scores" not in body or body["llm"]["status"] in FAILED and not body.get("findings"):
                        self.errors[(phase, "heuristic_missing")] += 1
                else:
                    self.errors[(phase, f"http_{status}")] += 1
        conn.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds at most")
    parser.add_argument("--phase-seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--llm-timeout", type=float, default=2.0)
    parser.add_argument("--json", metavar="FILE", help="also write the report here")
    args = parser.parse_args(argv)
    import shutil

    binary = shutil.which("redis-server")
    if not binary:
        parser.error("needs Debian's redis-server (apt-get install redis-server)")
    faults = Faults(binary)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRITIC_", "OPENAI_"))}
    env.update(
        OPENAI_BASE_URL=f"http://{HOST}:{faults.port}/v1",
        CRITIC_LLM_MODEL="fake-model",
        CRITIC_LLM_TIMEOUT=str(args.llm_timeout),
        CRITIC_REDIS_URL=faults.redis.url,
        CRITIC_RATE_LIMIT="100000000/minute",
        CRITIC_LOG_LEVEL="ERROR",
    )
    cmd = [sys.executable, "-m", "critic", "serve", "--port", str(port), "--workers", str(args.workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory: list[tuple[float, int, int]] = []
    try:
        from load import _wait_healthy

        _wait_healthy(port, proc)
        started = time.monotonic()
        load = Load(port, faults, args.requests, started + args.duration, args.llm_timeout)
        threads = [threading.Thread(target=load.client, daemon=True) for _ in range(args.clients)]
        for t in threads:
            t.start()
        phase_i, next_phase = 0, started + args.phase_seconds
        while any(t.is_alive() for t in threads):
            time.sleep(0.5)
            now = time.monotonic()
            if not memory or now - memory[-1][0] - started >= 5:
                memory.append((now - started, load.sent, rss_kib(proc.pid)))
            if now >= next_phase:
                phase_i += 1
                faults.enter(PHASES[phase_i % len(PHASES)])
                next_phase = time.monotonic() + args.phase_seconds
        wall = time.monotonic() - started
    finally:
        stop_server(proc)
        faults.close()
    every = [x for v in load.latency.values() for x in v]
    # The promise (exactly one model call per distinct draft) holds while the model answers and Redis is up: drafts
    # first sent then, whose every call was made then. A draft sent just before a fault began whose call met the
    # fault (the model hung, say) is asked again once its first call failed: counted apart, under straddled_a_fault.
    clean = ("healthy", "redis_back")
    healthy_calls, straddled = [], []
    for (born, body), n in faults.calls.items():
        if born in clean:
            (healthy_calls if set(faults.call_phases[(born, body)]) <= set(clean) else straddled).append(n)
    report = {
        "workers": args.workers,
        "clients": args.clients,
        "llm_timeout_s": args.llm_timeout,
        "requests": len(every),
        "seconds": round(wall, 1),
        "rps": round(len(every) / wall, 1),
        "p50_ms": _pct(every, 0.5),
        "p99_ms": _pct(every, 0.99),
        "max_ms": round(max(every) * 1000, 1) if every else None,
        "over_deadline_plus_1s": load.over_bound,
        "errors": {f"{p}:{k}": n for (p, k), n in sorted(load.errors.items())},
        "phases": {
            p: {
                "requests": len(v),
                "p50_ms": _pct(v, 0.5),
                "p99_ms": _pct(v, 0.99),
                "max_ms": round(max(v) * 1000, 1),
                "llm": dict(load.statuses[p]),
            }
            for p, v in load.latency.items()
        },
        "llm_calls_per_new_draft_healthy": dict(Counter(healthy_calls)),
        "llm_calls_per_new_draft_that_straddled_a_fault": dict(Counter(straddled)),
        "memory_kib": [{"t": round(t), "requests": n, "rss": r} for t, n, r in memory],
    }
    text = json.dumps(report, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
