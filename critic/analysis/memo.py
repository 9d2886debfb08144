"""A bounded per-process memo: the results of pure functions of a sentence, so a known sentence costs a lookup."""

from __future__ import annotations

import contextlib
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A dict that forgets its oldest entry once full; threads may share it (a lost entry is only worked out again)."""

    __slots__ = ("_data", "size")

    def __init__(self, size: int) -> None:
        self._data: dict[K, V] = {}
        self.size = size

    def get(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> None:
        data = self._data
        if len(data) >= self.size:
            # Oldest first (dicts keep insertion order); another thread may be evicting at the same moment.
            with contextlib.suppress(StopIteration, RuntimeError):
                data.pop(next(iter(data)), None)
        data[key] = value

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
