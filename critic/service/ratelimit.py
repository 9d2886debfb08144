"""The rate limiter's in-process counters: limits' MemoryStorage without a timer thread per request.

limits' MemoryStorage expires counters on a `threading.Timer` of 10 ms that it starts again on every hit once the
last one has run: under load that is a new thread for nearly every request, and the request waits for the thread to
start, behind every other thread wanting the GIL (measured: 0.25 ms of CPU per request in one thread, more under
contention; bench/serving.py). Here a hit sweeps expired counters itself, at most once per SWEEP seconds, so no
thread is ever started and the counters of addresses that went quiet are still dropped (memory stays flat).
Registered as the `critic-memory://` storage scheme (limits' registry is keyed by the class's STORAGE_SCHEME).
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SCHEME = "critic-memory://"
SWEEP = 1.0  # seconds between sweeps of expired counters


class SweptMemoryStorage(MemoryStorage):
    """Fixed-window counters in this process; expired ones are swept on a hit, never by a timer thread."""

    STORAGE_SCHEME = ["critic-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one timer the base class starts on creation: not needed
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP

    def _sweep(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP
            wall = time.time()
            for key in [k for k, at in list(self.expirations.items()) if at <= wall]:
                with self.locks[key]:
                    if self.expirations.get(key, wall + 1) <= wall:
                        self.storage.pop(key, None)
                        self.expirations.pop(key, None)
                self.locks.pop(key, None)
        finally:
            self._sweep_lock.release()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count a hit in the key's window (a new window when the last one expired)."""
        self._sweep()
        self.get(key)  # drops the key's expired window
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
            return self.storage.get(key, 0)

    def decr(self, key: str, amount: int = 1) -> int:
        """Take hits back from the key's window."""
        self.get(key)
        with self.locks[key]:
            self.storage[key] = max(self.storage[key] - amount, 0)
            return self.storage.get(key, 0)

    def counters(self) -> int:
        """How many keys have a live counter (a storage must stay truthy: flask-limiter asserts it, so no __len__)."""
        return len(self.storage)
