"""The one-pass reading grade equals textstat's on real and labeled drafts, and never reaches for NLTK's downloader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_corpus import CORPUS, corpus_draft

from critic.analysis.readability import reading_grade, textstat_grade
from critic.ingest.document import normalise

DEVSET = Path(__file__).parent / "data" / "devset.yaml"


def _texts() -> list[str]:
    texts: list[str] = []
    for path in CORPUS:
        body = normalise(corpus_draft(path)).body
        texts.append(body)
        texts.extend(line for line in body.split("\n") if line.strip())
    data = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    texts.extend(item["body"] for item in (data["drafts"] if isinstance(data, dict) else data))
    return texts


EDGE_CASES = [
    "",
    "...",
    "Hi",
    "I'm here. You're there! Don't 'quote' me, it's 'fine'?",
    "Naïve café in Zürich, 😀 ok. Ünïcödé wörds tóo.",
    "İstanbul has İİ odd letters in a sentence here.",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism! Xyzzyplugh qwrtz.",
    "one two. three four five six. seven",
]


def test_equals_textstat_on_every_corpus_and_devset_text() -> None:
    mismatched = [
        (t[:60], reading_grade(t), textstat_grade(t))
        for t in _texts()
        if reading_grade(t) != pytest.approx(textstat_grade(t), abs=1e-9)
    ]
    assert not mismatched


@pytest.mark.parametrize("text", EDGE_CASES)
def test_equals_textstat_on_edge_cases(text: str) -> None:
    assert reading_grade(text) == pytest.approx(textstat_grade(text), abs=1e-9)


def test_plain_words_read_easier_than_jargon() -> None:
    plain = "Your site is slow on phones. I can send the fix. Want it?"
    dense = "Our comprehensive omnichannel optimization methodology operationalizes transformational synergies."
    assert reading_grade(plain) < 5 < reading_grade(dense)


def test_no_download_is_attempted(monkeypatch: pytest.MonkeyPatch) -> None:
    nltk = pytest.importorskip("nltk")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("nltk tried to download")

    monkeypatch.setattr(nltk, "download", refuse)
    assert textstat_grade("Anthropomorphic elephants deliberate endlessly. Nobody minds.") > 0
    assert reading_grade("Anthropomorphic elephants deliberate endlessly. Nobody minds.") > 0
