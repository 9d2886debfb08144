"""`critic serve --workers N` (N > 1) on gunicorn: a master forks N warmed workers and replaces any that die.

Worker class gthread, chosen by measurement (bench/serving.py): the sync worker closes the connection after every
request and holds a whole process for an LLM call (up to CRITIC_LLM_TIMEOUT); gthread keeps connections alive and
lets the other threads of a worker answer while some wait on the model. gthread reads a request with a blocking
socket and no time limit once its first byte is in, so a slowloris client could hold a thread for ever: here every
request must arrive whole within READ_TIMEOUT seconds (CRITIC_READ_TIMEOUT), or the connection is dropped.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import time
import weakref
from collections.abc import Callable
from typing import Any

import gunicorn.app.base
from gunicorn.workers import gthread

log = logging.getLogger("critic.service.server")

WORKER_CLASS = "critic.service.prefork.TimedThreadWorker"
THREADS_PER_WORKER = 8
READ_TIMEOUT = float(os.environ.get("CRITIC_READ_TIMEOUT") or 30)  # seconds for a request's headers and body
KEEPALIVE = 5
_read_by: weakref.WeakKeyDictionary[socket.socket, float] = weakref.WeakKeyDictionary()
_expired: weakref.WeakSet[socket.socket] = weakref.WeakSet()


class _CutOff(ConnectionResetError):
    """A request that did not arrive in time; gunicorn closes the connection quietly, as for a reset."""

    def __init__(self) -> None:
        super().__init__(errno.ECONNRESET, "the request did not arrive within the read timeout")


class _TimedSocket(socket.socket):
    """A client socket that must deliver each request within READ_TIMEOUT of the thread taking it up."""

    __slots__ = ()

    def setblocking(self, flag: bool) -> None:
        # gthread makes the socket blocking each time a thread takes the connection up to read a request.
        if flag:
            _read_by[self] = time.monotonic() + READ_TIMEOUT
            self.settimeout(READ_TIMEOUT)
        else:
            _read_by.pop(self, None)
            super().setblocking(False)

    def recv(self, size: int, flags: int = 0) -> bytes:
        # A per-read timeout alone lets a client send a byte a second for ever; the deadline covers the request.
        if self in _expired:
            # gthread's graceful close drains the socket on the worker's main loop: not for a client already cut off.
            raise _CutOff()
        deadline = _read_by.get(self)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._cut()
            current = self.gettimeout()
            self.settimeout(left if current is None else min(current, left))
        try:
            return super().recv(size, flags)
        except TimeoutError:
            raise self._cut() from None

    def _cut(self) -> _CutOff:
        _expired.add(self)
        log.info("a client was cut off: its request did not arrive within %g s", READ_TIMEOUT)
        return _CutOff()


class TimedThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker with a per-read timeout on every client connection."""

    def accept(self, listener: Any) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        client_sock.__class__ = _TimedSocket
        self.nr_conns += 1
        client_sock.setblocking(True)
        self.enqueue_req(gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname()))


class CriticApplication(gunicorn.app.base.BaseApplication):
    """gunicorn's documented custom application: our settings, and the app built (and warmed) before the fork."""

    def __init__(self, app: Callable[..., Any], options: dict[str, Any]) -> None:
        self.options = options
        self.application = app
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key.lower(), value)

    def load(self) -> Callable[..., Any]:
        return self.application


def trust_proxy(wsgi: Callable[..., Any], proxy: str) -> Callable[..., Any]:
    """Take the client address from X-Forwarded-For only when the peer is `proxy`; drop the header otherwise."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    fixed = ProxyFix(wsgi, x_for=1, x_proto=1)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REMOTE_ADDR") == proxy:
            return fixed(environ, start_response)
        environ.pop("HTTP_X_FORWARDED_FOR", None)
        environ.pop("HTTP_X_FORWARDED_PROTO", None)
        return wsgi(environ, start_response)

    return app


def options(
    host: str,
    port: int,
    workers: int,
    url: Callable[[int], str],
    metrics_dir: str | None,
    threads: int = THREADS_PER_WORKER,
    worker_class: str = WORKER_CLASS,
) -> dict[str, Any]:
    """gunicorn settings for `critic serve`, with the hooks that print the address and tidy up dead workers."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def when_ready(server: Any) -> None:
        port_now = server.LISTENERS[0].sock.getsockname()[1] if server.LISTENERS else port
        print(
            f"critic: listening on {url(port_now)} ({workers} processes x {threads} threads on gunicorn; Ctrl-C stops)",
            flush=True,
        )

    def child_exit(server: Any, worker: Any) -> None:
        # A dead worker's live gauges must stop counting (prometheus_client's multiprocess protocol).
        if metrics_dir:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid, metrics_dir)

    def on_exit(server: Any) -> None:
        print("critic: stopped", file=sys.stderr, flush=True)

    llm_timeout = float(os.environ.get("CRITIC_LLM_TIMEOUT") or 15)
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "preload_app": True,  # the app is built and warmed once, in the master, and its pages shared by the fork
        # A worker silent this long is killed and replaced; a request's own time is bounded by the LLM deadline.
        "timeout": max(30, int(llm_timeout) + 15),
        "graceful_timeout": 10,
        "keepalive": KEEPALIVE,
        "backlog": 1024,
        "worker_connections": 1000,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "accesslog": None,  # the app writes its own access log, without query strings or headers
        "errorlog": "-",
        "loglevel": os.environ.get("CRITIC_LOG_LEVEL", "INFO").lower(),
        "proc_name": "critic",
        "control_socket_disable": True,  # no control socket file in the user's home directory
        "when_ready": when_ready,
        "child_exit": child_exit,
        "on_exit": on_exit,
    }
