"""`critic serve`: the service on waitress, a production WSGI server.

Why waitress: it is pure Python (installs anywhere pip does, no compiler, runs on Windows and macOS laptops as
well as in the container), it is maintained by the Pylons project, it buffers slow clients itself so it needs no
reverse proxy in front on a LAN, and its thread pool suits a CPU-light, I/O-waiting LLM stage. The heuristic
engine is CPU-bound Python, so one process uses one core at a time: scale by running one process per core (or
one replica per container) behind a load balancer, as docs/deploy.md describes; every process is stateless.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from types import FrameType

from critic.security import is_loopback, parse_keys

log = logging.getLogger("critic.server")
EXIT_OK, EXIT_CONFIG = 0, 2


def _default_threads() -> int:
    return max(4, 2 * (os.cpu_count() or 1))


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}/demo"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> int:
    """Run the service until SIGINT/SIGTERM; refuse a non-loopback address without CRITIC_API_KEYS."""
    import waitress

    from critic.app import create_app

    logging.basicConfig(level=os.environ.get("CRITIC_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not is_loopback(host) and not parse_keys(os.environ.get("CRITIC_API_KEYS")):
        print(f"critic: refusing to listen on {host} without API keys; set CRITIC_API_KEYS "
              "(comma-separated) or bind 127.0.0.1", file=sys.stderr)
        return EXIT_CONFIG
    try:
        app = create_app({"BIND_HOST": host})
    except (RuntimeError, ValueError) as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    threads = workers or _default_threads()
    options: dict[str, object] = {"threads": threads, "ident": "critic", "connection_limit": 1000, "channel_timeout": 60,
                                  "clear_untrusted_proxy_headers": True}
    proxy = os.environ.get("CRITIC_TRUSTED_PROXY")
    if proxy:
        # Behind a load balancer: take the client address from its X-Forwarded-For (per-IP rate limits need it).
        options.update(trusted_proxy=proxy, trusted_proxy_count=1, trusted_proxy_headers="x-forwarded-for x-forwarded-proto")
    try:
        server = waitress.create_server(app, host=host, port=port, **options)
    except OSError as exc:
        print(f"critic: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(f"critic: listening on {_url(host, server.effective_port)} ({threads} threads; Ctrl-C stops)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        print("critic: stopped", file=sys.stderr, flush=True)
    return EXIT_OK
