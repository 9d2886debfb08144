"""What the sentence and subject models' training share: reading a bank, the feature matrix, the vocabulary, and strings
stored as one blob (development time only: scipy comes with scikit-learn)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

MIN_COUNT = 2  # examples a feature must occur in to get a column


def jsonl_rows(directory: Path) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(file name, line number, row) of every JSON line in the folder's *.jsonl files, in sorted file order."""
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield path.name, n, json.loads(line)


def sparse_matrix(feature_lists: Sequence[Sequence[str]], index: dict[str, int]) -> Any:
    """One row per example, a 1 in each column of a feature the vocabulary holds."""
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for feats in feature_lists:
        indices.extend(i for f in feats if (i := index.get(f)) is not None)
        indptr.append(len(indices))
    return csr_matrix((np.ones(len(indices), np.float32), indices, indptr), shape=(len(feature_lists), len(index)))


def vocabulary(feature_lists: Sequence[Sequence[str]]) -> list[str]:
    """The features seen in at least MIN_COUNT examples, sorted: the same bank gives the same columns."""
    counts = Counter(f for feats in feature_lists for f in set(feats))
    return sorted(f for f, c in counts.items() if c >= MIN_COUNT)


def blob(items: Any) -> np.ndarray:
    """Strings as one UTF-8 array of newline-separated items: far faster to load than a string array."""
    return np.frombuffer("\n".join(items).encode("utf-8"), np.uint8)


def checked_rows(directory: Path, problem: Callable[[dict[str, Any]], str | None]) -> list[dict[str, Any]]:
    """Every row of a bank, each checked by `problem` (its complaint, or None); the first complaint names its line."""
    rows = []
    for name, n, row in jsonl_rows(directory):
        complaint = problem(row)
        if complaint:
            raise ValueError(f"{name}:{n}: {complaint}")
        rows.append(row)
    return rows


KEEP = 0.02  # a feature whose every weight is smaller only costs size


def write_weights(
    out: Path, vocab: list[str], weights: np.ndarray, bias: np.ndarray, labels: Sequence[str], **arrays: np.ndarray
) -> int:
    """Write a fitted model's weights (features no label cares about dropped, float16); returns the features kept."""
    keep = np.abs(weights).max(axis=1) >= KEEP
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        vocab=blob(f for f, k in zip(vocab, keep, strict=True) if k),
        weights=weights[keep].astype(np.float16),
        bias=bias,
        **arrays,
        labels=blob(labels),
    )
    return int(keep.sum())
