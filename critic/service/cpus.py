"""How many CPUs this process may really use: its affinity mask, capped by a cgroup v2 CPU quota."""

from __future__ import annotations

import math
import os
from pathlib import Path

CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def quota_cpus(text: str) -> float | None:
    """The CPUs a cgroup v2 `cpu.max` line ("max 100000" or "150000 100000") allows, or None for no limit."""
    parts = text.split()
    if len(parts) != 2 or parts[0] == "max":
        return None
    try:
        quota, period = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def usable_cpus(cpu_max: Path = CPU_MAX) -> int:
    """The affinity mask's size (os.cpu_count() where there is none), capped by the quota rounded up; at least 1."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        count = os.cpu_count() or 1
    try:
        quota = quota_cpus(cpu_max.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError):
        quota = None
    if quota is not None:
        # A quota of 1.5 CPUs still lets two processes run; rounding down would leave half a core idle.
        count = min(count, math.ceil(quota))
    return max(1, count)
