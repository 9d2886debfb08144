"""Slow clients (slowloris headers, bodies in pieces, aborted uploads) cannot hold `critic serve`'s workers."""

from __future__ import annotations

import socket
import threading
import time

from serving import Server

READ_TIMEOUT = 2


def _trickle(port: int, first: bytes, drip: bytes, until: float, result: list[float]) -> None:
    """Send `first`, then `drip` every 0.3 s; record when the server hung up on us."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
            s.sendall(first)
            while time.monotonic() < until:
                time.sleep(0.3)
                s.sendall(drip)
    except OSError:
        pass
    result.append(time.monotonic() - started)


def _aborted(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            b"POST /v1/critique HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
        )
        s.sendall(b'{"body": "' + b"x" * 100)


def test_slow_and_aborted_clients_are_dropped_and_others_answered():
    srv = Server("--workers", "2", env={"CRITIC_READ_TIMEOUT": str(READ_TIMEOUT), "CRITIC_LOG_LEVEL": "ERROR"})
    try:
        until = time.monotonic() + 12
        held: list[float] = []
        header = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        body_head = (
            b"POST /v1/critique HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9000\r\n\r\n"
        )
        threads = [
            threading.Thread(target=_trickle, args=(srv.port, header, b"X-a: b\r\n", until, held)) for _ in range(20)
        ] + [threading.Thread(target=_trickle, args=(srv.port, body_head, b"x", until, held)) for _ in range(12)]
        for t in threads:
            t.start()
        for _ in range(6):
            _aborted(srv.port)
        time.sleep(1)
        # 32 slow connections against 2 x 8 threads: ordinary requests are still answered.
        answered = []
        for _ in range(5):
            started = time.monotonic()
            status = srv.post_json("/v1/critique", {"body": "Can we talk?"})[0]
            answered.append((status, time.monotonic() - started))
        for t in threads:
            t.join()
    finally:
        srv.stop()
    assert all(status == 200 for status, _ in answered), answered
    assert max(seconds for _, seconds in answered) < READ_TIMEOUT * 3 + 5, answered  # generous: queueing behind them
    # Slow clients are cut off one read timeout after a thread takes them up (waiting in the queue holds none).
    assert len(held) == 32 and max(held) < 11, sorted(held)
