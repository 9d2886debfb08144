"""One heuristic critique at a time per process, taken in arrival order: the engine's CPU is queued, not shared.

The engine is CPU-bound Python, so a process's threads share one core through the GIL whatever their number. Left to
the GIL, eight requests in a process each advance by 5 ms slices and all finish late together; the GIL's hand-over is
not fair either, so some wait far longer (bench/serving.py measured p99 at 6x p50 at 32 connections). Through this
gate they are computed one after another in the order they arrived: the same throughput, every request's latency
near its queue position times the engine's time, and the threads that are not computing stay free to read requests,
write answers and wait on the model (the LLM step runs outside the gate).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from types import TracebackType

GATE_ENV = "CRITIC_ENGINE_CONCURRENCY"
DEFAULT_WIDTH = 1


class FifoGate:
    """At most `width` holders at once; a waiter is handed a freed place in the order it came."""

    def __init__(self, width: int = DEFAULT_WIDTH) -> None:
        self.width = width
        self._lock = threading.Lock()
        self._free = width
        self._waiters: deque[threading.Lock] = deque()

    def __enter__(self) -> FifoGate:
        if self.width <= 0:
            return self
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return self
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        try:
            turn.acquire()  # released by the holder that hands its place over
        except BaseException:
            with self._lock:
                handed = turn not in self._waiters
                if not handed:
                    self._waiters.remove(turn)
            if handed:  # the place was ours already: pass it on, or it would be lost for good
                self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.width <= 0:
            return
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()  # the place passes straight to the longest waiter
            else:
                self._free += 1

    @property
    def waiting(self) -> int:
        """Threads queued for a place."""
        with self._lock:
            return len(self._waiters)


def width_from_env(env: dict[str, str] | None = None) -> int:
    """CRITIC_ENGINE_CONCURRENCY: critiques computed at once per process (default 1; 0 lets every thread compute)."""
    raw = ((os.environ if env is None else env).get(GATE_ENV) or "").strip()
    if not raw:
        return DEFAULT_WIDTH
    value = int(raw)
    if value < 0:
        raise ValueError(f"{GATE_ENV} must be 0 or more, not {raw!r}")
    return value
