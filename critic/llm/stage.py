"""The LLM step of a critique: cache, one model call under the deadline, and merging its answer into the result.

Whatever happens, the heuristic critique comes back; `llm.status` says what the model step did:
off | ok | cached | timeout | error | invalid | unconfigured, with a short `reason` when it is not ok/cached.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from critic.llm import guard
from critic.llm.anchor import locate_in
from critic.llm.answers import Answer, Answers
from critic.llm.client import COUNTERS, LLMFailure, complete
from critic.llm.config import LLMConfig, LLMConfigError, is_configured, load_config
from critic.llm.facts import check_rewrite
from critic.llm.merge import anchor_findings, llm_rule, merge, rubric_level
from critic.llm.prompt_files import Prompts
from critic.llm.request import Prepared, judged_text, prepare, read_answer
from critic.model import RUBRICS, Critique, Finding, Severity
from critic.scoring import score

# The pipeline's heuristic run on new text, under the same rules and reader (None: nothing left to judge).
Rejudge = Callable[[Critique, str, str], Critique | None]

PLEASANTRY_RULES = ("rapport.pleasantry", "rapport.small_talk")
REWRITE_GROWTH = 3  # a rewrite longer than this many times the original (+200 characters) is rejected


@dataclass(frozen=True)
class LLMVerdict:
    """What the LLM step decided: the merged findings (None: unchanged), bounded score adjustments, and its status."""

    info: dict[str, Any]
    findings: tuple[Finding, ...] | None = None
    adjustments: Mapping[str, int] = dc_field(default_factory=dict)


CACHE = Answers()  # in this process, and on Redis when CRITIC_REDIS_URL is set


def _info(mode: str, status: str, reason: str | None = None, **more: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "status": status,
        "reason": reason,
        "requested": mode,
        "model": None,
        "prompt_version": None,
        "latency_ms": None,
        "usage": None,
        "attempts": 0,
        "rewrite": None,
        "rewrite_subject": None,
        "rewrite_rejected": None,
        "generic_swap": [],
        "dropped": 0,
        "dropped_reasons": {},
        "added": 0,
        "merged": 0,
        "adjustments": {},
        "adjustments_requested": {},
        "injection": [],
        "injection_cap": {},
    }
    info.update(more)
    return info


def cache_key(result: Critique, cfg: LLMConfig, prompts: Prompts) -> str:
    doc, r = result.document, result.recipient
    parts = [
        doc.subject,
        doc.body,
        [list(x) for x in doc.judged],
        [[k, None if v is None else v.label] for k, v in result.overrides.levels],
        [r.name, r.company, r.notes] if r else None,
        cfg.base_url,
        cfg.model,
        cfg.response_format,
        prompts.version,
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def find_injected(result: Critique) -> list[tuple[str, int, int]]:
    """The sentences (field, start, end) of the judged text that speak to the model rather than the reader."""
    doc = result.document
    spans = set()
    for i in guard.find_injections(doc.subject, doc.body, doc.judged):
        text = doc.subject if i.field == "subject" else doc.body
        lo, hi = _range_of(doc, i.field, i.start)
        spans.add((i.field, *guard.sentence_span(text, i.start, i.end, lo, hi)))
    return sorted(spans)


def without_injections(result: Critique, spans: list[tuple[str, int, int]], rejudge: Rejudge) -> Critique | None:
    """The heuristic critique of the same draft with the injected sentences removed (None: nothing is left)."""
    doc = result.document
    texts = {"subject": doc.subject, "body": doc.body}
    for fieldname, start, end in sorted(spans, key=lambda x: -x[1]):
        texts[fieldname] = texts[fieldname][:start] + texts[fieldname][end:]
    return rejudge(result, texts["subject"], texts["body"])


def _injection_findings(result: Critique, spans: list[tuple[str, int, int]]) -> list[Finding]:
    doc = result.document
    out = []
    for field, start, end in spans:
        text = doc.subject if field == "subject" else doc.body
        out.append(
            Finding(
                rubric="clarity",
                rule=llm_rule("clarity"),
                severity=Severity.WARNING,
                field=field,
                start=start,
                end=end,
                quote=text[start:end],
                message="This line speaks to an automated reviewer, not to your reader.",
                why="A person reading it will be puzzled or suspicious; it also earns no credit from the critic.",
                source="llm",
                extra=(("injection", True),),
            )
        )
    return out


def _generic_swap(
    result: Critique, prep: Prepared, items: list[dict[str, Any]], dropped: Counter[str]
) -> tuple[list[dict[str, Any]], list[Finding]]:
    verdicts: list[dict[str, Any]] = []
    findings: list[Finding] = []
    seen: set[int] = set()
    level = rubric_level(result.overrides, "rapport", Severity.SUGGESTION)
    for item in items:
        i = item["sentence"]
        if i >= len(prep.personal) or i in seen:
            dropped["unknown_sentence"] += 1
            continue
        seen.add(i)
        s = prep.personal[i]
        # The sentence was taken from the draft the model saw; find it in this one (they differ when text was removed).
        where = locate_in(s.text, result.document.body, result.document.judged, "body")
        if where is None:
            dropped["unfound"] += 1
            continue
        why = " ".join(str(item.get("why") or "").split())[:300]
        verdicts.append(
            {
                "field": "body",
                "start": where.start,
                "end": where.end,
                "quote": s.text,
                "generic": bool(item["generic"]),
                "why": why,
            }
        )
        if item["generic"] and level is not None:
            findings.append(
                Finding(
                    rubric="rapport",
                    rule=llm_rule("rapport"),
                    severity=level,
                    field="body",
                    start=where.start,
                    end=where.end,
                    quote=result.document.body[where.start : where.end],
                    message="This 'personal' line would fit any recipient.",
                    why=why
                    or "A line that could be sent to anyone reads as a template, not as attention to this reader.",
                    source="llm",
                    extra=(("generic_swap", True),),
                )
            )
    return verdicts, findings


def _rewrite(result: Critique, prep: Prepared, data: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    body, subject = data.get("rewrite"), data.get("rewrite_subject")
    if not body or not body.strip():
        return None, None, "the model gave no rewrite"
    if len(body) > REWRITE_GROWTH * len(prep.judged_body) + 200:
        return None, None, "the rewrite is much longer than the draft"
    optional = [(f.start, f.end) for f in result.findings if f.field == "body" and f.rule in PLEASANTRY_RULES]
    # Facts are read from what the model saw (the judged body); optional spans are mapped onto it by text.
    original = result.document.body
    judged = prep.judged_body
    mapped = []
    for start, end in optional:
        i = judged.find(original[start:end])
        if i >= 0:
            mapped.append((i, i + end - start))
    problem = check_rewrite(result.document.subject, judged, subject, body, mapped)
    if problem:
        return None, None, f"rewrite discarded: it {problem}"
    return body, (subject or None), None


def apply_answer(
    result: Critique,
    prep: Prepared,
    answer: Answer,
    info: dict[str, Any],
    injected: list[tuple[str, int, int]] | None = None,
    ceiling: dict[str, int] | None = None,
) -> LLMVerdict:
    """Anchor, merge, bound and check the model's answer; the verdict to merge into the critique.

    `injected` sentences are flagged and earn no positive adjustment; `ceiling` caps each rubric's score.
    """
    data, doc = answer.data, result.document
    injected = injected or []
    dropped: Counter[str] = Counter()
    model_findings = anchor_findings(data["findings"], doc, result.overrides, dropped)
    verdicts, swap_findings = _generic_swap(result, prep, data["generic_swap"], dropped)
    merged = merge(
        result.findings,
        model_findings + swap_findings + _injection_findings(result, injected),
        result.overrides,
        dropped,
    )
    requested = {r: data["adjustments"].get(r, 0) for r in RUBRICS}
    adjustments = {}
    for r in RUBRICS:
        value = guard.clamp(requested[r])
        if rubric_level(result.overrides, r, Severity.SUGGESTION) is None:
            value = 0  # the writer turned this rubric off
        elif injected and value > 0:
            value = 0  # no credit for a draft that tries to talk to the model
        adjustments[r] = value
    capped: dict[str, int] = {}
    if ceiling:
        scores = score(merged.findings, adjustments)
        capped = {r: scores.rubric[r] - ceiling[r] for r in RUBRICS if scores.rubric[r] > ceiling[r]}
    rewrite, rewrite_subject, rejected = _rewrite(result, prep, data)
    info.update(
        rewrite=rewrite,
        rewrite_subject=rewrite_subject,
        rewrite_rejected=rejected,
        generic_swap=verdicts,
        dropped=sum(dropped.values()),
        dropped_reasons=dict(dropped),
        added=merged.added,
        merged=merged.merged,
        adjustments={r: v for r, v in adjustments.items() if v},
        adjustments_requested=requested,
        injection_cap=capped,
        injection=[
            {"field": f, "start": s, "end": e, "quote": (doc.subject if f == "subject" else doc.body)[s:e]}
            for f, s, e in injected
        ],
    )
    total = {r: adjustments[r] - capped.get(r, 0) for r in RUBRICS}
    return LLMVerdict(info, merged.findings, {r: v for r, v in total.items() if v})


def _range_of(doc: Any, field: str, offset: int) -> tuple[int, int]:
    if field == "subject":
        return 0, len(doc.subject)
    return next(((lo, hi) for lo, hi in doc.judged if lo <= offset < hi), (0, len(doc.body)))


def judge(result: Critique, mode: str, prompts: Prompts, rejudge: Rejudge) -> LLMVerdict:
    """The model's verdict on a heuristic critique when `mode` allows it (never raises for model trouble)."""
    if mode == "off":
        return LLMVerdict(_info(mode, "off", "LLM rubrics were turned off for this request"))
    if not is_configured():
        why = "no model is configured: set OPENAI_BASE_URL (or OPENAI_API_KEY for api.openai.com) and CRITIC_LLM_MODEL"
        if mode == "on":
            why = "llm=on was requested but " + why
        return LLMVerdict(_info(mode, "unconfigured", why))
    try:
        cfg = load_config()
    except LLMConfigError as exc:
        COUNTERS.incr("errors")
        return LLMVerdict(_info(mode, "error", str(exc)))
    started = time.monotonic()
    deadline = started + cfg.timeout
    base = {"model": cfg.model, "prompt_version": prompts.version}
    injected = find_injected(result)
    judged = result
    if injected:
        # The model never sees text aimed at it: it judges the draft without those sentences.
        clean = without_injections(result, injected, rejudge)
        if clean is None:
            COUNTERS.incr("errors")
            return LLMVerdict(
                _info(mode, "invalid", "nothing is left to judge once the text aimed at the model is removed", **base)
            )
        judged = clean
    prep = prepare(judged, prompts, cfg)
    key = cache_key(judged, cfg, prompts)
    attempts = 0

    def ask() -> Answer:
        nonlocal attempts
        reply = complete(cfg, prep.messages, prep.response_format, deadline)
        attempts = reply.attempts
        return Answer(read_answer(reply, prompts), reply.usage, reply.model)

    try:
        # Identical drafts in flight at once (in this process, or anywhere with Redis) wait for one model call.
        answer, hit = CACHE.fetch(key, cfg.cache_ttl, ask, deadline) if cfg.cache_ttl > 0 else (ask(), False)
    except LLMFailure as exc:
        COUNTERS.incr("timeouts" if exc.status == "timeout" else "errors")
        latency = round((time.monotonic() - started) * 1000)
        return LLMVerdict(_info(mode, exc.status, exc.reason, latency_ms=latency, attempts=exc.attempts, **base))
    if hit:
        COUNTERS.incr("cache_hits")
    status = "cached" if hit else "ok"
    info = _info(mode, status, None, usage=answer.usage, attempts=attempts, **base)
    ceiling = None
    if injected:
        # The same answer applied to the draft without the injected text: this draft may score no higher.
        clean_verdict = apply_answer(judged, prep, answer, _info(mode, status))
        ceiling = dict(score(clean_verdict.findings or judged.findings, clean_verdict.adjustments).rubric)
    merged = apply_answer(result, prep, answer, info, injected, ceiling)
    info["latency_ms"] = round((time.monotonic() - started) * 1000)
    return merged


__all__ = ["CACHE", "LLMVerdict", "judge", "judged_text"]
