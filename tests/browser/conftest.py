"""Browser tests: Debian's chromium driven by Playwright, against the real `critic serve` on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ADDIN = ROOT / "addin"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Debian's chromium, never a browser Playwright downloads: skipped without it here, a failure in CI (tests/tools.py).
CHROMIUM = require_tool("chromium")

# Imported after the skip so a machine without the test extras can still collect the rest of the suite.
from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(extra_env: dict[str, str] | None = None, args: tuple[str, ...] = (), scheme: str = "http"):
    """Start `critic serve` on a free loopback port; returns (base URL, stop function)."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "CRITIC_LLM_MODEL", "CRITIC_API_KEYS")
    }
    env["CRITIC_RATE_LIMIT"] = "100000/minute"
    env["CRITIC_ADDIN_DIR"] = str(ADDIN)
    env.update(extra_env or {})
    log = tempfile.NamedTemporaryFile("w+", prefix="critic-serve-", suffix=".log")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "critic", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"{scheme}://127.0.0.1:{port}"

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            if scheme == "https":
                break
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.seek(0)
            out = log.read()[-2000:]
            stop()
            pytest.fail(f"critic serve did not come up: {out}")
        time.sleep(0.1)
    return base, stop


@pytest.fixture(scope="session")
def service() -> str:
    """The real service on a free loopback port, with no model configured (the LLM states are routed in tests)."""
    base, stop = start_service()
    yield base
    stop()


API_KEY = "test-key-5b1f0c"


@pytest.fixture(scope="session")
def keyed_service() -> str:
    """The real service with CRITIC_API_KEYS set: every /v1/ request needs `Authorization: Bearer API_KEY`."""
    base, stop = start_service({"CRITIC_API_KEYS": f"other-key,{API_KEY}"})
    yield base
    stop()


@pytest.fixture(scope="session")
def pw() -> Playwright:
    """One Playwright driver for the session (the sync API allows one at a time)."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(pw: Playwright) -> Browser:
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    yield b
    b.close()


@pytest.fixture()
def page(browser: Browser, service: str) -> Page:
    """A fresh context (empty localStorage) per test; page errors fail the test.

    The service's CSP is bypassed here on purpose: Playwright's wait_for_function needs eval, and the
    injection tests must prove the panel itself renders text safely, not lean on the CSP blocking inline
    handlers. test_pages_work_under_the_service_csp loads the pages with the CSP enforced.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, f"page errors: {errors}"


def serve_file(page: Page, url: str, path: Path, content_type: str = "text/html") -> None:
    """Answer `url` with a local file (test harness pages live on the service's origin this way)."""
    page.route(
        url, lambda route: route.fulfill(status=200, content_type=content_type, body=path.read_text(encoding="utf-8"))
    )
