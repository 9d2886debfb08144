"""The subject model: a bank written for the project, a reproducible fit, and what the shipped weights say."""

from __future__ import annotations

from pathlib import Path

import pytest

from critic.analysis.subjects import SUBJECT_LABELS, featurize_subject, subject_model
from critic.cli.train_subjects import SUBJECT_BANK, load_subjects


def test_the_bank_is_large_balanced_and_documented() -> None:
    rows = load_subjects()
    assert len(rows) >= 2000
    assert {r["label"] for r in rows} == set(SUBJECT_LABELS)
    assert {r["lang"] for r in rows} >= {"en", "de", "es", "fr"}
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)), "the bank holds duplicate subject lines"
    guide = (SUBJECT_BANK / "README.md").read_text(encoding="utf-8")
    assert all(f"`{label}`" in guide for label in SUBJECT_LABELS)


def test_features_describe_the_subjects_form() -> None:
    feats = set(featurize_subject("Re: 🚀 HUGE news for {{company}}!!"))
    assert {"emoji:1", "bang:2", "caps:1", "prefix:1", "s:tag"} <= feats
    assert "w:tagx" in feats and "w:company" not in feats  # a merge tag is one neutral word


@pytest.mark.parametrize(
    ("subject", "label"),
    [
        ("Something big for your team", "vague"),
        ("Game-changing results await!!", "hype"),
        ("Quick question about your Q3 onboarding numbers", "specific"),
    ],
)
def test_shipped_model_reads_subjects(subject: str, label: str) -> None:
    probs = subject_model().probabilities(subject)
    assert max(probs, key=probs.__getitem__) == label
    assert abs(sum(probs.values()) - 1) < 0.01


def test_subject_training_is_reproducible(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from critic.cli.train_subjects import train_subjects

    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    report = train_subjects(out=first, folds=2)
    train_subjects(out=second, folds=2)
    assert report["subjects"] == len(load_subjects())
    assert first.read_bytes() == second.read_bytes()
    assert subject_model(str(first)).probabilities("Checking in")["vague"] > 0.5
