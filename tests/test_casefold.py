"""A pattern rewritten for lowercased ASCII text matches there exactly where the pattern as written matches ignoring
case: the same spans and the same groups, for every shipped pattern, on every corpus email in mixed case."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from critic.analysis import matcher
from critic.analysis.casefold import ascii_classes, leading_boundary, lowercase_source, lowered, replaced
from critic.analysis.lexicon import lexicon
from critic.pipeline import warm_up

CORPUS = sorted((Path(__file__).parent / "data" / "corpus").glob("*.txt"))


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in CORPUS]
    texts = [t for t in texts if t.isascii()][::2]  # half the emails: every pattern still meets hundreds of lines
    rng = random.Random(7)
    return texts + ["".join(c.upper() if rng.random() < 0.3 else c for c in t) for t in texts]


def _module_patterns() -> list[str]:
    """The patterns compiled ignoring case in the modules that search them through casefold.found."""
    from critic.analysis import facts, functions, roles
    from critic.rules import checks

    return [
        value.pattern
        for module in (facts, functions, roles, checks)
        for value in vars(module).values()
        if isinstance(value, re.Pattern) and value.flags == re.IGNORECASE | re.UNICODE
    ]


def test_every_rewritten_pattern_matches_where_the_original_does() -> None:
    warm_up()  # every pattern prepared
    sources = sorted(set(matcher._Known.prepared) | set(_module_patterns()))
    rewritten = [s for s in sources if lowered(s) is not None]
    assert len(rewritten) > 0.95 * len(sources)
    texts = _texts()
    for source in rewritten:
        written, fast = re.compile(source, re.IGNORECASE), lowered(source)
        assert fast is not None
        for text in texts:
            expected = [m.regs for m in written.finditer(text)]
            assert [m.regs for m in fast.finditer(text.lower())] == expected, source


def test_a_phrase_pattern_asked_for_its_groups_matches_as_written() -> None:
    """Found lowercased and matched again as written (registry.PhrasePattern.finditer), each match is the one the
    pattern finds itself: its spans and its groups' own text, which a replacement template copies."""
    from critic.rules.registry import all_rules

    warm_up()
    patterns = [p for rule in all_rules() for p in rule.patterns if lowered(p.source) is not None]
    texts = _texts()
    for pattern in patterns:
        written = re.compile(pattern.source, re.IGNORECASE)
        for text in texts:
            expected = [(m.regs, m.groups()) for m in written.finditer(text)]
            assert [(m.regs, m.groups()) for m in pattern.finditer(text, False, groups=True)] == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bWe (Can|could)\b", r"\bwe (can|could)\b"),
        (r"[A-Z][a-z]+[^A-F\W]\S", r"[a-z][a-z]+[^a-f\W]\S"),
        (r"(?P<Noun>Team)s?\B", r"(?P<Noun>team)s?\B"),
        (r"[]A]x", r"[]a]x"),
        (r"(?-i:[A-Z])\w+", None),  # a case-sensitive part
        (r"(a)\1", None),  # a backreference
        (r"\x41", None),  # a character by its code
        (r"[0-Z]", None),  # a range through some upper-case letters, not just them
        (r"ſystem", None),  # matches "system" ignoring case
    ],
)
def test_rewrites(source: str, expected: str | None) -> None:
    assert lowercase_source(source) == expected


@pytest.mark.parametrize("source", [r"a\s+b", r"[\s,]+x", r"[^\s]+", r"\S+\s\S", r"\w+\b", r"[]\s]", r"\\s"])
def test_ascii_classes_match_ascii_text_as_unicode_classes_do(source: str) -> None:
    rewritten = ascii_classes(source)
    assert rewritten is not None
    ascii_mode, unicode_mode = re.compile(rewritten, re.ASCII), re.compile(source)
    for text in ("a b", "a\x1cb x", "a\x1f\x1d,,x", "\\s ]x y", "ab_c9 d\te", "".join(map(chr, range(128)))):
        assert [m.regs for m in ascii_mode.finditer(text)] == [m.regs for m in unicode_mode.finditer(text)]
    assert ascii_classes(r"[\S]") is None  # the complement of \s cannot be spelled inside a class


def test_the_ascii_variants_in_use_match_ascii_text_as_written() -> None:
    from critic.analysis import functions, readability, roles
    from critic.rules import jargon

    pairs = [
        (functions._PLAIN_TOKEN, functions._ASCII_TOKEN),
        (roles.WORD, roles._ASCII_WORD),
        (readability._PUNCTUATION, readability._ASCII_PUNCTUATION),
        (readability._SENTENCE, readability._ASCII_SENTENCE),
        (jargon.COMPOUND, jargon._ASCII_COMPOUND),
    ]
    texts = [*_texts(), "".join(map(chr, range(128))), "a\x1c$\x1d5 k-9 x\x1fy-z it's 'quoted'. Next!"]
    for written, variant in pairs:
        assert variant.flags & re.ASCII
        for text in texts:
            assert [m.regs for m in variant.finditer(text)] == [m.regs for m in written.finditer(text)], written


def test_substitution_keeps_the_texts_own_case() -> None:
    fast = lowered(r"\byour (time|help)\b")
    assert fast is not None
    assert replaced(fast, " ", "Thanks for YOUR Time and your help.") == "Thanks for   and  ."
    framed = lexicon().not_about_reader
    for text in _texts()[:20]:
        for line in text.splitlines():
            expected = line
            for src, _ in framed._live(None, line):
                expected = re.compile(src, re.IGNORECASE).sub(" ", expected)
            assert framed.sub(" ", line) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bwe\b", r"w(?<!\w.)e\b"),
        (r"\b#1\b", r"#(?<=\w.)1\b"),  # before a non-word character, \b wants a word character behind it
        (r"\b(is|are) here", r"(i(?<!\w.)s|a(?<!\w.)re) here"),
        (r"\b(?:a|b)c", r"(?:a(?<!\w.)|b(?<!\w.))c"),
        (r"\b(ab|cd)+x", r"\b(ab|cd)+x"),  # repeated: \b is asked once, a look-behind at each repeat
        (r"\b(ab)?c", r"\b(ab)?c"),  # optional: \b is asked even when the group is not there
        (r"\bs?ome", r"\bs?ome"),
        (r"\b[a-z]x", r"\b[a-z]x"),
        (r"\b(a|(b|c))", r"\b(a|(b|c))"),
        (r"\b(a[)|]b|c)d", r"(a(?<!\w.)[)|]b|c(?<!\w.))d"),
        (r"\b\d+x", r"\d(?<!\w.)\d*x"),  # X+ is X then X*
        (r"\b\d{1,2}:|\b\w{3,}", r"\d(?<!\w.)\d{0,1}:|\w(?<!\w.)\w{2,}"),  # each top-level alternative
        (r"\ba{0,2}", r"\ba{0,2}"),  # may repeat no times
        (r"\ba+?b", r"\ba+?b"),
    ],
)
def test_a_leading_boundary_moves_behind_a_plain_first_character(source: str, expected: str) -> None:
    assert leading_boundary(source) == expected
    for text in (
        "we are here",
        "#1 is 2#1",
        "ab abab cdx acd",
        "some ome",
        "a)b c ac d",
        "bc ac xbc",
        "12:3 a5x 77x aab",
    ):
        assert [m.regs for m in re.finditer(source, text)] == [m.regs for m in re.finditer(expected, text)]
