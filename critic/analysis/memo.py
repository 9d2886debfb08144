"""A bounded per-process memo: the results of pure functions of a sentence, so a known sentence costs a lookup."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from typing import TypeVar

# How much each memo keeps: a writer's recent drafts, re-checked as they type, fit many times over; with every memo
# full a process holds some tens of MB more than with none (each sentence keeps its text and needle set alive).
SENTENCES = 4096  # per memo of sentences
PER_RULE = 1024  # sentences per phrase rule (each rule keeps only the sentences it had to judge)
PARAGRAPHS = 1024

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """A dict that forgets its oldest entry once full; threads may share it (a lost entry is only worked out again)."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> None:
        if len(self) >= self.size:
            # Oldest first (dicts keep insertion order); another thread may be evicting at the same moment.
            with contextlib.suppress(StopIteration, RuntimeError):
                self.pop(next(iter(self)), None)
        self[key] = value
