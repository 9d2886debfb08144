"""The subject model: whether a subject line says what the email is about (specific) or is vague, hype or deceptive.

A linear model over the same word and character features as the sentence model plus the subject's own shape
(emoji, exclamation marks, words in capitals, reply prefixes, merge tags, figures, names). `critic train` fits it
with scikit-learn on training/subjects/ and writes critic/analysis/data/subjects.npz; inference needs only numpy.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from critic.analysis.functions import _TOKEN, CACHE_ENTRIES, _normal, _word_features, unblob

SUBJECT_MODEL_PATH = Path(__file__).with_name("data") / "subjects.npz"
SUBJECT_LABELS: tuple[str, ...] = ("specific", "vague", "hype", "deceptive")

_TAG = re.compile(r"\{\{[^{}]{1,40}\}\}|\{[A-Za-z_ ]{1,30}\}|\[[A-Za-z_ ]{1,30}\]|%[A-Z_]{2,30}%")
_PREFIX = re.compile(r"^\s*((?:re|fwd?|aw|wg|rv|tr|enc|r|i)\s*:\s*)+", re.IGNORECASE)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u3297\u3299\ufe0f]")
_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")
_NAME = re.compile(r"(?<=\s)(?-i:[A-Z])[a-z]+(?:\s(?-i:[A-Z])[a-z]+)*")
_DIGIT = re.compile(r"\d")


def _shape(text: str) -> list[str]:
    """Features of the subject's form, independent of its words."""
    prefix = _PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    words = body.split()
    emoji = len(_EMOJI.findall(text))
    bangs = text.count("!")
    out = [
        f"slen:{min(len(words), 12) // 2}",
        f"emoji:{min(emoji, 2)}",
        f"bang:{min(bangs, 2)}",
        f"caps:{min(len(_CAPS_WORD.findall(body)), 2)}",
        f"prefix:{min(len(prefix.group(0).split(':')) - 1, 2) if prefix else 0}",
    ]
    if body.rstrip().endswith("?"):
        out.append("s:question")
    if _TAG.search(text):
        out.append("s:tag")
    if _DIGIT.search(body):
        out.append("s:number")
    if ":" in body or " - " in body or "–" in body:
        out.append("s:colon")
    if "<>" in body or "↔" in body:
        out.append("s:pair")
    if _NAME.search(" " + " ".join(words[1:])):
        out.append("s:name")
    if len(words) <= 2:
        out.append("s:short")
    return out


def featurize_subject(text: str) -> tuple[str, ...]:
    """The features of one subject line, as training sees them."""
    plain = _TAG.sub(" tagx ", text)
    tokens = [_normal(t) for t in _TOKEN.findall(plain)]
    feats: list[str] = []
    for t in tokens:
        feats.extend(_word_features(t))
    feats.extend(f"b:{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False))
    if tokens:
        feats.append(f"first:{tokens[0]}")
    feats.extend(_shape(text))
    return tuple(feats)


@dataclass(frozen=True)
class SubjectModel:
    """One linear scorer per label (softmax over them)."""

    index: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    labels: tuple[str, ...]
    _seen: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    def probabilities(self, text: str) -> dict[str, float]:
        """The probability of each label for one subject line."""
        # A writer re-checks the same draft as they type: the subject rarely changes between checks.
        seen = self._seen.get(text)
        if seen is not None:
            return seen
        if len(self._seen) >= CACHE_ENTRIES:
            self._seen.clear()
        rows = [i for f in featurize_subject(text) if (i := self.index.get(f)) is not None]
        logits = (self.weights[np.asarray(rows, np.intp)].sum(axis=0) if rows else 0.0) + self.bias
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        out = self._seen[text] = {label: round(float(p), 3) for label, p in zip(self.labels, probs, strict=True)}
        return out


@functools.cache
def subject_model(path: str | None = None) -> SubjectModel:
    """The shipped subject model (loaded once per process)."""
    with np.load(path or SUBJECT_MODEL_PATH, allow_pickle=False) as data:
        vocab, labels = unblob(data["vocab"]), tuple(unblob(data["labels"]))
        return SubjectModel(
            index={f: i for i, f in enumerate(vocab)},
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            labels=labels,
        )
