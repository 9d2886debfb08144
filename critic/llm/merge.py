"""Turning the model's findings into anchored `Finding`s and merging them with the heuristic ones.

- A model finding whose quote cannot be located in the judged text is dropped and counted, never shown.
- A model finding that covers (mostly) the same words as a heuristic finding of the same rubric merges into it:
  the heuristic rule id stays, `source` stays "heuristic", the higher severity wins (unless the writer fixed that
  rule's severity with an override), and `extra` records `llm_agrees: true` and the model's message.
- Other model findings become findings of rule `llm.<rubric>` with `source="llm"`, at most MAX_PER_RUBRIC per
  rubric (most severe first), so a verbose model cannot bury a rubric under penalties.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from critic.config import Overrides
from critic.llm.anchor import Anchor, locate
from critic.model import Document, Finding, Severity

MAX_PER_RUBRIC = 3
TEXT_LIMIT = 300  # characters kept of a model's message or why
REPLACEMENT_LIMIT = 400
OVERLAP = 0.5  # share of the shorter span two findings must have in common to be the same finding


def _trim(text: object, limit: int = TEXT_LIMIT) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def llm_rule(rubric: str) -> str:
    return f"llm.{rubric}"


def rubric_level(overrides: Overrides, rubric: str, severity: Severity) -> Severity | None:
    """The severity an LLM finding of `rubric` gets under the writer's overrides (None: the rubric is off).

    Override keys are rule ids or prefixes: the model's own id (`llm.rapport`, or `llm` for all of them) wins;
    otherwise a rubric-wide key (`rapport=off`) applies to the model's findings too.
    """
    own = llm_rule(rubric)
    if any(own == key or own.startswith(key + ".") for key, _ in overrides.levels):
        return overrides.level(own, severity)
    return overrides.level(f"{rubric}.llm", severity)


def _in_placeholder(anchor: Anchor, doc: Document) -> bool:
    return any(p.field == anchor.field and p.start <= anchor.start and anchor.end <= p.end for p in doc.placeholders)


def anchor_findings(
    items: Iterable[dict[str, Any]], doc: Document, overrides: Overrides, dropped: Counter[str]
) -> list[Finding]:
    """Locate each model finding in the draft; those that cannot be located are dropped and counted."""
    out: list[Finding] = []
    for item in items:
        anchor = locate(str(item["quote"]), str(item["field"]), doc.subject, doc.body, doc.judged)
        if anchor is None:
            dropped["unfound"] += 1
            continue
        if _in_placeholder(anchor, doc):
            dropped["placeholder"] += 1  # a merge tag is not the writer's words
            continue
        severity = rubric_level(overrides, item["rubric"], Severity.parse(item["severity"]))
        if severity is None:
            dropped["rubric_off"] += 1
            continue
        text = doc.subject if anchor.field == "subject" else doc.body
        quote = text[anchor.start : anchor.end]
        replacement = _trim(item.get("replacement"), REPLACEMENT_LIMIT) if item.get("replacement") else ""
        out.append(
            Finding(
                rubric=item["rubric"],
                rule=llm_rule(item["rubric"]),
                severity=severity,
                field=anchor.field,
                start=anchor.start,
                end=anchor.end,
                quote=quote,
                message=_trim(item["message"]),
                why=_trim(item.get("why")),
                replacements=(replacement,) if replacement and replacement != quote else (),
                source="llm",
                extra=(("anchor", anchor.method),),
            )
        )
    return out


def _same_place(a: Finding, b: Finding) -> bool:
    if a.rubric != b.rubric or a.field != b.field or dict(a.extra).get("evidence_for"):
        return False  # a pointer bearing out another finding is no verdict for the model to agree with
    common = min(a.end, b.end) - max(a.start, b.start)
    shorter = max(1, min(a.end - a.start, b.end - b.start))
    return common > 0 and common / shorter >= OVERLAP


@dataclass(frozen=True)
class Merged:
    findings: tuple[Finding, ...]
    added: int
    merged: int


def merge(
    heuristic: Sequence[Finding], model: Sequence[Finding], overrides: Overrides, dropped: Counter[str]
) -> Merged:
    """The heuristic findings, with the model's merged in (see the module docstring)."""
    result = list(heuristic)
    added = merged = 0
    per_rubric: Counter[str] = Counter()
    for f in sorted(model, key=lambda x: (-int(x.severity), x.field, x.start)):
        i = next((k for k, h in enumerate(result) if _same_place(h, f)), None)
        if i is None:
            if per_rubric[f.rubric] >= MAX_PER_RUBRIC:
                dropped["over_limit"] += 1
                continue
            per_rubric[f.rubric] += 1
            result.append(f)
            added += 1
            continue
        h = result[i]
        if h.source == "llm":
            dropped["duplicate"] += 1  # the model said the same thing twice; the more severe one is kept
            continue
        extra = dict(h.extra)
        if extra.get("llm_agrees"):
            dropped["duplicate"] += 1
            continue
        fixed = overrides.level(h.rule, None) is not None  # type: ignore[arg-type]  # the writer set this rule's severity
        severity = h.severity if fixed or f.severity <= h.severity else f.severity
        extra.update(llm_agrees=True, llm_message=f.message)
        result[i] = dataclasses.replace(
            h,
            severity=severity,
            replacements=h.replacements or f.replacements,
            extra=tuple(extra.items()),
        )
        merged += 1
    return Merged(tuple(result), added, merged)
