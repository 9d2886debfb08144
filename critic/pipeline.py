"""The one orchestrator: ingest -> analyse -> rules -> score -> LLM verdict -> score once.

The CLI, the service and the Python API all call `critique` (or `heuristic_critique` then `with_llm`, for streaming).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

from critic import analysis
from critic import llm as llm_step
from critic.analysis.language import MODEL_LANGUAGES
from critic.analysis.lexicon import lexicon
from critic.analysis.sentences import analyse
from critic.config import Overrides, find_config, load_file_overrides
from critic.ingest.document import normalise
from critic.model import (
    LLM_MODES,
    RUBRICS,
    Analysis,
    Critique,
    Document,
    Draft,
    DraftError,
    Finding,
    LLMMode,
    Recipient,
    Strength,
)
from critic.rules.check_kind import CHECKS
from critic.rules.checks import budget
from critic.rules.context import EVIDENCE_FOR, Context
from critic.rules.form_checks import UNFILLED_TAG  # importing the two modules of checks registers them
from critic.rules.metrics import run_metric_rule
from critic.rules.phrases import run_phrase_rule
from critic.rules.registry import Rule, all_rules
from critic.rules.thread import is_first_touch
from critic.scoring import VERDICT, score


def order(f: Finding) -> tuple[int, int, int, str]:
    """Findings are listed subject first, then by position, most severe first."""
    return (0 if f.field == "subject" else 1, f.start, -int(f.severity), f.rule)


@functools.cache
def file_overrides() -> Overrides:
    """Overrides from the config file, read once per process."""
    return load_file_overrides(find_config(), rule_ids())


def request_overrides(raw: Mapping[str, str] | None) -> Overrides:
    """Validate per-request overrides (raises ConfigError naming the bad key)."""
    return Overrides.parse(raw, rule_ids())


@functools.cache
def rule_ids() -> frozenset[str]:
    """Every id an override may name: the heuristic rules and the LLM's findings (`llm.<rubric>`); built once."""
    return frozenset({r.id for r in all_rules()} | {f"llm.{rubric}" for rubric in RUBRICS})


def _run_rule(rule: Rule, ctx: Context, overrides: Overrides) -> list[Finding]:
    level = overrides.level(rule.id, rule.severity)
    if level is None:
        return []
    if rule.kind == "phrase":
        found = run_phrase_rule(rule, ctx, level)
    elif rule.kind == "metric":
        found = run_metric_rule(rule, ctx, level)
    else:
        found = CHECKS[rule.id](rule, ctx, level)
    if rule.verdict:
        found = [
            f if dict(f.extra).get(EVIDENCE_FOR) else dataclasses.replace(f, extra=(*f.extra, (VERDICT, rule.verdict)))
            for f in found
        ]
    if level != rule.severity:
        # An explicit re-levelling is exact: checks that escalate by degree must not override the writer's choice.
        found = [f if dict(f.extra).get(EVIDENCE_FOR) else dataclasses.replace(f, severity=level) for f in found]
    return found


def _about_placeholder(f: Finding, doc: Document) -> bool:
    """The finding is about a merge tag itself (its words are the tag's): say nothing until it is filled.

    A sentence that holds a tag is still judged by its own words ("Huge admirer of {{company}}'s work!" flatters).
    """
    tags = [p for p in doc.placeholders if p.field == f.field and p.start < f.end and f.start < p.end]
    if not tags:
        return False
    words = list(f.quote)
    for p in tags:
        for i in range(max(p.start, f.start), min(p.end, f.end)):
            words[i - f.start] = " "
    return sum(ch.isalpha() for ch in words) < PLACEHOLDER_CONTEXT


PLACEHOLDER_CONTEXT = 12  # letters of the writer's own around a tag before a finding is about them, not the tag


def _strengths(doc: Document, analysis: Analysis) -> tuple[Strength, ...]:
    lex = lexicon()
    out: list[Strength] = []
    for s in analysis.sentences:
        if lex.specific_connection.holds(s.text, s.needles):
            out.append(
                Strength(
                    "rapport",
                    "specific_connection",
                    s.start,
                    s.end,
                    s.text,
                    "A specific connection to the reader's own work.",
                )
            )
        if s.is_question and lex.needs_question.holds(s.text, s.needles):
            out.append(
                Strength(
                    "empathy", "needs_question", s.start, s.end, s.text, "A genuine question about the reader's needs."
                )
            )
        if "value" in s.roles:
            out.append(
                Strength("value_first", "value", s.start, s.end, s.text, "Offers the reader something of value.")
            )
        if "ask" in s.roles and s.ask_cost < 1:
            out.append(
                Strength(
                    "imposition", "easy_ask", s.start, s.end, s.text, "A small ask the reader can grant at no cost."
                )
            )
    return tuple(out)


def heuristic_critique(
    draft: Draft,
    *,
    rules: Mapping[str, str] | None = None,
    recipient: Recipient | None = None,
) -> Critique:
    """The heuristic critique of a draft: fast, offline, deterministic. Raises DraftError or ConfigError."""
    overrides = file_overrides().then(request_overrides(rules))  # also loads every rule and its needles
    doc = normalise(draft)
    names = tuple(n for n in ((recipient.name, recipient.company) if recipient else ()) if n)
    analysis = analyse(doc, names)
    first_touch = is_first_touch(doc, analysis)
    ctx = Context(doc, analysis, first_touch)
    findings: list[Finding] = []
    for rule in all_rules():
        if rule.kind != "phrase" and not ctx.judges(rule):
            continue  # a check built on English word lists says nothing about another language
        found = _run_rule(rule, ctx, overrides)
        # A merge tag stands for words the writer has not written yet: judge the words, not the tag (except the
        # rule whose subject is the tag itself).
        if doc.placeholders and rule.id != UNFILLED_TAG:
            found = [f for f in found if not _about_placeholder(f, doc)]
        findings.extend(found)
    ordered = tuple(sorted(findings, key=order))
    stats = dict(analysis.stats)
    stats["first_touch"] = first_touch
    stats["imposition_budget"] = budget(ctx)
    return Critique(
        doc,
        analysis,
        ordered,
        _strengths(doc, analysis),
        score(ordered),
        stats,
        recipient=recipient,
        notices=_notices(analysis),
        overrides=overrides,
    )


def _notices(analysis: Analysis) -> tuple[dict[str, str], ...]:
    """What the writer should know about how far to trust this critique."""
    lang = analysis.language
    if lang == "en":
        return ()
    covered = "the sentence model" if lang in MODEL_LANGUAGES else "only checks of length and form"
    return (
        {
            "kind": "language",
            "message": f"This draft looks like {lang!r}: the critic's phrase rules know English, so {covered} "
            "judged it and the scores are not confident. With an LLM configured, the model judges it too.",
        },
    )


def critique(
    draft: Draft,
    *,
    rules: Mapping[str, str] | None = None,
    llm: LLMMode = "auto",
    recipient: Recipient | None = None,
) -> Critique:
    """Critique a draft: heuristics always, plus the LLM rubrics when `llm` allows and a model is configured.

    >>> critique(Draft(body="Hope this finds you well! Do you have 30 minutes Thursday?")).scores.overall < 80
    True
    """
    if llm not in LLM_MODES:
        raise ValueError(f"llm must be one of {', '.join(LLM_MODES)}")
    return with_llm(heuristic_critique(draft, rules=rules, recipient=recipient), llm)


def with_llm(result: Critique, llm: LLMMode) -> Critique:
    """The LLM step on a heuristic critique: the model's verdict merged in and scored once (never raises for model trouble)."""
    verdict = llm_step.judge(result, llm, _rejudge)
    if verdict.findings is None:
        return result.replace(llm=verdict.info)
    findings = tuple(sorted(verdict.findings, key=order))
    return result.replace(findings=findings, scores=score(findings, verdict.adjustments), llm=verdict.info)


def _rejudge(result: Critique, subject: str, body: str) -> Critique | None:
    """The heuristic critique of new text under the same rules and reader (None: nothing is left to judge)."""
    rules = {k: ("off" if v is None else v.label) for k, v in result.overrides.levels}
    try:
        return heuristic_critique(
            Draft(body=body, subject=subject, format="text"), rules=rules, recipient=result.recipient
        )
    except (DraftError, ValueError):
        return None


def warm_up() -> None:
    """Load the rules, the phrase lists and the pronunciation dictionary now, so the first real request is fast."""
    critique(
        Draft(subject="Warm-up", body="Hi Sam,\n\nYour checkout hides the button on phones. Want the fix?"), llm="off"
    )
    analysis.warm_up()  # every pattern compiled, every table loaded (a short process loads only what it needs)
    _ = llm_step.PROMPTS.version  # the prompt files, read and checked now: a broken one fails at start-up
