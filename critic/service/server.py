"""`critic serve`: one process on waitress, or N worker processes on gunicorn.

Why two servers: waitress is pure Python, runs everywhere pip does (Windows and macOS laptops too) and buffers
slow clients itself, so it serves one process (`--workers 1`, and Windows, which cannot fork). The heuristic
engine is CPU-bound Python, so one process uses one core at a time; `--workers N` runs gunicorn (critic/service/
prefork.py), whose master forks N warmed workers, restarts any that die and logs it. The default worker count is
the CPUs this process may really use (its affinity mask and cgroup quota, critic/service/cpus.py). Across machines,
run replicas behind a load balancer as docs/deploy.md describes. /metrics sums all the processes of one
`critic serve` (prometheus_client's multiprocess mode, in a private temporary directory unless
PROMETHEUS_MULTIPROC_DIR names one); with CRITIC_REDIS_URL the LLM cache and rate limits are shared too.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from critic.service.cpus import usable_cpus
from critic.service.security import is_loopback, parse_keys

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("critic.service.server")
EXIT_OK, EXIT_CONFIG = 0, 2
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
THREADS_PER_PROCESS = 8


def _default_workers() -> int:
    return usable_cpus()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}/demo"


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    *,
    threads: int | None = None,
    worker_class: str | None = None,
) -> int:
    """Run the service until SIGINT/SIGTERM; refuse a non-loopback address without CRITIC_API_KEYS.

    `threads` and `worker_class` override gunicorn's (bench/serving.py compares them on the same code path).
    """
    logging.basicConfig(
        level=os.environ.get("CRITIC_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not is_loopback(host) and not parse_keys(os.environ.get("CRITIC_API_KEYS")):
        print(
            f"critic: refusing to listen on {host} without API keys; set CRITIC_API_KEYS "
            "(comma-separated) or bind 127.0.0.1",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    processes = workers or _default_workers()
    if processes > 1 and not hasattr(os, "fork"):
        processes = 1
    # Before the app (and so prometheus_client) is imported: its value store is chosen at import time.
    metrics_dir = _share_metrics() if processes > 1 else None
    master = os.getpid()
    try:
        app = _build(host)
        if app is None:
            return EXIT_CONFIG
        if processes == 1:
            return _serve_waitress(app, host, port)
        return _serve_gunicorn(app, host, port, processes, os.environ.get(MULTIPROC_ENV), threads, worker_class)
    finally:
        # Forked workers leave through this frame too (gunicorn ends them with sys.exit): only the master tidies.
        if metrics_dir and os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _share_metrics() -> str | None:
    """Point every worker's counters at one directory; returns it when it is ours to remove."""
    named = os.environ.get(MULTIPROC_ENV)
    if named:
        # prometheus_client's rule: the directory is wiped between runs, or old counts come back.
        for stale in Path(named).glob("*.db"):
            stale.unlink(missing_ok=True)
        return None
    created = tempfile.mkdtemp(prefix="critic-metrics-")
    os.environ[MULTIPROC_ENV] = created
    return created


def _build(host: str) -> Flask | None:
    """The warmed app, frozen out of the collector's sight; None (after saying why) for a bad configuration."""
    from critic.service.app import create_app

    try:
        app = create_app({"BIND_HOST": host})
    except (RuntimeError, ValueError) as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return None
    # Everything loaded so far (rules, lexicon, pronunciation table, the app) lives as long as the process: moved
    # out of the collector's sight, full collections walk only per-request objects, and the forked workers keep
    # sharing those pages instead of copying them when the collector touches them.
    gc.collect()
    gc.freeze()
    return app


def _serve_gunicorn(
    app: Flask,
    host: str,
    port: int,
    processes: int,
    metrics_dir: str | None,
    threads: int | None = None,
    worker_class: str | None = None,
) -> int:
    from critic.service import prefork

    try:  # gunicorn retries a taken port for seconds before giving up; say so at once instead
        _listen(host, port).close()
    except OSError as exc:
        print(f"critic: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG
    proxy = os.environ.get("CRITIC_TRUSTED_PROXY")
    wsgi = prefork.trust_proxy(app, proxy) if proxy else app
    options = prefork.options(
        host,
        port,
        processes,
        lambda p: _url(host, p),
        metrics_dir,
        threads or prefork.THREADS_PER_WORKER,
        worker_class or prefork.WORKER_CLASS,
    )
    prefork.CriticApplication(wsgi, options).run()
    return EXIT_OK


def _serve_waitress(app: Flask, host: str, port: int) -> int:
    import waitress

    try:
        sock = _listen(host, port)
    except OSError as exc:
        print(f"critic: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG
    options: dict[str, object] = {
        "threads": THREADS_PER_PROCESS,
        "ident": "critic",
        "connection_limit": 1000,
        "channel_timeout": 60,
        "clear_untrusted_proxy_headers": True,
    }
    proxy = os.environ.get("CRITIC_TRUSTED_PROXY")
    if proxy:
        # Behind a load balancer: take the client address from its X-Forwarded-For (per-IP rate limits need it).
        options.update(
            trusted_proxy=proxy, trusted_proxy_count=1, trusted_proxy_headers="x-forwarded-for x-forwarded-proto"
        )
    server = waitress.create_server(app, sockets=[sock], **options)

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(
        f"critic: listening on {_url(host, sock.getsockname()[1])} (1 process x {THREADS_PER_PROCESS} threads; "
        "Ctrl-C stops)",
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        print("critic: stopped", file=sys.stderr, flush=True)
    return EXIT_OK
