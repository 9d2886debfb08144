"""A small in-memory LRU cache with a time to live, shared by the process; nothing is written to disk."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")
DEFAULT_SIZE = 256


class TTLCache(Generic[V]):
    """Least recently used entries go first once `size` is reached; entries older than the TTL are misses."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._data: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, ttl: float) -> V | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            stored, value = item
            if time.monotonic() - stored > ttl:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._data[key] = (time.monotonic(), value)
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
