"""The default worker count follows the CPUs the process may use: affinity mask and cgroup v2 quota."""

from __future__ import annotations

import os

import pytest

from critic.service.cpus import quota_cpus, usable_cpus


@pytest.mark.parametrize(
    "line, expected",
    [("max 100000", None), ("150000 100000", 1.5), ("50000 100000", 0.5), ("200000 100000\n", 2.0), ("junk", None)],
)
def test_cpu_max_lines(line, expected):
    assert quota_cpus(line) == expected


def test_quota_caps_the_affinity_mask(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("50000 100000\n")
    assert usable_cpus(cpu_max) == 1  # half a CPU still gets one worker
    cpu_max.write_text("max 100000\n")
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert usable_cpus(cpu_max) == expected
    assert usable_cpus(tmp_path / "missing") == expected
