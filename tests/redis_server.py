"""A throwaway Debian `redis-server` on a loopback port for the shared-state tests (no disk, no persistence)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """`redis-server` bound to 127.0.0.1; `stop()` and `start()` again on the same port simulate an outage."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary, self.port = binary, port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen([*args, "--protected-mode", "yes"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"FLUSHALL\r\n")
            s.recv(16)


def redis_binary() -> str:
    """The redis-server path; skips the test outside CI when it is missing, fails in CI (.ci/run installs it)."""
    found = shutil.which("redis-server")
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("redis-server is missing in CI: .ci/run installs Debian's redis-server")
    pytest.skip("redis-server is not installed (apt-get install redis-server); CI installs it")
    raise AssertionError  # unreachable: skip raises
