"""`critic serve`: the service on waitress, a production WSGI server.

Why waitress: it is pure Python (installs anywhere pip does, no compiler, runs on Windows and macOS laptops as
well as in the container), it is maintained by the Pylons project, it buffers slow clients itself so it needs no
reverse proxy in front on a LAN, and its thread pool suits a CPU-light, I/O-waiting LLM stage. The heuristic
engine is CPU-bound Python, so one process uses one core at a time: `--workers N` forks N processes that share
one listening socket (bound before the fork, so each child starts its own waitress threads), one per core by
default. Across machines, run replicas behind a load balancer as docs/deploy.md describes; every process is
stateless. /metrics sums all the processes of one `critic serve` (prometheus_client's multiprocess mode, in a
private temporary directory unless PROMETHEUS_MULTIPROC_DIR names one); rate-limit counters are per process.
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
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from critic.service.security import is_loopback, parse_keys

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("critic.service.server")
EXIT_OK, EXIT_CONFIG = 0, 2


THREADS_PER_PROCESS = 8


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _fork_children(count: int) -> list[int]:
    """Fork `count` children; returns their pids in the parent and [] in a child."""
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            return []
        pids.append(pid)
    return pids


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}/demo"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> int:
    """Run the service until SIGINT/SIGTERM; refuse a non-loopback address without CRITIC_API_KEYS."""
    from critic.service.app import create_app

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
    metrics_dir = _share_metrics() if processes > 1 else None
    try:
        return _serve(create_app, host, port, processes)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _share_metrics() -> str | None:
    """Point every worker's counters at one directory (before the app exists); returns it when it is ours to remove."""
    from critic.service.metrics import MULTIPROC_ENV  # switches itself to shared counts when the directory is set later

    named = os.environ.get(MULTIPROC_ENV)
    if named:
        # prometheus_client's rule: the directory is wiped between runs, or old counts come back.
        for stale in Path(named).glob("*.db"):
            stale.unlink(missing_ok=True)
        return None
    created = tempfile.mkdtemp(prefix="critic-metrics-")
    os.environ[MULTIPROC_ENV] = created
    return created


def _serve(create_app: Callable[..., Flask], host: str, port: int, processes: int) -> int:
    import waitress

    try:
        app = create_app({"BIND_HOST": host})
    except (RuntimeError, ValueError) as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    # Everything loaded so far (rules, lexicon, pronunciation table, the app) lives as long as the process: moved
    # out of the collector's sight, full collections walk only per-request objects, and the forked workers keep
    # sharing those pages instead of copying them when the collector touches them.
    gc.collect()
    gc.freeze()
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
    children = _fork_children(processes - 1) if processes > 1 else []
    is_parent = processes == 1 or bool(children)
    # Each process starts its own waitress threads after the fork (threads do not survive a fork).
    server = waitress.create_server(app, sockets=[sock], **options)

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    if is_parent:
        print(
            f"critic: listening on {_url(host, sock.getsockname()[1])} ({processes} process{'es' if processes != 1 else ''} x "
            f"{THREADS_PER_PROCESS} threads; Ctrl-C stops)",
            flush=True,
        )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if not is_parent:
            os._exit(EXIT_OK)
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        print("critic: stopped", file=sys.stderr, flush=True)
    return EXIT_OK
