"""A smoke run of bench/load.py: it starts `critic serve`, sends 20 requests and reports figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools import require_tool

ROOT = Path(__file__).resolve().parents[1]


def _bench(script: str, *args: str, timeout: int = 120) -> dict:
    """Run a bench script with --json and return its report."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_load_script_runs_twenty_requests():
    report = _bench("load.py", "--levels", "2", "--requests", "20", "--duration", "20")
    level = report["levels"][0]
    assert level["clients"] == 2 and level["requests"] == 20 and level["errors"] == 0
    assert level["rps"] > 0 and level["p99_ms"] >= level["p50_ms"] > 0
    assert report["in_process"]["requests"] == 20
    assert 100 <= report["draft_words"] <= 200


def test_load_script_drives_wrk():
    """The same run with wrk as the load generator (.ci/run installs Debian's wrk)."""
    require_tool("wrk")
    level = _bench("load.py", "--client", "wrk", "--levels", "2", "--requests", "20", "--duration", "2")["levels"][0]
    assert level["clients"] == 2 and level["requests"] > 0 and level["errors"] == 0
    assert level["rps"] > 0 and level["p99_ms"] >= level["p50_ms"] > 0


def test_soak_mode_reports_worker_memory():
    """bench/load.py --soak: N requests to `critic serve --workers 2`, the workers' RSS sampled (Linux /proc)."""
    report = _bench("load.py", "--soak", "120", "--sample-every", "0.5")
    assert report["requests"] == 120 and report["failures"] == 0 and report["workers"] == 2
    assert report["worker_pids_seen"] == 2 and len(report["per_worker"]) == 2
    for worker in report["per_worker"].values():
        assert 0 < worker["start_kib"] <= worker["max_kib"] and 0 < worker["end_kib"] <= worker["max_kib"]
    assert report["samples"][-1]["requests"] == 120


def test_serving_script_compares_the_critic_with_the_minimal_app():
    """bench/serving.py at one short level: both apps answer, CPU per request is measured, the ratios computed."""
    require_tool("wrk")
    report = _bench("serving.py", "--levels", "2", "--duration", "1", timeout=180)
    critic, minimal = report["critic"][0], report["minimal"][0]
    assert critic["requests"] > 0 and critic["errors"] == 0 and minimal["errors"] == 0
    assert critic["cpu_ms_per_request"] > 0 and minimal["cpu_ms_per_request"] > 0
    assert report["ratio_critic_to_minimal"]["2"] > 0 and report["cpu_ratio_critic_to_minimal"]["2"] > 0
