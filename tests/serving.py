"""`critic serve` as a subprocess on 127.0.0.1 with a port the OS chose, for the tests that need the real server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Server:
    """A `critic serve` subprocess on 127.0.0.1 with a port the OS chose."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("CRITIC_")}
        full_env.update({"PYTHONUNBUFFERED": "1", "CRITIC_VALIDATE_RESPONSES": "1", **(env or {})})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "critic", "serve", "--port", "0", *args],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))/demo", line)
        assert match, (
            f"unexpected first line {line!r}; stderr: {self.proc.stderr.read() if self.proc.poll() is not None else ''}"
        )
        self.base, self.port = match.group(1), int(match.group(2))
        self.first_line = line
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the server never became healthy")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post_json(self, path: str, payload, headers: dict[str, str] | None = None):
        return self.request(
            "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
        )

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, err
