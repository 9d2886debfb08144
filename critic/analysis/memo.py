"""A bounded per-process memo: the results of pure functions of a sentence, so a known sentence costs a lookup."""

from __future__ import annotations

from collections import deque
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

    __slots__ = ("size", "_order")

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        # Keys in insertion order: a full dict's oldest key is a popleft, where next(iter(dict)) walks past the
        # slots of every key evicted since the dict last resized (a cold process evicts on every put).
        self._order: deque[K] = deque()

    def put(self, key: K, value: V) -> None:
        if key not in self:
            while len(self) >= self.size and self._order:
                try:  # another thread may be evicting at the same moment
                    self.pop(self._order.popleft(), None)
                except IndexError:
                    break
            self._order.append(key)
        self[key] = value

    def clear(self) -> None:
        super().clear()
        self._order.clear()
