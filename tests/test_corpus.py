"""Every one of the 64 real emails (tests/data/corpus, CC0 and MIT, see its README) is critiqued without error."""

from __future__ import annotations

from pathlib import Path

import pytest

from critic.engine import critique
from critic.inputs import draft_from_bytes

CORPUS = sorted((Path(__file__).parent / "data" / "corpus").glob("*.txt"))


def corpus_draft(path: Path):
    """The email in a corpus file, without the file's source/licence header block."""
    raw = path.read_bytes()
    _, sep, email_part = raw.partition(b"\n---\n")
    assert sep, f"{path.name} has no header separator"
    return draft_from_bytes(email_part, path.name, ".txt")


def test_corpus_is_complete() -> None:
    assert len(CORPUS) == 64


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_real_email_is_critiqued(path: Path) -> None:
    result = critique(corpus_draft(path), llm="off").to_dict()
    assert 0 <= result["scores"]["overall"] <= 100
    for f in result["findings"]:
        assert result["text"][f["field"]][f["start"] : f["end"]] == f["quote"]
