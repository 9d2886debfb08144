"""`critic train`: fit the sentence model on the sentence bank and write its weights (needs scikit-learn).

Reproducible: the bank is read in sorted file order, the folds and the solver are deterministic, and the same
bank gives the same weights file. Cross-validated figures on the bank are printed; the model is judged on the
blind held-out drafts (`critic eval`), not on these.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from critic.analysis.functions import FUNCTIONS, MODEL_PATH, featurize
from critic.cli.fitting import checked_rows, sparse_matrix, vocabulary, write_weights

BANK = Path(__file__).resolve().parents[2] / "training" / "sentences"
C = 4.0
FOLDS = 5


def load_bank(directory: Path = BANK) -> list[dict[str, Any]]:
    """Every labelled sentence of the bank (JSON lines: text, labels, lang), checked against the label set."""

    def problem(row: dict[str, Any]) -> str | None:
        unknown = set(row["labels"]) - set(FUNCTIONS)
        return f"unknown or missing labels {sorted(unknown)}" if unknown or not row["labels"] else None

    return checked_rows(directory, problem)


def _fit_one(x: Any, column: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    if column.sum() == 0:
        return np.zeros(x.shape[1], np.float32), -10.0
    clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=200)
    clf.fit(x, column)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _fit(x: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from joblib import Parallel, delayed

    # One independent scorer per function (a sentence may do several things); the solver is deterministic.
    fitted = Parallel(n_jobs=-1, max_nbytes=None)(delayed(_fit_one)(x, y[:, j]) for j in range(y.shape[1]))
    weights = np.stack([w for w, _ in fitted], axis=1)
    bias = np.array([b for _, b in fitted], np.float32)
    return weights, bias


def _best_thresholds(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    out = np.full(y.shape[1], 0.5, np.float32)
    for j in range(y.shape[1]):
        best = (-1.0, 0.5)
        for t in np.arange(0.2, 0.91, 0.05):
            pred = probs[:, j] >= t
            tp = float((pred & (y[:, j] == 1)).sum())
            f1 = 2 * tp / (pred.sum() + y[:, j].sum()) if pred.sum() + y[:, j].sum() else 0.0
            best = max(best, (f1, float(t)))
        out[j] = best[1]
    return out


def _scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    per = {}
    for j, label in enumerate(FUNCTIONS):
        tp = float((pred[:, j] & (y[:, j] == 1)).sum())
        denom = pred[:, j].sum() + y[:, j].sum()
        per[label] = round(2 * tp / denom, 3) if denom else 1.0
    tp = float((pred & (y == 1)).sum())
    per["micro"] = round(2 * tp / (pred.sum() + y.sum()), 3)
    per["macro"] = round(sum(per[label] for label in FUNCTIONS) / len(FUNCTIONS), 3)
    return per


def train(bank: Path = BANK, out: Path = MODEL_PATH, folds: int = FOLDS) -> dict[str, Any]:
    """Cross-validate on the bank, fit on all of it, write the weights; returns the cross-validated figures."""
    rows = load_bank(bank)
    feats = [featurize(r["text"]) for r in rows]
    y = np.array([[int(label in r["labels"]) for label in FUNCTIONS] for r in rows], np.int8)
    fold = np.arange(len(rows)) % folds
    oof = np.zeros(y.shape, np.float32)
    for k in range(folds):
        train_idx, test_idx = np.where(fold != k)[0], np.where(fold == k)[0]
        vocab = vocabulary([feats[i] for i in train_idx])
        index = {f: i for i, f in enumerate(vocab)}
        w, b = _fit(sparse_matrix([feats[i] for i in train_idx], index), y[train_idx])
        logits = sparse_matrix([feats[i] for i in test_idx], index) @ w + b
        oof[test_idx] = 1 / (1 + np.exp(-logits))
    thresholds = _best_thresholds(y, oof)
    figures = _scores(y, oof >= thresholds)
    vocab = vocabulary(feats)
    index = {f: i for i, f in enumerate(vocab)}
    weights, bias = _fit(sparse_matrix(feats, index), y)
    kept = write_weights(out, vocab, weights, bias, FUNCTIONS, thresholds=thresholds)
    return {"sentences": len(rows), "features": kept, "cv_f1": figures}


def main(args: Any) -> int:
    from critic.cli.train_subjects import SUBJECT_MODEL_PATH, train_subjects

    report: dict[str, Any] = {}
    if args.model in ("sentences", "all"):
        report["sentences"] = train(Path(args.bank), Path(args.out) if args.out else MODEL_PATH, args.folds)
    if args.model in ("subjects", "all"):
        out = Path(args.subjects_out) if args.subjects_out else SUBJECT_MODEL_PATH
        report["subjects"] = train_subjects(Path(args.subjects_bank), out, args.folds)
    print(json.dumps(report, indent=2))
    return 0
