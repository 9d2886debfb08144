"""Metric rules: a named measure of the draft against thresholds declared in the rule's data.

A rule of kind `metric` names a `measure` and its `levels` (the value above which, or below which with
`direction: below`, each severity applies). Its message is a template filled from the same numbers it tested:
`{value}`, `{limit}` (the level crossed), each level by name, the rule's `params`, and what the measure adds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from critic.analysis.lexicon import role_patterns
from critic.analysis.readability import joined_grade
from critic.analysis.sentences import WORD
from critic.model import Finding, Sentence, Severity
from critic.rules.context import Context
from critic.rules.registry import Rule


class Reading(NamedTuple):
    """One value of a measure, and the characters a finding about it points at (a tuple: measures make many)."""

    value: float
    start: int
    end: int
    field: str = "body"
    extra: Mapping[str, Any] = MappingProxyType({})


Measure = Callable[[Context, dict[str, Any]], Iterator[Reading]]
MEASURES: dict[str, Measure] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    """Register a measure under the name rule files use."""

    def register(fn: Measure) -> Measure:
        MEASURES[name] = fn
        return fn

    return register


def _at(s: Sentence, value: float, **extra: Any) -> Reading:
    return Reading(value, s.start, s.end, extra=extra)


@measure("draft_words")
def draft_words(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Words of the message (not the greeting or sign-off), pointing at the sentence where it runs past the first level."""
    sentences = ctx.content_sentences()
    if not sentences:
        return
    total = sum(s.words for s in sentences)
    running, target = 0, sentences[-1]
    for s in sentences:
        running += s.words
        if running > params["first_level"]:
            target = s
            break
    yield _at(target, total)


@measure("message_words")
def message_words(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Words of the message, pointing at its first sentence (or the greeting when there is nothing else)."""
    content = ctx.content_sentences()
    target = content[:1] or ctx.analysis.sentences[:1]
    footer = role_patterns("opt_out_lines")
    # A mailing-list footer ("To unsubscribe, click here") is boilerplate, not the writer's message.
    words = sum(s.words for s in content if not footer.search(s.text))
    if target:
        yield _at(target[0], words)


@measure("reading_grade")
def grade(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """The Flesch-Kincaid grade of the message, pointing at its hardest sentence; none under `min_words`."""
    sentences = ctx.content_sentences()
    value = float(ctx.analysis.stats.get("reading_grade") or 0.0)
    if sum(s.words for s in sentences) < params["min_words"] or value <= params["first_level"]:
        return  # under every level: no need to grade each sentence for the hardest one
    hardest = max(sentences, key=lambda s: (joined_grade([s.text]) if s.words >= 8 else 0.0, s.words))
    yield _at(hardest, value)


@measure("sentence_words")
def sentence_words(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Words in each sentence of the message."""
    for s in ctx.content_sentences():
        yield _at(s, s.words)


@measure("paragraph_words")
def paragraph_words(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Words in each paragraph; a paragraph of more than `max_sentences` sentences counts as over every level."""
    words_in: dict[int, int] = {}
    sentences_in: dict[int, int] = {}
    # One pass over the sentences, not one per paragraph: a 1 MB draft has thousands of both.
    for s in ctx.analysis.sentences:
        words_in[s.paragraph] = words_in.get(s.paragraph, 0) + s.words
        sentences_in[s.paragraph] = sentences_in.get(s.paragraph, 0) + 1
    for index, (start, end) in enumerate(ctx.analysis.paragraphs):
        words, count = words_in.get(index, 0), sentences_in.get(index, 0)
        if _is_list(ctx.doc.body[start:end]):
            # A list reads item by item: its longest item is the block the reader faces, not the whole list.
            words = max(len(WORD.findall(line)) for line in ctx.doc.body[start:end].splitlines())
            count = 1
        value = float("inf") if count > params["max_sentences"] else words
        yield Reading(value, start, end, extra={"words": words, "sentences": count})


_ITEM = re.compile(r"^\s*(?:[-*•–·▪]|\d{1,2}[.)]|[A-Z][\w /&'’-]{0,30}:)\s")


def _is_list(block: str) -> bool:
    """Lines that mostly start as items (a bullet, a number, "Label:"): a list, however many words it holds."""
    lines = [line for line in block.splitlines() if line.strip()]
    return len(lines) >= 2 and sum(bool(_ITEM.match(line)) for line in lines) * 2 >= len(lines)


@measure("questions")
def questions(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Questions in the draft, pointing at the first one past the first level."""
    asked = [s for s in ctx.analysis.sentences if s.is_question]
    if asked:
        yield _at(asked[min(len(asked) - 1, int(params["first_level"]))], len(asked))


@measure("wrapped_lines")
def wrapped_lines(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Line breaks inside sentences (a hard-wrapped body), pointing at each paragraph that has them."""
    breaks_in: dict[int, int] = {}
    for s in ctx.content_sentences():
        if "\n" in s.text:
            # A line ending in a space is a soft break (format=flowed, RFC 3676): the reader's client re-joins it.
            hard = s.text.count("\n") - s.text.count(" \n")
            if hard:
                breaks_in[s.paragraph] = breaks_in.get(s.paragraph, 0) + hard
    total = sum(breaks_in.values())
    for index, count in breaks_in.items():
        start, end = ctx.analysis.paragraphs[index]
        widths = sorted(len(line.rstrip()) for line in ctx.doc.body[start:end].splitlines()[:-1])
        yield Reading(total, start, end, extra={"width": widths[len(widths) // 2], "in_paragraph": count})


@measure("subject_words")
def subject_words(ctx: Context, params: dict[str, Any]) -> Iterator[Reading]:
    """Words in the subject line; a subject longer than `max_chars` characters counts as over every level."""
    subject = ctx.doc.subject
    if subject:
        words = len(WORD.findall(subject))
        value = float("inf") if len(subject) > params["max_chars"] else words
        yield Reading(value, 0, len(subject), "subject", {"words": words, "chars": len(subject)})


def _crossed(rule: Rule, value: float) -> Severity | None:
    below = rule.direction == "below"
    crossed = [
        Severity.parse(name) for name, limit in rule.levels.items() if (value < limit if below else value > limit)
    ]
    return max(crossed) if crossed else None


def run_metric_rule(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    """Findings of a metric rule: each reading past a level, at the severity of the furthest level it passes."""
    params = {**rule.params, **rule.levels}
    params["first_level"] = min(rule.levels.values()) if rule.direction == "above" else max(rule.levels.values())
    out = []
    for reading in MEASURES[rule.measure](ctx, params):
        level = _crossed(rule, reading.value)
        if level is None:
            continue
        limit = rule.levels[level.label]
        values = {**params, **reading.extra, "value": reading.value, "limit": limit}
        message = rule.message.format(**values)
        out.append(ctx.finding(rule, level, reading.start, reading.end, field=reading.field, message=message))
    return out[: int(rule.params.get("max_findings", 5))]
