"""The phrase rule kind: regex lists from the data files, matched per sentence or in the subject."""

from __future__ import annotations

import re

from critic.analysis.invitation import reader_invited
from critic.analysis.language import MODEL_LANGUAGES
from critic.analysis.lexicon import lexicon, role_patterns
from critic.analysis.matcher import LIVE_MEMO_SIZE, WRAPPED, irregular_spaces
from critic.analysis.memo import Memo
from critic.analysis.subjects import subject_model
from critic.model import Finding, Sentence, Severity
from critic.rules.context import Context
from critic.rules.registry import PhrasePattern, Rule, all_rules


def _article(text: str) -> str:
    """Fix "a" before a vowel sound in a built replacement ("a AI provider" -> "an AI provider")."""
    if text[:2].lower() == "a " and text[2:3].lower() in ("a", "e", "i", "o", "u"):
        return text[:1] + "n " + text[2:]
    return text


def _role_allows(rule: Rule, sentence: Sentence) -> bool:
    if rule.unless_role == "specific_connection":
        return not lexicon().specific_connection.holds(sentence.text, sentence.needles)
    if rule.unless_role == "reader_focus":
        return sentence.reader <= sentence.sender
    return True


def _model_says_otherwise(rule: Rule, sentence: Sentence) -> bool:
    """The sentence model is surer the sentence does something this rule excludes than what the rule is about.

    "Turnaround for urgent samples did not change" holds an urgency word but informs; it does not press.
    """
    # Functions come most likely first: the one the model ranks higher between the two readings decides.
    ranked = [f for f in sentence.functions if f in rule.unless_functions or f in rule.functions]
    return bool(ranked) and ranked[0] in rule.unless_functions


# A rule's hit in one sentence: start and end within the sentence, the replacements, raised by the model alone.
Hit = tuple[int, int, tuple[str, ...], bool]


def run_phrase_rule(rule: Rule, ctx: Context, severity: Severity) -> list[Finding]:
    """Findings of one phrase rule."""
    phrases_apply = not (rule.first_touch and not ctx.first_touch)
    if not phrases_apply and not (rule.model_in_threads and not reader_invited(ctx.doc, ctx.analysis.sentences)):
        return []
    if rule.field == "subject":
        subject = ctx.doc.subject
        found = [
            ctx.finding(rule, severity, start, end, field="subject", replacements=reps)
            for start, end, reps in _match_spans(rule, subject, irregular_spaces(subject))
        ]
        return found or _subject_model_finding(rule, ctx, severity)
    english = ctx.analysis.language == "en"
    by_model = bool(rule.functions) and ctx.analysis.language in MODEL_LANGUAGES
    by_phrase = phrases_apply and english and bool(rule.patterns) and rule.may_match(ctx.present)
    if not by_phrase and not by_model:
        return []
    findings: list[Finding] = []
    # Beside real value, what the model alone calls a stock claim is padding to trim, not a failed exchange.
    soft = rule.soft_when_value and any("value" in s.roles for s in ctx.analysis.sentences)
    model_severity = min(severity, Severity.SUGGESTION) if soft else severity
    if rule.first_sentence:
        candidates = ctx.content_sentences()[:1]
    elif rule.scope == "first":
        candidates = list(ctx.analysis.sentences[:1])
    else:
        candidates = _reached(rule, ctx, by_phrase, by_model)
    for sentence in candidates:
        live = rule.live_patterns(sentence.needles) if by_phrase else ()
        if not live and not (by_model and not rule.function_set.isdisjoint(sentence.functions)):
            continue  # nothing can be found here, so the rule's guards need not be asked
        for start, end, reps, alone in _sentence_hits(rule, sentence, english, by_phrase, by_model, live):
            level = model_severity if alone else severity
            findings.append(ctx.finding(rule, level, sentence.start + start, sentence.start + end, replacements=reps))
    return findings


def _subject_model_finding(rule: Rule, ctx: Context, severity: Severity) -> list[Finding]:
    """The whole subject, when the subject model reads it as one of the rule's labels (vague, hype, deceptive).

    A reply keeps the subject of the thread it answers, which the writer did not choose: only new threads are judged.
    """
    subject = ctx.doc.subject
    if not rule.subject_labels or not subject.strip() or any(x.kind == "quote" for x in ctx.doc.excluded):
        return []
    probs = subject_model().probabilities(subject)
    if sum(probs[label] for label in rule.subject_labels) < float(rule.params.get("confidence", 0.9)):
        return []
    start = len(subject) - len(subject.lstrip())
    return [ctx.finding(rule, severity, start, len(subject.rstrip()), field="subject")]


def _reached(rule: Rule, ctx: Context, by_phrase: bool, by_model: bool) -> list[Sentence]:
    """The sentences where the rule has a live pattern (`by_phrase`) or one of its functions (`by_model`), in order.

    Which rules reach a sentence depends only on its needles and its functions, so it is worked out once per set of
    needles and per tuple of functions, for every phrase rule at once, rather than per rule and sentence.
    """
    sentences = ctx.analysis.sentences
    if not _REACH.rules:
        _REACH.load(all_rules())
    if _REACH.rules.get(rule.id) is not rule:
        return list(sentences)  # not one of the loaded rules: try every sentence
    reach = ctx.memo.get(_REACH)
    if reach is None:
        reach = ctx.memo[_REACH] = [(_REACH.live(s.needles), _REACH.modelled(s.functions)) for s in sentences]
    return [
        s
        for s, (live, modelled) in zip(sentences, reach, strict=True)
        if (by_phrase and rule.id in live) or (by_model and rule.id in modelled)
    ]


class _Reach:
    """Which phrase rules have a live pattern for a set of needles, and which name one of a tuple of functions."""

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self._live: Memo[frozenset[str], frozenset[str]] = Memo(LIVE_MEMO_SIZE)
        self._modelled: Memo[tuple[str, ...], frozenset[str]] = Memo(LIVE_MEMO_SIZE)

    def load(self, rules: tuple[Rule, ...]) -> None:
        self.rules = {r.id: r for r in rules if r.kind == "phrase" and r.field != "subject"}

    def live(self, needles: frozenset[str]) -> frozenset[str]:
        found = self._live.get(needles)
        if found is None:
            found = frozenset(rid for rid, r in self.rules.items() if r.patterns and r.live_patterns(needles))
            self._live.put(needles, found)
        return found

    def modelled(self, functions: tuple[str, ...]) -> frozenset[str]:
        found = self._modelled.get(functions)
        if found is None:
            found = frozenset(rid for rid, r in self.rules.items() if not r.function_set.isdisjoint(functions))
            self._modelled.put(functions, found)
        return found


_REACH = _Reach()


def _sentence_hits(
    rule: Rule, sentence: Sentence, english: bool, by_phrase: bool, by_model: bool, live: tuple[PhrasePattern, ...]
) -> tuple[Hit, ...]:
    """The rule's hits in one sentence, remembered per rule: they depend on nothing but what the key holds."""
    key = (
        english,
        by_phrase,  # with the needles, decides the live patterns
        by_model,
        sentence.text,
        sentence.needles,
        sentence.functions,
        sentence.index == 0,
        "greeting" in sentence.roles,
        sentence.reader <= sentence.sender,
    )
    hits = rule.hits.get(key)
    if hits is None:
        hits = _judge(rule, sentence, english, by_model, live)
        rule.hits.put(key, hits)
    return hits


def _judge(
    rule: Rule, sentence: Sentence, english: bool, by_model: bool, live: tuple[PhrasePattern, ...]
) -> tuple[Hit, ...]:
    inside = sentence.needles
    if _model_says_otherwise(rule, sentence):
        return ()
    found = _phrase_hits(rule, sentence, WRAPPED in inside, live) if live else []
    if (
        not found
        and by_model
        and not rule.function_set.isdisjoint(sentence.functions)
        and not (english and rule.model_unless and rule.model_unless.found(sentence.text, inside))
        and not (english and rule.model_needs and not rule.model_needs.found(sentence.text, inside))
    ):
        # A finding on the whole sentence, which the sentence model says does what this rule is about.
        found = [(0, len(sentence.text), _sentence_replacements(rule.replace, sentence), True)]
    # The rule's exceptions can only drop what it found: asked only where it found something.
    if not found or (english and rule.unless and rule.unless.found(sentence.text, inside)):
        return ()
    if english and not _role_allows(rule, sentence):
        return ()
    return tuple(found)


_GREETING_LINE = 60
_ADDRESSED = re.compile(r"[,\s]\s*((?-i:[A-Z])[\w'’-]+)\s*[!.,]?\s*$")


def _sentence_replacements(replace: str | None, sentence: Sentence) -> tuple[str, ...]:
    """The fix for a flagged whole sentence; deleting a greeting line would lose the greeting, so it becomes one."""
    if replace is None:
        return ()
    name = _ADDRESSED.search(sentence.text) if len(sentence.text) <= _GREETING_LINE else None
    opening = "greeting" in sentence.roles or (sentence.index == 0 and name is not None)
    if replace == "" and opening:  # "Happy Wednesday, Carlos!" opens the email: keep a plain greeting
        return (f"Hi {name.group(1)},",) if name else ()
    if replace == "" and ("value" in sentence.roles or "proof" in sentence.roles):
        return ()  # deleting it would take away what the reader gets: the writer rewords it instead
    if replace == "" and ("nagging" in sentence.functions or role_patterns("earlier_message").search(sentence.text)):
        return ()  # it says this follows an earlier email; deleting it would make a follow-up read as a first touch
    return (replace,)


def _phrase_hits(rule: Rule, sentence: Sentence, wrapped: bool, live: tuple[PhrasePattern, ...]) -> list[Hit]:
    """The hits of the rule's live patterns in one sentence."""
    if rule.span != "sentence":
        return [(start, end, reps, False) for start, end, reps in _match_spans(rule, sentence.text, wrapped, live)]
    for pattern in live:
        if pattern.found(sentence.text, wrapped):
            return [(0, len(sentence.text), _sentence_replacements(pattern.replace, sentence), False)]
    return []


def _match_spans(
    rule: Rule, text: str, wrapped: bool, patterns: tuple[PhrasePattern, ...] | None = None
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, replacements) of each match of the patterns in `text`, the first to claim its words winning."""
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for pattern in rule.patterns if patterns is None else patterns:
        expand = pattern.replace is not None and "\\" in pattern.replace  # a template: needs the groups' own text
        for m in pattern.finditer(text, wrapped, groups=expand):
            start, end = m.start(), m.end()
            while end > start and text[end - 1] in " \t,.;:":
                end -= 1
            if end <= start or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            reps: tuple[str, ...] = ()
            if pattern.replace is not None:
                reps = (_article(m.expand(pattern.replace)) if expand else pattern.replace,)
            out.append((start, end, reps))
    return out
