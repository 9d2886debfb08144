"""Where model answers are kept: the in-process cache, in front of the Redis one when CRITIC_REDIS_URL is set."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from critic.llm.cache import LocalCache
from critic.llm.shared import shared_cache


@dataclass(frozen=True)
class Answer:
    """A validated model answer and what it cost; this is what the caches keep, and all they keep."""

    data: dict[str, Any]
    usage: dict[str, int] | None
    model: str | None


def encode(answer: Answer) -> bytes:
    """The answer as compact JSON (what Redis stores)."""
    return json.dumps([answer.data, answer.usage, answer.model], separators=(",", ":")).encode("utf-8")


def decode(raw: bytes) -> Answer | None:
    """An answer read back from Redis; None for anything that is not one (then the model is asked again)."""
    try:
        data, usage, model = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not (usage is None or isinstance(usage, dict)):
        return None
    return Answer(data, usage, model if isinstance(model, str) else None)


class Answers:
    """Look up or make one answer per key: in this process first, then across processes on Redis."""

    def __init__(self) -> None:
        self.local: LocalCache[Answer] = LocalCache()

    def fetch(self, key: str, ttl: float, make: Callable[[], Answer], wait_until: float) -> tuple[Answer, bool]:
        """(answer, True) when no model call was made for it here, else (make(), False)."""
        shared = shared_cache()
        if shared is None:
            return self.local.fetch(key, ttl, lambda: (make(), False), wait_until)
        return self.local.fetch(key, ttl, lambda: shared.fetch(key, ttl, make, wait_until, encode, decode), wait_until)

    def clear(self) -> None:
        self.local.clear()
