"""Finding the words a model quoted in the draft's judged text: exact, then loose, then fuzzy (strict).

A quote is searched only inside the ranges the critic judges (the subject, or the body outside quoted replies
and signatures), so no LLM finding can point anywhere else. The span returned is always a slice of the draft:
the finding quotes the draft's own characters, never the model's version of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

FUZZY_THRESHOLD = 90.0  # rapidfuzz partial_ratio, 0-100
FUZZY_MIN_CHARS = 12  # shorter quotes must match exactly or loosely: fuzzy matches of a few letters are noise
_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "‑": "-"})
_EDGE = " \t\r\n\"'“”‘’«»`"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote was found: [start, end) in the normalised text of `field`."""

    field: str
    start: int
    end: int
    method: str  # exact | loose | fuzzy


def fold(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs collapsed and typographic quotes/dashes made plain,
    and for each folded character the index of the original character it came from."""
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                index.append(i)
            prev_space = True
            continue
        prev_space = False
        plain = ch.translate(_FOLD)
        low = plain.lower()
        out.append(low if len(low) == 1 else plain)
        index.append(i)
    return "".join(out), index


def _snap(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen a fuzzy span to whole words and trim spaces and quotation marks at its edges."""
    while start > lo and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < hi and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _clean(quote: str) -> str:
    q = quote.strip()
    # Models often wrap a quote in quotation marks or end it with an ellipsis.
    while len(q) >= 2 and q[0] in "\"'“‘«`" and q[-1] in "\"'”’»`":
        q = q[1:-1].strip()
    return q.strip("…").strip()


def locate_in(quote: str, text: str, ranges: Sequence[tuple[int, int]], field: str) -> Anchor | None:
    """The first place in `ranges` of `text` where `quote` is, or None."""
    q = _clean(quote)
    if not q or not ranges:
        return None
    for lo, hi in ranges:
        i = text.find(q, lo, hi)
        if i >= 0:
            return Anchor(field, i, i + len(q), "exact")
    fq, _ = fold(q)
    fq = fq.strip()
    if not fq:
        return None
    folded = [(lo, hi, *fold(text[lo:hi])) for lo, hi in ranges]
    for lo, _hi, ftext, index in folded:
        j = ftext.find(fq)
        if j >= 0:
            return Anchor(field, lo + index[j], lo + index[j + len(fq) - 1] + 1, "loose")
    if len(fq) < FUZZY_MIN_CHARS:
        return None
    best: tuple[float, int, int, int, int] | None = None
    for lo, hi, ftext, index in folded:
        if len(ftext) < len(fq):
            # The quote is longer than this range: only a near-identical whole range counts.
            score = fuzz.ratio(fq, ftext)
            span = (0, len(ftext)) if score >= FUZZY_THRESHOLD and ftext else None
        else:
            found = fuzz.partial_ratio_alignment(fq, ftext, score_cutoff=FUZZY_THRESHOLD)
            score, span = (found.score, (found.dest_start, found.dest_end)) if found else (0.0, None)
        if span and span[1] > span[0] and (best is None or score > best[0]):
            best = (score, lo + index[span[0]], lo + index[span[1] - 1] + 1, lo, hi)
    if best is None:
        return None
    start, end = _snap(text, best[1], best[2], best[3], best[4])
    return Anchor(field, start, end, "fuzzy") if end > start else None


def locate(quote: str, field: str, subject: str, body: str, judged: Sequence[tuple[int, int]]) -> Anchor | None:
    """Locate a quote in the field the model named, else in the other one; None when it is in neither."""
    targets = {
        "subject": (subject, [(0, len(subject))] if subject else []),
        "body": (body, list(judged)),
    }
    order = [field, *(f for f in targets if f != field)] if field in targets else list(targets)
    for name in order:
        text, ranges = targets[name]
        anchor = locate_in(quote, text, ranges, name)
        if anchor is not None:
            return anchor
    return None
