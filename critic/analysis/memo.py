"""A bounded per-process memo: the results of pure functions of a sentence, so a known sentence costs a lookup."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from typing import TypeVar

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
