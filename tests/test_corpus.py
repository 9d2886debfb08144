"""Every one of the 64 real emails (tests/data/corpus, CC0 and MIT, see its README) is critiqued without error."""

from __future__ import annotations

from pathlib import Path

import pytest

from critic.ingest.files import corpus_draft
from critic.pipeline import critique
from critic.wire import to_wire

CORPUS = sorted((Path(__file__).parent / "data" / "corpus").glob("*.txt"))


def test_corpus_is_complete() -> None:
    assert len(CORPUS) == 64


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_real_email_is_critiqued(path: Path) -> None:
    result = to_wire(critique(corpus_draft(path), llm="off"))
    assert 0 <= result["scores"]["overall"] <= 100
    for f in result["findings"]:
        assert result["text"][f["field"]][f["start"] : f["end"]] == f["quote"]
