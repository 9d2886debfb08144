"""Speed of the heuristic critique, with proselint on the same texts in the same run as the baseline.

    python bench/engine.py [--repeat 20] [--coldstart-runs 5]

Prints per-draft median and p95 over the 64 real emails (tests/data/corpus), proselint's time for
the same texts, their ratio, the time for a ~150-word draft (again, and cold: every sentence new to the
process), and how time grows with 10x the text;
then the cold-start figures of bench/coldstart.py (import, first critique, a whole `critic check`,
each in fresh processes, with proselint's whole process beside them).
Timings on a shared machine are noisy: read the ratios, which compare runs made side by side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from coldstart import measure, report

from critic.ingest.files import corpus_draft
from critic.model import Draft
from critic.pipeline import critique, warm_up

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "tests/data/corpus").glob("*.txt"))

TYPICAL = (
    "Hi Sarah,\n\nI hope this email finds you well! I saw your post about scaling the support team at Acme from "
    "five to twenty people this year, and the point about onboarding new agents stuck with me. We are the leading "
    "provider of AI-powered help desk software, and our team of 40 has helped companies like Brightly and Northwind "
    "cut first-response times by 38% in a quarter. I put together a short teardown of your public help center with "
    "three quick fixes for the articles that get the most traffic. Would you be open to a 30 minute call on Thursday "
    "at 2pm to walk through it? If Thursday does not work, let me know a better time and I will send an invite. "
    "Either way, happy to send the teardown over.\n\nBest,\nJohn Smith\nHead of Growth, Acme Help"
)


def _time(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _proselint():
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)
    return lambda text: LintFile("<bench>", f"\n{text}\n").lint()


def _unique(text: str, n: int) -> str:
    """The text with a different number in every sentence: as new to the caches as a fresh draft."""
    return ". ".join(f"{part} ({n})" if part.strip() else part for part in text.split(". "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--coldstart-runs", type=int, default=5, help="fresh processes per cold-start figure (0: skip)")
    args = parser.parse_args()
    drafts = [corpus_draft(p) for p in CORPUS]
    texts = [d.body for d in drafts]
    warm_up()  # as a long-lived process does: every pattern compiled, every table loaded
    lint = _proselint()
    lint(texts[0])

    ours, theirs = [], []
    for _ in range(args.repeat):
        for draft, text in zip(drafts, texts, strict=True):
            ours += _time(lambda d=draft: critique(d, llm="off"), 1)
            theirs += _time(lambda t=text: lint(t), 1)
    words = len(TYPICAL.split())
    typical, typical_lint = [], []
    for _ in range(args.repeat * 20):  # side by side, so the ratio holds however fast the machine is right now
        typical += _time(lambda: critique(Draft(body=TYPICAL), llm="off"), 1)
        typical_lint += _time(lambda: lint(TYPICAL), 1)
    # Cold: every sentence new to the process (a number changed in each), so no per-sentence cache answers.
    cold_texts = [_unique(TYPICAL, i) for i in range(args.repeat * 20)]
    cold = [t for text in cold_texts for t in _time(lambda x=text: critique(Draft(body=x), llm="off"), 1)]
    big = Draft(body="\n\n".join([TYPICAL.split("\n\n")[1]] * 10))
    small = Draft(body=TYPICAL.split("\n\n")[1])
    t_small = statistics.median(_time(lambda: critique(small, llm="off"), args.repeat * 10))
    t_big = statistics.median(_time(lambda: critique(big, llm="off"), args.repeat * 2))

    ms = 1000.0
    print(f"corpus: {len(drafts)} real emails x {args.repeat}")
    print(f"  critic     median {statistics.median(ours) * ms:7.3f} ms   p95 {_p95(ours) * ms:7.3f} ms per draft")
    print(f"  proselint  median {statistics.median(theirs) * ms:7.3f} ms   p95 {_p95(theirs) * ms:7.3f} ms per draft")
    print(
        f"  ratio critic/proselint (median): {statistics.median(ours) / statistics.median(theirs):.3f}"
        f"   (total: {sum(ours) / sum(theirs):.3f})"
    )
    print(
        f"typical {words}-word draft: median {statistics.median(typical) * ms:.3f} ms, p95 {_p95(typical) * ms:.3f} ms"
        f"   (proselint {statistics.median(typical_lint) * ms:.3f} ms; ratio {statistics.median(typical) / statistics.median(typical_lint):.3f})"
    )
    print(f"  the same draft cold (each sentence unique): median {statistics.median(cold) * ms:.3f} ms")
    print(f"10x the text costs {t_big / t_small:.1f}x the time ({t_small * ms:.3f} ms -> {t_big * ms:.3f} ms)")
    if args.coldstart_runs > 0:
        print(report(measure(args.coldstart_runs), args.coldstart_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
