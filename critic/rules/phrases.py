"""The phrase rule kind: regex lists from the data files, matched per sentence or in the subject."""

from __future__ import annotations

from critic.analysis.lexicon import lexicon
from critic.analysis.matcher import WRAPPED, irregular_spaces
from critic.model import Finding, Sentence, Severity
from critic.rules.context import Context
from critic.rules.registry import PhrasePattern, Rule


def _extend_for_delete(text: str, start: int, end: int) -> int:
    # Deleting a sentence should also take the spaces after it, or the fix leaves a gap.
    while end < len(text) and text[end] in " \t":
        end += 1
    return end


def _article(text: str) -> str:
    """Fix "a" before a vowel sound in a built replacement ("a AI provider" -> "an AI provider")."""
    if text[:2].lower() == "a " and text[2:3].lower() in ("a", "e", "i", "o", "u"):
        return text[:1] + "n " + text[2:]
    return text


def _role_allows(rule: Rule, sentence: Sentence) -> bool:
    if rule.unless_role == "specific_connection":
        return not lexicon().specific_connection.search(sentence.text, sentence.needles)
    if rule.unless_role == "reader_focus":
        return sentence.reader <= sentence.sender
    return True


def run_phrase_rule(rule: Rule, ctx: Context, severity: Severity) -> list[Finding]:
    """Findings of one phrase rule."""
    if rule.first_touch and not ctx.first_touch:
        return []
    if rule.field == "subject":
        subject = ctx.doc.subject
        return _match_spans(rule, ctx, severity, "subject", subject, 0, irregular_spaces(subject))
    if not rule.patterns or not rule.may_match(ctx.present):
        return []
    findings: list[Finding] = []
    if rule.first_sentence:
        candidates = ctx.content_sentences()[:1]
    elif rule.scope == "first":
        candidates = list(ctx.analysis.sentences[:1])
    else:
        candidates = list(ctx.analysis.sentences)
    for sentence in candidates:
        inside = sentence.needles
        wrapped = WRAPPED in inside
        live = rule.live_patterns(inside)
        if not live:
            continue
        if rule.unless and rule.unless.search(sentence.text, inside):
            continue
        if not _role_allows(rule, sentence):
            continue
        if rule.span == "sentence":
            for pattern in live:
                if pattern.variant(wrapped)[1].search(sentence.text):
                    end = sentence.end
                    reps: tuple[str, ...] = ()
                    if pattern.replace is not None:
                        reps = (pattern.replace,)
                        if pattern.replace == "":
                            end = _extend_for_delete(ctx.doc.body, sentence.start, sentence.end)
                    findings.append(ctx.finding(rule, severity, sentence.start, end, replacements=reps))
                    break
        else:
            findings.extend(_match_spans(rule, ctx, severity, "body", sentence.text, sentence.start, wrapped, live))
    return findings


def _match_spans(
    rule: Rule,
    ctx: Context,
    severity: Severity,
    field: str,
    text: str,
    base: int,
    wrapped: bool,
    patterns: tuple[PhrasePattern, ...] | None = None,
) -> list[Finding]:
    taken: list[tuple[int, int]] = []
    out: list[Finding] = []
    for pattern in rule.patterns if patterns is None else patterns:
        for m in pattern.variant(wrapped)[1].finditer(text):
            start, end = m.start(), m.end()
            while end > start and text[end - 1] in " \t,.;:":
                end -= 1
            if end <= start or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            reps: tuple[str, ...] = ()
            if pattern.replace is not None:
                reps = (_article(m.expand(pattern.replace)) if "\\" in pattern.replace else pattern.replace,)
                if reps == ("",):
                    end = _extend_for_delete(text, start, end)
            out.append(ctx.finding(rule, severity, base + start, base + end, field=field, replacements=reps))
    return out
