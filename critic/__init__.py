"""outreach-critic: tells the writer of an outreach email where it imposes, fakes rapport or forgets the reader.

>>> from critic import Draft, critique, to_wire
>>> result = critique(Draft(subject="Quick question", body="Hope this finds you well! 30 minutes Tuesday?"), llm="off")
>>> result.scores.overall < 80
True
"""

from importlib.metadata import PackageNotFoundError, version

from critic.model import Critique, Draft, DraftError, Finding, Recipient, Severity
from critic.pipeline import critique, heuristic_critique
from critic.wire import to_wire

try:
    __version__ = version("outreach-critic")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

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
