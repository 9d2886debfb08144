"""The long fuzz run and the size-linearity table: the suite's hypothesis properties with many more examples, then
the time to critique 12.5 KB to 1 MB of mixed text (CPU seconds, and each size's ratio to the one before it).

    .venv/bin/python bench/fuzz.py                 # CRITIC_FUZZ_SCALE=25: 2,500 examples per property, random seeds
    .venv/bin/python bench/fuzz.py --scale 100 --sizes-only
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNIT = "Hi Sam 👋🏽, hope this finds you well! We cut churn 18% at Acme. Can we talk Thursday? שלום e\u0301\n\n"


def sizes(limit: int) -> list[tuple[int, float]]:
    """(characters, CPU seconds) of one heuristic critique per size, doubling from 12,500."""
    sys.path.insert(0, str(ROOT))
    from critic.model import Draft
    from critic.pipeline import critique

    critique(Draft(subject="warm", body=UNIT), llm="off")
    out, n = [], 12_500
    while n <= limit:
        body = (UNIT * (n // len(UNIT) + 1))[:n]
        started = time.process_time()
        critique(Draft(subject="Quick question", body=body), llm="off")
        out.append((n, time.process_time() - started))
        n *= 2
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=25, help="examples per property = 100 x scale")
    parser.add_argument("--max-chars", type=int, default=1_000_000)
    parser.add_argument("--sizes-only", action="store_true")
    args = parser.parse_args(argv)
    status = 0
    if not args.sizes_only:
        env = {**os.environ, "CRITIC_FUZZ_SCALE": str(args.scale)}
        cmd = [sys.executable, "-m", "pytest", "-q", "tests/test_fuzz_input.py", "-k", "any_"]
        status = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
    print(f"{'chars':>9} {'cpu s':>8} {'x prev':>7}")
    prev = None
    for n, seconds in sizes(args.max_chars):
        ratio = f"{seconds / prev:.2f}" if prev else "-"
        print(f"{n:>9} {seconds:>8.2f} {ratio:>7}", flush=True)
        prev = seconds
    print("linear: each doubling about 2x; quadratic: about 4x")
    return status


if __name__ == "__main__":
    sys.exit(main())
