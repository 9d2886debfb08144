"""Screenshots of the demo page for the README: the panel at 1280 px and at task-pane width (350 px).

    .venv/bin/python bench/screenshots.py            # writes docs/img/panel.png, panel-1280.png, panel-350.png

Starts `critic serve` on a free loopback port, opens /demo with its sample draft in Debian's chromium (Playwright),
waits for the final critique, opens the first card and saves the page. Nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
WIDTHS = {"panel-1280.png": (1280, 900), "panel-350.png": (350, 900)}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "critic", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("critic serve did not start")


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("needs Debian's chromium (apt install chromium)")
    port = _port()
    server = _serve(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for name, (width, height) in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"http://127.0.0.1:{port}/demo")
                page.wait_for_function("document.querySelector('#panel')?.dataset.phase === 'final'", timeout=30000)
                page.locator("#panel .oc-card-head").first.click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(OUT / name), full_page=False)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    shutil.copyfile(OUT / "panel-1280.png", OUT / "panel.png")
    print(f"wrote {', '.join(WIDTHS)} and panel.png to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
