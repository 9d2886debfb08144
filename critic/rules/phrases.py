"""The phrase rule kind: regex lists from the data files, matched per sentence or in the subject."""

from __future__ import annotations

from critic.findings import Finding, Severity
from critic.lexicon import lexicon
from critic.rules.context import Context
from critic.rules.registry import Rule


def _extend_for_delete(text: str, start: int, end: int) -> int:
    # Deleting a sentence should also take the spaces after it, or the fix leaves a gap.
    while end < len(text) and text[end] in " \t":
        end += 1
    return end


def _role_allows(rule: Rule, sentence_text: str, reader: int, sender: int) -> bool:
    if rule.unless_role == "specific_connection":
        spec = lexicon().specific_connection
        return not (spec and spec.search(sentence_text))
    if rule.unless_role == "reader_focus":
        return reader <= sender
    return True


def run_phrase_rule(rule: Rule, ctx: Context, severity: Severity) -> list[Finding]:
    """Findings of one phrase rule."""
    if rule.first_touch and not ctx.first_touch:
        return []
    if rule.field == "subject":
        return _match_spans(rule, ctx, severity, "subject", ctx.doc.subject, 0)
    findings: list[Finding] = []
    if rule.first_sentence:
        candidates = ctx.content_sentences()[:1]
    elif rule.scope == "first":
        candidates = list(ctx.analysis.sentences[:1])
    else:
        candidates = list(ctx.analysis.sentences)
    for sentence in candidates:
        if rule.unless and rule.unless.search(sentence.text):
            continue
        if not _role_allows(rule, sentence.text, sentence.reader, sentence.sender):
            continue
        if rule.span == "sentence":
            for pattern in rule.patterns:
                if pattern.regex.search(sentence.text):
                    end = sentence.end
                    reps: tuple[str, ...] = ()
                    if pattern.replace is not None:
                        reps = (pattern.replace,)
                        if pattern.replace == "":
                            end = _extend_for_delete(ctx.doc.body, sentence.start, sentence.end)
                    findings.append(ctx.finding(rule, severity, sentence.start, end, replacements=reps))
                    break
        else:
            findings.extend(_match_spans(rule, ctx, severity, "body", sentence.text, sentence.start))
    return findings


def _match_spans(rule: Rule, ctx: Context, severity: Severity, field: str, text: str, base: int) -> list[Finding]:
    taken: list[tuple[int, int]] = []
    out: list[Finding] = []
    for pattern in rule.patterns:
        for m in pattern.regex.finditer(text):
            start, end = m.start(), m.end()
            while end > start and text[end - 1] in " \t,.;:":
                end -= 1
            if end <= start or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            reps: tuple[str, ...] = ()
            if pattern.replace is not None:
                reps = (m.expand(pattern.replace) if "\\" in pattern.replace else pattern.replace,)
                if reps == ("",):
                    end = _extend_for_delete(text, start, end)
            out.append(ctx.finding(rule, severity, base + start, base + end, field=field, replacements=reps))
    return out
