"""Buzzwords and stacked compounds in a text: the scans behind clarity.buzzwords, built once per rule.

Under re.IGNORECASE a pattern that opens on a letter gives the regex engine nothing to skip ahead to, and one that
opens on `\\b` nothing either, so the engine tries every position. Lowercased ASCII text matches a lowercase pattern
exactly as the original text matches it ignoring case, so such text is scanned by a case-sensitive pattern whose
branches open on their first letter (the word boundary before it checked just behind it), which the engine skips
to. Any other text is scanned by the pattern as first written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from critic.analysis.casefold import ascii_variant
from critic.analysis.matcher import trie
from critic.analysis.memo import SENTENCES, Memo

COMPOUND = re.compile(r"\b[A-Za-z]{2,}(?:-[A-Za-z]{2,})+\b")
_ASCII_COMPOUND = ascii_variant(COMPOUND)  # the same matches in ASCII text, its \b tested by table
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Terms:
    """A list of terms as whole words, found ignoring case."""

    written: re.Pattern[str]  # \b(term|...)\b, ignoring case: any text
    lowercase: re.Pattern[str] | None  # the same on lowercased ASCII text (None: some term does not allow it)
    # (plain compounds, sentence) -> what `in_sentence` found there: a known sentence is a lookup.
    _seen: Memo[tuple[frozenset[str], str], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=lambda: Memo(SENTENCES), compare=False, repr=False
    )

    def findall(self, text: str) -> list[str]:
        """Each non-overlapping match, left to right, lowercased."""
        if self.lowercase is not None and text.isascii():
            return self.lowercase.findall(text.lower())
        return [m.lower() for m in self.written.findall(text)]

    def in_sentence(self, plain: frozenset[str], text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(buzzwords, lowercased; compounds not in `plain` and not buzzwords, as written) of one sentence."""
        found = self._seen.get((plain, text))
        if found is None:
            buzz = self.findall(text)
            # Stacked compounds ("cloud-native, AI-driven, full-funnel") are jargon whatever the words; everyday
            # ones ("follow-up", "part-time") are not.
            other = [m for m in compounds(text) if m.lower() not in plain and m.lower() not in buzz]
            found = (tuple(buzz), tuple(other))
            self._seen.put((plain, text), found)
        return found


@functools.cache
def terms(words: tuple[str, ...]) -> Terms:
    """The terms' scanners (built once per list)."""
    lower = sorted({t.lower() for t in words})
    # A trie-shaped alternation: each position tries only the terms that share its first letters.
    written = re.compile(r"\b(" + trie(lower) + r")\b", re.IGNORECASE)
    if not lower or not all(t.isascii() and _WORD_CHAR.match(t) for t in lower):
        return Terms(written, None)
    # The trie's own branches, each checking after its first character that no word character came before it:
    # the same test as a leading \b, since that character is a word character.
    first: dict[str, list[str]] = {}
    for t in lower:
        first.setdefault(t[0], []).append(t[1:])
    branches = [re.escape(ch) + r"(?<!\w.)" + trie(rest) for ch, rest in sorted(first.items())]
    # It only searches lowercased ASCII text: ASCII classes, tested by table (see casefold.ascii_variant).
    return Terms(written, ascii_variant(re.compile("(" + "|".join(branches) + r")\b")))


def compounds(text: str) -> list[str]:
    """Hyphenated compounds of two or more words ("AI-driven"), as written."""
    if "-" not in text:
        return []
    return (_ASCII_COMPOUND if text.isascii() else COMPOUND).findall(text)
