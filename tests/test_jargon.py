"""The buzzword scan on lowercased ASCII text finds what the pattern as written finds ignoring case, on any text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from critic.analysis.matcher import trie
from critic.rules import jargon
from critic.rules.registry import all_rules

DATA = Path(__file__).parent / "data"


def _texts(terms: tuple[str, ...]) -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((DATA / "corpus").glob("*.txt"))]
    for name in ("devset.yaml", "devset2.yaml"):
        texts += [item["body"] for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))]
    for t in terms:  # each term at and beside word boundaries, in any case
        texts += [t, t.upper(), f"x{t}", f"{t}x", f"_{t}", f"{t}_", f"({t}) {t.title()}-{t}", f"3{t} {t}3", f"{t}{t}"]
    return texts


def test_the_fast_scan_finds_what_the_written_pattern_finds() -> None:
    rule = next(r for r in all_rules() if r.id == "clarity.buzzwords")
    scan = jargon.terms(rule.terms)
    assert scan.lowercase is not None
    written = re.compile(r"\b(" + trie(sorted({t.lower() for t in rule.terms})) + r")\b", re.IGNORECASE)
    for text in _texts(rule.terms):
        assert scan.findall(text) == [m.lower() for m in written.findall(text)], text[:80]
        assert jargon.compounds(text) == jargon.COMPOUND.findall(text)


def test_terms_that_do_not_start_a_word_keep_the_written_pattern() -> None:
    scan = jargon.terms(("-ish", "synergy"))
    assert scan.lowercase is None
    assert scan.findall("Synergy, sort of -ish") == ["synergy"]
