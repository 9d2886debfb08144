"""The critique endpoint against a minimal Flask app on the same server, worker count and worker class, in one run.

Both run under gunicorn through critic's own settings (critic/service/prefork.py); wrk drives 1, 8 and 32
keep-alive connections at each, on loopback only, each level bounded by --duration. The minimal app parses the
same JSON and answers a small JSON object: the stack's ceiling. The figure that matters is the ratio at 32
connections (target >= 0.6) and the critique endpoint's p99 there (target <= 50 ms on 2 cores).

    .venv/bin/python bench/serving.py                                   # gthread x 8 threads, 2 workers
    .venv/bin/python bench/serving.py --worker-class sync --threads 1   # compare worker classes
    .venv/bin/python bench/serving.py --distinct                        # no two requests carry the same draft
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import HOST, ROOT, _free_port, _wait_healthy, make_drafts, run_wrk  # noqa: E402


def minimal_app():  # type: ignore[no-untyped-def]
    """The ceiling: a Flask app that reads the same JSON body and answers a small JSON object."""
    from flask import Flask, jsonify, request

    app = Flask("minimal")

    @app.post("/v1/critique")
    def critique():  # type: ignore[no-untyped-def]
        data = request.get_json()
        return jsonify({"words": len(str(data.get("body", "")).split()), "ok": True})

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    return app


def _serve(kind: str, port: int, workers: int, worker_class: str, threads: int) -> int:
    """Run one app under critic's gunicorn settings in this process (the child side of `start`).

    The critic runs exactly as `critic serve --workers N` does (critic.service.server.serve: metrics pooled across
    workers, the access log at CRITIC_LOG_LEVEL, the warmed app frozen before the fork); only the worker class and
    threads can be overridden.
    """
    from critic.service import prefork

    cls = prefork.WORKER_CLASS if worker_class == "gthread" else worker_class
    if kind == "critic":
        from critic.service.server import serve

        return serve(HOST, port, workers, threads=threads, worker_class=cls)
    opts = prefork.options(HOST, port, workers, lambda p: f"http://{HOST}:{p}", None, threads, cls)
    opts["loglevel"] = "warning"
    prefork.CriticApplication(minimal_app(), opts).run()
    return 0


def start(
    kind: str, workers: int, worker_class: str, threads: int, env: dict[str, str]
) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    cmd = [sys.executable, __file__, "--serve", kind, "--port", str(port), "--workers", str(workers)]
    cmd += ["--worker-class", worker_class, "--threads", str(threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_healthy(port, proc)
    return proc, port


def cpu_seconds(master: int) -> float:
    """User + system CPU of a gunicorn master and its live workers so far (Linux /proc), in seconds."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def measure(port: int, master: int, drafts: list[dict[str, str]], clients: int, duration: float) -> dict[str, float]:
    """One wrk level, plus the server's CPU per answered request (robust to other load on the machine)."""
    before = cpu_seconds(master)
    level = run_wrk(port, drafts, clients, duration)
    used = cpu_seconds(master) - before
    level["cpu_ms_per_request"] = round(used * 1000 / level["requests"], 3) if level["requests"] else None
    return level


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", help="gthread (critic's, with read timeouts) or sync")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--rate-limit", default="100000000/minute", help="CRITIC_RATE_LIMIT (the limiter still runs)")
    parser.add_argument("--distinct", action="store_true", help="2000 distinct drafts instead of 24")
    parser.add_argument("--log-level", default="INFO", help="CRITIC_LOG_LEVEL (INFO, the default, logs every request)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", choices=("critic", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return _serve(args.serve, args.port, args.workers, args.worker_class, args.threads)
    env = {**os.environ, "CRITIC_RATE_LIMIT": args.rate_limit, "CRITIC_LOG_LEVEL": args.log_level}
    for name in (
        "CRITIC_API_KEYS",
        "CRITIC_VALIDATE_RESPONSES",
        "CRITIC_REDIS_URL",
        "OPENAI_BASE_URL",
        "PROMETHEUS_MULTIPROC_DIR",
    ):
        env.pop(name, None)
    drafts = make_drafts(2000 if args.distinct else 24)
    levels = [int(c) for c in args.levels.split(",")]
    report: dict[str, object] = {
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "distinct_drafts": len(drafts),
        "rate_limit": args.rate_limit,
    }
    for kind in ("minimal", "critic"):
        proc, port = start(kind, args.workers, args.worker_class, args.threads, env)
        try:
            run_wrk(port, drafts, 2, 2)  # warm-up
            report[kind] = [measure(port, proc.pid, drafts, c, args.duration) for c in levels]
        finally:
            stop(proc)
        time.sleep(1)
    ratios = {
        str(m["clients"]): round(c["rps"] / m["rps"], 3) if m["rps"] else None
        for m, c in zip(report["minimal"], report["critic"], strict=True)  # type: ignore[call-overload]
    }
    report["ratio_critic_to_minimal"] = ratios
    # CPU per request: what the ratio would be on cores that did nothing else (wrk and other processes share them).
    cpu_ratios = {
        str(m["clients"]): round(m["cpu_ms_per_request"] / c["cpu_ms_per_request"], 3)
        if m["cpu_ms_per_request"] and c["cpu_ms_per_request"]
        else None
        for m, c in zip(report["minimal"], report["critic"], strict=True)  # type: ignore[call-overload]
    }
    report["cpu_ratio_critic_to_minimal"] = cpu_ratios
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"gunicorn {args.worker_class} x{args.threads} threads, {args.workers} workers, {report['cpus']} cpus, "
        f"{len(drafts)} distinct drafts, rate limit {args.rate_limit}"
    )
    print(
        f"{'conns':>6} {'minimal req/s':>14} {'p99 ms':>8} {'cpu ms':>7} {'critic req/s':>13} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'cpu ms':>7} {'ratio':>6} {'cpu ratio':>9}"
    )
    for m, c in zip(report["minimal"], report["critic"], strict=True):  # type: ignore[call-overload]
        key = str(m["clients"])
        print(
            f"{m['clients']:>6} {m['rps']:>14} {m['p99_ms']:>8} {m['cpu_ms_per_request']!s:>7} {c['rps']:>13} "
            f"{c['p50_ms']:>8} {c['p99_ms']:>8} {c['cpu_ms_per_request']!s:>7} {ratios[key]!s:>6} {cpu_ratios[key]!s:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
