"""A smoke run of bench/load.py: it starts `critic serve`, sends 20 requests and reports figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools import require_tool

ROOT = Path(__file__).resolve().parents[1]


def test_load_script_runs_twenty_requests():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--levels",
            "2",
            "--requests",
            "20",
            "--duration",
            "20",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    level = report["levels"][0]
    assert level["clients"] == 2 and level["requests"] == 20 and level["errors"] == 0
    assert level["rps"] > 0 and level["p99_ms"] >= level["p50_ms"] > 0
    assert report["in_process"]["requests"] == 20
    assert 100 <= report["draft_words"] <= 200


def test_load_script_drives_wrk():
    """The same run with wrk as the load generator (.ci/run installs Debian's wrk)."""
    require_tool("wrk")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--client",
            "wrk",
            "--levels",
            "2",
            "--requests",
            "20",
            "--duration",
            "2",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    level = json.loads(done.stdout)["levels"][0]
    assert level["clients"] == 2 and level["requests"] > 0 and level["errors"] == 0
    assert level["rps"] > 0 and level["p99_ms"] >= level["p50_ms"] > 0
