"""Our own reader of pattern sources gives the needles the private `re._parser` gave, and never skips a live pattern.

critic/analysis/needles.py replaced `re._parser` and `re._constants` (private CPython modules, free to change in
any release). The reference implementation over them lives here, in the test only, and runs where they exist.
"""

from __future__ import annotations

import random
import re
import warnings

import pytest

from critic.analysis.lexicon import lexicon
from critic.analysis.needles import parse, required
from critic.rules.registry import all_rules

try:
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python without them: the reference cannot run
    C = P = None

needs_reference = pytest.mark.skipif(P is None, reason="this Python has no re._parser to compare with")


def _reference_required(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """The needle extraction as it was, over CPython's parse tree."""
    repeats = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if run:
            candidates.append(frozenset({"".join(run).lower()}))
            run = []
        found: frozenset[str] | None = None
        if op is C.SUBPATTERN:
            found = _reference_required(list(av[3]))  # type: ignore[index]
        elif op is C.BRANCH:
            branches = [_reference_required(list(b)) for b in av[1]]  # type: ignore[index]
            found = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in repeats and av[0] >= 1:  # type: ignore[index]
            found = _reference_required(list(av[2]))  # type: ignore[index]
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run).lower()}))
    best = max(candidates, key=lambda s: min(len(x) for x in s)) if candidates else None
    return best if best and min(len(x) for x in best) >= 3 else None


def reference(source: str) -> frozenset[str] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _reference_required(list(P.parse(source, re.IGNORECASE)))
    except (re.error, TypeError, IndexError, OverflowError):
        return None


def shipped_sources() -> list[str]:
    """Every pattern the rule files and the role lexicon compile, as written and with flexible spaces."""
    from test_matcher import _matchers

    sources = {regex.pattern for m in _matchers(lexicon()) for _, regex in (*m.items, *m.wrapped_items)}
    for rule in all_rules():
        for p in rule.patterns:
            sources.update(regex.pattern for _, regex in (p.variant(False), p.variant(True)))
    return sorted(sources)


@needs_reference
def test_needles_equal_the_old_ones_on_every_shipped_pattern() -> None:
    sources = shipped_sources()
    assert len(sources) > 400
    assert [(s, required(s)) for s in sources] == [(s, reference(s)) for s in sources]


ATOMS = [
    "a", "b", "ab", "hop", "hope", "you", "your", " ", r"\b", r"\s", r"\d", r"\w", r"\.", r"\'", "'", ".", "[abc]",
    "[a]", "[.]", "[^a]", "[^ab]", r"[\s]", r"[\d-]", "[a-c]", "^", "$", r"\x41", r"\n", "[]a]", "{", "}", "x{,}",
    "]", "-", "#", r"\B", r"\-", "é", "İ", r"\101", r"[\101]", r"\N{EM DASH}",
]  # fmt: skip
GROUPS = ["(", "(?:", "(?:", "(?P<g{n}>", "(?=", "(?!", "(?<=", "(?<!", "(?-i:", "(?>", "(?i:", "(?#c)("]
QUANTIFIERS = ["?", "*", "+", "{2}", "{0,3}", "{1,}", "??", "+?", "*+", "{1,2}?"]


def _random_pattern(rnd: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rnd.randint(1, 4)):
        if depth < 4 and rnd.random() < 0.25:
            inner = "|".join(_random_pattern(rnd, depth + 1) for _ in range(rnd.randint(1, 3)))
            out.append(rnd.choice(GROUPS).format(n=rnd.randint(0, 10**6)) + inner + ")")
        else:
            out.append(rnd.choice(ATOMS))
        if rnd.random() < 0.3:
            out.append(rnd.choice(QUANTIFIERS))
    return "".join(out)


@needs_reference
def test_needles_equal_the_old_ones_on_random_patterns() -> None:
    rnd = random.Random(20240601)
    checked = 0
    for _ in range(6000):
        source = "|".join(_random_pattern(rnd) for _ in range(rnd.randint(1, 3)))
        try:
            re.compile(source)
        except (re.error, OverflowError):
            continue
        checked += 1
        assert required(source) == reference(source), source
    assert checked > 2000


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bquick question\b", {"quick question"}),
        (r"(?:hope|hoping)!", {"hop"}),  # the common "hop" moves out in front, as CPython's parser moves it
        (r"\b(meet|introducing)\s+(?-i:[A-Z])\w+", {"meet", "introducing"}),
        (r"(?<!not )\bfree trial\b", {"free trial"}),
        (r"[.]com", {".com"}),
        (r"ab(?#note)cd", {"abcd"}),
        (r"x{a}yz", {"x{a}yz"}),
        (r"(?:your team)+ grew", {"your team"}),
        (r"\d+ minutes?", {" minute"}),
        (r"a|b", None),
        (r"(?x) spread out", None),  # verbose patterns are not read: never skipped
        (r"(unbalanced", None),
    ],
)
def test_needles_of_examples(source: str, expected: set[str] | None) -> None:
    assert required(source) == (frozenset(expected) if expected is not None else None)


def test_parse_reads_the_shapes_the_rules_use() -> None:
    items = parse(r"^(?P<x>a|b)[^.!?]{0,80}?\w+(?=x)$")
    assert len(items) == 6


def test_no_private_re_module_is_used() -> None:
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[1] / "critic").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"from re import _|import (re\._|sre_)|\bre\._\w+\.", text), path
