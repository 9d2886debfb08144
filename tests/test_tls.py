"""HTTPS: `critic tls dev-cert` makes a CA and a localhost certificate; `critic serve --tls-cert/--tls-key` answers HTTPS."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tools import run_critic

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_https_with_a_generated_certificate(tmp_path: Path) -> None:
    made = run_critic("tls", "dev-cert", "--out", str(tmp_path))
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "localhost.key").stat().st_mode & 0o077 == 0  # the private key is the owner's only
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CRITIC_API_KEYS"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "critic",
            "serve",
            "--port",
            str(port),
            "--tls-cert",
            str(tmp_path / "localhost.crt"),
            "--tls-key",
            str(tmp_path / "localhost.key"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    trusted = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
    try:
        deadline, body = time.monotonic() + 30, None
        while body is None:
            try:
                with urllib.request.urlopen(f"https://localhost:{port}/healthz", context=trusted, timeout=2) as r:
                    body = r.read()
            except (urllib.error.URLError, ConnectionError, ssl.SSLError):
                assert proc.poll() is None and time.monotonic() < deadline, (
                    proc.stdout.read() if proc.poll() is not None else "timeout"
                )
                time.sleep(0.2)
        assert b'"ok"' in body
        # The certificate verifies for 127.0.0.1 too, and the API answers over TLS.
        req = urllib.request.Request(
            f"https://127.0.0.1:{port}/v1/critique",
            data=b'{"body": "Hope this finds you well!", "llm": "off"}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, context=trusted, timeout=10) as r:
            assert r.status == 200 and b'"rapport.pleasantry"' in r.read()
        # Without the CA the certificate is not trusted: it is the CA, not a disabled check, that makes it work.
        try:
            urllib.request.urlopen(f"https://localhost:{port}/healthz", context=ssl.create_default_context(), timeout=5)
            raise AssertionError("an untrusted certificate was accepted")
        except urllib.error.URLError as exc:
            assert isinstance(exc.reason, ssl.SSLCertVerificationError)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_half_a_tls_configuration(tmp_path: Path) -> None:
    proc = run_critic("serve", "--tls-cert", str(tmp_path / "x.crt"), timeout=30)
    assert proc.returncode == 2 and "go together" in proc.stderr
    proc = run_critic("serve", "--tls-cert", str(tmp_path / "x.crt"), "--tls-key", str(tmp_path / "x.key"), timeout=30)
    assert proc.returncode == 2 and "no such file" in proc.stderr
