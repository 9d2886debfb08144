"""The checks of a draft's form (clarity): shouting, buzzword piles, the subject line, merge tags left unfilled."""

from __future__ import annotations

import functools
import re

from critic.analysis.lexicon import load_yaml
from critic.analysis.sentences import WORD
from critic.model import Finding, Severity
from critic.rules import jargon
from critic.rules.check_kind import bumped, check
from critic.rules.context import Context
from critic.rules.registry import Rule

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Each starts with a capital and checks the word boundary behind it (not "\b" first): a pattern that opens with a
# character class lets the regex engine skip straight to the capitals instead of trying every position.
_CAPS_RUN = re.compile(r"[A-Z](?<=\b[A-Z])[A-Z]+[A-Z'’-]*(?:\s+[A-Z]{2,}[A-Z'’-]*)+\b")
_CAPS_WORD = re.compile(r"[A-Z](?<=\b[A-Z])[A-Z]{5,}\b")
# A whole run of ! and ? at once (possessive, from its first character); runs with two or more "!" shout.
_BANGS = re.compile(r"(?<![!?])[!?]{2,}+")
_BANG_PAIRS = ("!!", "!?", "?!", "??")


UNFILLED_TAG = "clarity.unfilled_merge_tag"


@check(UNFILLED_TAG)
def unfilled_merge_tag(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    """Merge tags in a copy already addressed to a person: the mail merge missed them, and the reader will see them.

    A greeting that is itself a tag ("Hi {{first_name}},") marks a template, where tags are expected.
    """
    tags = ctx.doc.placeholders
    greeting = next((s for s in ctx.analysis.sentences[:1] if "greeting" in s.roles), None)
    if (
        not tags
        or greeting is None
        or any(t.field == "body" and greeting.start <= t.start < greeting.end for t in tags)
    ):
        return []
    out = []
    for tag in tags[:5]:
        text = ctx.doc.subject if tag.field == "subject" else ctx.doc.body
        msg = f"This merge tag was left unfilled: the reader would see {text[tag.start : tag.end]} as written."
        out.append(ctx.finding(rule, sev, tag.start, tag.end, field=tag.field, message=msg))
    return out


@check("clarity.fake_reply")
def fake_reply(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    m = _REPLY_PREFIX.match(ctx.doc.subject)
    if not m or not ctx.first_touch:
        return []
    return [ctx.finding(rule, sev, m.start(), m.end(), field="subject", replacements=("",))]


@check("clarity.subject_length")
def subject_length(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    subject = ctx.doc.subject
    if not subject:
        if not ctx.first_touch:
            return []
        # A stranger's email with no subject gives no reason to open it: a warning, where a long one is polish. A
        # follow-up usually travels in its first email's thread, under that subject.
        level = bumped(sev, sev < Severity.WARNING and not ctx.follow_up)
        msg = "No subject line: a stranger's email without one gives no reason to open it, and few get replies."
        return [ctx.finding(rule, level, 0, 0, field="subject", message=msg)]
    words = len(WORD.findall(subject))
    if words > rule.params["max_words"] or len(subject) > rule.params["max_chars"]:
        msg = rule.message.format(words=words, chars=len(subject), **rule.params)
        return [ctx.finding(rule, sev, 0, len(subject), field="subject", message=msg)]
    return []


@check("clarity.buzzwords")
def buzzwords(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    plain = _plain_compounds()
    p = rule.params
    whole = ctx.doc.body
    scan = jargon.terms(rule.terms)
    counted = [(*scan.in_sentence(plain, s.text), s) for s in ctx.content_sentences()]
    total = sum(len(b) for b, _, _ in counted)
    dense = [
        (b, c, s) for b, c, s in counted if len(b) >= p["per_sentence"] or len(b) + len(c) >= p["jargon_per_sentence"]
    ]
    if not dense and total >= p["per_draft"]:
        dense = [max(counted, key=lambda bcs: len(bcs[0]))]
    if not dense:
        return []
    # Too few in the whole draft for any sentence to reach a threshold: read only when a sentence seems to.
    if len(scan.findall(whole)) + len(jargon.compounds(whole)) < min(p["per_sentence"], p["jargon_per_sentence"]):
        return []
    out = []
    for buzz, compounds, s in dense[:2]:
        terms = ", ".join(dict.fromkeys([*buzz, *compounds]))
        msg = f"Buzzwords and jargon ({terms}): say what you actually do in plain words."
        out.append(ctx.at_sentence(rule, sev, s, message=msg))
    # The lighter piles in the same draft bear the finding out: pointed at, at no cost of their own.
    lighter = [s for b, c, s in counted if len(b) + len(c) >= 2 and not any(s is d for _, _, d in dense[:2])]
    for main in out[:1]:
        out += ctx.evidence(main, rule, lighter, "More buzzwords: the same plain words would serve here.")
    return out


@functools.cache
def _plain_compounds() -> frozenset[str]:
    return frozenset(w.lower() for w in load_yaml("roles.yaml")["plain_compounds"])


@check("clarity.shouting")
def shouting(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    out: list[Finding] = []
    taken: list[tuple[str, int, int]] = []
    for field, text in (("subject", ctx.doc.subject), ("body", ctx.doc.body)):
        ranges = ctx.doc.judged if field == "body" else ((0, len(text)),)
        for lo, hi in ranges:
            for regex in (_CAPS_RUN, _CAPS_WORD, _BANGS):
                if regex is _BANGS and not any(pair in text for pair in _BANG_PAIRS):
                    continue  # a run of two or more needs one of these pairs
                for m in regex.finditer(text, lo, hi):
                    if regex is _BANGS and m.group(0).count("!") < 2:
                        continue
                    if any(f == field and s < m.end() and m.start() < e for f, s, e in taken):
                        continue
                    if regex is _CAPS_RUN and _acronyms(m.group(0), rule):
                        continue
                    if regex is _CAPS_WORD and m.group(0) in str(rule.params.get("names", "")).split():
                        continue  # a name written in capitals by convention (README), not a raised voice
                    taken.append((field, m.start(), m.end()))
                    fix = "!" if regex is _BANGS else _sentence_case(m.group(0), _opens_sentence(text, m.start()))
                    out.append(ctx.finding(rule, sev, m.start(), m.end(), field=field, replacements=(fix,)))
    # Every instance, however many: with a cap, fixing one would bring the next into view and cost points again.
    return out


def _acronyms(run: str, rule: Rule) -> bool:
    """Short capitals side by side ("9 AM IST", "RN ICU", "NIST CSF") are abbreviations, unless one is a shouted word."""
    words = re.findall(r"[A-Z'’]+", run)
    shouted = set(str(rule.params.get("short_shouts", "")).split())
    return all(len(w) <= ACRONYM_LETTERS for w in words) and not any(w.lower() in shouted for w in words)


ACRONYM_LETTERS = 4  # letters past which a word in capitals is shouted, not an abbreviation


_SENTENCE_START = re.compile(r"(\n\s*|[.!?]\s+)([a-z])")
_LONE_I = re.compile(r"\bi\b")


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in "\n.!?:"


def _sentence_case(shouted: str, opens: bool) -> str:
    """Shouted words as a sentence would hold them: lower case, with capitals where sentences and lines begin.

    Keeping those capitals keeps the fixed text's sentences where they were: the fix changes the shouting only.
    """
    low = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), _LONE_I.sub("I", shouted.lower()))
    return low[:1].upper() + low[1:] if opens else low
