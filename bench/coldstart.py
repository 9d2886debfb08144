"""Cold start: `import critic`, import plus the first critique, and a whole `critic check`, each in fresh processes.

    python bench/coldstart.py [--runs 9] [--file examples/pushy.txt] [--empty-cache]

Each figure is the median wall-clock time of --runs new processes, taken round-robin with proselint's whole
process on the same file (`proselint check FILE`, the baseline) and Python's own start (`python -c pass`), so that
a busy machine slows all of them alike: read the ratios. The targets: import plus first critique <= 0.3 s, a
one-file `critic check` <= 0.5 s.

What is built once per machine (syllable tables, parsed rule files, pattern needles; critic/analysis/cache.py) is
read from the user cache, which the first process on a machine fills: a warm-up run fills it before timing starts.
--empty-cache instead gives every process a new, empty cache directory, to time that first process.
The model step is left out (OPENAI_* and CRITIC_LLM_* are removed from the environment): this times the heuristics.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "examples" / "pushy.txt"
TARGETS = {"first critique": 0.3, "critic check": 0.5}

FIRST = "import critic; from critic.ingest.files import read_draft; critic.critique(read_draft({path!r}), llm='off')"


def _tool(name: str) -> list[str] | None:
    """A console script of this environment (beside the interpreter), else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    return [found] if found else None


def commands(path: Path) -> dict[str, list[str]]:
    """What is timed, by name: each a whole new process."""
    py = sys.executable
    out = {
        "python": [py, "-c", "pass"],
        "import critic": [py, "-c", "import critic"],
        "first critique": [py, "-c", FIRST.format(path=str(path))],
        "critic check": [*(_tool("critic") or [py, "-m", "critic"]), "check", "--colour", "never", str(path)],
    }
    proselint = _tool("proselint")
    if proselint:
        out["proselint check"] = [*proselint, "check", str(path)]
    return out


def _env(cache_home: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CRITIC_LLM_"))}
    if cache_home:
        env["XDG_CACHE_HOME"] = cache_home
    return env


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if done.returncode not in (0, 1):  # critic check and proselint exit 1 for findings below a bar / found
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def measure(runs: int = 9, path: Path = DEFAULT_FILE, empty_cache: bool = False) -> dict[str, float]:
    """Median seconds of each command over `runs` fresh processes, taken round-robin."""
    cmds = commands(path)
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    with tempfile.TemporaryDirectory(prefix="critic-coldstart-") as tmp:
        if not empty_cache:
            _run(cmds["critic check"], _env(None))  # the user cache as a second run on this machine finds it
        for i in range(runs):
            for name, cmd in cmds.items():
                home = os.path.join(tmp, f"{name.replace(' ', '-')}-{i}") if empty_cache else None
                samples[name].append(_run(cmd, _env(home)))
    return {name: statistics.median(values) for name, values in samples.items()}


def report(figures: dict[str, float], runs: int, empty_cache: bool = False) -> str:
    """The figures as lines: seconds, the target where there is one, and ratios to proselint."""
    cache_note = "an empty user cache each time" if empty_cache else "a warm user cache"
    lines = [f"cold start: median of {runs} fresh processes each, with {cache_note}"]
    base = figures.get("proselint check")
    for name, seconds in figures.items():
        extra = []
        if name in TARGETS:
            mark = "ok" if seconds <= TARGETS[name] else "OVER"
            extra.append(f"target <= {TARGETS[name]:.1f} s: {mark}")
        if base and name != "proselint check":
            extra.append(f"{seconds / base:.2f}x proselint")
        lines.append(f"  {name:<16} {seconds:6.3f} s   {'   '.join(extra)}".rstrip())
    if "python" in figures:
        lines.append(
            f"  (Python itself starts in {figures['python']:.3f} s; critic's own share of a check: "
            f"{figures['critic check'] - figures['python']:.3f} s)"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per command (default: 9)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the draft to check (default: %(default)s)")
    parser.add_argument(
        "--empty-cache", action="store_true", help="give every process an empty user cache (default: a warm one)"
    )
    args = parser.parse_args()
    print(report(measure(args.runs, args.file.resolve(), args.empty_cache), args.runs, args.empty_cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
