"""The draft is untrusted: spotting text aimed at the model, and bounding what the model may do to scores.

Policy (see docs/llm.md):

1. Bounded influence. The model can make the critic stricter, and give only a small, bounded credit: its new
   findings add penalties (at most 3 per rubric); merging with a heuristic finding can raise its severity, never
   lower it; it cannot remove a heuristic finding; its per-rubric adjustment is clamped to
   [ADJUST_MIN, ADJUST_MAX] = [-15, +10]. So with the LLM a rubric never scores more than heuristics alone + 10.
2. Detected injections are neutralised. When the subject or judged body matches an injection pattern, the
   sentences that contain it are removed before the draft is sent (the model never reads them); they are flagged
   to the writer (`llm.clarity`, warning: a person would find them odd too); positive adjustments are dropped;
   and each rubric is capped at the score the same model answer gives the draft *without* those sentences
   (heuristics re-run on that draft). So a detected injection never scores higher than the same draft without
   it, whatever the model does, even when the injected words happen to please a heuristic.
3. An injection the patterns miss reaches the model, but can gain at most the bounded credit of point 1.
4. Every LLM finding must quote words located in the draft's judged text (anchor.py), so no finding can point
   outside the draft, into a quoted reply or a signature, or at words the model made up.
"""

from __future__ import annotations

from dataclasses import dataclass

from critic.analysis.lexicon import role_patterns

ADJUST_MIN, ADJUST_MAX = -15, 10

# The patterns are data (critic/rules/data/roles.yaml, `machine_talk`), shared with the heuristics, which give such
# text no credit.
INJECTION = role_patterns("machine_talk")


@dataclass(frozen=True, slots=True)
class Injection:
    """Text in the draft that speaks to the model rather than the reader."""

    field: str
    start: int
    end: int
    text: str


def find_injections(subject: str, body: str, judged: tuple[tuple[int, int], ...]) -> list[Injection]:
    """Injection patterns in the subject and the judged body (quoted replies are not the writer's words)."""
    found = [Injection("subject", m.start(), m.end(), m.group()) for m in INJECTION.finditer(subject)]
    for lo, hi in judged:
        found.extend(Injection("body", m.start(), m.end(), m.group()) for m in INJECTION.finditer(body, lo, hi))
    return found


def clamp(value: object) -> int:
    """An adjustment within the documented bounds (non-integers count as 0)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(ADJUST_MIN, min(ADJUST_MAX, value))


def sentence_span(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen [start, end) to the sentence (or line) around it, within [lo, hi)."""
    s = start
    while s > lo and text[s - 1] not in ".!?\n":
        s -= 1
    e = end
    while e < hi and text[e] not in ".!?\n":
        e += 1
    if e < hi and text[e] in ".!?":
        e += 1
    while s < e and text[s].isspace():
        s += 1
    return s, e
