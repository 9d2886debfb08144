"""outreach-critic: tells the writer of an outreach email where it imposes, fakes rapport or forgets the reader.

>>> from critic import Draft, critique, to_wire
>>> result = critique(Draft(subject="Quick question", body="Hope this finds you well! 30 minutes Tuesday?"), llm="off")
>>> result.scores.overall < 80
True
"""

from __future__ import annotations

import functools

from critic.model import Critique, Draft, DraftError, Finding, Recipient, Severity
from critic.pipeline import critique, heuristic_critique
from critic.wire import to_wire


@functools.cache
def _version() -> str:
    # importlib.metadata imports a good part of the standard library: only when the version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("outreach-critic")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'critic' has no attribute {name!r}")


__all__ = [
    "Critique",
    "Draft",
    "DraftError",
    "Finding",
    "Recipient",
    "Severity",
    "__version__",
    "critique",
    "heuristic_critique",
    "to_wire",
]
