"""Rubric scores and the overall score; every point deducted comes from one finding.

Each rubric starts at 100 and loses each of its findings' penalty (suggestion 5, warning 25, error 40:
`PENALTY`, the only place points are decided), floored at 0. Findings on the same words count once, and so do the
findings of one draft-level verdict (a verdict merges only with its own); a verdict that two or more rules reach costs as an error. `overall` is the weighted mean of the five rubrics with the
weights below: the exchange (value first, imposition) weighs most because it decides whether a
stranger replies at all; empathy next; rapport and clarity polish what is there.
"""

from __future__ import annotations

from collections.abc import Mapping

from critic.model import RUBRICS, Finding, Scores, Severity

WEIGHTS: dict[str, float] = {
    "value_first": 0.25,
    "imposition": 0.25,
    "empathy": 0.20,
    "rapport": 0.15,
    "clarity": 0.15,
}
PENALTY: dict[Severity, int] = {Severity.SUGGESTION: 5, Severity.WARNING: 25, Severity.ERROR: 40}
# The key a draft-level finding carries in `extra`: the judgement it is part of (see `score`).
VERDICT = "verdict"
assert set(WEIGHTS) == set(RUBRICS) and abs(sum(WEIGHTS.values()) - 1.0) < 1e-9


def score(findings: list[Finding] | tuple[Finding, ...], adjustments: Mapping[str, int] | None = None) -> Scores:
    """Scores for a set of findings, plus bounded per-rubric adjustments (from the LLM step) listed as deductions."""
    deductions: dict[str, list[dict[str, object]]] = {r: [] for r in RUBRICS}
    flagged = {r: False for r in RUBRICS}
    counted: dict[str, list[Finding]] = {r: [] for r in RUBRICS}
    # Costliest first: when several findings of one rubric point at the same words, only the costliest counts,
    # so one ask named three ways ("call? Thursday? 30 minutes?") is deducted once; so does one draft-level
    # judgement reached by several rules (nothing about the reader, and mostly about the sender).
    # Among equals the widest goes first, so a finding about a whole paragraph takes in the ones inside it
    # whatever order the rules ran in.
    extras = {id(f): dict(f.extra) for f in findings}  # each finding's extra as a dict, made once
    for f in sorted(findings, key=lambda x: (-PENALTY[x.severity], x.start - x.end)):
        if f.rubric not in deductions:
            continue
        extra = extras[id(f)]
        group = extra.get(VERDICT)
        # A verdict is about the whole draft and only points at one sentence of it: it merges with its own verdict,
        # never with a finding that happens to sit on that sentence (which sentence it points at must not matter).
        same = next(
            (
                c
                for c in counted[f.rubric]
                if (group and extras[id(c)].get(VERDICT) == group)
                or (not group and not extras[id(c)].get(VERDICT) and _same_words(c, f))
            ),
            None,
        )
        evidence_for = extra.get("evidence_for")
        if evidence_for:
            # A sentence that bears out a draft-level finding (one of the sentences about the sender) is part of it.
            deductions[f.rubric].append({"finding": f.id, "rule": f.rule, "points": 0, "counted_as": evidence_for})
        elif same is None:
            counted[f.rubric].append(f)
            deductions[f.rubric].append({"finding": f.id, "rule": f.rule, "points": PENALTY[f.severity]})
        else:
            deductions[f.rubric].append({"finding": f.id, "rule": f.rule, "points": 0, "counted_as": same.id})
        flagged[f.rubric] = flagged[f.rubric] or f.flags
    _concur(findings, deductions)
    for rubric, points in (adjustments or {}).items():
        if rubric in deductions and points:
            deductions[rubric].append({"finding": None, "rule": "llm.adjustment", "points": -int(points)})
    rubric = {r: min(100, max(0, 100 - sum(int(d["points"]) for d in deductions[r]))) for r in RUBRICS}  # type: ignore[call-overload]
    overall = round(sum(WEIGHTS[r] * rubric[r] for r in RUBRICS))
    return Scores(rubric, overall, deductions, flagged)


def _concur(findings: list[Finding] | tuple[Finding, ...], deductions: dict[str, list[dict[str, object]]]) -> None:
    """A verdict that several rules reach independently weighs as an error: the evidence agrees, so it is surer."""
    rules: dict[str, set[str]] = {}
    for f in findings:
        group = dict(f.extra).get(VERDICT)
        if group and f.flags:
            rules.setdefault(group, set()).add(f.rule)
    by_id = {f.id: f for f in findings}
    for items in deductions.values():
        for d in items:
            f = by_id.get(str(d["finding"]))
            group = dict(f.extra).get(VERDICT) if f is not None else None
            if group and int(d["points"]) and len(rules.get(group, ())) >= CONCURRING:
                d["points"] = max(int(d["points"]), PENALTY[Severity.ERROR])
                d["concurring"] = sorted(rules[group])


CONCURRING = 2  # rules reaching one verdict for it to weigh as an error


def _same_words(a: Finding, b: Finding) -> bool:
    """Whether two findings share words (a deletion's trailing space touching the next sentence does not count)."""
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    return a.field == b.field and lo < hi and bool(a.quote[lo - a.start : hi - a.start].strip())


def penalty(severity: Severity) -> int:
    """The points a finding of this severity costs its rubric."""
    return PENALTY[severity]
