"""`critic train`'s second model: the subject model, fitted on training/subjects/*.jsonl (needs scikit-learn).

Reproducible like the sentence model: files in sorted order, deterministic folds and solver. The cross-validated
figures describe the bank; the blind held-out drafts (`critic eval`) judge the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from critic.analysis.subjects import SUBJECT_LABELS, SUBJECT_MODEL_PATH, featurize_subject
from critic.cli.fitting import checked_rows, sparse_matrix, vocabulary, write_weights

__all__ = ["SUBJECT_MODEL_PATH", "load_subjects", "train_subjects"]

SUBJECT_BANK = Path(__file__).resolve().parents[2] / "training" / "subjects"
C = 0.5
FOLDS = 5


def load_subjects(directory: Path = SUBJECT_BANK) -> list[dict[str, Any]]:
    """Every labelled subject line of the bank (JSON lines: text, label, lang), checked against the label set."""

    def problem(row: dict[str, Any]) -> str | None:
        if row.get("label") not in SUBJECT_LABELS or not str(row.get("text", "")).strip():
            return f"unknown label {row.get('label')!r} or empty text"
        return None

    return checked_rows(directory, problem)


def _fit(x: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=2000, class_weight="balanced")
    clf.fit(x, y)
    return clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32)


def train_subjects(bank: Path = SUBJECT_BANK, out: Path = SUBJECT_MODEL_PATH, folds: int = FOLDS) -> dict[str, Any]:
    """Cross-validate on the bank, fit on all of it, write the weights; returns the cross-validated figures."""
    rows = load_subjects(bank)
    feats = [featurize_subject(r["text"]) for r in rows]
    y = np.array([SUBJECT_LABELS.index(r["label"]) for r in rows])
    fold = np.arange(len(rows)) % folds
    pred = np.zeros(len(rows), np.int64)
    for k in range(folds):
        tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
        index = {f: i for i, f in enumerate(vocabulary([feats[i] for i in tr]))}
        w, b = _fit(sparse_matrix([feats[i] for i in tr], index), y[tr])
        pred[te] = np.argmax(sparse_matrix([feats[i] for i in te], index) @ w + b, axis=1)
    # What the critic acts on: specific or not.
    flagged, truth = pred != 0, y != 0
    tp = float((flagged & truth).sum())
    figures = {
        "accuracy": round(float((pred == y).mean()), 3),
        "not_specific_precision": round(tp / max(int(flagged.sum()), 1), 3),
        "not_specific_recall": round(tp / max(int(truth.sum()), 1), 3),
    }
    vocab = vocabulary(feats)
    weights, bias = _fit(sparse_matrix(feats, {f: i for i, f in enumerate(vocab)}), y)
    kept = write_weights(out, vocab, weights, bias, SUBJECT_LABELS)
    return {"subjects": len(rows), "features": kept, "cv": figures}
